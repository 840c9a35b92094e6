"""{{ form|fast_crispy }}: the HTML of crispy-forms' `{{ form|crispy }}` (Bootstrap 5 pack, no
FormHelper), written in Python for the fields that are most of our forms.

Crispy renders each field through bootstrap5/field.html and its four nested includes: on the
form step that template work was two thirds of the page's CPU (docs/BENCHMARKS.md). Here a text,
number, date, URL, select or textarea field and a checkbox get the same wrapper, label, classes,
errors and help text as that template writes (whitespace aside); the widget itself is Django's,
as crispy renders it. Radio buttons and checkbox lists are written whole, as crispy's
radio_checkbox_select.html writes them (on the scoring page they were a third of its CPU). Any
other field (files, multi-widgets), and the form's own errors, go through crispy's templates as
before.
tests/submissions/test_fast_forms.py compares the two on the forms of the hot pages.
"""

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.template.loader import get_template
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from core.form_renderer import attributes

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
# Written here too, as a fieldset of choices.
CHOICES = (forms.RadioSelect, forms.CheckboxSelectMultiple)
NOT_WRITTEN = (*CHOICES, forms.FileInput, forms.MultiWidget)


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


@register.filter
def fast_crispy_field(field):
    """{{ field|as_crispy_field }}, written as fast_crispy writes each field (the lists'
    filters: a dozen fields on every page of a Secretariat list)."""
    return mark_safe(_field(field.form, field))  # noqa: S308 (escaped where it is written)


def _field(form, field):
    if field.is_hidden:
        return str(field)
    widget = field.field.widget
    if type(widget) in CHOICES and field.use_fieldset:
        return _choices(field)
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


def _choices(field):
    """bootstrap5/field.html for a radio select or a checkbox list (its legend in a fieldset),
    and layout/radio_checkbox_select.html inside it."""
    required = field.field.required
    legend = ""
    if field.label:
        legend = format_html(
            '<legend{} class="form-label{} fs-6">{}{}</legend>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
        described = field.aria_describedby
        legend = format_html(
            "<fieldset{}>{}",
            format_html(' aria-describedby="{}"', described) if described else "",
            legend,
        )
    errors = field.errors
    invalid = " is-invalid" if errors else ""
    name = conditional_escape(field.html_name)
    groups = _optgroups(field)
    options = []
    for group_number, (group, choices, _index) in enumerate(groups, 1):
        if group:
            options.append(format_html("<strong>{}</strong>", group))
        for number, option in enumerate(choices, 1):
            block = ""
            if errors and number == len(choices) and group_number == len(groups):
                block = _errors(field)
            options.append(
                f'<div class="form-check"><input type="{conditional_escape(option["type"])}" '
                f'class="form-check-input{invalid}" name="{name}" '
                f'value="{conditional_escape(unlocalize(option["value"]))}"'
                f"{attributes(option['attrs'])}>"
                f'<label for="{conditional_escape(option["attrs"].get("id", ""))}" '
                f'class="form-check-label">{conditional_escape(unlocalize(option["label"]))}'
                f"</label>{block}</div>"
            )
    help_text = ""
    if field.help_text:
        help_text = _help(field)
    css_classes = field.css_classes()
    return mark_safe(  # noqa: S308 (each part escaped where it is written)
        f'<div id="div_{conditional_escape(field.auto_id)}" '
        f'class="mb-3{" " + conditional_escape(css_classes) if css_classes else ""}">'
        f"{legend}<div>{''.join(options)}</div>{help_text}"
        f"{'</fieldset>' if field.label else ''}</div>"
    )


def _optgroups(field):
    """crispy's `optgroups` filter: the widget's groups of options, with their ids."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    return widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)


def _errors(field):
    """bootstrap5/layout/field_errors_block.html."""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.errors.field_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
        ),
    )


def _help(field):
    """bootstrap5/layout/help_text.html."""
    help_text = mark_safe(field.help_text)  # noqa: S308 (as crispy's |safe: escaped by the form)
    if field.auto_id:
        return format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, help_text
        )
    return format_html('<div class="form-text">{}</div>', help_text)


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
    html = _errors(field) if field.errors else mark_safe("")
    if field.help_text:
        html += _help(field)
    return html
