"""Parts that a higher app adds to a lower app's page, without the lower app knowing it.

The page names a place ("submissions.eoi_detail"); an app above adds a function of (request,
object) to it in its `AppConfig.ready()`, returning HTML (or "" for nothing). The page renders
what they return, in the order they were added. The interviews app adds the interview to the
applicant's page of an EOI and to the Secretariat's (docs/ARCHITECTURE.md)."""

from django.utils.safestring import SafeString

_added = {}


def add(place, render):
    """Show what `render(request, obj)` returns on the page of `place`."""
    if render not in _added.setdefault(place, []):
        _added[place].append(render)


def rendered(place, request, obj):
    """The HTML each panel added to `place` gives for `obj`, the empty ones left out."""
    parts = (render(request, obj) for render in _added.get(place, ()))
    return [SafeString(part) for part in parts if part]
