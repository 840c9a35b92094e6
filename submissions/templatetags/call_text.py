import re

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markdown_it import MarkdownIt
from markdown_it.token import Token

from core.timezones import local_moment

register = template.Library()

# Raw HTML in the source is escaped, and markdown-it refuses javascript: and data: links,
# so text edited by the Secretariat cannot inject markup.
_markdown = MarkdownIt("commonmark", {"html": False})


@register.filter
def markdown(text):
    return mark_safe(_markdown.render(text or ""))  # noqa: S308


# How an FAQ answer mentions one of the call's documents: [[its key]].
MENTION = re.compile(r"\[\[([-a-zA-Z0-9_]+)\]\]")


@register.filter
def document_facts(document):
    """ "XLSX, 14 KB" for a file, "web link" for a link."""
    if not document.file:
        return _("web link")
    return f"{document.type_label}, {filesizeformat(document.size or 0)}"


@register.filter
def markdown_with_documents(text, documents):
    """Markdown in which [[key]] links the call's document of that key (`documents`: {key:
    document}), with what it is; an unknown key stays as written. The links are made among
    the parsed text's tokens, not by editing its HTML: what was typed never becomes markup."""
    tokens = _markdown.parse(text or "")
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _with_links(token.children, documents)
    return mark_safe(_markdown.renderer.render(tokens, _markdown.options, {}))  # noqa: S308


def _with_links(children, documents):
    linked, in_link = [], 0
    for child in children:
        in_link += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if child.type != "text" or in_link:  # code, and the text of links, as they are
            linked.append(child)
            continue
        done = 0
        for mention in MENTION.finditer(child.content):
            document = documents.get(mention[1])
            if document is None:
                continue
            linked.append(Token("text", "", 0, content=child.content[done : mention.start()]))
            linked += [
                Token("link_open", "a", 1, attrs={"href": document.get_absolute_url()}),
                Token("text", "", 0, content=str(document.title)),
                Token("link_close", "a", -1),
                Token("text", "", 0, content=f" ({document_facts(document)})"),
            ]
            done = mention.end()
        linked.append(Token("text", "", 0, content=child.content[done:]) if done else child)
    return linked


@register.simple_tag(takes_context=True)
def local_deadline(context, moment, call):
    """A deadline in the visitor's time zone when known, else in the call's, with the zone."""
    request = context.get("request")
    zone = getattr(request, "visitor_time_zone", None) or call.zone
    return local_moment(moment, zone)


def time_left(deadline, now=None):
    """'12 days, 5 hours', or '5 hours, 20 minutes' on the last day (a nought left out):
    precise enough to plan by, the same in every time zone."""
    seconds = max(0, int((deadline - (now or timezone.now())).total_seconds()))
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    day_text = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    hour_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minute_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if days:
        if not hours:
            return day_text
        return _("%(days)s, %(hours)s") % {"days": day_text, "hours": hour_text}
    if hours:
        if not minutes:
            return hour_text
        return _("%(hours)s, %(minutes)s") % {"hours": hour_text, "minutes": minute_text}
    return minute_text


@register.simple_tag
def countdown(deadline):
    """The time left until `deadline`, rendered here and kept current by static/js/site.js.
    The server's clock goes along: a phone's clock may be hours off."""
    return format_html(
        '<span data-countdown="{}" data-now="{}">{}</span>',
        deadline.isoformat(),
        timezone.now().isoformat(),
        time_left(deadline),
    )
