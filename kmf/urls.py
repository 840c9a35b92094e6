from django.contrib import admin
from django.urls import include, path

from accounts.views import set_language

from . import health, views

urlpatterns = [
    path("", include("submissions.urls")),
    path("review/", include("review.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("help/", views.help_page, name="help"),
    path("timezone/", views.choose_time_zone, name="choose_time_zone"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/ready", health.ready, name="healthz_ready"),
    path("admin/", admin.site.urls),
]

handler500 = views.server_error
