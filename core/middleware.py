from django.urls import get_resolver, get_urlconf
from django.utils import timezone
from django.utils.cache import cc_delim_re, patch_cache_control

from .timezones import visitor_time_zone


class VisitorTimeZoneMiddleware:
    """Show datetimes in the visitor's time zone when it is known, in UTC otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.visitor_time_zone = visitor_time_zone(request)
        if request.visitor_time_zone:
            timezone.activate(request.visitor_time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class NulCharactersRefusedMiddleware:
    """An address or query string with a NUL character gets the 400 page, before any view.

    No link or browser form makes one; PostgreSQL can neither store nor compare it, so a filter,
    a search or a lookup that took one to the database failed with a 500. Form fields sent in a
    POST body are the forms' to judge: Django's text fields refuse NUL with a message beside the
    field and keep the rest of what was typed (tests/test_every_form.py sends NUL to each)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.GET.lists()
        ):
            # The site's 400 page, as its URLconf names it (handler400): core sits below the
            # project root and imports nothing from it.
            return get_resolver(get_urlconf()).resolve_error_handler(400)(request)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Whatever a signed-in person is shown is theirs alone: `Cache-Control: private, no-store`
    keeps it out of shared caches and off the disk of a shared computer. Merged with what a
    view set, so a stricter header stays; static files (served before this), anonymous pages
    and an answer its view marked public (the same for everyone: the JavaScript catalogue)
    keep their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        public = "public" in cc_delim_re.split(response.get("Cache-Control", ""))
        if user is not None and user.is_authenticated and not public:
            patch_cache_control(response, private=True, no_store=True)
        return response
