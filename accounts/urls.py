from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("my-data/", views.data_export, name="data_export"),
    path("delete/", views.delete_account, name="delete_account"),
]
