from submissions.models import ExpressionOfInterest

from . import domain
from .models import Grant


def awarded_with_letter(sender, eoi, previous, **kwargs):
    """An EOI awarded after its letter was issued: its applicants learn the letter is ready."""
    if eoi.status != ExpressionOfInterest.Status.AWARDED:
        return
    grant = Grant.objects.filter(eoi=eoi, letter_issued_at__isnull=False).first()
    if grant is not None:
        domain.tell_applicants(grant)
