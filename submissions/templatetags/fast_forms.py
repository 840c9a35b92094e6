"""{{ form|fast_crispy }}: the HTML of crispy-forms' `{{ form|crispy }}` (Bootstrap 5 pack, no
FormHelper), written in Python for the fields that are most of our forms.

Crispy renders each field through bootstrap5/field.html and its four nested includes: on the
form step that template work was two thirds of the page's CPU (docs/BENCHMARKS.md). Here a text,
number, date, URL, select or textarea field and a checkbox get the same wrapper, label, classes,
errors and help text as that template writes (whitespace aside); the widget itself is Django's,
as crispy renders it. Any other field (files, radio buttons, checkbox lists, multi-widgets), and
the form's own errors, go through crispy's templates as before.
tests/submissions/test_fast_forms.py compares the two on the forms of the hot pages.
"""

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.template.loader import get_template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

PACK = "bootstrap5"
# The context crispy's `|crispy` filter renders each field with.
CRISPY_CONTEXT = {
    "field_class": "",
    "field_template": f"{PACK}/field.html",
    "form_show_errors": True,
    "form_show_labels": True,
    "label_class": "",
}
# Widgets written here; any other goes through crispy's field template.
WRITTEN = (
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.DateInput,
    forms.Textarea,
    forms.Select,
    forms.CheckboxInput,
)
NOT_WRITTEN = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput, forms.MultiWidget)


@register.filter
def fast_crispy(form):
    if isinstance(form, BaseFormSet):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

        return as_crispy_form(form)
    parts = []
    if form.non_field_errors():
        parts.append(get_template(f"{PACK}/errors.html").render({**CRISPY_CONTEXT, "form": form}))
    for field in form:
        parts.append(_field(form, field))
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped where it is written)


def _field(form, field):
    if field.is_hidden:
        return str(field)
    widget = field.field.widget
    if not isinstance(widget, WRITTEN) or isinstance(widget, NOT_WRITTEN) or field.use_fieldset:
        template_ = get_template(CRISPY_CONTEXT["field_template"])
        return template_.render({**CRISPY_CONTEXT, "form": form, "field": field})
    errors = bool(field.errors)
    required = " requiredField" if field.field.required else ""
    asterisk = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    css_classes = field.css_classes()
    extra = f" {css_classes}" if css_classes else ""
    if isinstance(widget, forms.CheckboxInput):
        control = _widget(field, "form-check-input is-invalid" if errors else "form-check-input")
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
            '<label for="{}" class="form-check-label{}">{}{}</label>{}</div></div>',
            field.auto_id,
            extra,
            control,
            field.id_for_label,
            required,
            field.label,
            asterisk,
            _help_and_errors(field),
        )
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            required,
            field.label,
            asterisk,
        )
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    control = _widget(field, f"{kind} is-invalid" if errors else kind)
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}</div>',
        field.auto_id,
        extra,
        label,
        control,
        _help_and_errors(field),
    )


def _widget(field, classes):
    """The widget as crispy's {% crispy_field field 'class' classes %} writes it: the widget's
    own classes, its class name in lower case, then `classes` (kept on the widget, as crispy
    leaves them)."""
    widget = field.field.widget
    class_name = widget.__class__.__name__.lower()
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class
    return str(field)


def _help_and_errors(field):
    """bootstrap5/layout/help_text_and_errors.html: the errors block, then the help text."""
    html = mark_safe("")
    if field.errors:
        html = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
            ),
        )
    if field.help_text:
        help_text = mark_safe(field.help_text)  # noqa: S308 (as crispy's |safe: escaped by the form)
        if field.auto_id:
            html += format_html(
                '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, help_text
            )
        else:
            html += format_html('<div class="form-text">{}</div>', help_text)
    return html
