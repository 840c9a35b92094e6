from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.permissions import can

from .models import Call, CallDocument, CoApplicant, ExpressionOfInterest, Extension


def applicant_eois(applicant):
    """The EOIs the applicant leads or co-applies to, with their calls, the lead's personal
    deadline and the parts opened to the applicant (`opened_parts`, None for their own), in
    one query."""
    extension = Extension.objects.filter(call=OuterRef("call"), applicant=OuterRef("owner"))
    link = CoApplicant.objects.active().filter(eoi=OuterRef("pk"), user=applicant)
    return (
        ExpressionOfInterest.objects.filter(Q(owner=applicant) | Exists(link))
        .select_related("call")
        .annotate(
            extension_until=Subquery(extension.values("until")[:1]),
            opened_parts=Subquery(link.values("parts")[:1]),
        )
        .order_by("-updated_at")
    )


def eoi_or_404(user, uuid, permission):
    """The EOI if `user` may see it this way; a 404 otherwise, so nobody learns it exists."""
    # The questionnaires come along: the page checks its built definition is current by them.
    eois = ExpressionOfInterest.objects.select_related(
        "call__questionnaire", "questionnaire", "owner"
    )
    eoi = get_object_or_404(eois, uuid=uuid)
    if not can(user, permission, eoi):
        raise Http404
    return eoi


def eoi_answers(eoi):
    """The EOI's answers for the read-only answers template, its files among them."""
    return eoi.readable_answers()


def step_documents(call, step):
    """The call's documents a step of its questionnaire shows: those that belong to it and
    the templates of the files it asks for (one query)."""
    files = [question.key for question in step.questions if question.is_file]
    return call.documents.filter(Q(step=step.key) | Q(template_for__in=files))


def public_document_or_404(slug, key):
    """A call's document, with a file, wherever its call's page is public."""
    return get_object_or_404(
        CallDocument.objects.filter(call__in=Call.objects.published()).exclude(file=""),
        call__slug=slug,
        key=key,
    )


def partners_of(eoi):
    """The EOI's partners as its pages show them, with what each said (one query)."""
    return list(eoi.partners.all())


def thread_of(eoi):
    """The messages about the EOI, oldest first, with their authors: one query however many."""
    return list(eoi.messages.select_related("author"))


# Links the apps above add to an EOI's own page (awards: the grant letter), each a function
# (user, eoi) -> [(label, URL)], filled in their AppConfig.ready().
eoi_page_links = []


def links_on_eoi_page(user, eoi):
    return [link for links_of in eoi_page_links for link in links_of(user, eoi)]
