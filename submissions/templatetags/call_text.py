from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

register = template.Library()

# Raw HTML in the source is escaped, and markdown-it refuses javascript: and data: links,
# so text edited by the Secretariat cannot inject markup.
_markdown = MarkdownIt("commonmark", {"html": False})


@register.filter
def markdown(text):
    return mark_safe(_markdown.render(text or ""))  # noqa: S308
