"""The "assign to" menus' options, written in Python, say what the template they replace said:
each reviewer's name (or email alone), email and reviews to do, escaped, in both languages."""

from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from review.templatetags.reviewer_menu import reviewer_options

# The template each option was an {% include %} of, before.
INCLUDED = (
    '{% for reviewer in reviewers %}<option value="{{ reviewer.pk }}">'
    "{% load i18n %}{{ reviewer.name|default:reviewer.email }}{% if reviewer.name %} · "
    "{{ reviewer.email }}{% endif %} · {% blocktranslate trimmed count load=reviewer.load %}"
    "{{ load }} review to do{% plural %}{{ load }} reviews to do{% endblocktranslate %}\n"
    "</option>{% endfor %}"
)
REVIEWERS = [
    SimpleNamespace(pk=1, name="Ama Mensah", email="ama@example.org", load=0),
    SimpleNamespace(pk=22, name="", email="o'brien+<x>@example.org", load=1),
    SimpleNamespace(pk=333, name='Zoë "Z" <b>&', email="zoe@example.org", load=1234),
]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_same_options_as_the_template(language):
    with translation.override(language):
        before = engines["django"].from_string(INCLUDED).render({"reviewers": REVIEWERS})
        assert reviewer_options(REVIEWERS) == before
    assert ("évaluations à faire" in before) == (language == "fr")
    assert "&lt;b&gt;&amp;" in before
    assert "o&#x27;brien+&lt;x&gt;" in before
