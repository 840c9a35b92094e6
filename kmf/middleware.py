from django.utils import timezone

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
