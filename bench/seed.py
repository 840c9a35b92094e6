"""A realistic call in bulk, in the Fund's year after the EOI: N EOIs with partners, challenges
and attachment records, reviewers with three reviews per EOI and figures; the EOI stage decided
and released; full proposals of the invited (most submitted, some left in draft); the proposals
decided; interview slots and bookings of the shortlisted, those held assessed and decided; grants
of the recommended, the awarded with their letter. The call has the 2021 call's four stages and
every decision is one of its stage's outcomes. Rows go in with bulk_create, so 50,000 EOIs take
minutes, not hours.

    python -m bench.seed 5000      (drops and recreates BENCH_DATABASE_URL first)
"""

import random
import sys
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

BATCH = 2000
COUNTRIES = ["ML", "BF", "NE", "SN", "CD", "KE", "UA", "CO", "LB", "AF", "NG", "SD", "YE", "PH"]
WORDS = [
    "community",
    "justice",
    "forums",
    "local",
    "security",
    "dialogue",
    "police",
    "accountability",
    "women",
    "paralegals",
    "land",
    "disputes",
    "radio",
    "mediation",
    "customary",
    "courts",
    "youth",
    "research",
    "donors",
    "partnership",
    "power",
]


def sentence(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _users(prefix, count, password, **fields):
    from accounts.models import User

    return User.objects.bulk_create(
        (
            User(
                email=f"{prefix}{i}@bench.example.org",
                name=f"{prefix.title()} {i}",
                password=password,
                **fields,
            )
            for i in range(count)
        ),
        batch_size=BATCH,
    )


def staff(prefix, count, group, password):
    """Members of a staff role, each with an authenticator app as the site requires."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    people = _users(prefix, count, password, is_staff=group != "Reviewers")
    Group.objects.get(name=group).user_set.add(*people)
    for person in people:
        TOTP.activate(person, generate_totp_secret())
    return people


def fake_answer(rng, question, challenges):
    """A plausible answer of the question's kind and within its limits."""
    from questionnaires.models import Kind, Role

    kind = question.kind
    # A partner's address and share: three partners' shares stay within the budget.
    if question.role == Role.PARTNER_EMAIL:
        return f"partner{rng.randint(1, 10**6)}@example.org"
    if question.role == Role.PARTNER_SHARE:
        return rng.randint(0, 30)
    if kind == Kind.SHORT_TEXT:
        return sentence(rng, 6)
    if kind == Kind.LONG_TEXT:
        return sentence(rng, min(question.word_limit or 200, 250))
    if kind == Kind.URL:
        return f"https://example.org/{rng.randint(1, 10**6)}"
    if kind == Kind.SINGLE_CHOICE:
        return rng.choice(question.choices).value
    if kind == Kind.MULTIPLE_CHOICE:
        values = (
            challenges if question.role == Role.CHALLENGES else [c.value for c in question.choices]
        )
        return sorted(rng.sample(values, rng.randint(1, len(values))), key=str)
    if kind == Kind.YES_NO:
        return rng.random() < 0.6
    if kind == Kind.COUNTRY:
        return rng.choice(COUNTRIES)
    if kind == Kind.COUNTRIES:
        return rng.sample(COUNTRIES, 2)
    if kind == Kind.MONEY:
        return f"{rng.randrange(5000, 20000, 500)}.00"
    if kind == Kind.INTEGER:
        return rng.randint(int(question.min_value or 1), int(question.max_value or 9))
    if kind == Kind.PERCENTAGE:
        return f"{rng.randint(0, int(question.max_value or 100))}.00"
    if kind == Kind.DATE:
        return (timezone.localdate() + timedelta(days=rng.randint(30, 300))).isoformat()
    if kind == Kind.ROWS:
        return [
            {c.key: fake_answer(rng, c, challenges) for c in question.columns}
            for _k in range(rng.randint(1, 3))
        ]
    return None


def complete_eois(rng, call, owners, statuses, sent_before=None):
    """One EOI per owner with every answer the call's questionnaire asks, and a record for each
    file question; sent ones numbered in order. Returns the EOIs."""
    from submissions import answers
    from submissions.models import Attachment, ExpressionOfInterest, ReferenceCounter

    Status = ExpressionOfInterest.Status
    now = sent_before or timezone.now()
    counter, _new = ReferenceCounter.objects.get_or_create(call=call)
    number = counter.last_number
    definition = answers.asked(call)
    challenges = {str(c.number): c for c in call.challenges.all()}
    eois = []
    for i, (owner, status) in enumerate(zip(owners, statuses, strict=True)):
        sent = status != Status.DRAFT
        if sent:
            number += 1
        given = {
            q.key: fake_answer(rng, q, list(challenges))
            for q in definition.questions
            if not q.is_file
        }
        eois.append(
            ExpressionOfInterest(
                call=call,
                owner=owner,
                status=status,
                reference=f"{call.reference_prefix}-{number:04d}" if sent else None,
                updated_at=now - timedelta(minutes=i),
                submitted_at=now - timedelta(days=rng.randint(0, 40), minutes=i) if sent else None,
                questionnaire_id=definition.pk,
                answers=given,
                **answers.columns(definition, given),
                declares_accuracy=sent,
                declares_consent=sent,
            )
        )
    eois = ExpressionOfInterest.objects.bulk_create(eois, batch_size=BATCH)
    ReferenceCounter.objects.filter(call=call).update(last_number=number)

    Through = ExpressionOfInterest.challenges.through
    Through.objects.bulk_create(
        (
            Through(expressionofinterest=eoi, challenge=challenges[str(number)])
            for eoi in eois
            for number in answers.challenge_numbers(definition, eoi.answers)
        ),
        batch_size=BATCH,
    )
    # Records only: the pages list attachments, they do not open the files.
    files = [q for q in definition.questions if q.is_file]
    Attachment.objects.bulk_create(
        (
            Attachment(
                eoi=eoi,
                question=question.key,
                file=f"eoi-attachments/bench{eoi.pk}-{question.key}.xlsx",
                original_name=f"{question.key}.xlsx",
                extension=".xlsx",
                size=24000,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            for eoi in eois
            for question in files
            if question.required
        ),
        batch_size=BATCH,
    )
    return eois


def drafts(call, count, prefix="late", random_seed=7):
    """`count` applicants, each with a complete draft ready to submit: the deadline crowd."""
    from submissions.models import ExpressionOfInterest

    rng = random.Random(random_seed)
    owners = _users(prefix, count, make_password("bench-password-not-secret"))
    with transaction.atomic():
        return complete_eois(rng, call, owners, [ExpressionOfInterest.Status.DRAFT] * count)


def analyze():
    """Fresh planner statistics, as autovacuum would gather them on a live site."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# The share of the EOIs reviewed the Secretariat left undecided (a late review, a second look),
# and the shares of the decided invited (the best ranked) and waitlisted (the next ones).
UNDECIDED, INVITED, WAITLISTED = 0.04, 0.08, 0.07
# The full proposal: the share left in draft past its deadline; of the submitted, the shares
# shortlisted and waitlisted (the rest not selected).
PROPOSAL_DRAFTS, SHORTLISTED, PROPOSAL_WAITLISTED = 0.15, 0.35, 0.10
# Interviews: spare slots offered beyond one per shortlisted EOI, the share who booked, slots
# per day; of those interviewed, the shares recommended and waitlisted (the rest not selected).
SPARE_SLOTS, BOOKED, SLOTS_PER_DAY = 0.2, 0.9, 8
RECOMMENDED, INTERVIEW_WAITLISTED = 0.5, 0.15
# Of the recommended, the share granted, and of those the share whose letter is issued and who
# are awarded.
GRANTED, LETTER_ISSUED = 0.8, 0.6
# The EOI deadline was this long ago: the proposal stage (days 28 to 56 after it in 2021) has
# closed two weeks ago; interviews are under way.
DEADLINE_DAYS_AGO = 70


@transaction.atomic
def seed(n=5000, reviewers=20, reviews_per_eoi=3, random_seed=2021):
    """Seed one call with `n` EOIs, in the weeks of its interviews; returns a dict of the
    people and applications the benchmarks sign in as and look at."""
    from accounts.roles import REVIEWERS, SECRETARIAT
    from submissions.kmf2021 import demo_dates, load_2021_call
    from submissions.models import ExpressionOfInterest, Extension, Stage

    rng = random.Random(random_seed)
    now = timezone.now()
    # The loader's call opens two weeks before the day it is given and closes 60 days after it.
    loaded_on = timezone.localdate() - timedelta(days=DEADLINE_DAYS_AGO + 60)
    call, _created = load_2021_call(today=loaded_on)
    # The 2021 stages have dates, but interviews are held as they are booked and each decided
    # after it (a stage without dates has no deadline of its own: submissions/lifecycle.py), so
    # the first grants are recorded while other interviews are still to come.
    call.stages.filter(kind__in=[Stage.Kind.INTERVIEW, Stage.Kind.AWARD]).update(
        opens_at=None, closes_at=None
    )
    deadline = call.closes_at
    assert deadline == demo_dates(loaded_on)[1]
    assert deadline < now
    password = make_password("bench-password-not-secret")
    secretariat = staff("secretariat", 2, SECRETARIAT, password)
    panel = staff("reviewer", reviewers, REVIEWERS, password)
    applicants = _users("applicant", n, password, organisation="Bench CSO")

    Status = ExpressionOfInterest.Status
    # Most EOIs were sent and are under review since the deadline; some stayed drafts, a few were
    # withdrawn.
    weights = [(Status.UNDER_REVIEW, 86), (Status.DRAFT, 11), (Status.WITHDRAWN, 3)]
    statuses = rng.choices([s for s, _w in weights], [w for _s, w in weights], k=n)
    # The pages measured need one draft and one EOI under review, however small the sample.
    statuses[:2] = [Status.DRAFT, Status.UNDER_REVIEW][: len(statuses)]
    eois = complete_eois(rng, call, applicants, statuses, sent_before=deadline)

    reviewed = [e for e in eois if e.status == Status.UNDER_REVIEW]
    score_round(
        rng,
        reviewed,
        panel,
        secretariat[0],
        None,
        per_eoi=reviews_per_eoi,
        declared_at=deadline + timedelta(days=1),
        due_at=deadline + timedelta(days=21),
        reviewed_at=deadline + timedelta(days=14),
    )
    later = later_stages(rng, call, reviewed, secretariat, panel)
    # Two applicants the Secretariat gave more time (an illness, a flood): the draft EOI and the
    # draft proposal the benchmarks edit are still theirs to change.
    Extension.objects.bulk_create(
        Extension(
            call=call,
            applicant=eoi.owner,
            until=now + timedelta(days=14),
            reason="Bench: still open to edit",
            granted_by=secretariat[0],
        )
        for eoi in {
            e.pk: e for e in [eois[0], getattr(later["proposal"], "eoi", None)] if e
        }.values()
    )
    draft = next(e for e in eois if e.status == Status.DRAFT)
    return {
        "call": call,
        "secretariat": secretariat[0],
        "reviewer": panel[0],
        "applicant": draft.owner,
        "draft": draft,
        "reviewed": reviewed[0],
        **later,
    }


def _share(items, share, least=1):
    """The first `share` of `items` (at least `least` of them, or all there are) and the rest:
    a small sample still has every kind of application the pages show."""
    count = min(len(items), max(least, round(len(items) * share)))
    return items[:count], items[count:]


def _decide(rng, stage, groups, secretariat, released_at):
    """Release each group's outcome in `stage` (None: the EOI stage): a Decision each, and the
    status and stage the lifecycle gives the EOIs (`groups`: {outcome: (EOIs, stage opened)})."""
    from review.models import Decision
    from submissions.models import ExpressionOfInterest

    Decision.objects.bulk_create(
        (
            Decision(
                eoi=eoi,
                stage=stage,
                outcome=outcome,
                decided_by=secretariat,
                feedback=sentence(rng, 30),
                released_at=released_at,
            )
            for outcome, (eois, _opened) in groups.items()
            for eoi in eois
        ),
        batch_size=BATCH,
    )
    for outcome, (eois, opened) in groups.items():
        moved = {"stage": opened} if opened else {}
        ExpressionOfInterest.objects.filter(pk__in=[e.pk for e in eois]).update(
            status=outcome, **moved
        )
        for eoi in eois:
            eoi.status = outcome
            eoi.stage = opened or eoi.stage


def score_round(rng, eois, panel, secretariat, stage, *, per_eoi, declared_at, due_at, reviewed_at):
    """Each of `eois` scored by `per_eoi` of the panel in one round (the EOI's, or `stage`'s:
    its proposal's) on that round's rubric, the first by the first reviewer (whose scoring pages
    are timed), each reviewer having declared no conflict first (so the scoring page, not the
    declaration it asks for before, is what is timed); then the round's figures
    (review/scoring.py)."""
    from review.models import Assignment, Review, Score, rubric_of
    from review.scoring import refresh_scores

    if not eois:
        return
    call = eois[0].call
    criteria = list(rubric_of(call, stage).order_by("position"))
    top = call.score_scale_max
    assignments, reviews, marks = [], [], []
    for index, eoi in enumerate(eois):
        for k in range(per_eoi):
            reviewer = panel[(index + k) % len(panel)]
            assignments.append(
                Assignment(
                    eoi=eoi,
                    stage=stage,
                    reviewer=reviewer,
                    assigned_by=secretariat,
                    due_at=due_at,
                    declaration=Assignment.Declaration.NO_CONFLICT,
                    declared_at=declared_at,
                    reviewed_at=reviewed_at,  # its review below is submitted
                )
            )
            values = [rng.randint(1, top) for _c in criteria]
            total = sum((v - 1) * c.weight for v, c in zip(values, criteria, strict=True))
            reviews.append(
                Review(
                    eoi=eoi,
                    stage=stage,
                    reviewer=reviewer,
                    status=Review.Status.SUBMITTED,
                    recommendation=rng.choice(["invite", "waitlist", "decline"]),
                    internal_comment=sentence(rng, 40),
                    applicant_feedback=sentence(rng, 40),
                    total=round(Decimal(total) / (top - 1), 2),
                    submitted_at=reviewed_at,
                )
            )
            marks.append(values)
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    reviews = Review.objects.bulk_create(reviews, batch_size=BATCH)
    Score.objects.bulk_create(
        (
            Score(review=review, criterion=criterion, value=value)
            for review, values in zip(reviews, marks, strict=True)
            for criterion, value in zip(criteria, values, strict=True)
        ),
        batch_size=BATCH * 5,
    )
    refresh_scores(call, stage)


def later_stages(rng, call, reviewed, secretariat, panel):
    """The EOI stage decided, full proposals, interviews and grants (the module's docstring),
    each stage's decisions among its own outcomes. Returns the applications the pages show."""
    from awards.models import Grant
    from interviews.models import Booking, Slot
    from questionnaires import definition as definitions
    from questionnaires import versions
    from review.models import EOIScore
    from submissions.models import ExpressionOfInterest, Proposal, Stage

    Status, Kind = ExpressionOfInterest.Status, Stage.Kind
    now = timezone.now()
    deadline = call.closes_at
    stages = {stage.kind: stage for stage in call.stages.all()}
    proposal_stage, interview_stage = stages[Kind.FULL_PROPOSAL], stages[Kind.INTERVIEW]

    # The EOI stage: the best ranked invited, the next waitlisted, a few left to decide (the
    # first EOI among them: the pages of an EOI under review time it).
    _held, decided = _share(reviewed, UNDECIDED)
    rank = dict(EOIScore.objects.filter(eoi__call=call).values_list("eoi_id", "rank"))
    decided.sort(key=lambda eoi: rank[eoi.pk])
    invited, rest = _share(decided, INVITED, least=10)
    waitlisted, not_selected = _share(rest, WAITLISTED / (1 - INVITED))
    _decide(
        rng,
        None,
        {
            Status.INVITED: (invited, proposal_stage),
            Status.WAITLISTED: (waitlisted, None),
            Status.NOT_SELECTED: (not_selected, None),
        },
        secretariat[0],
        deadline + timedelta(days=25),
    )

    # The full proposals, opened on the invitation: answers filled in (budget lines too), most
    # submitted before the stage's deadline, the rest left in draft.
    versions.mark_answered(proposal_stage.questionnaire_id)
    definition = definitions.definition(proposal_stage.questionnaire_id)
    rng.shuffle(invited)
    drafted, submitted = _share(invited, PROPOSAL_DRAFTS)
    closes = proposal_stage.closes_at
    proposals = Proposal.objects.bulk_create(
        (
            Proposal(
                eoi=eoi,
                stage=proposal_stage,
                questionnaire_id=proposal_stage.questionnaire_id,
                answers={
                    q.key: fake_answer(rng, q, []) for q in definition.questions if not q.is_file
                },
                status=Proposal.Status.SUBMITTED if sent else Proposal.Status.DRAFT,
                reference=f"{eoi.reference}-P" if sent else None,
                last_step="learning",
                updated_at=closes - timedelta(days=rng.randint(1, 20)),
                submitted_at=closes - timedelta(days=rng.randint(0, 5)) if sent else None,
                declares_accuracy=sent,
                declares_consent=sent,
            )
            for eoi, sent in [(e, False) for e in drafted] + [(e, True) for e in submitted]
        ),
        batch_size=BATCH,
    )

    drafted_proposals = [p for p in proposals if p.status == Proposal.Status.DRAFT]
    # The second round: each submitted proposal scored twice on the stage's own rubric.
    score_round(
        rng,
        submitted,
        panel,
        secretariat[0],
        proposal_stage,
        per_eoi=2,
        declared_at=closes,
        due_at=closes + timedelta(days=5),
        reviewed_at=closes + timedelta(days=5),
    )

    # The proposals decided: some shortlisted for an interview, some waitlisted.
    shortlisted, rest = _share(submitted, SHORTLISTED, least=5)
    proposal_waitlisted, proposal_not_selected = _share(
        rest, PROPOSAL_WAITLISTED / (1 - SHORTLISTED)
    )
    _decide(
        rng,
        proposal_stage,
        {
            Status.SHORTLISTED: (shortlisted, interview_stage),
            Status.WAITLISTED: (proposal_waitlisted, None),
            Status.NOT_SELECTED: (proposal_not_selected, None),
        },
        secretariat[0],
        closes + timedelta(days=7),
    )

    # Interview slots on days around today, half of the days past and the others from the day
    # after tomorrow (whose bookings may still be moved), each slot with two interviewers; most
    # of the shortlisted booked one; those held are assessed.
    count = max(2, round(len(shortlisted) * (1 + SPARE_SLOTS)))
    days = max(2, -(-count // SLOTS_PER_DAY))
    today = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0)

    def starts_at(i):
        day, hour = i % days - days // 2, i // days
        return today + timedelta(days=day if day < 0 else day + 2, hours=hour)

    slots = Slot.objects.bulk_create(
        Slot(
            stage=interview_stage,
            starts_at=starts_at(i),
            duration_minutes=45,
            location="Video call",
            video_url=f"https://meet.example.org/kmf-{i}",
            created_by=secretariat[0],
        )
        for i in range(count)
    )
    Slot.interviewers.through.objects.bulk_create(
        Slot.interviewers.through(slot=slot, user=person)
        for slot in slots
        for person in secretariat
    )
    booking_eois, _unbooked = _share(shortlisted, BOOKED)
    # Every slot but one in six booked, in order: free ones are left for those still to book.
    free = [slot for i, slot in enumerate(slots) if i % 6 != 5]
    pairs = list(zip(booking_eois, free, strict=False))
    bookings = Booking.objects.bulk_create(
        Booking(
            slot=slot,
            eoi=eoi,
            booked_by=eoi.owner,
            time_zone="Africa/Bamako",
            notes=sentence(rng, 60) if slot.starts_at < now else "",
            score=rng.randint(1, call.score_scale_max) if slot.starts_at < now else None,
            assessed_by=secretariat[1] if slot.starts_at < now else None,
            assessed_at=slot.ends_at if slot.starts_at < now else None,
        )
        for eoi, slot in pairs
    )

    # Those interviewed decided: some recommended for an award (the award stage), the rest
    # waitlisted or not selected.
    interviewed = [b.eoi for b in bookings if b.score is not None]
    rng.shuffle(interviewed)
    recommended, rest = _share(interviewed, RECOMMENDED, least=2)
    interview_waitlisted, interview_not_selected = _share(
        rest, INTERVIEW_WAITLISTED / (1 - RECOMMENDED)
    )
    award_stage = stages[Kind.AWARD]
    _decide(
        rng,
        interview_stage,
        {
            Status.RECOMMENDED: (recommended, award_stage),
            Status.WAITLISTED: (interview_waitlisted, None),
            Status.NOT_SELECTED: (interview_not_selected, None),
        },
        secretariat[0],
        now - timedelta(hours=1),
    )

    # Grants of most of the recommended, within what each asked and the call's maximum; the
    # letters of some issued, and those EOIs awarded.
    granted, _waiting = _share(recommended, GRANTED, least=2)
    grants = Grant.objects.bulk_create(
        Grant(
            eoi=eoi,
            amount=min(Decimal(eoi.budget_requested or call.max_amount), call.max_amount),
            conditions=sentence(rng, 25),
            recorded_by=secretariat[0],
            recorded_at=now - timedelta(minutes=30),
        )
        for eoi in granted
    )
    lettered, unlettered = _share(grants, LETTER_ISSUED)
    Grant.objects.filter(pk__in=[g.pk for g in lettered]).update(letter_issued_at=now)
    _decide(
        rng,
        award_stage,
        {Status.AWARDED: ([g.eoi for g in lettered], None)},
        secretariat[0],
        now - timedelta(minutes=10),
    )
    # The call's funds: what the grants commit, with room for the ones still to be recorded.
    committed = sum((g.amount for g in grants), Decimal(0))
    call.budget_available = max(Decimal("250000"), (committed * 2).quantize(Decimal("1")))
    call.save(update_fields=["budget_available"])

    future = [b.eoi for b in bookings if b.slot.starts_at > now + timedelta(days=1)]
    return {
        "proposal": next(iter(drafted_proposals), None),
        "shortlisted": next(iter(future), None),
        "recommended": next((g.eoi for g in unlettered + lettered), None),
        "awarded": next((g.eoi for g in lettered), None),
        # Scored first by the first reviewer (score_round): their scoring page is timed.
        "reviewed proposal": next(
            (p for p in proposals if submitted and p.eoi_id == submitted[0].pk), None
        ),
    }


def seeded():
    """The same people and applications as seed() returns, read from a database it seeded
    earlier."""
    from datetime import timedelta as delta

    from django.db.models import F

    from accounts.models import User
    from awards.models import Grant
    from interviews.models import Booking
    from submissions.models import Call, ExpressionOfInterest, Proposal

    Status = ExpressionOfInterest.Status
    eois = ExpressionOfInterest.objects.order_by("pk")
    draft = eois.filter(status=Status.DRAFT).select_related("owner").first()
    extended = Proposal.objects.filter(
        status=Proposal.Status.DRAFT, eoi__owner__extensions__isnull=False
    )
    soon = timezone.now() + delta(days=1)
    booking = Booking.objects.filter(cancelled_at=None, slot__starts_at__gt=soon).order_by(
        "slot__starts_at", "pk"
    )
    grants = Grant.objects.select_related("eoi").order_by("pk")
    return {
        "call": Call.objects.get(),
        "secretariat": User.objects.get(email="secretariat0@bench.example.org"),
        "reviewer": User.objects.get(email="reviewer0@bench.example.org"),
        "applicant": draft.owner,
        "draft": draft,
        "reviewed": eois.filter(status=Status.UNDER_REVIEW).first(),
        "proposal": extended.select_related("eoi__owner").order_by("pk").first(),
        "shortlisted": (booking.first() or Booking.objects.order_by("-pk").first()).eoi,
        "recommended": (grants.filter(letter_issued_at=None).first() or grants.first()).eoi,
        "awarded": grants.exclude(letter_issued_at=None).first().eoi,
        "reviewed proposal": Proposal.objects.filter(
            eoi__assignments__reviewer__email="reviewer0@bench.example.org",
            eoi__assignments__stage=F("stage"),
        )
        .select_related("eoi", "stage")
        .order_by("pk")
        .first(),
    }


def main(argv):
    """Seed a fresh benchmark database (BENCH_DATABASE_URL) with N EOIs, to explore by hand."""
    import time

    import django

    from . import common

    common.configure()
    common.recreate_database()
    django.setup()
    n = int(argv[1]) if len(argv) > 1 else 5000
    started = time.perf_counter()
    seed(n)
    analyze()
    print(f"seeded {n} EOIs in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(sys.argv)
