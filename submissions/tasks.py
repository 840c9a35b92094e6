from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import ExpressionOfInterest


@shared_task
def send_submission_receipt(eoi_id):
    """The applicant's receipt: the reference and a copy of the answers."""
    eoi = (
        ExpressionOfInterest.objects.select_related("call", "owner")
        .prefetch_related("challenges", "partners", "attachments")
        .get(pk=eoi_id)
    )
    with translation.override(eoi.owner.preferred_language):
        context = {"eoi": eoi, "site_url": settings.SITE_URL}
        subject = render_to_string("submissions/email/receipt_subject.txt", context).strip()
        body = render_to_string("submissions/email/receipt.txt", context)
    send_mail(subject, body, None, [eoi.owner.email])
