from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from notifications.models import OutboundEmail
from questionnaires import definition as definitions
from submissions import answers as eoi_answers
from submissions.kmf2021 import questionnaire_2021
from submissions.models import Call, CallDocument, Challenge, ExpressionOfInterest


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password("correct horse battery")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    slug = factory.Sequence(lambda n: f"call-{n}")
    title = factory.Sequence(lambda n: f"Knowledge Management Fund {2030 + n}")
    headline = "Knowledge for Peace"
    body = "A call about **knowledge**."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    reference_prefix = factory.Sequence(lambda n: f"T{n}")
    questionnaire = factory.LazyFunction(lambda: definitions.save(questionnaire_2021()))


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    call = factory.SubFactory(CallFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Challenge {n}")
    description = "Describe how."


class CallDocumentFactory(factory.django.DjangoModelFactory):
    """A document of a call that is a link; tests.files.add_document makes one of a file."""

    class Meta:
        model = CallDocument

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"document-{n}")
    title = factory.Sequence(lambda n: f"Webinar recording {n}")
    link = "https://example.org/webinar"


class ApplicantFactory(UserFactory):
    """A person who signed up and verified their address."""

    organisation = "Réseau Justice Locale"
    country = "ML"

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class EOIFactory(factory.django.DjangoModelFactory):
    """A draft with every answer given, ready to submit once it has a budget file. Answers are
    given by question key (EOIFactory(summary="…"), partners=[{…}]); the factory stores them
    as the application form does, role columns included."""

    class Meta:
        model = ExpressionOfInterest
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    owner = factory.SubFactory(ApplicantFactory)
    organisation_name = "Réseau Justice Locale"
    organisation_type = "local_cso"
    organisation_country = "ML"
    title = "Community justice forums in Mopti"
    summary = "Local forums decide which disputes matter and how they are heard."
    problem_context = "Donor-defined justice programmes leave little room for local priorities."
    activities_timeline = "Months 1-3: forums. Months 4-9: exchanges and a public report."
    outcomes_uptake = "A playbook shared with donors and the Platform community."
    countries = ["ML", "BF"]
    duration_months = 9
    asymmetry = "Decisions on priorities and budget move to the community forums."
    budget_requested = Decimal("18000")
    personnel_share = Decimal("25")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        call = kwargs["call"]
        definition = eoi_answers.asked(call)
        given = {key: kwargs.pop(key) for key in list(kwargs) if key in definition.by_key}
        # The 2021 answers declared above that this call's questionnaire does not ask.
        fields = {field.name for field in model_class._meta.get_fields()}
        kwargs = {key: value for key, value in kwargs.items() if key in fields}
        answers = {**kwargs.pop("answers", {})}
        for key, value in given.items():
            if value in (None, "", []):
                continue
            # Stored as the form stores them: amounts and percentages as strings.
            numeric = definition.by_key[key].kind in ("money", "percentage")
            answers[key] = str(value) if isinstance(value, Decimal) or numeric else value
        kwargs.setdefault("questionnaire_id", call.questionnaire_id)
        return super()._create(
            model_class,
            *args,
            answers=answers,
            **{**eoi_answers.columns(definition, answers), **kwargs},
        )

    @factory.post_generation
    def challenges(obj, create, extracted, **kwargs):
        if create:
            chosen = extracted if extracted is not None else [ChallengeFactory(call=obj.call)]
            obj.challenges.set(chosen)
            obj.answers["challenges"] = [str(c.number) for c in chosen]
            ExpressionOfInterest.objects.filter(pk=obj.pk).update(answers=obj.answers)


def give_role(user, group_name):
    """Put someone in a role group; staff roles also get an authenticator app, as required."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=group_name))
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """A mail in the outbox, pending and due."""

    class Meta:
        model = OutboundEmail

    key = factory.Sequence(lambda n: f"test:{n}")
    event = "under_review"
    to = factory.Sequence(lambda n: f"applicant{n}@example.org")
    language = "en"
    subject = "Under review"
    body_text = "t"
    body_html = "<p>t</p>"
    next_attempt_at = factory.LazyFunction(timezone.now)


def add_partner(eoi, name, country, role, locally_led=False):
    """One more row of the 2021 questionnaire's partners, as the budget step saves it."""
    row = {"name": name, "country": country, "role": role, "locally_led": locally_led}
    eoi.answers = {**eoi.answers, "partners": [*eoi.answers.get("partners", []), row]}
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(answers=eoi.answers)
    return row


def partners_of(eoi):
    eoi.refresh_from_db()
    return eoi.answers.get("partners", [])


def answer_everything(eoi):
    """Give an EOI every answer EOIFactory gives, as if the applicant had typed them all."""
    definition = eoi_answers.asked(eoi.call)
    given = {
        key: getattr(EOIFactory, key)
        for key in definition.by_key
        if isinstance(getattr(EOIFactory, key, None), str | int | list | Decimal)
    }
    answers = {key: str(v) if isinstance(v, Decimal) else v for key, v in given.items()}
    challenge = eoi.call.challenges.first()
    answers["challenges"] = [str(challenge.number)]
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
        answers=answers, **eoi_answers.columns(definition, answers)
    )
    eoi.challenges.set([challenge])
    eoi.refresh_from_db()
    return eoi
