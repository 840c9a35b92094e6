from django.urls import path

from . import views

urlpatterns = [
    path("items/", views.item_list, name="list"),
    path("items/<int:pk>/", views.item_detail, name="detail"),
    path("healthz", views.healthz),
]
