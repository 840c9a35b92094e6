from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views import set_language
from notifications.webhooks import provider_events

from . import health, views

# One way in: the admin's own sign-in form would take a password without the second factor or
# the rate limits, so it sends visitors to the site's sign-in page instead.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("submissions.urls")),
    path("review/", include("review.urls")),
    path("awards/", include("awards.urls")),
    path("interviews/", include("interviews.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("start/", views.start, name="start"),
    path("help/", views.help_page, name="help"),
    path("timezone/", views.choose_time_zone, name="choose_time_zone"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/js/<str:language>/", views.javascript_catalogue, name="javascript_catalogue"),
    path("mail/events/<slug:provider>/", provider_events, name="provider_events"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/ready", health.ready, name="healthz_ready"),
    path("admin/", admin.site.urls),
]

handler400 = views.bad_request
handler500 = views.server_error
