"""The partners an application names, read from its answers, and the balance of power in
figures: what the EOI stores beside its answers (answers.columns), so that lists, filters,
sorts and exports read columns. The partners' own rows are submissions.partners'."""

from decimal import Decimal, InvalidOperation

from questionnaires.answers import is_answered
from questionnaires.models import Role

HUNDRED = Decimal(100)
# Which Partner field each column role fills.
FIELDS = {
    Role.PARTNER_NAME: "name",
    Role.PARTNER_COUNTRY: "country",
    Role.PARTNER_ROLE: "role",
    Role.PARTNER_SHARE: "budget_share",
    Role.PARTNER_LOCALLY_LED: "locally_led",
    Role.PARTNER_EMAIL: "email",
    Role.PARTNER_NOT_NAMED: "anonymous",
}
BLANK = {"budget_share": None, "locally_led": False, "anonymous": False}


def tidy(name):
    return " ".join(str(name).split())


def rows_of(definition, answers):
    """The partners as the answers name them: one dict of Partner fields per row with a name."""
    question = definition.with_role(Role.PARTNERS)
    if question is None:
        return []
    value = answers.get(question.key)
    if not is_answered(question, value):
        return []
    found = []
    for row in value:
        partner = {}
        for column in question.columns:
            field = FIELDS.get(column.role)
            if field is None:
                continue
            cell = row.get(column.key)
            partner[field] = cell if is_answered(column, cell) else BLANK.get(field, "")
        partner["name"] = tidy(partner.get("name") or "")
        if not partner["name"]:
            continue
        for field in FIELDS.values():
            partner.setdefault(field, BLANK.get(field, ""))
        partner["budget_share"] = _share(partner["budget_share"])
        partner["email"] = str(partner["email"]).strip()
        partner["role"] = str(partner["role"]).strip()
        found.append(partner)
    return found


def _share(value):
    try:
        share = Decimal(value).quantize(Decimal("0.01")) if value not in (None, "") else None
    except (InvalidOperation, TypeError):
        return None
    return share if share is None or 0 <= share <= HUNDRED else None


def figures(definition, answers, countries=None, lead_country=None):
    """The EOI's figures from its answers (the role columns given, or read from the answers):

    - local_share: the share of the budget (%) going to organisations based in the countries
      of focus: the partners based there, and the lead's own share (100 − the partners') when
      the lead is based there. None when the EOI names no country of focus.
    - lead_is_local: whether the lead is based in one of them (None when either is unknown).
    - partners_named: how many partners the answers name.

    A partner whose share is not given counts as receiving none (the lead keeps it); shares
    adding up to more than 100 (a draft, refused at submission) leave the lead nothing."""
    if countries is None:
        question = definition.with_role(Role.COUNTRIES)
        value = answers.get(question.key) if question else None
        countries = value if question and is_answered(question, value) else []
    if lead_country is None:
        question = definition.with_role(Role.ORGANISATION_COUNTRY)
        value = answers.get(question.key) if question else None
        lead_country = value if question and is_answered(question, value) else ""
    partners = rows_of(definition, answers)
    focus = {str(code) for code in countries}
    lead_country = str(lead_country or "")
    lead_is_local = (lead_country in focus) if focus and lead_country else None
    local_share = None
    if focus:
        given = sum((p["budget_share"] or 0 for p in partners), Decimal(0))
        lead_share = max(HUNDRED - given, Decimal(0))
        local = sum(
            (p["budget_share"] or 0 for p in partners if str(p["country"]) in focus), Decimal(0)
        )
        if lead_is_local:
            local += lead_share
        local_share = min(local, HUNDRED).quantize(Decimal("0.01"))
    return {
        "local_share": local_share,
        "lead_is_local": lead_is_local,
        "partners_named": len(partners),
    }


def figures_from_spending(spent, partners, countries, lead_country):
    """The figures of an application that names no partners but says who spends each line of
    its budget (`spent`, checks.spending: {name: euros}, the lead under ""), each spender's
    country read from `partners` (the EOI's, matched by name): local_share is the share of
    the euros spent by organisations based in the countries of focus (a spender the EOI does
    not name counts as based elsewhere); partners_named, the partners who spend."""
    focus = {str(code) for code in countries or ()}
    lead_country = str(lead_country or "")
    lead_is_local = (lead_country in focus) if focus and lead_country else None
    country_of = {tidy(partner.name).casefold(): str(partner.country) for partner in partners}
    total = sum(spent.values(), Decimal(0))
    local_share = None
    if focus and total > 0:
        local = sum(
            (
                amount
                for name, amount in spent.items()
                if (lead_is_local if not name else country_of.get(name.casefold()) in focus)
            ),
            Decimal(0),
        )
        local_share = (local * HUNDRED / total).quantize(Decimal("0.01"))
    return {
        "local_share": local_share,
        "lead_is_local": lead_is_local,
        "partners_named": sum(1 for name in spent if name),
    }
