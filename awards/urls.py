from django.urls import path

from review.urls import FileFormat  # noqa: F401  (registers the file_format converter)

from . import views

app_name = "awards"

urlpatterns = [
    path("calls/<slug:slug>/", views.grant_list, name="grant_list"),
    path("calls/<slug:slug>/export.<file_format:file_format>", views.grant_export, name="export"),
    path("eois/<uuid:uuid>/", views.grant, name="grant"),
    path("eois/<uuid:uuid>/issue/", views.issue_letter, name="issue_letter"),
    path("eois/<uuid:uuid>/letter.pdf", views.letter, name="letter"),
]
