"""What the Secretariat writes into a questionnaire (or imports from a file) is text: on the
applicant's step, in the preview and in the answers, markup in a label, help text, choice or
step title is shown, never run. Django's form templates print help text unescaped, so the forms
escape it themselves."""

import pytest
from django.urls import reverse

from questionnaires import definition as definitions
from tests.factories import CallFactory, EOIFactory

pytestmark = pytest.mark.django_db

MARKUP = '<img src=x onerror="alert(1)">'


@pytest.fixture
def hostile_call():
    asked = definitions.from_dict(
        {
            "name": "Hostile",
            "steps": [
                {
                    "key": "about",
                    "title": {"en": f"About {MARKUP}"},
                    "questions": [
                        {
                            "key": "plan",
                            "kind": "long_text",
                            "word_limit": 50,
                            "label": {"en": f"Plan {MARKUP}"},
                            "help": {"en": f"Help {MARKUP}"},
                        },
                        {
                            "key": "kind",
                            "kind": "single_choice",
                            "label": {"en": "Kind"},
                            "help": {"en": f"Choose {MARKUP}"},
                            "choices": [{"value": "a", "label": {"en": f"A {MARKUP}"}}],
                        },
                        {
                            "key": "people",
                            "kind": "rows",
                            "required": False,
                            "label": {"en": f"People {MARKUP}"},
                            "help": {"en": f"Rows {MARKUP}"},
                            "columns": [
                                {"key": "name", "kind": "short_text", "label": {"en": "N"}}
                            ],
                        },
                    ],
                },
                {
                    "key": "files",
                    "title": {"en": "Files"},
                    "questions": [
                        {
                            "key": "annex",
                            "kind": "file",
                            "label": {"en": "Annex"},
                            "help": {"en": f"File {MARKUP}"},
                        }
                    ],
                },
            ],
        }
    )
    return CallFactory(questionnaire=definitions.save(asked))


def test_markup_in_a_questionnaire_is_shown_as_text_on_every_step(
    applicant_client, applicant, hostile_call
):
    eoi = EOIFactory(call=hostile_call, owner=applicant, answers={"plan": MARKUP})
    for step in ("about", "files", "submit"):
        url = reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step})
        page = applicant_client.get(url).content.decode()
        assert "<img" not in page, step
        assert "&lt;img src=x" in page, step
