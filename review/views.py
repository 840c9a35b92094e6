import uuid
from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts.selectors import with_names
from audit.trail import entries_for
from audit.wording import said
from core import panels
from core.permissions import can
from submissions import domain as submissions_domain
from submissions import proposals as submissions_proposals
from submissions.answers import named_organisations
from submissions.domain import DomainError
from submissions.forms import MessageForm
from submissions.lifecycle import with_deadlines
from submissions.models import Call, Proposal
from submissions.selectors import (
    coapplicants_of,
    eoi_answers,
    eoi_or_404,
    partners_of,
    proposal_of,
    thread_of,
)

from . import domain, downloads
from .filters import AssignmentFilter, EOIFilter, OutboxFilter, ProposalFilter, ReviewFilter
from .forms import (
    BoardMeetingForm,
    ColumnsForm,
    CommentForm,
    ConflictForm,
    DecisionForm,
    ExpertiseForm,
    ReviewForm,
    SavedViewForm,
    outcome_groups,
)
from .models import (
    Assignment,
    BoardMeeting,
    Decision,
    Review,
    ReviewerExpertise,
    SavedView,
    rubric_of,
)
from .selectors import (
    BOARD_ROWS_PER_PAGE,
    active_assignment,
    board_ranking,
    call_assignments,
    call_proposals,
    call_reviews,
    decisions_of,
    intake,
    listed_eois,
    outbox_mails,
    proposal_reviews,
    proposal_under_review_or_404,
    reviewer_assignments,
    reviews_for_reviewer,
    scores_by_criterion,
    secretariat_eois,
    with_board_figures,
)
from .tables import (
    AssignmentTable,
    EOITable,
    OutboxTable,
    ProposalTable,
    ReviewTable,
    board_rows,
)


def secretariat_only(request):
    if not can(request.user, "review.manage_review"):
        raise Http404


@login_required
def assignments(request):
    mine = reviewer_assignments(request.user)
    return render(
        request,
        "review/assignments.html",
        {
            "page": Paginator(mine, 50).get_page(request.GET.get("page")),
            "submitted": mine.filter(review_status=Review.Status.SUBMITTED).count(),
            "calls": Call.objects.order_by("-opens_at"),
            "states_expertise": can(request.user, "review.state_expertise"),
        },
    )


@login_required
def expertise(request):
    """The reviewer's own page: the challenges and countries they know."""
    if not can(request.user, "review.state_expertise"):
        raise Http404
    calls = list(Call.objects.published().order_by("-opens_at").prefetch_related("challenges"))
    mine = (
        ReviewerExpertise.objects.filter(reviewer=request.user)
        .prefetch_related("challenges")
        .first()
    )
    form = ExpertiseForm(request.POST or None, calls=calls, expertise=mine)
    if request.method == "POST" and form.is_valid():
        domain.save_expertise(
            request.user, form.chosen_challenges(), form.cleaned_data["countries"], request.user
        )
        messages.success(request, _("Your expertise is saved."))
        return redirect("review:assignments")
    return render(request, "review/expertise.html", {"form": form})


class Reviewed:
    """What a reviewer's page reviews: an EOI in its own round, or a submitted proposal in its
    stage's round (its answers, read-only, and the stage's rubric). One set of views serves
    both, as submissions.filled does for the applicant's forms."""

    def __init__(self, subject):
        self.subject = subject
        self.is_proposal = isinstance(subject, Proposal)
        self.eoi = subject.eoi if self.is_proposal else subject
        self.stage = subject.stage if self.is_proposal else None
        self.read_permission = "review.read_proposal" if self.is_proposal else "review.read_eoi"
        args = [self.eoi.uuid, self.stage.pk] if self.is_proposal else [self.eoi.uuid]
        self.page_url = reverse(
            "review:review_proposal" if self.is_proposal else "review:review_eoi", args=args
        )
        self.declare_url = reverse(
            "review:declare_proposal_conflict" if self.is_proposal else "review:declare_conflict",
            args=args,
        )
        # The proposal's reference is the EOI's with "-P".
        self.reference = subject.reference

    def assignment_or_404(self, user):
        # The one its permissions read (kept for the rest of a GET request).
        assignment = active_assignment(user, self.eoi, self.stage.pk if self.is_proposal else None)
        if assignment is None:
            raise Http404
        return assignment

    def answers(self):
        return self.subject.readable_answers() if self.is_proposal else eoi_answers(self.eoi)


def conflict_check(request, reviewed, assignment, form=None):
    """What a reviewer sees of an EOI (or of the EOI of a proposal) before declaring whether
    they have a conflict of interest: its title, its organisations and its countries, names
    included even when the review is blind (nobody can tell a conflict without them)."""
    eoi = reviewed.eoi
    return render(
        request,
        "review/conflict_check.html",
        {
            "eoi": eoi,
            "reviewed": reviewed,
            "call": eoi.call,
            "assignment": assignment,
            # A partner that asked not to be named is "a partner based in" its country here too.
            "organisations": named_organisations(eoi, for_reviewers=True),
            "form": form or ConflictForm(),
        },
    )


def commenting(request):
    """The page's POST is the discussion's comment form, not the page's main form."""
    return request.method == "POST" and f"{CommentForm.prefix}-text" in request.POST


def comment_form(request, eoi, allowed):
    """The discussion's comment form (None if `allowed` is not), and whether a comment was
    just posted with it. An invalid one comes back with what was typed."""
    if not commenting(request):
        return (CommentForm() if allowed else None), False
    if not allowed:
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        return form, False
    domain.post_comment(eoi, request.user, form.cleaned_data["text"])
    messages.success(request, _("Your comment is posted."))
    return form, True


def comments_of(eoi):
    return with_names(eoi.review_comments.all(), "author")


@login_required
def review_eoi(request, uuid):
    return review_page(request, Reviewed(eoi_or_404(request.user, uuid, "review.review_eoi")))


@login_required
def review_proposal(request, uuid, stage):
    """The reviewer's page of a submitted proposal: the conflict declaration first, then its
    answers and the stage's rubric, as for the EOI."""
    proposal = proposal_under_review_or_404(request.user, uuid, stage, "review.review_proposal")
    return review_page(request, Reviewed(proposal))


def review_page(request, reviewed):
    eoi = reviewed.eoi
    assignment = reviewed.assignment_or_404(request.user)
    if not can(request.user, reviewed.read_permission, reviewed.subject):
        return conflict_check(request, reviewed, assignment)
    # The discussion is the EOI round's.
    discussing = not reviewed.is_proposal and can(request.user, "review.discuss_eoi", eoi)
    comment, posted = comment_form(request, eoi, discussing)
    if posted:
        return redirect(reviewed.page_url + "#discussion")
    criteria = list(rubric_of(eoi.call, reviewed.stage))
    review, others = reviews_for_reviewer(eoi, request.user, reviewed.stage, criteria, discussing)
    form = ReviewForm(
        None if commenting(request) else (request.POST or None),
        criteria=criteria,
        scale=eoi.call.score_scale_max,
        review=review,
        submitting="submit" in request.POST,
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_review(
                assignment,
                request.user,
                form.scores(),
                form.cleaned_data["recommendation"],
                form.cleaned_data["internal_comment"],
                form.cleaned_data["applicant_feedback"],
                submit="submit" in request.POST,
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your review is saved."))
            return redirect(reviewed.page_url)
    return render(
        request,
        "review/review_eoi.html",
        {
            "eoi": eoi,
            "reviewed": reviewed,
            "call": eoi.call,
            "assignment": assignment,
            "review": review,
            "form": form,
            "blind": eoi.call.blind_review,
            "answers": reviewed.answers(),
            # The EOI's partners and messages are beside the EOI's answers, not the proposal's.
            "partners": None if reviewed.is_proposal else partners_of(eoi),
            "others": others,
            "comments": comments_of(eoi) if discussing else None,
            "comment_form": comment,
            # Read-only, and only once the Secretariat shares it.
            "thread": thread_of(eoi)
            if not reviewed.is_proposal and can(request.user, "submissions.read_messages", eoi)
            else None,
        },
    )


@login_required
def declare_conflict(request, uuid):
    """The reviewer's declaration: "no conflict" opens the EOI, "conflict" releases it."""
    return declaration_page(request, Reviewed(eoi_or_404(request.user, uuid, "review.review_eoi")))


@login_required
def declare_proposal_conflict(request, uuid, stage):
    """The same declaration for a proposal: a conflict is with its EOI, and holds for both."""
    proposal = proposal_under_review_or_404(request.user, uuid, stage, "review.review_proposal")
    return declaration_page(request, Reviewed(proposal))


def declaration_page(request, reviewed):
    eoi = reviewed.eoi
    assignment = reviewed.assignment_or_404(request.user)
    declared = can(request.user, reviewed.read_permission, reviewed.subject)
    form = ConflictForm(request.POST or None, after_reading=declared)
    if request.method == "POST" and form.is_valid():
        declaration = request.POST.get("declaration")
        if declaration == Assignment.Declaration.NO_CONFLICT:
            if not declared:
                domain.declare_no_conflict(assignment, request.user)
            return redirect(reviewed.page_url)
        if declaration == Assignment.Declaration.CONFLICT:
            domain.declare_conflict(assignment, form.cleaned_data["reason"], request.user)
            messages.success(
                request, _("Thank you. This expression of interest is no longer yours to review.")
            )
            return redirect("review:assignments")
        form.add_error(None, _("Choose whether you have a conflict of interest."))
    if not declared:
        return conflict_check(request, reviewed, assignment, form)
    # Only the reference: a reviewer with a conflict should not read the content.
    return render(request, "review/conflict.html", {"eoi": eoi, "reviewed": reviewed, "form": form})


# A bulk action applies to EOIs ticked on one page of the list, which shows 50.
MAX_BULK_EOIS = 50


def valid_uuids(values):
    """The values that are UUIDs; anything else a browser or a person sent is left out.

    More values than one page has are refused whole, before any work."""
    if len(values) > MAX_BULK_EOIS:
        raise DomainError(
            _("Choose at most %(limit)d expressions of interest at a time.")
            % {"limit": MAX_BULK_EOIS}
        )
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def assignments_made(count):
    return ngettext("%(count)d assignment made.", "%(count)d assignments made.", count) % {
        "count": count
    }


def current_call(request, slug):
    # With its questionnaire: checking the built definition is current then costs no query.
    return get_object_or_404(Call.objects.select_related("questionnaire"), slug=slug)


# Each list's URL name, by the name its saved views are kept under.
LISTS = {
    "eois": "review:eoi_list",
    "reviews": "review:review_list",
    "assignments": "review:assignment_list",
    "proposals": "review:proposal_list",
    "outbox": "review:outbox",  # the whole site's: no call
}


def list_url(list_name, call):
    return reverse(LISTS[list_name], args=[call.slug] if call else [])


def table_page(request, call, list_name, filters, table, template, **context):
    """A Secretariat list as the query string filters, sorts and trims it, with the user's saved
    views of it. A POST saves the query string under the name typed (a name refused keeps the
    page as is). `call` is None for a list of the whole site."""
    save_form = SavedViewForm(
        request.POST or None, owner=request.user, call=call, list_name=list_name
    )
    if save_form.is_valid():
        query = request.GET.copy()
        query.pop("page", None)
        save_form.instance.query = query.urlencode()
        save_form.save()
        messages.success(request, _("View “%(name)s” saved.") % {"name": save_form.instance.name})
        return HttpResponseRedirect(request.get_full_path())
    columns = ColumnsForm(
        request.GET if "columns" in request.GET else None,
        initial={"columns": table.choosable},  # every box ticked until the choice is made
        choices=table.column_choices(),
    )
    for name in columns.hidden():
        table.columns.hide(name)  # hidden, not excluded: the list may still sort on it
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        template,
        {
            "call": call,
            "filters": filters,
            "columns": columns,
            "table": table,
            "list_url": list_url(list_name, call),
            "save_form": save_form,
            "saved_views": SavedView.objects.filter(
                owner=request.user, call=call, list_name=list_name
            ),
            **context,
        },
    )


@login_required
def eoi_list(request, slug):
    secretariat_only(request)
    call = current_call(request, slug)
    reviewers = list(domain.reviewers_with_load())
    filters = EOIFilter(
        request.GET or None, queryset=listed_eois(call), call=call, reviewers=reviewers
    )
    table = EOITable(filters.qs, call=call)
    return table_page(
        request,
        call,
        "eois",
        filters,
        table,
        "review/eoi_list.html",
        reviewers=reviewers,
        outcome_groups=outcome_groups(call),
    )


@login_required
def review_list(request, slug):
    secretariat_only(request)
    call = current_call(request, slug)
    filters = ReviewFilter(
        request.GET or None,
        queryset=call_reviews(call),
        reviewers=domain.reviewers().order_by("name", "email"),
    )
    table = ReviewTable(filters.qs, call=call)
    return table_page(request, call, "reviews", filters, table, "review/review_list.html")


@login_required
def assignment_list(request, slug):
    secretariat_only(request)
    call = current_call(request, slug)
    filters = AssignmentFilter(
        request.GET or None,
        queryset=call_assignments(call),
        reviewers=domain.reviewers().order_by("name", "email"),
    )
    table = AssignmentTable(filters.qs, call=call)
    return table_page(request, call, "assignments", filters, table, "review/assignment_list.html")


@login_required
def proposal_list(request, slug):
    """The call's full proposals: who was invited, who wrote, who submitted; the reviewed
    stages' reviewers are assigned from here."""
    secretariat_only(request)
    call = current_call(request, slug)
    filters = ProposalFilter(request.GET or None, queryset=call_proposals(call))
    table = ProposalTable(filters.qs, call=call)
    return table_page(
        request,
        call,
        "proposals",
        filters,
        table,
        "review/proposal_list.html",
        reviewers=domain.reviewers_with_load(),
        reviewed_stages=reviewed_stages(call),
    )


def reviewed_stages(call):
    return list(call.stages.filter(reviewed=True).order_by("order"))


@login_required
@require_POST
def assign_proposals(request, slug):
    """Assign the reviewer chosen to the proposals ticked on the list, each in its stage."""
    secretariat_only(request)
    call = current_call(request, slug)
    try:
        values = request.POST.getlist("proposal")
        if len(values) > MAX_BULK_EOIS:
            raise DomainError(
                _("Choose at most %(limit)d full proposals at a time.") % {"limit": MAX_BULK_EOIS}
            )
        chosen = list(
            Proposal.objects.filter(
                eoi__call=call, pk__in=[pk for pk in map(as_int, values) if pk is not None]
            ).select_related("eoi__questionnaire", "eoi__call__questionnaire", "stage")
        )
        reviewer = domain.reviewers().filter(pk=as_int(request.POST.get("reviewer"))).first()
        if not chosen:
            raise DomainError(_("Tick the full proposals first."))
        if reviewer is None:
            raise DomainError(_("Choose a reviewer."))
        done = domain.assign_proposals(chosen, reviewer, request.user)
        messages.success(request, assignments_made(len(done)))
    except DomainError as refusal:
        messages.error(request, refusal.message)
    return redirect("review:proposal_list", slug=call.slug)


@login_required
def outbox(request):
    """Every mail the site wrote, sent or not, for the Secretariat: one to resend opens in the
    admin."""
    secretariat_only(request)
    filters = OutboxFilter(request.GET or None, queryset=outbox_mails())
    table = OutboxTable(filters.qs)
    return table_page(request, None, "outbox", filters, table, "review/outbox.html")


@login_required
@require_POST
def delete_view(request, slug, pk):
    secretariat_only(request)
    return _delete_view(request, current_call(request, slug), pk)


@login_required
@require_POST
def delete_outbox_view(request, pk):
    secretariat_only(request)
    return _delete_view(request, None, pk)


def _delete_view(request, call, pk):
    # Someone else's view, or one of another list, is no page at all.
    saved = get_object_or_404(SavedView, pk=pk, owner=request.user, call=call)
    saved.delete()
    messages.success(request, _("View “%(name)s” deleted.") % {"name": saved.name})
    return redirect(list_url(saved.list_name, call))


@login_required
def dashboard(request, slug):
    secretariat_only(request)
    call = current_call(request, slug)
    return render(
        request,
        "review/dashboard.html",
        # What the apps above add (interviews: the link to the call's interview slots).
        {
            "call": call,
            **intake(call),
            "panels": panels.rendered("review.dashboard", request, call),
        },
    )


@login_required
@require_POST
def bulk_action(request, slug):
    secretariat_only(request)
    call = current_call(request, slug)
    action = request.POST.get("action")
    try:
        chosen = call.eois.filter(uuid__in=valid_uuids(request.POST.getlist("eoi")))
        reviewer = outcome = None
        if action == "assign":
            reviewer = domain.reviewers().filter(pk=as_int(request.POST.get("reviewer"))).first()
            if reviewer is None:
                raise DomainError(_("Choose a reviewer."))
        if action == "decide" and request.POST.get("outcome") not in Decision.Outcome.values:
            raise DomainError(_("Choose an outcome."))
        outcome = request.POST.get("outcome")
        if action in SHOWN_FIRST and request.POST.get("confirmed") != "yes":
            return confirm_bulk_action(request, call, action, chosen, reviewer, outcome)
        if action == "assign":
            done = domain.assign(list(chosen), reviewer, request.user)
            messages.success(request, assignments_made(len(done)))
        elif action == "auto_assign":
            # Shown before it is saved.
            return redirect("review:auto_assign", slug=call.slug)
        elif action == "release":
            count = domain.release(Decision.objects.filter(eoi__in=chosen), request.user)
            messages.success(
                request,
                ngettext("%(count)d decision released.", "%(count)d decisions released.", count)
                % {"count": count},
            )
        elif action == "decide":
            domain.decide_all(list(chosen), outcome, request.user)
            messages.success(request, _("Decisions saved. Applicants learn them on release."))
        elif action == "export":
            return downloads.eois(call, chosen, "csv")
        elif action == "export_xlsx":
            return downloads.eois(call, chosen, "xlsx")
        else:
            messages.error(request, _("Choose an action."))
    except DomainError as refusal:
        messages.error(request, refusal.message)
    # The EOI's own page sends its assign and release forms here too: back there, then.
    if back := _safe_next(request):
        # An address, never a view name to look up: redirect() would try "-1" as one.
        return HttpResponseRedirect(back)
    return redirect("review:eoi_list", slug=call.slug)


# Bulk actions that change EOIs: the list shows what each would do before it is done.
SHOWN_FIRST = {"assign", "release", "decide"}


def confirm_bulk_action(request, call, action, chosen, reviewer, outcome):
    changes = domain.what_would_change(
        action,
        with_deadlines(
            chosen.select_related("call", "stage", "owner")
            .prefetch_related("decisions__stage")
            .order_by("reference")
        ),
        reviewer=reviewer,
        outcome=outcome,
    )
    if not changes:
        messages.error(request, _("Tick the expressions of interest first."))
        return redirect("review:eoi_list", slug=call.slug)
    return render(
        request,
        "review/bulk_confirm.html",
        {
            "call": call,
            "action": action,
            "changes": changes,
            "refused": [change for change in changes if change.refusal],
            "who_hears_what": domain.who_hears_what(changes) if action == "release" else [],
            "reviewer": reviewer,
            "outcome": outcome,
            "next": _safe_next(request),
        },
    )


def _safe_next(request):
    """The page a bulk action came from (the EOI's own page), if it is this site's."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return ""


@login_required
def auto_assign(request, slug, pk=None):
    """The proposed automatic assignment of the whole call (with `pk`, of the proposals of that
    reviewed stage); a confirmation saves it, unless it changed since it was shown (then the
    new proposal is shown)."""
    secretariat_only(request)
    call = current_call(request, slug)
    stage = None if pk is None else get_object_or_404(call.stages, pk=pk, reviewed=True)
    back = "review:eoi_list" if stage is None else "review:proposal_list"
    if request.method == "POST":
        try:
            done = domain.auto_assign(
                call, request.user, shown=request.POST.get("plan", ""), stage=stage
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, assignments_made(len(done)))
            return redirect(back, slug=call.slug)
    return render(
        request,
        "review/auto_assign.html",
        {
            "call": call,
            "stage": stage,
            "back_url": reverse(back, args=[call.slug]),
            "plan": domain.propose(call, stage=stage),
        },
    )


@login_required
def secretariat_eoi(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "review.manage_review")
    comment, posted = comment_form(request, eoi, can(request.user, "review.discuss_eoi", eoi))
    if posted:
        return redirect(reverse("review:secretariat_eoi", args=[eoi.uuid]) + "#discussion")
    decision, released = decisions_of(eoi)
    form = DecisionForm(
        None if commenting(request) else (request.POST or None),
        # A copy: validating writes what was typed onto the instance, and a refused decision
        # must not show on the page as the one decided (or released).
        instance=copy(decision),
        stage=_stage_of(eoi),
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain.decide(
                eoi,
                form.cleaned_data["outcome"],
                request.user,
                feedback=form.cleaned_data["feedback"],
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Decision saved. The applicant learns it on release."))
            return redirect("review:secretariat_eoi", uuid=eoi.uuid)
    return _secretariat_page(request, eoi, decision, released, form, comment=comment)


def _secretariat_page(request, eoi, decision, released, form, message_form=None, comment=None):
    """The Secretariat's page of an EOI; a form given comes back as it was sent, with its
    errors and what was typed."""
    if comment is None and can(request.user, "review.discuss_eoi", eoi):
        comment = CommentForm()
    reviews, score_rows = scores_by_criterion(eoi)
    may_write = can(request.user, "submissions.post_message", eoi)
    proposal = proposal_of(eoi)
    return render(
        request,
        "review/secretariat_eoi.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "reviews": reviews,
            "score_rows": score_rows,
            "assignments": with_names(eoi.assignments.filter(stage=None), "reviewer"),
            "partners": partners_of(eoi),
            "coapplicants": coapplicants_of(eoi),
            "decision": decision,
            "stage_name": domain.stage_name(eoi.stage),
            "released": released,
            "form": form,
            "audit": said(with_names(entries_for(eoi), "actor"), target=eoi),
            "answers": eoi_answers(eoi),
            "reviewers": domain.reviewers_with_load(),
            # Read-only when the call no longer allows the discussion (made blind since).
            "comments": comments_of(eoi),
            "comment_form": comment,
            "thread": thread_of(eoi),
            "message_form": (message_form or MessageForm()) if may_write else None,
            "proposal": proposal,
            "proposal_figures": proposal and submissions_proposals.figures(proposal),
            "proposal_round": proposal_reviews(proposal),
            # What the apps above add (interviews: the interview, its notes and score).
            "panels": panels.rendered("review.secretariat_eoi", request, eoi),
        },
    )


@login_required
@require_POST
def secretariat_message(request, uuid):
    """The Secretariat writes to the applicant; a refused message comes back on the EOI's
    page with its text."""
    eoi = eoi_or_404(request.user, uuid, "review.manage_review")
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submissions_domain.post_message(
                eoi, request.user, form.cleaned_data["text"], form.cleaned_data["file"]
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your message is sent to the applicant."))
            return redirect(reverse("review:secretariat_eoi", args=[eoi.uuid]) + "#messages")
    decision, released = decisions_of(eoi)
    return _secretariat_page(
        request,
        eoi,
        decision,
        released,
        DecisionForm(instance=decision, stage=_stage_of(eoi)),
        form,
    )


def _stage_of(eoi):
    return domain.stage_of([eoi])


@login_required
@require_POST
def share_messages(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "review.manage_review")
    shared = request.POST.get("shared") == "yes"
    submissions_domain.share_messages(eoi, request.user, shared)
    if shared:
        messages.success(request, _("The reviewers of this EOI can now read its messages."))
    else:
        messages.success(request, _("The messages are no longer shared with the reviewers."))
    return redirect(reverse("review:secretariat_eoi", args=[eoi.uuid]) + "#messages")


@login_required
def export_eois(request, slug, file_format):
    """Every EOI the list's filters select (all but drafts by default), answers and figures."""
    secretariat_only(request)
    call = current_call(request, slug)
    filters = EOIFilter(
        request.GET or None,
        queryset=secretariat_eois(call),
        call=call,
        reviewers=domain.reviewers(),
    )
    return downloads.eois(call, filters.qs, file_format, request.GET.get("sort", ""))


@login_required
def export_reviews(request, slug, file_format):
    secretariat_only(request)
    call = current_call(request, slug)
    return downloads.reviews(call, file_format)


def reviewed_stage_or_404(call, pk):
    return get_object_or_404(call.stages.select_related("call"), pk=pk, reviewed=True)


@login_required
def board(request, slug, pk):
    """The Review Board's page of a reviewed stage: its submitted proposals ranked by their
    normalised score, the EOI's figures beside; the meetings' notes, and a form to add one."""
    secretariat_only(request)
    call = current_call(request, slug)
    stage = reviewed_stage_or_404(call, pk)
    return board_meeting_page(request, call, stage, BoardMeeting(stage=stage))


@login_required
def board_meeting(request, slug, pk, meeting):
    """A meeting's date and notes, changed."""
    secretariat_only(request)
    call = current_call(request, slug)
    stage = reviewed_stage_or_404(call, pk)
    return board_meeting_page(
        request, call, stage, get_object_or_404(BoardMeeting, pk=meeting, stage=stage)
    )


def board_meeting_page(request, call, stage, meeting):
    form = BoardMeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        domain.save_board_meeting(form.instance, request.user)
        messages.success(request, _("The meeting's notes are saved."))
        return redirect("review:board", slug=call.slug, pk=stage.pk)
    page = Paginator(board_ranking(stage), BOARD_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "review/board.html",
        {
            "call": call,
            "stage": stage,
            "rows": board_rows(with_board_figures(page, stage)),
            "page": page,
            "meetings": stage.board_meetings.select_related("recorded_by"),
            "form": form,
            "editing": meeting.pk is not None,
        },
    )
