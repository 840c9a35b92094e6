from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("", views.home, name="home"),
    path("calls/<slug:slug>/", views.call_detail, name="call_detail"),
    path("calls/<slug:slug>/apply/", views.apply, name="apply"),
    path("calls/<slug:slug>/documents/<slug:key>/", views.call_document, name="call_document"),
    path("eois/", views.dashboard, name="dashboard"),
    path("eois/<uuid:uuid>/", views.eoi_detail, name="eoi_detail"),
    path("eois/<uuid:uuid>/receipt/", views.eoi_receipt, name="eoi_receipt"),
    path("eois/<uuid:uuid>/print/", views.eoi_print, name="eoi_print"),
    path("eois/<uuid:uuid>/pdf/", views.eoi_pdf, name="eoi_pdf"),
    path("eois/<uuid:uuid>/withdraw/", views.eoi_withdraw, name="eoi_withdraw"),
    path("eois/<uuid:uuid>/files/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "eois/<uuid:uuid>/files/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("eois/<uuid:uuid>/messages/<int:pk>/", views.message_file, name="message_file"),
    path("eois/<uuid:uuid>/partners/ask/", views.ask_partners, name="ask_partners"),
    # A partner's one-off link: a random token, nothing else (submissions.partners).
    path("partners/confirm/<str:token>/", views.partner_confirm, name="partner_confirm"),
    path("partners/", views.my_partnerships, name="my_partnerships"),
    path("partners/<int:pk>/", views.partner_answer, name="partner_answer"),
    path("eois/<uuid:uuid>/continue/", views.eoi_continue, name="eoi_continue"),
    path("eois/<uuid:uuid>/co-applicants/", views.coapplicants_page, name="coapplicants"),
    path(
        "eois/<uuid:uuid>/co-applicants/<int:pk>/",
        views.coapplicant_parts,
        name="coapplicant_parts",
    ),
    path(
        "eois/<uuid:uuid>/co-applicants/<int:pk>/revoke/",
        views.coapplicant_revoke,
        name="coapplicant_revoke",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    # The full proposal of an invited EOI, before the EOI's steps (a step may not be named so).
    path("eois/<uuid:uuid>/proposal/", views.proposal_detail, name="proposal_detail"),
    path("eois/<uuid:uuid>/proposal/continue/", views.proposal_continue, name="proposal_continue"),
    path("eois/<uuid:uuid>/proposal/receipt/", views.proposal_receipt, name="proposal_receipt"),
    path("eois/<uuid:uuid>/proposal/print/", views.proposal_print, name="proposal_print"),
    path("eois/<uuid:uuid>/proposal/pdf/", views.proposal_pdf, name="proposal_pdf"),
    path("eois/<uuid:uuid>/proposal/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path(
        "eois/<uuid:uuid>/proposal/files/<int:pk>/",
        views.proposal_attachment,
        name="proposal_attachment",
    ),
    path(
        "eois/<uuid:uuid>/proposal/files/<int:pk>/delete/",
        views.proposal_attachment_delete,
        name="proposal_attachment_delete",
    ),
    path("eois/<uuid:uuid>/proposal/<slug:step>/", views.proposal_step, name="proposal_step"),
    path(
        "eois/<uuid:uuid>/proposal/<slug:step>/autosave/",
        views.proposal_autosave,
        name="proposal_autosave",
    ),
    path("eois/<uuid:uuid>/<slug:step>/", views.eoi_step, name="eoi_step"),
    path("eois/<uuid:uuid>/<slug:step>/autosave/", views.eoi_autosave, name="eoi_autosave"),
]
