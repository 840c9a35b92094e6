from django.urls import path, register_converter

from . import views

app_name = "review"


class FileFormat:
    """The formats an export is written in; any other suffix is no page (404)."""

    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormat, "file_format")

urlpatterns = [
    path("", views.assignments, name="assignments"),
    path("expertise/", views.expertise, name="expertise"),
    path("eois/<uuid:uuid>/", views.review_eoi, name="review_eoi"),
    path("eois/<uuid:uuid>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("eois/<uuid:uuid>/stages/<int:stage>/", views.review_proposal, name="review_proposal"),
    path(
        "eois/<uuid:uuid>/stages/<int:stage>/conflict/",
        views.declare_proposal_conflict,
        name="declare_proposal_conflict",
    ),
    path("calls/<slug:slug>/", views.dashboard, name="dashboard"),
    path("calls/<slug:slug>/eois/", views.eoi_list, name="eoi_list"),
    path("calls/<slug:slug>/reviews/", views.review_list, name="review_list"),
    path("calls/<slug:slug>/assignments/", views.assignment_list, name="assignment_list"),
    path("calls/<slug:slug>/proposals/", views.proposal_list, name="proposal_list"),
    path("calls/<slug:slug>/eois/actions/", views.bulk_action, name="bulk_action"),
    path("calls/<slug:slug>/eois/views/<int:pk>/delete/", views.delete_view, name="delete_view"),
    path("calls/<slug:slug>/stages/<int:pk>/board/", views.board, name="board"),
    path(
        "calls/<slug:slug>/stages/<int:pk>/board/meetings/<int:meeting>/",
        views.board_meeting,
        name="board_meeting",
    ),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/views/<int:pk>/delete/", views.delete_outbox_view, name="delete_outbox_view"),
    path("calls/<slug:slug>/auto-assign/", views.auto_assign, name="auto_assign"),
    path("calls/<slug:slug>/proposals/assign/", views.assign_proposals, name="assign_proposals"),
    path(
        "calls/<slug:slug>/stages/<int:pk>/auto-assign/",
        views.auto_assign,
        name="auto_assign_stage",
    ),
    path("calls/<slug:slug>/eois.<file_format:file_format>", views.export_eois, name="export_eois"),
    path(
        "calls/<slug:slug>/reviews.<file_format:file_format>",
        views.export_reviews,
        name="export_reviews",
    ),
    path("secretariat/eois/<uuid:uuid>/", views.secretariat_eoi, name="secretariat_eoi"),
    path(
        "secretariat/eois/<uuid:uuid>/messages/",
        views.secretariat_message,
        name="secretariat_message",
    ),
    path(
        "secretariat/eois/<uuid:uuid>/messages/share/",
        views.share_messages,
        name="share_messages",
    ),
]
