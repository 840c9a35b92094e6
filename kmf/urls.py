from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", include("submissions.urls")),
    path("timezone/", views.choose_time_zone, name="choose_time_zone"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
