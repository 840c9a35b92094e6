from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def record(actor, action, target, **details):
    """Add an entry to the audit trail; call it inside the transaction that makes the change."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        details=details,
    )


def entries_for(target):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
