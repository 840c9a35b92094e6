"""Every URL of the project against every role: the expected status in each cell, never a 500.

The URLs come from the resolver, so a new URL fails this test until its row is added below.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import REVIEWERS, SECRETARIAT
from awards import domain as awards_domain
from interviews import domain as interviews_domain
from interviews.models import Booking, Slot
from review import domain as review_domain
from review.models import BoardMeeting, SavedView
from submissions import coapplicants, partners
from submissions import domain as submissions_domain
from submissions.models import Partner, Proposal, Stage
from submissions.uploads import MESSAGE_TYPES, sniff
from tests.factories import ApplicantFactory, CallFactory, ChallengeFactory, EOIFactory, give_role
from tests.files import add_document, attach_budget, budget_pdf
from tests.submissions.proposal_helpers import (
    add_proposal_stage,
    attach_to_proposal,
    invite,
    proposal_questionnaire,
)

ROLES = [
    "anonymous",
    "applicant A",
    "applicant B",
    "reviewer assigned",
    "reviewer unassigned",
    "reviewer with a conflict",
    "secretariat",
    # Applicant A's co-applicant, with the project step opened to them.
    "co-applicant",
]

# GET status per role, in the order of ROLES.
PUBLIC = (200,) * 8
SIGNED_IN = (302,) + (200,) * 7
ANONYMOUS_ONLY = (200,) + (302,) * 7  # allauth sends signed-in people on
OWNER = (302, 200, 404, 404, 404, 404, 404, 404)
OWNER_SENT_ON = (302, 302, 404, 404, 404, 404, 404, 404)  # sent to a page of theirs
SENT_ON = (302,) * 8  # everyone to a page of theirs (anonymous visitors to the sign-in page)
APPLICANTS = (302, 200, 404, 404, 404, 404, 404, 200)  # the owner and their co-applicant
APPLICANTS_SENT_ON = (302, 302, 404, 404, 404, 404, 404, 302)
APPLICANTS_OR_SECRETARIAT = (302, 200, 404, 404, 404, 404, 200, 200)
APPLICANTS_REVIEWER_SECRETARIAT = (302, 200, 404, 200, 404, 404, 200, 200)
OWNER_REVIEWER_SECRETARIAT = (302, 200, 404, 200, 404, 404, 200, 404)
ASSIGNED_REVIEWER = (302, 404, 404, 200, 404, 404, 404, 404)
REVIEWERS_ONLY = (302, 404, 404, 200, 200, 200, 404, 404)
SECRETARIAT_ONLY = (302, 404, 404, 404, 404, 404, 200, 404)
POST_ONLY = (302, 405, 405, 405, 405, 405, 405, 405)
# An invitation to co-apply sent to applicant B: they accept it; anyone else signed in is told
# it is for another address, a visitor to sign in (tests/submissions/test_coapplicants.py).
INVITED = PUBLIC

EXPECTED = {
    "submissions:home": PUBLIC,
    "start": SENT_ON,
    "submissions:call_detail": PUBLIC,
    "submissions:call_document": PUBLIC,
    "submissions:apply": POST_ONLY,
    "submissions:dashboard": SIGNED_IN,
    "submissions:eoi_detail": APPLICANTS_OR_SECRETARIAT,
    "submissions:eoi_receipt": OWNER,
    "submissions:eoi_print": APPLICANTS_OR_SECRETARIAT,
    "submissions:eoi_pdf": APPLICANTS_OR_SECRETARIAT,
    "submissions:eoi_withdraw": OWNER,
    "submissions:attachment": APPLICANTS_REVIEWER_SECRETARIAT,
    "submissions:attachment_delete": POST_ONLY,
    "submissions:message_file": OWNER_REVIEWER_SECRETARIAT,  # the thread is shared below
    "submissions:eoi_step": APPLICANTS,
    "submissions:eoi_continue": APPLICANTS_SENT_ON,
    "submissions:eoi_autosave": POST_ONLY,
    # Applicant A's full proposal, in another call that invited their EOI to it.
    "submissions:proposal_detail": APPLICANTS_OR_SECRETARIAT,
    "submissions:proposal_print": APPLICANTS_OR_SECRETARIAT,
    "submissions:proposal_pdf": APPLICANTS_OR_SECRETARIAT,
    "submissions:proposal_receipt": OWNER,
    "submissions:proposal_continue": OWNER_SENT_ON,
    "submissions:proposal_step": OWNER,
    "submissions:proposal_autosave": POST_ONLY,
    "submissions:proposal_withdraw": OWNER,
    # The proposal's cleared reviewer reads its files, as the EOI's reads the EOI's.
    "submissions:proposal_attachment": APPLICANTS_REVIEWER_SECRETARIAT,
    "submissions:proposal_attachment_delete": POST_ONLY,
    "review:proposal_list": SECRETARIAT_ONLY,
    "submissions:coapplicants": OWNER,
    "submissions:coapplicant_parts": OWNER,
    "submissions:coapplicant_revoke": POST_ONLY,
    "submissions:invitation": INVITED,
    "submissions:ask_partners": POST_ONLY,
    # A partner's link needs no account; its row, from an account, only the partner's address.
    "submissions:partner_confirm": PUBLIC,
    "submissions:my_partnerships": SIGNED_IN,
    "submissions:partner_answer": (302, 404, 200, 404, 404, 404, 404, 404),
    "review:assignments": SIGNED_IN,
    "review:expertise": REVIEWERS_ONLY,
    "review:review_eoi": ASSIGNED_REVIEWER,
    "review:declare_conflict": ASSIGNED_REVIEWER,
    "review:review_proposal": ASSIGNED_REVIEWER,
    "review:declare_proposal_conflict": ASSIGNED_REVIEWER,
    "review:assign_proposals": POST_ONLY,
    "review:auto_assign_stage": SECRETARIAT_ONLY,
    "review:board": SECRETARIAT_ONLY,
    "review:board_meeting": SECRETARIAT_ONLY,
    "review:dashboard": SECRETARIAT_ONLY,
    "review:eoi_list": SECRETARIAT_ONLY,
    "review:review_list": SECRETARIAT_ONLY,
    "review:assignment_list": SECRETARIAT_ONLY,
    "review:bulk_action": POST_ONLY,
    "review:delete_view": POST_ONLY,
    "review:outbox": SECRETARIAT_ONLY,
    "review:delete_outbox_view": POST_ONLY,
    "review:auto_assign": SECRETARIAT_ONLY,
    "review:export_reviews": SECRETARIAT_ONLY,
    "review:export_eois": SECRETARIAT_ONLY,
    "review:secretariat_eoi": SECRETARIAT_ONLY,
    "review:secretariat_message": POST_ONLY,
    "review:share_messages": POST_ONLY,
    "awards:grant_list": SECRETARIAT_ONLY,
    "awards:export": SECRETARIAT_ONLY,
    "awards:grant": SECRETARIAT_ONLY,
    "awards:issue_letter": POST_ONLY,
    # Issued, and the EOI awarded: the applicants read it; the Secretariat previews it.
    "awards:letter": APPLICANTS_OR_SECRETARIAT,
    "interviews:slots": SECRETARIAT_ONLY,
    "interviews:remove_slot": POST_ONLY,
    # Applicant A's shortlisted EOI: they book, their co-applicant reads.
    "interviews:booking": APPLICANTS,
    "interviews:cancel": POST_ONLY,
    # The Secretariat moves or cancels applicant A's interview, saying why.
    "interviews:change_booking": SECRETARIAT_ONLY,
    # Their interview that took place: "reviewer assigned" was its interviewer.
    "interviews:assessment": (302, 404, 404, 200, 404, 404, 200, 404),
    "accounts:profile": SIGNED_IN,
    "accounts:privacy": PUBLIC,
    "accounts:data_export": SIGNED_IN,
    "accounts:delete_account": SIGNED_IN,
    "account_login": ANONYMOUS_ONLY,
    "account_logout": (302,) + (200,) * 7,
    "account_inactive": PUBLIC,
    "account_signup": ANONYMOUS_ONLY,
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": (302,) * 8,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": (302,) * 8,  # everyone here has a password already
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": (302,) * 8,
    "account_confirm_email": PUBLIC,  # an unknown key is an explained dead end, not an error
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "mfa_index": SIGNED_IN,
    # allauth's two-factor pages: changes ask for the password again first (302); pages about
    # an authenticator or codes someone does not have answer 404.
    "mfa_activate_totp": (302,) * 8,
    "mfa_deactivate_totp": (302, 404, 404, 302, 302, 302, 302, 404),
    "mfa_authenticate": (302,) * 8,
    "mfa_reauthenticate": (302, 302, 302, 200, 200, 200, 200, 302),
    "mfa_generate_recovery_codes": (302,) * 8,
    "mfa_view_recovery_codes": (302, 404, 404, 404, 404, 404, 404, 404),
    "mfa_download_recovery_codes": (302, 404, 404, 404, 404, 404, 404, 404),
    "choose_time_zone": PUBLIC,
    "help": PUBLIC,
    "set_language": (405,) * 8,
    "javascript_catalogue": PUBLIC,
    "healthz": PUBLIC,
    # Only the email provider that sends the site's mail posts there (signed): over SMTP, no one.
    "provider_events": (404,) * 8,
    "healthz_ready": PUBLIC,
    "admin": (302, 302, 302, 302, 302, 302, 200, 302),
}


# The admin's own pages answer one row above ("admin"); the pages the questionnaires app adds
# to it, and its models' pages, each answer here: the Secretariat only.
ADMIN_STAFF = (302, 302, 302, 302, 302, 302, 200, 302)
ANSWERED_STAYS = (302, 302, 302, 302, 302, 302, 403, 302)  # a questionnaire with answers is kept
ADMIN_EXPECTED = {
    "admin:questionnaires_questionnaire_changelist": ADMIN_STAFF,
    "admin:questionnaires_questionnaire_add": ADMIN_STAFF,
    "admin:questionnaires_questionnaire_change": ADMIN_STAFF,
    "admin:questionnaires_questionnaire_delete": ANSWERED_STAYS,
    "admin:questionnaires_questionnaire_history": ADMIN_STAFF,
    "admin:questionnaires_questionnaire_import": ADMIN_STAFF,
    "admin:questionnaires_questionnaire_preview": ADMIN_STAFF,
    "admin:questionnaires_questionnaire_export": ADMIN_STAFF,
    "admin:questionnaires_questionnaire_new_version": ADMIN_STAFF,
    "admin:questionnaires_question_changelist": ADMIN_STAFF,
    "admin:questionnaires_question_add": ADMIN_STAFF,
    "admin:questionnaires_question_change": ADMIN_STAFF,
    "admin:questionnaires_question_delete": ANSWERED_STAYS,
    "admin:questionnaires_question_history": ADMIN_STAFF,
}


def admin_names(app_label, patterns=None):
    """The admin's URL names of one app's models (`admin:app_model_page`)."""
    if patterns is None:
        (site,) = [p for p in get_resolver().url_patterns if getattr(p, "namespace", 0) == "admin"]
        patterns = site.url_patterns
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= admin_names(app_label, pattern.url_patterns)
        elif pattern.name and pattern.name.startswith(f"{app_label}_"):
            names.add(f"admin:{pattern.name}")
    return names


def url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin"
                continue
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def world(db, settings):
    call = CallFactory(reference_prefix="KMF21")
    ChallengeFactory(call=call)
    add_document(call, key="guidance")
    people = dict.fromkeys(ROLES)
    people["applicant A"] = ApplicantFactory()
    people["applicant B"] = ApplicantFactory()
    for role in ("reviewer assigned", "reviewer unassigned", "reviewer with a conflict"):
        people[role] = ApplicantFactory()
        give_role(people[role], REVIEWERS)
    people["secretariat"] = ApplicantFactory(is_staff=True)
    give_role(people["secretariat"], SECRETARIAT)
    # A view of the EOI list saved by the Secretariat: its delete button is a form.
    SavedView.objects.create(owner=people["secretariat"], call=call, name="Mine", query="q=x")
    # And one of the outbox, a list of the whole site.
    SavedView.objects.create(
        owner=people["secretariat"], list_name="outbox", name="Failed", query="status=failed"
    )
    eoi = attach_budget(EOIFactory(call=call, owner=people["applicant A"]))
    eoi.status, eoi.reference = "submitted", "KMF21-0001"
    eoi.save()
    (assigned,) = review_domain.assign([eoi], people["reviewer assigned"], people["secretariat"])
    # Past the conflict-of-interest screen: the answers and files are open to them.
    review_domain.declare_no_conflict(assigned, people["reviewer assigned"])
    (conflicted,) = review_domain.assign(
        [eoi], people["reviewer with a conflict"], people["secretariat"]
    )
    review_domain.declare_conflict(
        conflicted, "Former employer", people["reviewer with a conflict"]
    )
    # A message with a file, shared with the reviewers: its file is theirs to read too.
    question = budget_pdf("question.pdf")
    question.sniffed = sniff(question, MESSAGE_TYPES, 10 * 1024 * 1024)
    submissions_domain.post_message(eoi, people["secretariat"], "Is the budget final?", question)
    submissions_domain.share_messages(eoi, people["secretariat"], True)
    people["co-applicant"] = ApplicantFactory()
    link = coapplicants.invite(
        eoi, people["applicant A"], people["co-applicant"].email, ["step:project"]
    )
    coapplicants.accept(link, people["co-applicant"])
    invitation = coapplicants.invite(eoi, people["applicant A"], people["applicant B"].email, [])
    # A partner named with applicant B's address, with a link that works.
    partner = Partner.objects.create(
        eoi=eoi,
        name="Association des Femmes",
        country="ML",
        email=people["applicant B"].email,
        confirmation=Partner.Confirmation.PENDING,
    )
    token = partners.new_link(partner)
    partner.save()
    # Applicant A's EOI to another call, invited to its full proposal, which they submitted;
    # the co-applicant co-applies to it too.
    invited = EOIFactory(owner=people["applicant A"])
    add_proposal_stage(invited.call, questionnaire=proposal_questionnaire(files=True))
    coapplicants.accept(
        coapplicants.invite(invited, people["applicant A"], people["co-applicant"].email, []),
        people["co-applicant"],
    )
    invited = invite(invited, people["secretariat"])
    attach_to_proposal(invited.proposals.get())
    Proposal.objects.filter(eoi=invited).update(status="submitted", reference="T-0001-P")
    # Its stage is reviewed: "reviewer assigned" reviews the proposal (no conflict declared),
    # "reviewer with a conflict" declared one; the Review Board met once.
    Stage.objects.filter(pk=invited.stage_id).update(reviewed=True)
    invited.refresh_from_db()
    (assigned,) = review_domain.assign(
        [invited], people["reviewer assigned"], people["secretariat"], stage=invited.stage
    )
    review_domain.declare_no_conflict(assigned, people["reviewer assigned"])
    (conflicted,) = review_domain.assign(
        [invited], people["reviewer with a conflict"], people["secretariat"], stage=invited.stage
    )
    review_domain.declare_conflict(conflicted, "Adviser", people["reviewer with a conflict"])
    BoardMeeting.objects.create(stage=invited.stage, held_on=timezone.now().date(), notes="Met.")
    # Applicant A's EOI in another call, awarded, with its grant and letter; the co-applicant
    # co-applies to it too.
    awarded = EOIFactory(
        call=CallFactory(), owner=people["applicant A"], status="awarded", reference="T-0001"
    )
    coapplicants.accept(
        coapplicants.invite(awarded, people["applicant A"], people["co-applicant"].email, []),
        people["co-applicant"],
    )
    grant = awards_domain.record_grant(awarded, Decimal("15000"), "", people["secretariat"])
    awards_domain.issue_letter(grant, people["secretariat"])
    # And one recommended, its grant recorded and its letter not issued yet: the grant's page
    # shows the form that issues it.
    award_stage = Stage.objects.create(call=awarded.call, order=2, kind=Stage.Kind.AWARD)
    recommended = EOIFactory(
        call=awarded.call, status="recommended", stage=award_stage, reference="T-0002"
    )
    awards_domain.record_grant(recommended, Decimal("5000"), "", people["secretariat"])
    return {"call": call, "eoi": eoi, "people": people, "invitation": invitation, "link": link,
            "partner": partner, "token": token, "invited": invited, "awarded": awarded,
            "recommended": recommended, **interviews_of(call, people)}  # fmt: skip


def interviews_of(call, people):
    """The call's interview stage; applicant A's EOI shortlisted, its interview booked, another
    slot free (so the page shows the forms to move and to cancel), the co-applicant on it; and
    another of their EOIs interviewed yesterday, "reviewer assigned" its interviewer."""
    stage = Stage.objects.create(call=call, order=2, kind=Stage.Kind.INTERVIEW)
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=3)
    booked, free = interviews_domain.offer_slots(
        stage, [tomorrow, tomorrow + timedelta(hours=1)], duration_minutes=45,
        location="Video call", video_url="", interviewers=[], actor=people["secretariat"],
    )  # fmt: skip
    shortlisted, interviewed = (
        EOIFactory(
            call=call,
            owner=people["applicant A"],
            status="shortlisted",
            stage=stage,
            reference=f"KMF21-090{number}",
        )
        for number in (2, 3)
    )
    link = coapplicants.invite(shortlisted, people["applicant A"], people["co-applicant"].email, [])
    coapplicants.accept(link, people["co-applicant"])
    interviews_domain.book(shortlisted, booked.pk, people["applicant A"])
    past = Slot.objects.create(
        stage=stage, starts_at=timezone.now() - timedelta(days=1), duration_minutes=45,
        location="Room 4",
    )  # fmt: skip
    past.interviewers.add(people["reviewer assigned"])
    Booking.objects.create(slot=past, eoi=interviewed, booked_by=people["applicant A"])
    return {"shortlisted": shortlisted, "interviewed": interviewed, "free_slot": free}


def proposal_file(world):
    return world["invited"].proposals.get().attachments.get().pk


def address(name, world):
    eoi, call = world["eoi"], world["call"]
    arguments = {
        "submissions:call_detail": [call.slug],
        "submissions:apply": [call.slug],
        "submissions:call_document": [call.slug, "guidance"],
        "submissions:attachment": [eoi.uuid, eoi.attachments.get().pk],
        "submissions:attachment_delete": [eoi.uuid, eoi.attachments.get().pk],
        "submissions:message_file": [eoi.uuid, eoi.messages.get().pk],
        "review:share_messages": [eoi.uuid],
        "submissions:eoi_step": [eoi.uuid, "project"],
        "submissions:eoi_autosave": [eoi.uuid, "project"],
        "submissions:coapplicants": [eoi.uuid],
        "submissions:proposal_step": [world["invited"].uuid, "description"],
        "submissions:proposal_autosave": [world["invited"].uuid, "description"],
        "submissions:proposal_attachment": [world["invited"].uuid, proposal_file(world)],
        "submissions:proposal_attachment_delete": [world["invited"].uuid, proposal_file(world)],
        "submissions:coapplicant_parts": [eoi.uuid, world["link"].pk],
        "submissions:coapplicant_revoke": [eoi.uuid, world["link"].pk],
        "submissions:invitation": [world["invitation"].token],
        "submissions:ask_partners": [eoi.uuid],
        "submissions:partner_confirm": [world["token"]],
        "submissions:partner_answer": [world["partner"].pk],
        "review:dashboard": [call.slug],
        "review:eoi_list": [call.slug],
        "review:review_list": [call.slug],
        "review:assignment_list": [call.slug],
        "review:proposal_list": [call.slug],
        "review:bulk_action": [call.slug],
        "review:delete_view": [call.slug, call.saved_views.get().pk],
        "review:delete_outbox_view": [SavedView.objects.get(call=None).pk],
        "review:auto_assign": [call.slug],
        "review:export_reviews": [call.slug, "csv"],
        "review:export_eois": [call.slug, "csv"],
        "awards:grant_list": [call.slug],
        "awards:export": [call.slug, "csv"],
        "awards:grant": [world["recommended"].uuid],
        "awards:issue_letter": [world["recommended"].uuid],
        "account_confirm_email": ["no-such-key"],
        "account_reset_password_from_key": ["1", "no-such-key"],
        "javascript_catalogue": ["fr"],
        "provider_events": ["mailgun"],
        "interviews:slots": [call.slug],
        "interviews:remove_slot": [call.slug, world["free_slot"].pk],
        "interviews:booking": [world["shortlisted"].uuid],
        "interviews:cancel": [world["shortlisted"].uuid],
        "interviews:change_booking": [world["shortlisted"].uuid],
        "interviews:assessment": [world["interviewed"].uuid],
        **proposal_round(world["invited"]),
    }
    if name == "admin":
        return reverse("admin:index")
    if name.startswith("awards:"):
        arguments.setdefault(name, [world["awarded"].uuid])
    if name in arguments:
        return reverse(name, args=arguments[name])
    if name.startswith("submissions:proposal"):
        return reverse(name, args=[world["invited"].uuid])
    if name.startswith(
        ("submissions:eoi", "review:review_eoi", "review:declare", "review:secretariat")
    ):
        return reverse(name, args=[eoi.uuid])
    return reverse(name)


def proposal_round(invited):
    """The addresses of the review of the invited EOI's proposal, in its reviewed stage."""
    call, stage = invited.call, invited.stage
    return {
        "review:review_proposal": [invited.uuid, stage.pk],
        "review:declare_proposal_conflict": [invited.uuid, stage.pk],
        "review:assign_proposals": [call.slug],
        "review:auto_assign_stage": [call.slug, stage.pk],
        "review:board": [call.slug, stage.pk],
        "review:board_meeting": [call.slug, stage.pk, stage.board_meetings.get().pk],
    }


def test_every_url_is_in_the_table():
    names = set(url_names(get_resolver().url_patterns))

    assert names - set(EXPECTED) == set(), "add the new URLs to EXPECTED"
    assert set(EXPECTED) - names == set(), "remove the URLs that are gone"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(client, world, name):
    url = address(name, world)
    statuses = []
    for role in ROLES:
        client.logout()
        if world["people"][role]:
            client.force_login(world["people"][role])
        statuses.append(client.get(url).status_code)

    assert all(status < 500 for status in statuses)
    assert tuple(statuses) == EXPECTED[name], f"{url}: {statuses}"


def test_every_questionnaire_admin_url_is_in_the_table():
    assert admin_names("questionnaires") == set(ADMIN_EXPECTED)


def admin_address(name, world):
    questionnaire = world["call"].questionnaire
    if name.endswith(("_changelist", "_add", "_import")):
        return reverse(name)
    if "_question_" in name:
        return reverse(name, args=[questionnaire.questions.get(key="summary").pk])
    return reverse(name, args=[questionnaire.pk])


@pytest.mark.parametrize("name", sorted(ADMIN_EXPECTED))
def test_each_role_gets_the_expected_status_in_the_questionnaire_admin(client, world, name):
    from questionnaires import versions

    # Its EOI has answers in it: the page that makes a new version to edit shows its form.
    versions.mark_answered(world["call"].questionnaire_id)
    url = admin_address(name, world)
    statuses = []
    for role in ROLES:
        client.logout()
        if world["people"][role]:
            client.force_login(world["people"][role])
        statuses.append(client.get(url).status_code)

    assert tuple(statuses) == ADMIN_EXPECTED[name], f"{url}: {statuses}"
