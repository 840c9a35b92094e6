"""The visitor's time zone: chosen on the time-zone page or detected by the browser."""

import zoneinfo
from functools import cache

from django.utils import formats, timezone

TIME_ZONE_COOKIE = "kmf_tz"


@cache
def time_zone_names():
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


def visitor_time_zone(request):
    """The zone named by the visitor's cookie, or None when there is none or it is not real."""
    return zone_named(request.COOKIES.get(TIME_ZONE_COOKIE, ""))


def local_moment(moment, zone):
    """A moment as people read a deadline: "23 March 2021, 23:59 CET", in `zone`."""
    return formats.date_format(timezone.localtime(moment, zone), "j F Y, H:i T")


def list_moment(moment):
    """A moment in a list, in the reader's active time zone (theirs when known, else UTC) and
    naming it: "01/12/2026 14:02 CET". The lists never use a call's zone: one list shows
    several calls' rows, and a reader compares them with their own clock."""
    local = timezone.localtime(moment)
    return (
        f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} {formats.date_format(local, 'T')}"
    )


def list_day(moment):
    """The day of a moment in a list, in the reader's active time zone."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def zone_named(name):
    """The zone of that name, or None when it is empty or not a real one."""
    if name in time_zone_names():
        return zoneinfo.ZoneInfo(name)
    return None
