import functools

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.selectors import with_names
from core.permissions import can

from . import answers, coapplicants
from .lifecycle import with_deadlines
from .models import Call, CallDocument, CoApplicant, ExpressionOfInterest, Proposal


def applicant_eois(applicant):
    """The EOIs the applicant leads or co-applies to, with their calls, the lead's personal
    deadline, the parts opened to the applicant (`opened_parts`, None for their own) and the
    status of the full proposal an invitation opened (`proposal_status`), in one query."""
    link = CoApplicant.objects.active().filter(eoi=OuterRef("pk"), user=applicant)
    # A union of two indexed look-ups: "owner OR co-applicant" in one WHERE read every EOI of
    # every call (98 ms at 50,000 EOIs, for one applicant's one EOI).
    theirs = (
        ExpressionOfInterest.objects.filter(owner=applicant)
        .order_by()
        .values("pk")
        .union(CoApplicant.objects.active().filter(user=applicant).order_by().values("eoi"))
    )
    return (
        _eois_with_deadline_and_proposal()
        .filter(pk__in=theirs)
        .annotate(opened_parts=Subquery(link.values("parts")[:1]))
    )


@functools.cache
def _eois_with_deadline_and_proposal():
    """What applicant_eois reads of every EOI, built once per process and copied: resolving its
    subqueries cost ~1 ms of CPU on every applicant's dashboard, and nothing in it changes."""
    return (
        with_deadlines(ExpressionOfInterest.objects.select_related("call"))
        .annotate(
            proposal_status=Subquery(
                Proposal.objects.filter(eoi=OuterRef("pk")).values("status")[:1]
            ),
        )
        .order_by("-updated_at")
    )


def eoi_or_404(user, uuid, permission, with_deadline=False):
    """The EOI if `user` may see it this way; a 404 otherwise, so nobody learns it exists.
    `with_deadline`: the applicant's extension comes along, for a page that checks the
    deadline (lifecycle.deadline_for) anyway."""
    eoi = get_object_or_404(_eois_to_open(with_deadline).all(), uuid=uuid)
    if not can(user, permission, eoi):
        raise Http404
    return eoi


@functools.cache
def _eois_to_open(with_deadline):
    """What eoi_or_404 reads with an EOI, built once per process and copied (as
    _eois_with_deadline_and_proposal)."""
    # The questionnaires come along: the page checks its built definition is current by them.
    eois = ExpressionOfInterest.objects.select_related(
        "call__questionnaire", "questionnaire", "owner"
    )
    return with_deadlines(eois) if with_deadline else eois


# The EOI statuses an invitation to the full proposal leads to (or its withdrawal): only their
# pages look for one.
AFTER_INVITATION = frozenset(
    {
        ExpressionOfInterest.Status.WITHDRAWN,
        ExpressionOfInterest.Status.INVITED,
        ExpressionOfInterest.Status.SHORTLISTED,
        ExpressionOfInterest.Status.RECOMMENDED,
        ExpressionOfInterest.Status.AWARDED,
    }
)


def proposal_of(eoi):
    """The EOI's full proposal, if an invitation opened one (no query before that)."""
    if eoi.status not in AFTER_INVITATION:
        return None
    return eoi.proposals.first()


def proposal_or_404(user, uuid, permission):
    """The full proposal of the EOI `uuid` if `user` may see it this way; a 404 otherwise (and
    where the EOI has none), so nobody learns it exists."""
    proposal = (
        Proposal.objects.select_related(
            "eoi__call", "eoi__owner", "stage__questionnaire", "questionnaire"
        )
        .filter(eoi__uuid=uuid)
        .first()
    )
    if proposal is None or not can(user, permission, proposal):
        raise Http404
    return proposal


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


def coapplicants_of(eoi):
    """Everyone the lead invited to the EOI, revoked too, with their accounts and the parts
    opened to them in words (`opened`): one query however many."""
    definition = answers.answered(eoi)
    people = list(with_names(eoi.coapplicants.order_by("invited_at", "pk"), "user"))
    for person in people:
        person.opened = coapplicants.parts_in_words(definition, person.parts)
    return people


def thread_of(eoi):
    """The messages about the EOI, oldest first, with their authors: one query however many."""
    return list(with_names(eoi.messages.all(), "author"))


def released_outcomes(eoi):
    """What the applicant (and each co-applicant) has been told, stage after stage: the EOI's
    released decisions, in the order of their release, each with its stage. A decision not yet
    released is never among them. (The decisions are the review app's; read here through the
    EOI's reverse relation, as the lifecycle's mail reads them.)"""
    return (
        eoi.decisions.filter(released_at__isnull=False)
        .select_related("stage")
        .order_by("released_at", "pk")
    )


# Links the apps above add to an EOI's own page (awards: the grant letter), each a function
# (user, eoi) -> [(label, URL)], filled in their AppConfig.ready().
eoi_page_links = []


def links_on_eoi_page(user, eoi):
    return [link for links_of in eoi_page_links for link in links_of(user, eoi)]
