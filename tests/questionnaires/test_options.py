"""The country selects' options, built once per language and written from HTML escaped once,
are the HTML the generic select writes from the same choices."""

import pytest
from django.utils import translation

from questionnaires.forms import countries_options, country_options
from questionnaires.widgets import Options, Select, SelectMultiple


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("widget", "options", "values"),
    [
        (Select, country_options, [None, "", "FR", ["FR"], "XX"]),
        (SelectMultiple, countries_options, [None, [], ["FR", "DE"], ["ZZ"], ["FR", "FR"]]),
    ],
)
def test_options_write_the_same_select(language, widget, options, values):
    with translation.override(language):
        shared = options()
        assert isinstance(shared, Options)
        for value in values:
            for attrs in (None, {"id": "id_place", "required": True}):
                fast = widget(attrs={"class": "form-select"}, choices=shared)
                generic = widget(attrs={"class": "form-select"}, choices=list(shared))
                assert fast.render("place", value, attrs) == generic.render("place", value, attrs)


def test_options_are_built_once_per_language():
    with translation.override("fr"):
        french = country_options()
        assert country_options() is french
        assert dict(french)["DE"] == "Allemagne"
    with translation.override("en"):
        assert country_options() is not french
        assert dict(country_options())["DE"] == "Germany"


def test_a_label_is_escaped():
    options = Options([("a", "<b>"), ("b&", "x")])
    html = Select(choices=options).render("f", "b&")
    assert html == Select(choices=list(options)).render("f", "b&")
    assert "&lt;b&gt;" in html
    assert 'value="b&amp;" selected' in html
