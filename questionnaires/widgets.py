from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelectMixin:
    """Writes its <option>s in Python rather than through a template each: for the ~250
    countries that template work was most of a form step's time (docs/BENCHMARKS.md).
    The HTML is the same as Django's own select widget."""

    def render(self, name, value, attrs=None, renderer=None):
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


# Named like Django's: crispy-forms gives each field the CSS class of its widget's name.
class Select(FastSelectMixin, forms.Select):
    pass


class SelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass
