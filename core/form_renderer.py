"""The form renderer: Django's, except that the plainest widgets (every <input> but files,
<textarea>, <select> with plain options, and a radio button or checkbox of a list rendered on
its own, as `{{ box.tag }}`) are written in Python instead of through three nested templates
each (a <select>, two more for each option).

Rendering a widget's template is ~0.3 ms (the template, its include of input.html, the loop of
attrs.html); a form step has a dozen. The HTML is the templates', character for character
(tests/core/test_form_renderer.py renders every such widget both ways).
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# The widget templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in (
        *("checkbox", "color", "date", "datetime", "email", "hidden", "number"),
        *("password", "search", "tel", "text", "time", "url"),
    )
}


def _formatted(value):
    """{{ value|stringformat:'s' }}: escaped unless it was safe already."""
    text = f"{value}"
    return text if isinstance(value, SafeData) else escape(text)


def attributes(attrs):
    """django/forms/widgets/attrs.html (and crispy's bootstrap5/layout/attrs.html, the same)."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{attributes(widget["attrs"])}>'
    )


def _textarea(widget):
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


# A radio button's or checkbox's template: each only includes input_option.html.
INPUT_OPTIONS = {f"{WIDGETS}{name}_option.html" for name in ("checkbox", "radio", "input")}


def _is_text(value):
    return isinstance(value, str | Promise)


def _input_option(widget):
    """input_option.html: the <input>, wrapped in its <label> unless the page writes the label
    (`{{ box.tag }}`). None for a label or id that is not text ({{ }} would localise it)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    id_for = widget["attrs"].get("id")
    if not _is_text(widget["label"]) or not (id_for is None or _is_text(id_for)):
        return None
    label_for = f' for="{conditional_escape(id_for)}"' if id_for else ""
    # input.html's own line break stays inside the label, as the template includes it.
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


OPTION = f"{WIDGETS}select_option.html"


def _select(widget):
    """select.html, each option through select_option.html (which ends in a line break)."""
    html = [f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            html.append(
                f'\n  <option value="{_formatted(option["value"])}"'
                f"{attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _plain_options(widget):
    return all(
        option["template_name"] == OPTION
        for _name, group_choices, _index in widget["optgroups"]
        for option in group_choices
    )


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return mark_safe(_input(context["widget"]))  # noqa: S308 (escaped above)
        if template_name == f"{WIDGETS}textarea.html":
            return mark_safe(_textarea(context["widget"]))  # noqa: S308 (escaped above)
        if template_name == f"{WIDGETS}select.html" and _plain_options(context["widget"]):
            return mark_safe(_select(context["widget"]))  # noqa: S308 (escaped above)
        if template_name in INPUT_OPTIONS:
            html = _input_option(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 (escaped above)
        return super().render(template_name, context, request)
