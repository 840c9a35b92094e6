from django.urls import path

from . import views

app_name = "interviews"

urlpatterns = [
    path("calls/<slug:slug>/slots/", views.slots, name="slots"),
    path("calls/<slug:slug>/slots/<int:pk>/remove/", views.remove_slot, name="remove_slot"),
    path("eois/<uuid:uuid>/", views.booking, name="booking"),
    path("eois/<uuid:uuid>/cancel/", views.cancel, name="cancel"),
    path("eois/<uuid:uuid>/notes/", views.assessment, name="assessment"),
    path("eois/<uuid:uuid>/change/", views.change_booking, name="change_booking"),
]
