"""The form renderer writes the plainest widgets in Python: the same HTML, character for
character, as Django's templates write."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.form_renderer import INPUTS, FastRenderer

WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    forms.CheckboxInput,
    forms.Textarea,
]
VALUES = [
    None,
    "",
    "plain",
    "a <b> & \"quoted\" 'single'",
    mark_safe("<i>safe</i>"),
    0,
    Decimal("12.50"),
    datetime.date(2026, 12, 1),
    gettext_lazy("French"),
    "line one\nline two",
    True,  # a checkbox's: ticked
    False,
]
ATTRS = [
    None,
    {"id": "id_x", "required": True, "disabled": False},
    {"class": 'a"b', "rows": 6, "data-word-limit": 200, "placeholder": gettext_lazy("English")},
    {"aria-describedby": "id_x_helptext", "aria-invalid": "true", "maxlength": "300"},
]


def test_every_input_template_is_written():
    written = {widget.template_name for widget in WIDGETS if widget is not forms.Textarea}
    assert written == INPUTS


@pytest.mark.parametrize("widget", WIDGETS)
def test_the_same_html_as_the_templates(widget):
    for value in VALUES:
        for attrs in ATTRS:
            for own in (None, {"class": "form-control", "title": "<x>"}):
                args = ("field", value, attrs)
                fast = widget(attrs=own).render(*args, renderer=FastRenderer())
                django = widget(attrs=own).render(*args, renderer=DjangoTemplates())
                assert fast == django, (widget, value, attrs)


CHOICES = [
    [],
    [("", "—"), ("a", "<A>"), ("b&", gettext_lazy("English")), (3, mark_safe("<i>3</i>"))],
    [("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z"), (gettext_lazy("French"), [(4, "4")])],
]


@pytest.mark.parametrize("widget", [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect])
def test_selects_the_same_html_as_the_templates(widget):
    for choices in CHOICES:
        values = (None, "", "a", "b&", 3, ["x", 4], "4")
        if widget is forms.NullBooleanSelect:
            values = (None, True, False, "unknown")
        for value in values:
            for attrs in ATTRS:
                for own in (None, {"class": "form-select", "title": "<x>"}):
                    kwargs = {"attrs": own}
                    if widget is not forms.NullBooleanSelect:
                        kwargs["choices"] = choices
                    args = ("field", value, attrs)
                    fast = widget(**kwargs).render(*args, renderer=FastRenderer())
                    django = widget(**kwargs).render(*args, renderer=DjangoTemplates())
                    assert fast == django, (widget, choices, value, attrs)


@pytest.mark.parametrize("widget", [forms.CheckboxSelectMultiple, forms.RadioSelect])
def test_a_box_of_a_list_the_same_html_as_the_templates(widget):
    """`{{ box.tag }}` and `{{ box }}` (its input wrapped in its label) of each choice."""
    choices = [("a", "<A>"), ("b&", gettext_lazy("English")), (3, mark_safe("<i>3</i>")), (4, 4)]
    for value in (None, "a", ["b&", 3], "4"):
        for attrs in (*ATTRS, {"id": 7}):
            for own in (None, {"class": "form-check-input", "title": "<x>"}):
                boxes = {}
                for renderer in (FastRenderer(), DjangoTemplates()):
                    bound = forms.Form(renderer=renderer)
                    bound.fields["field"] = forms.MultipleChoiceField(
                        choices=choices, widget=widget(attrs=own), required=False
                    )
                    bound.initial = {"field": value}
                    bound.fields["field"].widget.attrs.update(attrs or {})
                    boxes[type(renderer)] = [
                        (box.tag(), str(box), box.tag(wrap_label=True)) for box in bound["field"]
                    ]
                assert boxes[FastRenderer] == boxes[DjangoTemplates], (widget, value, attrs)


class OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


def test_other_templates_go_through_the_templates():
    for widget in (forms.RadioSelect(choices=[("a", "<A>")]), OwnOption(choices=[("a", "<A>")])):
        html = widget.render("s", "a", renderer=FastRenderer())
        assert html == widget.render("s", "a", renderer=DjangoTemplates())
