"""The figures the Secretariat's call dashboard shows that apps above review count.

review counts the intake; the later stages are counted by the apps that hold them (awards: the
EOIs awarded and the euros committed). Each registers a counter in its AppConfig.ready(): a
function (call) -> a plain value, counted with the intake and cached with it
(review.selectors.intake), so the page's query count stays what it is whatever the rows. A
figure nobody counts is not shown.
"""

from django.utils.translation import gettext_lazy as _

_counters = {}
_links = []

# The funnel, in its order: how many EOIs reached each stage.
FUNNEL = (
    ("sent", _("Expressions of interest sent")),
    ("invited", _("Invited to full proposal")),
    ("proposals", _("Full proposals")),
    ("interviewed", _("Interviewed")),
    ("awarded", _("Awarded")),
)


def counter(name, count):
    """`count(call)` gives the figure `name`; a later registration replaces an earlier one."""
    _counters[name] = count


def link(label, url_name):
    """A page about the call, linked from the dashboard: `url_name` takes the call's slug."""
    _links.append((label, url_name))


def count_all(call):
    return {name: count(call) for name, count in _counters.items()}


def links():
    return list(_links)


def funnel(counted):
    """The funnel's steps that something counts: (label, count), in order."""
    return [(label, counted[name]) for name, label in FUNNEL if name in counted]
