import pytest
from django.core.exceptions import ValidationError

from notifications.admin import SAMPLE_VALUES
from notifications.events import PLACEHOLDER, PLACEHOLDERS, check_placeholders
from notifications.models import EmailTemplate, Event
from notifications.wording import render, wording
from tests.factories import CallFactory


@pytest.mark.parametrize("event", list(PLACEHOLDERS))  # the events worded here
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_event_has_a_default_in_both_languages_that_renders(event, language):
    subject, text, html = render(event, language, SAMPLE_VALUES)

    assert "{" not in subject + text
    assert subject
    assert text
    assert f'<html lang="{language}">' in html
    check_placeholders(event, *wording(event, language))


@pytest.mark.parametrize("event", list(PLACEHOLDERS))  # the events worded here
def test_the_french_default_comes_from_the_catalogue_with_the_same_placeholders(event):
    english, french = wording(event, "en"), wording(event, "fr")

    # A translation that lost {eoi_url} would send a mail without its link.
    for english_text, french_text in zip(english, french, strict=True):
        assert french_text != english_text
        assert sorted(PLACEHOLDER.findall(french_text)) == sorted(PLACEHOLDER.findall(english_text))


def test_the_french_default_is_in_french():
    subject, text, _ = render(Event.SUBMISSION_RECEIPT, "fr", SAMPLE_VALUES)

    assert subject == "Nous avons reçu votre manifestation d’intérêt KMF21-0042"
    assert text.startswith("Bonjour Aminata,")


def test_placeholders_outside_the_events_list_are_refused():
    with pytest.raises(ValidationError) as refusal:
        check_placeholders(Event.DEADLINE_REMINDER, "Hi {applicant_name}", "{password} {feedback}")

    assert "Unknown placeholders: {feedback}, {password}." in refusal.value.messages[0]


@pytest.mark.django_db
def test_a_template_that_names_an_unknown_placeholder_cannot_be_saved_by_the_secretariat():
    template = EmailTemplate(
        call=CallFactory(),
        event=Event.UNDER_REVIEW,
        language="en",
        subject="Under review",
        body="Dear {applicant_name}, your {owner_password}",
    )

    with pytest.raises(ValidationError, match="owner_password"):
        template.full_clean()


def test_attribute_and_index_lookups_are_left_as_text():
    from notifications.wording import fill

    values = dict.fromkeys(PLACEHOLDERS[Event.UNDER_REVIEW], "x")

    # Only {name} is a placeholder: nothing can reach an attribute or an item of a value.
    assert fill("{eoi.owner.password} {applicant_name[0]}", values) == (
        "{eoi.owner.password} {applicant_name[0]}"
    )


@pytest.mark.django_db
def test_a_calls_own_wording_replaces_the_default():
    call = CallFactory()
    EmailTemplate.objects.create(
        call=call,
        event=Event.UNDER_REVIEW,
        language="fr",
        subject="Évaluation de {reference}",
        body="Bonjour {applicant_name} !",
    )

    subject, text, _ = render(Event.UNDER_REVIEW, "fr", SAMPLE_VALUES, call=call)
    default_subject, _, _ = render(Event.UNDER_REVIEW, "en", SAMPLE_VALUES, call=call)

    assert subject == "Évaluation de KMF21-0042"
    assert text.startswith("Bonjour Aminata !")
    assert default_subject == "Your expression of interest KMF21-0042 is under review"


def test_values_are_escaped_in_the_html_part_and_kept_in_the_text():
    values = {**SAMPLE_VALUES, "applicant_name": '<script>alert("x")</script>'}

    _, text, html = render(Event.UNDER_REVIEW, "en", values)

    assert '<script>alert("x")</script>' in text
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://grants.example.org' in html


def test_long_texts_may_not_go_in_a_subject():
    with pytest.raises(ValidationError, match=r"belong in the text, not the subject: \{answers\}"):
        check_placeholders(Event.SUBMISSION_RECEIPT, "Your {answers}", "Body")


def test_a_long_subject_is_cut_to_fit():
    values = {**SAMPLE_VALUES, "call_title": "A very long call title " * 20}

    subject, _, _ = render(Event.CLOSING_SUMMARY, "en", values)

    assert len(subject) == 200
    assert subject.endswith("…")
