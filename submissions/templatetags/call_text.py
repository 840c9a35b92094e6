from django import template
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

register = template.Library()

# Raw HTML in the source is escaped, and markdown-it refuses javascript: and data: links,
# so text edited by the Secretariat cannot inject markup.
_markdown = MarkdownIt("commonmark", {"html": False})


@register.filter
def markdown(text):
    return mark_safe(_markdown.render(text or ""))  # noqa: S308


@register.simple_tag(takes_context=True)
def local_deadline(context, moment, call):
    """A deadline in the visitor's time zone when known, else in the call's, with the zone."""
    request = context.get("request")
    zone = getattr(request, "visitor_time_zone", None) or call.zone
    return formats.date_format(timezone.localtime(moment, zone), "j F Y, H:i T")
