from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import formats, timezone
from django_countries import countries

from accounts.selectors import with_names
from core.permissions import can, remembered
from notifications.models import OutboundEmail
from questionnaires.models import Role
from submissions import answers
from submissions.models import ExpressionOfInterest, Proposal

from . import dashboard
from .models import (
    Assignment,
    Conflict,
    Decision,
    Review,
    Score,
    StageScore,
    current_decision,
    rubric_of,
)

# Unscored EOIs come last on SQLite and PostgreSQL alike.
# What the list sorts on, by column: an EOI with no figure yet goes last either way, and the
# reference breaks ties so that a page never shows a row twice.
SORTS = {
    "reference": "reference",
    "title": "title",
    "status": "status",
    "mean": "score__mean",
    "median": "score__median",
    "spread": "score__spread",
    "rank": "score__rank",
    "budget": "budget_requested",
    "local_share": "local_share",
    "partners": "partners_confirmed",
}


def sorted_eois(eois, sort):
    """`eois` in the order a `sort` such as "-mean" names (by reference when it names none)."""
    sort = sort or ""
    field = F(SORTS.get(sort.removeprefix("-"), "reference"))
    first = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    return eois.order_by(first, "reference", "pk")


def _count(queryset):
    counted = queryset.order_by().values("eoi").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# The answers are read on an EOI's own page and in exports, never in the list: leaving them out
# keeps the rows that PostgreSQL sorts and Python builds small.


def _current_decisions():
    """The decision of the stage each EOI is in (the outer row), for a subquery."""
    return Decision.objects.filter(eoi=OuterRef("pk")).filter(
        Q(stage=OuterRef("stage")) | Q(stage=None) & Q(eoi__stage=None)
    )


def secretariat_eois(call):
    """The call's EOIs (drafts aside) with their figures, by reference, in few queries; the
    current stage's decision as `decision_outcome` and `decision_released_at`."""
    current = _current_decisions()
    return (
        call.eois.exclude(status=ExpressionOfInterest.Status.DRAFT)
        .select_related("score", "stage")
        .defer("answers")
        .annotate(
            decision_outcome=Subquery(current.values("outcome")[:1]),
            decision_released_at=Subquery(current.values("released_at")[:1]),
            reviewer_count=_count(
                Assignment.objects.filter(eoi=OuterRef("pk"), released_at=None, stage=None)
            ),
            submitted_reviews=_count(
                Review.objects.filter(
                    eoi=OuterRef("pk"), status=Review.Status.SUBMITTED, stage=None
                )
            ),
        )
        .order_by("reference")
    )


# What the EOI list's rows show (review.tables.EOITable, its hidden budget column too): each
# row reads these columns, not the EOI's thirty and its score's and stage's all (building that
# SELECT and its rows was a sixth of the list's CPU at 5,000 EOIs). The call's id too: the rows
# come through `call.eois`, which puts the call on each row by it.
LISTED_EOI_FIELDS = (
    *("call", "uuid", "reference", "title", "organisation_name", "status", "budget_requested"),
    *("local_share", "lead_is_local", "partners_named", "partners_confirmed"),
    *("stage__kind", "score__mean", "score__median", "score__spread", "score__rank"),
    "score__disagreement",
)


def listed_eois(call):
    """secretariat_eois as the Secretariat's EOI list reads them: the columns it shows only."""
    return secretariat_eois(call).only(*LISTED_EOI_FIELDS)


def call_reviews(call):
    """The reviews of the call's EOIs, drafts too, each with its EOI and reviewer: one query."""
    return (
        Review.objects.filter(eoi__call=call, stage=None)
        .select_related("eoi", "reviewer")
        .defer("eoi__answers")
        .order_by("eoi__reference", "reviewer__name", "pk")
    )


NOT_STARTED = "not_started"


def call_assignments(call):
    """Every assignment in the call, released ones too, each with its EOI, its reviewer and
    `review_status` (draft, submitted or not started): one query."""
    theirs = Review.objects.filter(eoi=OuterRef("eoi"), reviewer=OuterRef("reviewer"), stage=None)
    return (
        Assignment.objects.filter(eoi__call=call, stage=None)
        .select_related("eoi", "reviewer")
        .defer("eoi__answers")
        .annotate(review_status=Coalesce(Subquery(theirs.values("status")[:1]), Value(NOT_STARTED)))
        .order_by("eoi__reference", "reviewer__name", "pk")
    )


def _same_round():
    """The filter of a review of the outer assignment's round (a stage, or none: the EOI's);
    NULL never equals NULL in SQL, so both sides are compared with none as 0."""
    return Q(round=Coalesce(OuterRef("stage"), 0))


def reviewer_assignments(reviewer):
    """The reviewer's assignments in every round: EOIs, and proposals of a later stage."""
    mine = (
        Review.objects.filter(eoi=OuterRef("eoi"), reviewer=reviewer)
        .annotate(round=Coalesce("stage", 0))
        .filter(_same_round())
    )
    return (
        Assignment.objects.filter(reviewer=reviewer, released_at=None)
        .select_related("eoi__call", "stage")
        # The page shows each EOI's reference and title: its answers stay in the database.
        .defer("eoi__answers")
        .annotate(
            review_status=Subquery(mine.values("status")[:1]),
            review_total=Subquery(mine.values("total")[:1]),
        )
        # What is still to do first, the soonest due at the top; submitted reviews after.
        .order_by(
            Case(When(review_status=Review.Status.SUBMITTED, then=1), default=0),
            "due_at",
            "eoi__reference",
        )
    )


def _bars(rows):
    """[(label, count)] with each bar's share of the largest, for the dashboard's charts."""
    rows = list(rows)
    top = max((count for _label, count in rows), default=0) or 1
    return [
        {"label": label, "count": count, "percent": round(100 * count / top)}
        for label, count in rows
    ]


# The dashboard's figures are counted at most once a minute per call: their SQL is most of the
# page's time (docs/BENCHMARKS.md), and a minute-old count is as good on a deadline day.
INTAKE_FRESH_FOR = 60


def intake_key(call):
    # The version changes with the figures' shape: a deploy must not read the last one's.
    return f"review:intake:5:{call.pk}"


def intake(call):
    """The figures of the Secretariat's dashboard, labelled in the active language."""
    figures = cache.get(intake_key(call))
    if figures is None:
        figures = count_intake(call)
        cache.set(intake_key(call), figures, INTAKE_FRESH_FOR)
    Status = ExpressionOfInterest.Status
    requested = figures["requested"]
    return {
        "counted_at": figures["counted_at"],
        "statuses": _bars(
            (label, figures["statuses"].get(value, 0)) for value, label in Status.choices
        ),
        "challenges": _bars(
            (f"{challenge.number}. {challenge.title}", figures["challenges"].get(challenge.pk, 0))
            for challenge in call.challenges.all()
        ),
        "countries": _bars((countries.name(code) or "—", n) for code, n in figures["countries"]),
        "types": _bars((str(label), n) for label, n in figures["types"]),
        "per_day": _bars((formats.date_format(day, "j M"), n) for day, n in figures["per_day"]),
        "requested": requested,
        "available": call.budget_available,
        "requested_percent": round(100 * requested / call.budget_available)
        if call.budget_available
        else None,
        "progress": figures["progress"],
        "balance": balance_figures(figures["balance"]),
        "funnel": _bars(dashboard.funnel(figures["counted"])),
        "money": _money(call, figures["counted"].get("committed")),
        "links": dashboard.links(),
    }


def _money(call, committed):
    """The euros the call's grants commit against its funds available, when awards counts them."""
    if committed is None:
        return None
    available = call.budget_available
    return {
        "committed": committed,
        "available": available,
        "remaining": None if available is None else available - committed,
        "percent": round(100 * committed / available) if available else None,
    }


def organisation_types(call):
    """The choices of the call's question about the type of organisation, if it asks one."""
    question = (
        answers.asked(call).with_role(Role.ORGANISATION_TYPE) if call.questionnaire_id else None
    )
    return question.choices if question else ()


def count_intake(call):
    """The dashboard's counts, from six aggregate queries; plain values, fit for the cache (the
    types' labels are the questionnaire's texts in both languages, so a cached look reads no
    questionnaire)."""
    is_sent = ~Q(status__in=NOT_SENT)
    sent = call.eois.filter(is_sent)
    types = organisation_types(call)
    groups = _eoi_groups(call)
    sent_groups = [group for group in groups if is_sent_status(group["status"])]
    # Counted on the links to the call's sent EOIs, by challenge id (the page reads the
    # challenges' numbers and titles): joining each link to its challenge as well cost a second
    # join of the ~100,000 links at 50,000 EOIs.
    by_challenge = (
        ExpressionOfInterest.challenges.through.objects.filter(
            expressionofinterest__in=sent.values("pk")
        )
        .values_list("challenge")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_country = (
        sent.values_list("organisation_country").annotate(n=Count("pk")).order_by("-n")[:15]
    )
    per_day = (
        sent.exclude(submitted_at=None)
        .annotate(day=TruncDate("submitted_at", tzinfo=call.zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    # Counted per reviewer id, names looked up after; done is what the assignment records
    # (reviewed_at), so the thousands of assignments are joined neither to their people nor to
    # the reviews.
    per_reviewer = (
        Assignment.objects.filter(eoi__call=call, released_at=None, stage=None)
        .values_list("reviewer")
        .annotate(assigned=Count("pk"), done=Count("pk", filter=Q(reviewed_at__isnull=False)))
        .order_by()
    )
    counts = {reviewer: (assigned, done) for reviewer, assigned, done in per_reviewer}
    panel = (
        get_user_model()
        .objects.filter(pk__in=counts)
        .order_by("name", "email")
        .values_list("pk", "name", "email")
    )
    balance = {
        name: _balance([group for group in groups if belongs(group)])
        for name, belongs in BALANCE_GROUPS.items()
    }
    return {
        "counted_at": timezone.now(),
        "statuses": {
            value: sum(group["n"] for group in groups if group["status"] == value)
            for value in _Status.values
        },
        "types": [
            (
                choice.label,
                sum(group["n"] for group in sent_groups if group["type"] == choice.value),
            )
            for choice in types
        ],
        "requested": _total(group["requested"] for group in sent_groups) or 0,
        "challenges": dict(by_challenge),
        "countries": list(by_country),
        "per_day": list(per_day),
        "progress": [
            {"reviewer": name or email, "assigned": counts[pk][0], "done": counts[pk][1]}
            for pk, name, email in panel
        ],
        "balance": balance,
        # The funnel's first steps are the balance's groups counted above; the later ones, and
        # the money, come from the counters registered in review/dashboard.py.
        "counted": {
            "sent": balance["sent"]["count"],
            "invited": balance["invited"]["count"],
            **dashboard.count_all(call),
        },
    }


def proposals_submitted(call):
    """The full proposals submitted to the call (a later change of status leaves them counted)."""
    return Proposal.objects.filter(stage__call=call, status=Proposal.Status.SUBMITTED).count()


_Status = ExpressionOfInterest.Status
NOT_SENT = (_Status.DRAFT, _Status.WITHDRAWN)
# Invited to a full proposal, whatever became of them since: the ones invited now and every one
# in a later stage (moved on, waitlisted or not selected there). A call with no later stage
# keeps its invited EOIs in the EOI stage.
MOVED_ON = (_Status.INVITED, _Status.SHORTLISTED, _Status.RECOMMENDED, _Status.AWARDED)


def is_sent_status(status):
    return status not in NOT_SENT


# The dashboard's groups of EOIs for the balance of power, in their columns' order: whether an
# EOI of a status, in a stage (or none), belongs to each.
BALANCE_GROUPS = {
    "sent": lambda group: is_sent_status(group["status"]),
    "invited": lambda group: group["status"] in MOVED_ON or group["stage"] is not None,
    "awarded": lambda group: group["status"] == _Status.AWARDED,
}


GROUP_SUMS = (
    "requested",
    "money",
    "local_money",
    "local_leads",
    "leads_known",
    "named",
    "confirmed",
)


def _eoi_groups(call):
    """The call's EOIs counted and summed by status, type of organisation and stage, in one
    pass over the call's index (submissions' eoi_call_figures covers every column read): the
    dashboard's statuses, types, amount requested and balance of power are added up from these
    few rows, instead of forty filtered aggregates evaluated on each of the call's EOIs."""
    known = Q(local_share__isnull=False, budget_requested__isnull=False)
    rows = (
        call.eois.values_list("status", "organisation_type", "stage")
        .annotate(
            n=Count("pk"),
            requested=Sum("budget_requested"),
            money=Sum("budget_requested", filter=known),
            local_money=Sum(
                F("local_share") * F("budget_requested") / 100,
                filter=known,
                output_field=DecimalField(max_digits=20, decimal_places=4),
            ),
            local_leads=Count("pk", filter=Q(lead_is_local=True)),
            leads_known=Count("pk", filter=Q(lead_is_local__isnull=False)),
            named=Sum("partners_named"),
            confirmed=Sum("partners_confirmed"),
        )
        .order_by()
    )
    fields = ("status", "type", "stage", "n", *GROUP_SUMS)
    return [dict(zip(fields, row, strict=True)) for row in rows]


def _total(values):
    """A sum as SQL's SUM gives it: None when nothing is summed."""
    values = [value for value in values if value is not None]
    return sum(values) if values else None


def _balance(groups):
    """The balance of power over some of the call's groups of EOIs: the euros requested that go
    to organisations based in the countries of focus (each EOI's amount times its local share;
    EOIs with no country of focus or no amount left out), the leads based there, and the
    partners confirmed of those named."""
    return {
        "count": sum(group["n"] for group in groups),
        "local_money": _total(group["local_money"] for group in groups),
        "money": _total(group["money"] for group in groups),
        "local_leads": sum(group["local_leads"] for group in groups),
        "leads_known": sum(group["leads_known"] for group in groups),
        "named": _total(group["named"] for group in groups),
        "confirmed": _total(group["confirmed"] for group in groups),
    }


def _percent(part, whole):
    return round(100 * part / whole) if part is not None and whole else None


def balance_figures(balance):
    """The dashboard's balance of power, as percentages and counts, for each group."""
    return {
        group: {
            "count": totals["count"],
            "local_money": _percent(totals["local_money"], totals["money"]),
            "local_leads": _percent(totals["local_leads"], totals["leads_known"]),
            "named": totals["named"] or 0,
            "confirmed": totals["confirmed"] or 0,
        }
        for group, totals in balance.items()
    }


def outbox_mails():
    """Every mail of the site for the Secretariat's outbox, their texts never read: an account
    mail's holds a one-time sign-in or password link."""
    return OutboundEmail.objects.select_related("eoi").only(
        "created_at",
        "to",
        "event",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
        "eoi__uuid",
        "eoi__reference",
    )


def decisions_of(eoi):
    """What current_decision and submissions' released_outcomes say of the EOI, from one query
    (the Secretariat's page of an EOI shows both): the decision of the stage the EOI is in, or
    None, and the released decisions in the order of their release, each with its stage."""
    # Prefetched on the EOI: current_decision reads its rule off them.
    prefetch_related_objects(
        [eoi],
        Prefetch("decisions", queryset=Decision.objects.select_related("stage").order_by("pk")),
    )
    released = sorted(
        (d for d in eoi.decisions.all() if d.released_at is not None),
        key=lambda d: (d.released_at, d.pk),
    )
    return current_decision(eoi), released


def scores_by_criterion(eoi, stage=None):
    """The EOI's reviews in one round (its own, or a later stage's: its proposal's), drafts too,
    by reviewer's name, and, for each criterion of that round's rubric, the score of each
    review in that order (None where it has none): the Secretariat's table of scores, two
    queries for the reviews and theirs, one for the criteria. The template had looked for each
    cell's score among all of a review's (criteria × reviews × scores)."""
    reviews = list(
        with_names(Review.objects.filter(eoi=eoi, stage=stage), "reviewer")
        .prefetch_related("scores")
        .order_by("reviewer__name")
    )
    given = [{score.criterion_id: score for score in review.scores.all()} for review in reviews]
    rows = [
        (criterion, [scores.get(criterion.pk) for scores in given])
        for criterion in rubric_of(eoi.call, stage)
    ]
    return reviews, rows


def active_assignment(reviewer, eoi, stage_id=None):
    """`reviewer`'s active assignment in a round of `eoi` (its own, stage_id None, or a later
    stage's), with `conflicted` (a conflict with the EOI is recorded: it holds for its proposals
    too) and `submitted` (their review of the round is in); None without one. One query, kept
    for the rest of a GET request: the scoring page's permissions ask it nine times (review/
    rules.py), and the page reads the assignment itself once more."""
    return remembered(
        ("review.active_assignment", reviewer.pk, eoi.pk, stage_id),
        lambda: (
            Assignment.objects.filter(
                eoi=eoi, reviewer=reviewer, released_at=None, stage_id=stage_id
            )
            .annotate(
                conflicted=Exists(Conflict.objects.filter(eoi=eoi, reviewer=reviewer)),
                submitted=Exists(
                    Review.objects.filter(
                        eoi=eoi,
                        reviewer=reviewer,
                        status=Review.Status.SUBMITTED,
                        stage_id=stage_id,
                    )
                ),
            )
            .first()
        ),
    )


def reviews_for_reviewer(eoi, reviewer, stage, criteria, with_others):
    """What `reviewer`'s scoring page shows of the reviews of a round of `eoi`: their own (None
    before they begin) and, `with_others`, the other reviewers' submitted ones in the order
    they came in (None without). Two queries for both: the reviews, then their scores in the
    rubric's order, each given its criterion from `criteria` (the round's rubric, read already)."""
    mine = Q(reviewer=reviewer)
    if with_others:
        mine |= Q(status=Review.Status.SUBMITTED)
    scores = Score.objects.order_by("criterion__position", "criterion")
    reviews = list(
        with_names(Review.objects.filter(mine, eoi=eoi, stage=stage), "reviewer")
        .prefetch_related(Prefetch("scores", queryset=scores))
        .order_by("submitted_at", "pk")
    )
    by_pk = {criterion.pk: criterion for criterion in criteria}
    for review in reviews:
        for score in review.scores.all():
            if score.criterion_id in by_pk:
                score.criterion = by_pk[score.criterion_id]
    own = next((review for review in reviews if review.reviewer_id == reviewer.pk), None)
    others = [review for review in reviews if review is not own] if with_others else None
    return own, others


def proposal_reviews(proposal):
    """The reviews of the proposal in its stage's round, as scores_by_criterion gives them, for
    the Secretariat's page of its EOI; None where the proposal is not reviewed."""
    if proposal is None or not proposal.stage.reviewed:
        return None
    reviews, score_rows = scores_by_criterion(proposal.eoi, proposal.stage)
    return {"reviews": reviews, "score_rows": score_rows}


def call_proposals(call):
    """The call's full proposals, each with its EOI and applicant, without the answers: one
    query."""
    return (
        # Found by their stages, the call's few: by their EOIs' call, counting them read every
        # EOI of the call (27 ms at 50,000 EOIs).
        Proposal.objects.filter(stage__call=call)
        .select_related("eoi", "eoi__owner")
        .defer("answers", "eoi__answers")
        .order_by("eoi__reference", "pk")
    )


def proposal_under_review_or_404(user, uuid, stage_pk, permission):
    """The proposal of the EOI `uuid` in the stage `stage_pk` if `user` may review it this way
    (review/rules.py); a 404 otherwise, so nobody learns it exists."""
    proposal = (
        Proposal.objects.select_related(
            "eoi__call__questionnaire", "eoi__questionnaire", "eoi__owner", "stage", "questionnaire"
        )
        .filter(eoi__uuid=uuid, stage__pk=stage_pk)
        .first()
    )
    if proposal is None or not can(user, permission, proposal):
        raise Http404
    return proposal


# The Board's ranking a page at a time: at 50,000 EOIs a stage has ~2,900 proposals, whose rows
# on one page took half a second to write.
BOARD_ROWS_PER_PAGE = 100


def board_ranking(stage):
    """The stage's submitted proposals for its Review Board, best first: by their rank in the
    stage's round, the unscored last, by reference; a query to page through
    (with_board_figures gives a page its figures)."""
    rank = StageScore.objects.filter(stage=stage, eoi=OuterRef("eoi")).values("rank")[:1]
    return (
        Proposal.objects.filter(stage=stage, status=Proposal.Status.SUBMITTED)
        .select_related("eoi__score")
        # What the ranking shows: a wide EOI row built ~280 times was a third of the page.
        .only(
            "reference",
            "stage_id",
            "eoi__uuid",
            "eoi__title",
            "eoi__score__mean",
            "eoi__score__rank",
        )
        .annotate(stage_rank=Subquery(rank))
        .order_by(F("stage_rank").asc(nulls_last=True), "reference", "pk")
    )


def with_board_figures(proposals, stage):
    """`proposals` (a page of board_ranking), each with `figures` (its StageScore in the
    stage's round, or None before any review) and its EOI's figures (`eoi.score`, or None)
    beside: one query for the page."""
    proposals = list(proposals)
    figures = {
        score.eoi_id: score
        for score in StageScore.objects.filter(
            stage=stage, eoi__in=[proposal.eoi_id for proposal in proposals]
        )
    }
    for proposal in proposals:
        proposal.figures = figures.get(proposal.eoi_id)
        proposal.eoi_figures = getattr(proposal.eoi, "score", None)
    return proposals
