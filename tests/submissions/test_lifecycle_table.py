"""One lifecycle: every status an EOI takes comes from one table (submissions/lifecycle.py)
through one function. The table is walked whole: every pair of statuses, by every kind of
actor, before and after the deadline; then every public caller from every status; then the
source, in which nothing else may assign a status."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from notifications.models import OutboundEmail
from review import domain as review_domain
from review.models import Decision
from submissions import domain, jobs, lifecycle
from submissions.lifecycle import (
    AFTER_DEADLINE,
    APPLICANT,
    BEFORE_DEADLINE,
    BEFORE_STAGE_DEADLINE,
    SECRETARIAT,
    SYSTEM,
)
from submissions.models import ExpressionOfInterest, Stage
from tests.factories import ApplicantFactory, CallFactory, EOIFactory
from tests.files import attach_budget

pytestmark = pytest.mark.django_db
Status = ExpressionOfInterest.Status
OUTCOMES = (Status.INVITED, Status.WAITLISTED, Status.NOT_SELECTED)
ACTORS = (APPLICANT, SECRETARIAT, SYSTEM)
DECLARED = {"declares_accuracy": True, "declares_consent": True}
ROOT = Path(__file__).resolve().parents[2]

EOI, PROPOSAL, INTERVIEW, AWARD = Stage.Kind
# Each stage's decisions, written out apart from the code (DESIGN.md, docs/ARCHITECTURE.md
# "Stages"): the kind of stage, the statuses it is decided from (the outcome that opened it: a
# call that skips a kind opens the next one with an earlier kind's outcome), the outcomes that
# close it (submissions.models.OUTCOMES) and the mail of its release.
STAGE_DECISIONS = [
    (EOI, (Status.SUBMITTED, Status.UNDER_REVIEW), OUTCOMES, "decision"),
    (
        PROPOSAL,
        (Status.INVITED,),
        (Status.SHORTLISTED, Status.RECOMMENDED, Status.WAITLISTED, Status.NOT_SELECTED),
        "proposal_decision",
    ),
    (
        INTERVIEW,
        (Status.INVITED, Status.SHORTLISTED),
        (Status.RECOMMENDED, Status.WAITLISTED, Status.NOT_SELECTED),
        "interview_decision",
    ),
    (
        AWARD,
        (Status.INVITED, Status.SHORTLISTED, Status.RECOMMENDED),
        (Status.AWARDED, Status.WAITLISTED, Status.NOT_SELECTED),
        "award_decision",
    ),
]
# Every decision's move: (kind of stage, from, to, mail).
STAGE_MOVES = [
    (kind, start, to, mail)
    for kind, starts, outcomes, mail in STAGE_DECISIONS
    for start in starts
    for to in outcomes
]
# The lifecycle of docs (DESIGN.md), written out apart from the code: (from, to) -> who may
# make the move, its audit action, and the event of the mail it sends (a decision's: its
# stage's, checked by STAGE_MOVES).
EXPECTED = {
    (Status.DRAFT, Status.SUBMITTED): (APPLICANT, "eoi.submitted", "submission_receipt"),
    (Status.DRAFT, Status.WITHDRAWN): (APPLICANT, "eoi.withdrawn", None),
    (Status.SUBMITTED, Status.WITHDRAWN): (APPLICANT, "eoi.withdrawn", None),
    # With its full proposal (submissions.proposals.withdraw), until the proposal's deadline.
    (Status.INVITED, Status.WITHDRAWN): (APPLICANT, "eoi.withdrawn", None),
    (Status.SUBMITTED, Status.UNDER_REVIEW): (SYSTEM, "eoi.under_review", "under_review"),
    **{
        (start, to): (SECRETARIAT, "decision.released", mail)
        for _kind, start, to, mail in STAGE_MOVES
    },
}
# Where an EOI with a later stage's status is, in a call with every stage: the stage its
# status opened (or, decided, the stage that closed with it).
STAGE_OF_STATUS = {
    Status.INVITED: PROPOSAL,
    Status.SHORTLISTED: INTERVIEW,
    Status.RECOMMENDED: AWARD,
    Status.AWARDED: AWARD,
}
# The later stages' dates, in days after the EOI deadline.
STAGE_DAYS = {PROPOSAL: (2, 10), INTERVIEW: (12, 15), AWARD: (16, 20)}


@pytest.fixture
def call(db):
    return CallFactory(reference_prefix="KMF21")


@pytest.fixture
def secretariat(db):
    return ApplicantFactory(name="Sanne Bakker")


@pytest.fixture
def moments(call):
    """A moment while the applicant may act, and one after their deadline and every later
    stage's (STAGE_DAYS)."""
    return {
        BEFORE_DEADLINE: call.closes_at - timedelta(days=1),
        AFTER_DEADLINE: call.closes_at + timedelta(days=30),
    }


def add_stages(call, kinds):
    """The call's stages: the EOI, then `kinds`, dated by STAGE_DAYS."""
    stages = {EOI: Stage.objects.create(call=call, order=1, kind=EOI)}
    for order, kind in enumerate(kinds, start=2):
        opens, closes = STAGE_DAYS[kind]
        stages[kind] = Stage.objects.create(
            call=call,
            order=order,
            kind=kind,
            opens_at=call.closes_at + timedelta(days=opens),
            closes_at=call.closes_at + timedelta(days=closes),
        )
    return stages


def place(eoi, stage):
    """Put the EOI in `stage` as the lifecycle would have (the EOI stage is no stage)."""
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
        stage=None if stage.kind == EOI else stage
    )
    eoi.refresh_from_db()
    return eoi


@pytest.fixture
def make_eoi(call):
    numbers = iter(range(1, 1000))

    def make(status, **fields):
        eoi = EOIFactory(call=call, reference=f"KMF21-{next(numbers):04d}", **fields)
        # Tests set the starting status as the data would have it; the code may not.
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status=status)
        eoi.refresh_from_db()
        return eoi

    return make


@pytest.fixture
def sent_signals():
    sent = []

    def receive(sender, eoi, previous, actor, by, **kwargs):
        sent.append((eoi.pk, previous, eoi.status, by))

    lifecycle.status_changed.connect(receive)
    yield sent
    lifecycle.status_changed.disconnect(receive)


def state(eoi):
    """Everything a move changes, as the database has it."""
    row = ExpressionOfInterest.objects.values(
        "status", "version", "updated_at", "edits_confirmed_version"
    ).get(pk=eoi.pk)
    return (
        row,
        AuditEntry.objects.filter(object_id=str(eoi.pk)).count(),
        OutboundEmail.objects.filter(eoi=eoi).count(),
    )


def person(by, eoi, secretariat):
    return {APPLICANT: eoi.owner, SECRETARIAT: secretariat, SYSTEM: None}[by]


def test_the_table_is_the_designed_lifecycle():
    table = {pair: (move.by, move.event) for pair, move in lifecycle.TRANSITIONS.items()}

    assert table == {pair: (who, event) for pair, (who, event, _mail) in EXPECTED.items()}
    for (start, _to), move in lifecycle.TRANSITIONS.items():
        if move.by == APPLICANT:
            # An invited EOI's own deadline is long past: its full proposal's counts.
            wanted = BEFORE_STAGE_DEADLINE if start == Status.INVITED else BEFORE_DEADLINE
        else:
            wanted = AFTER_DEADLINE
        assert move.when == wanted
    assert {Status.DRAFT, Status.SUBMITTED} == lifecycle.EDITABLE_STATUSES
    assert {Status.SUBMITTED, Status.UNDER_REVIEW} == lifecycle.REVIEWABLE_STATUSES
    assert {to for _kind, _start, to, _mail in STAGE_MOVES} == lifecycle.OUTCOMES


def allowed_in_its_stage(eoi, start, to, by):
    """The designed lifecycle for this EOI: its pair for this actor, and for a decision, an
    outcome of the stage the EOI is in."""
    if EXPECTED.get((start, to), (None,))[0] != by:
        return False
    kind = eoi.stage.kind if eoi.stage_id else EOI
    return by != SECRETARIAT or (kind, start, to) in {(k, a, b) for k, a, b, _m in STAGE_MOVES}


@pytest.mark.parametrize("start", Status.values)
def test_every_move_outside_the_table_is_refused_and_changes_nothing(
    start, call, make_eoi, secretariat, moments, sent_signals
):
    # In a call with every stage, the EOI in the stage its status says.
    stages = add_stages(call, [PROPOSAL, INTERVIEW, AWARD])
    eoi = place(make_eoi(start), stages[STAGE_OF_STATUS.get(start, EOI)])
    Decision.objects.create(eoi=eoi, outcome=Status.INVITED, decided_by=secretariat)
    before = state(eoi)
    tried = 0
    allowed_moves = 0

    for to in Status.values:
        for by in ACTORS:
            allowed_moves += allowed_in_its_stage(eoi, start, to, by)
            for when, moment in moments.items():
                allowed = allowed_in_its_stage(eoi, start, to, by)
                move = lifecycle.TRANSITIONS.get((start, to))
                # Here the moment before the EOI's deadline is before every stage's too.
                made_then = move is not None and (
                    move.when == when
                    or (move.when == BEFORE_STAGE_DEADLINE and when == BEFORE_DEADLINE)
                )
                if allowed and made_then:
                    continue
                with pytest.raises(lifecycle.Refused) as refusal:
                    lifecycle.change_status(
                        eoi, to, person(by, eoi, secretariat), by=by, now=moment
                    )
                # In the table for this actor: refused for the time only.
                assert isinstance(refusal.value, lifecycle.OutOfTime) == allowed, (to, by, when)
                assert eoi.reference in refusal.value.message
                assert lifecycle.why_not(eoi, to, by, moment) == refusal.value.message
                assert state(eoi) == before, (to, by, when)
                tried += 1

    assert sent_signals == []
    assert allowed_moves == {
        Status.DRAFT: 2,
        Status.SUBMITTED: 5,
        Status.UNDER_REVIEW: 3,
        Status.INVITED: 5,  # the full proposal's outcomes, and its withdrawal
        Status.SHORTLISTED: 3,  # the interview's
        Status.RECOMMENDED: 3,  # the award's
    }.get(start, 0)
    assert tried == len(Status.values) * len(ACTORS) * 2 - allowed_moves


# Each pair once, and each decision in the stage it closes: in a call whose stages skip the
# kinds between the one that opened it and its own ("moves straight to the next kind's
# outcomes").
MADE = [(None, start, to) for (start, to), row in EXPECTED.items() if row[0] != SECRETARIAT] + [
    (kind, start, to) for kind, start, to, _mail in STAGE_MOVES
]
OPENED_BY = {Status.INVITED: EOI, Status.SHORTLISTED: PROPOSAL, Status.RECOMMENDED: INTERVIEW}


@pytest.mark.parametrize(("kind", "start", "to"), MADE)
def test_every_move_in_the_table_is_made_by_its_actor_with_its_entry_and_mail(
    kind, start, to, call, make_eoi, secretariat, moments, sent_signals
):
    by, action, mail = EXPECTED[(start, to)]
    eoi = make_eoi(start)
    if kind not in (None, EOI):
        kinds = list(Stage.Kind)
        before = kinds[1 : kinds.index(OPENED_BY[start]) + 1]
        eoi = place(eoi, add_stages(call, [*before, kind])[kind])
        mail = {(k, a, b): m for k, a, b, m in STAGE_MOVES}[(kind, start, to)]
    stage = eoi.stage
    if by == SECRETARIAT:
        Decision.objects.create(
            eoi=eoi, stage=stage, outcome=to, decided_by=secretariat, feedback="Bold."
        )
    moment = moments[BEFORE_DEADLINE if by == APPLICANT else AFTER_DEADLINE]
    actor = person(by, eoi, secretariat)

    with time_machine.travel(moment, tick=False):
        moved = lifecycle.change_status(eoi, to, actor, by=by, now=moment)

    row = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert (moved.status, row.status) == (to, to)
    assert row.version == moved.version == eoi.version + 1
    # "Last saved" is the applicant's: only their own moves set it.
    assert row.updated_at == (moment if by == APPLICANT else eoi.updated_at)
    (entry,) = AuditEntry.objects.filter(object_id=str(eoi.pk))
    assert (entry.action, entry.actor, entry.details) == (
        action,
        actor,
        {"previous_status": start, "status": to},
    )
    emails = list(OutboundEmail.objects.filter(eoi=eoi))
    assert [(email.event, email.to) for email in emails] == (
        [(mail, eoi.owner.email)] if mail else []
    )
    if by == SECRETARIAT:
        assert "Bold." in emails[0].body_text
        # An outcome that opens a stage moves the EOI into the call's next one: here none.
        assert row.stage == stage
    assert sent_signals == [(eoi.pk, start, to, by)]


# From every caller: each public function that moves an EOI, from every status.


def test_submit_eoi_from_every_status(make_eoi, moments):
    with time_machine.travel(moments[BEFORE_DEADLINE], tick=False):
        eois = {status: make_eoi(status) for status in Status.values}
        attach_budget(eois[Status.DRAFT])
        for status, eoi in eois.items():
            if status == Status.DRAFT:
                continue
            before = state(eoi)
            with pytest.raises(lifecycle.Refused, match=f"{eoi.reference} cannot be submitted"):
                domain.submit_eoi(eoi, eoi.owner, DECLARED)
            assert state(eoi) == before, status
        draft = eois[Status.DRAFT]
        assert domain.submit_eoi(draft, draft.owner, DECLARED).status == Status.SUBMITTED

    late = make_eoi(Status.DRAFT)
    before = state(late)
    with pytest.raises(domain.CallNotOpen, match="the deadline has passed"):
        domain.submit_eoi(late, late.owner, DECLARED, now=moments[AFTER_DEADLINE])
    assert state(late) == before


def test_withdraw_eoi_from_every_status(make_eoi, moments):
    eois = {status: make_eoi(status) for status in Status.values}

    with time_machine.travel(moments[AFTER_DEADLINE], tick=False):
        for eoi in eois.values():
            before = state(eoi)
            with pytest.raises(domain.NotEditable):
                domain.withdraw_eoi(eoi, eoi.owner)
            assert state(eoi) == before
    with time_machine.travel(moments[BEFORE_DEADLINE], tick=False):
        for status, eoi in eois.items():
            before = state(eoi)
            if status in (Status.DRAFT, Status.SUBMITTED):
                assert domain.withdraw_eoi(eoi, eoi.owner).status == Status.WITHDRAWN
                continue
            with pytest.raises(domain.NotEditable, match="can no longer be withdrawn"):
                domain.withdraw_eoi(eoi, eoi.owner)
            assert state(eoi) == before, status


def test_close_calls_moves_only_submitted_eois_after_their_deadline(make_eoi, moments):
    eois = {status: make_eoi(status) for status in Status.values}
    before = {status: state(eoi) for status, eoi in eois.items()}

    assert jobs.close_calls(now=moments[BEFORE_DEADLINE]) == 0
    assert {status: state(eoi) for status, eoi in eois.items()} == before
    with time_machine.travel(moments[AFTER_DEADLINE], tick=False):
        assert jobs.close_calls() == 1
        assert jobs.close_calls() == 0

    for status, eoi in eois.items():
        if status != Status.SUBMITTED:
            assert state(eoi) == before[status], status
    assert state(eois[Status.SUBMITTED])[0]["status"] == Status.UNDER_REVIEW


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_decide_all_from_every_status_records_a_decision_and_moves_nothing(
    outcome, make_eoi, secretariat, moments
):
    eois = {status: make_eoi(status) for status in Status.values}
    before = {status: state(eoi) for status, eoi in eois.items()}

    with time_machine.travel(moments[AFTER_DEADLINE], tick=False):
        for status, eoi in eois.items():
            if status in (Status.SUBMITTED, Status.UNDER_REVIEW):
                assert review_domain.decide_all([eoi], outcome, secretariat) == 1
                continue
            with pytest.raises(lifecycle.DomainError, match=f"{eoi.reference} is not up for"):
                review_domain.decide_all([eoi], outcome, secretariat)

    assert set(Decision.objects.values_list("eoi__status", flat=True)) == {
        Status.SUBMITTED,
        Status.UNDER_REVIEW,
    }
    for status, eoi in eois.items():
        row, _entries, mails = state(eoi)
        assert (row, mails) == (before[status][0], 0)  # a decision is not a move


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_release_from_every_status(outcome, make_eoi, secretariat, moments):
    eois = {status: make_eoi(status) for status in Status.values}
    for eoi in eois.values():
        Decision.objects.create(eoi=eoi, outcome=outcome, decided_by=secretariat)

    with time_machine.travel(moments[AFTER_DEADLINE], tick=False):
        for status, eoi in eois.items():
            before = state(eoi)
            decision = Decision.objects.filter(eoi=eoi)
            if status in (Status.SUBMITTED, Status.UNDER_REVIEW):
                assert review_domain.release(decision, secretariat) == 1
                assert state(eoi)[0]["status"] == outcome
                continue
            with pytest.raises(lifecycle.DomainError, match="Nothing was released"):
                review_domain.release(decision, secretariat)
            assert state(eoi) == before, status
            assert decision.get().released_at is None


def test_a_release_never_makes_a_withdrawn_eoi_invited(make_eoi, secretariat, moments):
    eoi = make_eoi(Status.SUBMITTED)
    # Recorded before decisions waited for the deadline; then the applicant withdrew.
    Decision.objects.create(eoi=eoi, outcome=Status.INVITED, decided_by=secretariat)
    with time_machine.travel(moments[BEFORE_DEADLINE], tick=False):
        domain.withdraw_eoi(eoi, eoi.owner)
    before = state(eoi)

    with (
        time_machine.travel(moments[AFTER_DEADLINE], tick=False),
        pytest.raises(lifecycle.DomainError) as refusal,
    ):
        review_domain.release(Decision.objects.all(), secretariat)

    assert f"{eoi.reference} is not up for a decision (Withdrawn)." in refusal.value.message
    assert state(eoi) == before
    assert before[0]["status"] == Status.WITHDRAWN
    assert not lifecycle.allows(Status.WITHDRAWN, Status.INVITED, SECRETARIAT)


def test_a_move_is_not_an_edit_confirmed_changes_stay_confirmed(call, moments):
    with time_machine.travel(moments[BEFORE_DEADLINE] - timedelta(days=1), tick=False):
        eoi = domain.submit_eoi(attach_budget(EOIFactory(call=call)), None, DECLARED)
    with time_machine.travel(moments[BEFORE_DEADLINE], tick=False):
        eoi = domain.save_step(eoi, eoi.owner, eoi.version, {"title": "Forums II"})
    assert jobs.confirm_edits(now=moments[BEFORE_DEADLINE] + timedelta(hours=1)) == 1

    with time_machine.travel(moments[AFTER_DEADLINE], tick=False):
        assert jobs.close_calls() == 1
    assert jobs.confirm_edits(now=moments[AFTER_DEADLINE] + timedelta(hours=1)) == 0
    assert OutboundEmail.objects.filter(event="edits_confirmed").count() == 1


# The source: only lifecycle.py assigns an EOI's status.

# Models with a status of their own, which their code sets as Model.Status.VALUE.
OTHER_STATUSES = {"Review", "OutboundEmail", "Proposal"}
WRITERS = {"update", "create", "get_or_create", "update_or_create", "ExpressionOfInterest"}


def _another_models_status(value):
    return (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Attribute)
        and value.value.attr == "Status"
        and isinstance(value.value.value, ast.Name)
        and value.value.value.id in OTHER_STATUSES
    )


def status_writes(source):
    """Line numbers where `source` sets a status that is not another model's: `x.status = …`,
    `.update(status=…)`, `.create(status=…)`, `defaults={"status": …}`, `setattr(x,
    "status", …)`, `ExpressionOfInterest(status=…)` and SQL updating the EOI table."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if (
                        isinstance(element, ast.Attribute)
                        and element.attr == "status"
                        and not _another_models_status(node.value)
                    ):
                        yield node.lineno
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in WRITERS:
                for keyword in node.keywords:
                    values = [keyword.value] if keyword.arg == "status" else []
                    if keyword.arg in ("defaults", "create_defaults") and isinstance(
                        keyword.value, ast.Dict
                    ):
                        values = [
                            value
                            for key, value in zip(
                                keyword.value.keys, keyword.value.values, strict=True
                            )
                            if isinstance(key, ast.Constant) and key.value == "status"
                        ]
                    if any(not _another_models_status(value) for value in values):
                        yield node.lineno
            if (
                name == "setattr"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "status"
            ):
                yield node.lineno
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.search(r"update\s+\W?submissions_expressionofinterest", node.value, re.I)
        ):
            yield node.lineno


def app_sources():
    """The site's code; not tests/ nor bench/, which build their data with statuses as given,
    nor migrations, which are history."""
    for path in sorted(ROOT.glob("*.py")) + sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {"tests", "bench", ".venv", "node_modules"} or "migrations" in parts:
            continue
        yield path


def test_the_source_check_finds_each_way_of_writing_a_status():
    bypasses = [
        "eoi.status = Status.INVITED",
        "eoi.title, eoi.status = 'x', outcome",
        "EOI.objects.filter(pk=1).update(status=decision.outcome)",
        "call.eois.create(status='submitted')",
        "ExpressionOfInterest(status=Status.DRAFT)",
        "EOI.objects.update_or_create(pk=1, defaults={'status': 'invited'})",
        "setattr(eoi, 'status', 'invited')",
        "cursor.execute('UPDATE submissions_expressionofinterest SET status = %s', [s])",
    ]
    allowed = [
        "review.status = Review.Status.SUBMITTED",
        "email.status = OutboundEmail.Status.SENT",
        "OutboundEmail.objects.update(status=OutboundEmail.Status.PENDING)",
        "EOI.objects.filter(status=Status.SUBMITTED).update(title='x')",
        "JsonResponse({}, status=503)",
    ]

    assert [list(status_writes(line)) for line in bypasses] == [[1]] * len(bypasses)
    assert [list(status_writes(line)) for line in allowed] == [[]] * len(allowed)


def test_only_the_lifecycle_assigns_a_status():
    sources = list(app_sources())
    writes = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in sources
        if path != ROOT / "submissions" / "lifecycle.py"
        for line in status_writes(path.read_text())
    }

    assert ROOT / "review" / "domain.py" in sources
    assert writes == set(), "Move an EOI with submissions.lifecycle.change_status"
    assert set(status_writes((ROOT / "submissions" / "lifecycle.py").read_text()))


def test_submissions_no_longer_imports_review_to_withdraw():
    tree = ast.parse((ROOT / "submissions" / "domain.py").read_text())
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }

    assert not {name for name in imported if name.split(".")[0] == "review"}


@pytest.mark.needs_postgres
def test_every_caller_locks_the_eoi_row_it_moves(make_eoi, secretariat, moments):
    table = ExpressionOfInterest._meta.db_table
    draft, to_withdraw, to_close, to_release = (
        make_eoi(Status.DRAFT),
        make_eoi(Status.DRAFT),
        make_eoi(Status.SUBMITTED),
        make_eoi(Status.UNDER_REVIEW),
    )
    attach_budget(draft)
    Decision.objects.create(eoi=to_release, outcome=Status.INVITED, decided_by=secretariat)

    def locks(change):
        with CaptureQueriesContext(connection) as queries:
            change()
        return any(f'FOR UPDATE OF "{table}"' in query["sql"] for query in queries.captured_queries)

    with time_machine.travel(moments[BEFORE_DEADLINE], tick=False):
        assert locks(lambda: domain.submit_eoi(draft, draft.owner, DECLARED))
        assert locks(lambda: domain.withdraw_eoi(to_withdraw, to_withdraw.owner))
    with time_machine.travel(moments[AFTER_DEADLINE], tick=False):
        assert locks(jobs.close_calls)
        assert locks(lambda: review_domain.release(Decision.objects.all(), secretariat))
    to_close.refresh_from_db()
    assert to_close.status == Status.UNDER_REVIEW
