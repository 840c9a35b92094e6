"""A realistic call in bulk: N EOIs with partners, challenges and attachment records, reviewers
with three reviews per EOI, figures and a few decisions. Rows go in with bulk_create, so 50,000
EOIs take minutes, not hours.

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


def complete_eois(rng, call, owners, statuses):
    """One EOI per owner with every answer the call's questionnaire asks, and a record for each
    file question; sent ones numbered in order. Returns the EOIs."""
    from submissions import answers
    from submissions.models import Attachment, ExpressionOfInterest, ReferenceCounter

    Status = ExpressionOfInterest.Status
    now = timezone.now()
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


@transaction.atomic
def seed(n=5000, reviewers=20, reviews_per_eoi=3, random_seed=2021):
    """Seed one open call with `n` EOIs; returns a dict of the people the benchmarks sign in as."""
    from accounts.roles import REVIEWERS, SECRETARIAT
    from review.models import Assignment, Criterion, Decision, Review, Score
    from review.scoring import refresh_call_scores
    from submissions.kmf2021 import load_2021_call
    from submissions.models import ExpressionOfInterest

    rng = random.Random(random_seed)
    now = timezone.now()
    call, _created = load_2021_call()
    call.budget_available = Decimal("250000")
    call.save(update_fields=["budget_available"])
    password = make_password("bench-password-not-secret")
    secretariat = staff("secretariat", 2, SECRETARIAT, password)
    panel = staff("reviewer", reviewers, REVIEWERS, password)
    applicants = _users("applicant", n, password, organisation="Bench CSO")

    Status = ExpressionOfInterest.Status
    # Most EOIs were sent; some are drafts, a few withdrawn: the shape of a call after its deadline.
    weights = [
        (Status.UNDER_REVIEW, 80),
        (Status.SUBMITTED, 6),
        (Status.DRAFT, 11),
        (Status.WITHDRAWN, 3),
    ]
    statuses = rng.choices([s for s, _w in weights], [w for _s, w in weights], k=n)
    # The pages measured need one draft and one EOI under review, however small the sample.
    statuses[:2] = [Status.DRAFT, Status.UNDER_REVIEW][: len(statuses)]
    eois = complete_eois(rng, call, applicants, statuses)

    reviewed = [e for e in eois if e.status in (Status.UNDER_REVIEW, Status.SUBMITTED)]
    criteria = list(Criterion.objects.filter(call=call, stage=None))
    top = call.score_scale_max
    assignments, reviews, marks = [], [], []
    for index, eoi in enumerate(reviewed):
        for k in range(reviews_per_eoi):
            reviewer = panel[(index + k) % len(panel)]
            assignments.append(
                Assignment(
                    eoi=eoi,
                    reviewer=reviewer,
                    assigned_by=secretariat[0],
                    due_at=call.closes_at + timedelta(days=21),
                    # Submitted below: the reviewer declared no conflict first, so the scoring
                    # page (not the declaration it asks for before) is what is timed.
                    declaration=Assignment.Declaration.NO_CONFLICT,
                    declared_at=call.closes_at + timedelta(days=1),
                    reviewed_at=now,  # its review below is submitted
                )
            )
            values = [rng.randint(1, top) for _c in criteria]
            total = sum((v - 1) * c.weight for v, c in zip(values, criteria, strict=True))
            reviews.append(
                Review(
                    eoi=eoi,
                    reviewer=reviewer,
                    status=Review.Status.SUBMITTED,
                    recommendation=rng.choice(["invite", "waitlist", "decline"]),
                    internal_comment=sentence(rng, 40),
                    applicant_feedback=sentence(rng, 40),
                    total=round(Decimal(total) / (top - 1), 2),
                    submitted_at=now,
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
    refresh_call_scores(call)
    Decision.objects.bulk_create(
        (
            Decision(
                eoi=eoi,
                outcome=rng.choice(Decision.Outcome.values),
                decided_by=secretariat[0],
                feedback=sentence(rng, 30),
            )
            for eoi in reviewed[: len(reviewed) // 10]
        ),
        batch_size=BATCH,
    )
    draft = next(e for e in eois if e.status == Status.DRAFT)
    return {
        "call": call,
        "secretariat": secretariat[0],
        "reviewer": panel[0],
        "applicant": draft.owner,
        "draft": draft,
        "reviewed": reviewed[0],
    }


def seeded():
    """The same people as seed() returns, read from a database it seeded earlier."""
    from accounts.models import User
    from submissions.models import Call, ExpressionOfInterest

    Status = ExpressionOfInterest.Status
    eois = ExpressionOfInterest.objects.order_by("pk")
    draft = eois.filter(status=Status.DRAFT).select_related("owner").first()
    return {
        "call": Call.objects.get(),
        "secretariat": User.objects.get(email="secretariat0@bench.example.org"),
        "reviewer": User.objects.get(email="reviewer0@bench.example.org"),
        "applicant": draft.owner,
        "draft": draft,
        "reviewed": eois.filter(status__in=[Status.UNDER_REVIEW, Status.SUBMITTED]).first(),
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
