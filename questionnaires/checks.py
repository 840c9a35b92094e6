"""Named checks: rules across the rows of a question that the file format cannot say field by
field (a share of a total, a category refused), registered here by name. A question refers to
one (`Question.named_check`, `"check": "kmf_budget"` in the file); the form runs it where it
checks word limits (questionnaires.forms), before submitting too, and the answers pages show
what it sums up. A check reads the rows only: it knows nothing of the application they are in.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import euros

# Kind's values, by name: the models validate a check's name against this registry, so it
# does not import them.
ROWS, SINGLE_CHOICE, MONEY, SHORT_TEXT = "rows", "single_choice", "money", "short_text"


@dataclass(frozen=True)
class Share:
    """Who spends a part of the budget, how much, and its share of the total."""

    name: str
    amount: str
    percent: str


@dataclass(frozen=True)
class Summary:
    title: str
    shares: tuple[Share, ...]


class NamedCheck:
    """A check's name, what the Secretariat reads in the admin, and three answers:
    `misfit(question)` what the question lacks for it (""), `problems(question, rows)` what is
    wrong with the rows (cleaned or stored values), `summary(question, rows)` what the answers
    pages show under the rows (or None)."""

    name = ""
    label = ""
    kind = ROWS

    def misfit(self, question):
        return ""

    def problems(self, question, rows):
        return []

    def summary(self, question, rows):
        return None

    def spending(self, question, rows):
        """{who spends: euros} over the rows, the lead under "", where the check reads who
        spends the budget; None where it does not."""
        return None


REGISTRY = {}


def register(check):
    REGISTRY[check.name] = check
    return check


def named(name):
    return REGISTRY.get(name or "")


def choices():
    return [(check.name, check.label) for check in REGISTRY.values()]


def validate_named_check(value):
    """The one rule for a check's name, in the admin and in an imported file."""
    if value and value not in REGISTRY:
        raise ValidationError(
            gettext_lazy("“%(value)s” is not a check this site knows (it knows %(known)s)."),
            code="unknown_check",
            params={"value": value, "known": ", ".join(sorted(REGISTRY)) or "—"},
        )


def problems(question, rows):
    check = named(question.named_check)
    return check.problems(question, rows) if check else []


def summary(question, rows):
    check = named(question.named_check)
    return check.summary(question, rows) if check and rows else None


def spending(question, rows):
    check = named(question.named_check)
    return check.spending(question, rows or []) if check else None


def _amount(value):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _percent(part, total):
    share = (Decimal(part) * 100 / total).quantize(Decimal("0.1"))
    return f"{formats.number_format(share.normalize(), use_l10n=True)}\u00a0%"


def _tidy(name):
    return " ".join(str(name or "").split())


# ---- The Knowledge Management Fund's budget --------------------------------------------------


class KmfBudget(NamedCheck):
    """The Fund's budget rule over the budget lines: personnel at most 30 % of the total, no
    overheads; and each partner's share (the lines it spends, the lead's the lines no partner
    spends). The lines are rows with a `category` (one choice, among them `personnel`), an
    `amount` in euros and, if asked, the `partner` who spends it."""

    name = "kmf_budget"
    label = gettext_lazy("The Fund's budget rule: personnel at most 30 %, no overheads")
    PERSONNEL = "personnel"
    # A category the Secretariat may offer so that applicants see overheads are not funded.
    OVERHEADS = frozenset({"overheads", "overhead", "indirect_costs"})
    MOST_PERSONNEL = Decimal(30)

    def misfit(self, question):
        columns = {column.key: column for column in question.columns}
        category, amount = columns.get("category"), columns.get("amount")
        partner = columns.get("partner")
        if (
            question.kind != ROWS
            or category is None
            or category.kind != SINGLE_CHOICE
            or self.PERSONNEL not in {choice.value for choice in category.choices}
            or amount is None
            or amount.kind != MONEY
            or (partner is not None and partner.kind != SHORT_TEXT)
        ):
            return _(
                "the check “kmf_budget” is for repeating rows with a column “category” (one "
                "choice, among them “personnel”), a column “amount” (euros) and, if asked, a "
                "column “partner” (short text)."
            )
        return ""

    def _lines(self, question, rows):
        """(row number, category, amount, partner) of each row with an amount."""
        for number, row in enumerate(rows, start=1):
            amount = _amount(row.get("amount"))
            if amount is not None:
                yield number, row.get("category") or "", amount, _tidy(row.get("partner"))

    def problems(self, question, rows):
        lines = list(self._lines(question, rows))
        found = []
        category = question.column_with_key("category")
        for number, kind, amount, _partner in lines:
            if kind in self.OVERHEADS:
                found.append(
                    _(
                        "%(question)s, row %(number)d: the Fund pays no overheads "
                        "(%(category)s, %(amount)s): remove the line, or name the direct cost "
                        "it pays for."
                    )
                    % {
                        "question": question.label,
                        "number": number,
                        "category": category.choice_label(kind) if category else kind,
                        "amount": euros(amount, 2),
                    }
                )
        total = sum((amount for _n, _k, amount, _p in lines), Decimal(0))
        personnel = sum(
            (amount for _n, kind, amount, _p in lines if kind == self.PERSONNEL), Decimal(0)
        )
        if total > 0 and personnel * 100 > total * self.MOST_PERSONNEL:
            found.append(
                _(
                    "%(question)s: personnel costs are %(personnel)s of %(total)s "
                    "(%(share)s); the Fund pays at most %(limit)s of the budget for personnel, "
                    "here %(most)s."
                )
                % {
                    "question": question.label,
                    "personnel": euros(personnel, 2),
                    "total": euros(total, 2),
                    "share": _percent(personnel, total),
                    "limit": _percent(self.MOST_PERSONNEL, 100),
                    "most": euros(total * self.MOST_PERSONNEL / 100, 2),
                }
            )
        return found

    def spending(self, question, rows):
        """Each partner's lines together (names matched capitals and spaces aside, the first
        spelling kept), the lead's under ""."""
        spent = {}
        names = {}
        for _number, _kind, amount, partner in self._lines(question, rows):
            name = names.setdefault(partner.casefold(), partner)
            spent[name] = spent.get(name, Decimal(0)) + amount
        return spent

    def summary(self, question, rows):
        spent = self.spending(question, rows)
        total = sum(spent.values(), Decimal(0))
        if total <= 0:
            return None
        lead = spent.pop("", None)
        shares = [
            Share(name, euros(amount, 2), _percent(amount, total)) for name, amount in spent.items()
        ]
        if lead is not None:
            shares.insert(0, Share(_("Lead organisation"), euros(lead, 2), _percent(lead, total)))
        return Summary(
            title=_("Share of the budget by who spends it (total %(total)s)")
            % {"total": euros(total, 2)},
            shares=tuple(shares),
        )


register(KmfBudget())
