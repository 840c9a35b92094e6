from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


class Options(BaseChoiceIterator):
    """Flat choices built once (per language) and shared by every field that offers them: Django
    takes them as they are instead of copying and checking each choice per field and widget,
    and the select widgets below write their <option>s from HTML escaped once."""

    def __init__(self, choices):
        self.choices = tuple((value, label) for value, label in choices)
        # Each option's HTML up to its closing ">", and from there on, as Django's template
        # writes them: <option value="FR" selected>France</option>.
        self.html = tuple(
            (
                "" if value is None else str(value),
                format_html('<option value="{}"', "" if value is None else value),
                format_html(">{}</option>", label),
            )
            for value, label in self.choices
        )

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __bool__(self):
        return bool(self.choices)

    # Shared, never changed: a field's or widget's copy is the same object.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def per_language(build):
    """`build()` once per language (Options of translated names), as a function of nothing."""
    built = {}

    def options():
        language = get_language()
        if language not in built:
            built[language] = Options(build())
        return built[language]

    return options


class FastSelectMixin:
    """Writes its <option>s in Python rather than through a template each: for the ~250
    countries that template work was most of a form step's time (docs/BENCHMARKS.md).
    The HTML is the same as Django's own select widget."""

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(self.choices, Options):
            return self._render_options(name, value, attrs)
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                html = format_html('<optgroup label="{}">{}</optgroup>', group_name, html)
            groups.append(html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )

    def _render_options(self, name, value, attrs):
        """As render() above, from the Options' HTML: the <select> tag and its attributes from
        the widget's context (without its optgroups, the costly part), each option marked
        selected as ChoiceWidget.optgroups marks it (a single select: only the first match)."""
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen = set(widget["value"])
        parts = []
        has_selected = False
        for option_value, start, end in self.choices.html:
            selected = (not has_selected or self.allow_multiple_selected) and (
                option_value in chosen
            )
            has_selected |= selected
            parts.append(start)
            if selected:
                parts.append(" selected")
            parts.append(end)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308 (each part escaped by format_html above)
        )


# Named like Django's: crispy-forms gives each field the CSS class of its widget's name.
class Select(FastSelectMixin, forms.Select):
    pass


class SelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass
