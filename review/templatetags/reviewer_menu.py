"""{% reviewer_options reviewers %}: the <option>s of the "assign to" menus (the EOI list's bulk
actions and the EOI page), each reviewer with the reviews they have to do.

Written in Python: an {% include %} per reviewer was ~0.1 ms each, on two of the Secretariat's
busiest pages. The same text as the template it replaces (tests/review/test_reviewer_menu.py).
"""

from django import template
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def reviewer_options(reviewers):
    return mark_safe(  # noqa: S308 (each value escaped here)
        "".join(
            f'<option value="{conditional_escape(formats.localize(reviewer.pk))}">'
            f"{_choice(reviewer)}\n</option>"  # the include's file ended in a line break
            for reviewer in reviewers
        )
    )


def _choice(reviewer):
    """Their name (or email), their email after a name, and their reviews to do: escaped as
    the template escaped them (the values, not the translated sentence)."""
    load = ngettext("%(load)s review to do", "%(load)s reviews to do", reviewer.load) % {
        "load": conditional_escape(formats.localize(reviewer.load))
    }
    email = conditional_escape(reviewer.email)
    if reviewer.name:
        return f"{conditional_escape(reviewer.name)} · {email} · {load}"
    return f"{email} · {load}"
