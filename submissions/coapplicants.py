"""Co-applicants: the people the lead applicant invites to an EOI, and what they may edit.

The lead invites by address and chooses the parts opened to the invitee (whole steps, single
questions). The mail carries a random token; only its hash is stored, so the link is
unguessable and names no one. It works once, for `VALID` after it was sent, for a person
signed in with that address (verified). Revoking ends the access at once: every permission
asks for a live, accepted link (rules.is_coapplicant).

A co-applicant named among the partners may be opened "their own partner row" (OWN_PARTNER_ROW)
rather than the whole partners question: the row whose contact address is the one the
invitation was sent to (and that they verified to accept it). An address, not a position or a
name, says whose row it is: the lead may reorder the rows, rename the organisation or change
its role and share, and the row stays theirs; the lead gives it to someone else by changing
its address. The co-applicant changes the other cells of that row, never its name or address
(they say whose row it is and match it to its Partner), nor any other row.

The full proposal (submissions.Proposal) is edited by the same parts, in its own
questionnaire's terms: stored among the EOI's with PROPOSAL before them ("proposal:step:<key>",
"proposal:question:<key>", "proposal:partner:own"). Until the lead chooses them (then
PROPOSAL_CHOSEN is stored too, even with nothing ticked), the EOI's parts carry over: each
question of the proposal that matches an opened question of the EOI (by role, else by key, as
the proposal was prefilled), and the own partner row.

Messages with the Secretariat stay between the lead and the Secretariat: the lead speaks for
the application; co-applicants read the answers, the files and the outcome.
"""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import trail
from notifications import notify
from questionnaires.models import Role

from .answers import counterpart
from .lifecycle import DomainError
from .models import CoApplicant, ExpressionOfInterest

Status = ExpressionOfInterest.Status

VALID = timedelta(days=14)
# At most this many invitations per EOI that are not revoked (pending or accepted).
MAX_PER_EOI = 10
# And at most this many sent by one lead in an hour, whatever the EOI.
SENT_PER_HOUR = 20

STEP, QUESTION = "step", "question"
OWN_PARTNER_ROW = "partner:own"
PROPOSAL = "proposal:"
PROPOSAL_CHOSEN = "proposal:chosen"
# The cells of a partner row that say whose it is: its co-applicant does not change them.
IDENTITY = (Role.PARTNER_NAME, Role.PARTNER_EMAIL)


class InvitationRefused(DomainError):
    pass


def part(kind, key):
    return f"{kind}:{key}"


def opened_questions(definition, parts):
    """The keys of the questions `parts` open in `definition` (a part naming a step or a
    question it no longer asks opens nothing)."""
    keys = set()
    for name in parts:
        kind, _sep, key = name.partition(":")
        key = key.split(":")[0]  # "question:<key>:<row>" is one row of <key>: a later job
        if kind == STEP and (step := definition.step(key)) is not None:
            keys |= {question.key for question in step.questions}
        elif kind == QUESTION and key in definition.by_key:
            keys.add(key)
    return keys


def eoi_parts(parts):
    """The parts of the EOI's own questionnaire among `parts`."""
    return [name for name in parts if not name.startswith(PROPOSAL)]


def proposal_parts(parts, eoi_definition, definition):
    """What `parts` open in a full proposal's questionnaire `definition`, named as in it
    ("step:<key>"…): the lead's choice for the proposal, else the EOI's carried over."""
    if PROPOSAL_CHOSEN in parts:
        return [
            name.removeprefix(PROPOSAL)
            for name in parts
            if name.startswith(PROPOSAL) and name != PROPOSAL_CHOSEN
        ]
    opened = opened_questions(eoi_definition, parts)
    carried = [
        part(QUESTION, question.key)
        for question in definition.questions
        if (same := counterpart(eoi_definition, question)) is not None and same.key in opened
    ]
    return carried + [OWN_PARTNER_ROW] * (OWN_PARTNER_ROW in parts)


def as_proposal_parts(parts):
    """Parts of a proposal's questionnaire as stored, the lead's choice marked."""
    return [PROPOSAL + name for name in parts] + [PROPOSAL_CHOSEN]


def parts_in(link, definition, eoi_definition=None):
    """What `link` opens in `definition`: the EOI's questionnaire, or, given the EOI's
    (`eoi_definition`), its full proposal's."""
    if eoi_definition is None:
        return eoi_parts(link.parts)
    return proposal_parts(link.parts, eoi_definition, definition)


def own_row_question(definition, parts):
    """The partners question when `parts` open only the co-applicant's own row of it (not
    when the question or its step is opened whole), else None."""
    if OWN_PARTNER_ROW not in parts:
        return None
    question = definition.with_role(Role.PARTNERS)
    if question is None or question.key in opened_questions(definition, parts):
        return None
    return question


def own_row_index(question, rows, email):
    """The position of the row of `rows` whose contact address is `email`, or None."""
    column = question.column_with_role(Role.PARTNER_EMAIL)
    wanted = (email or "").strip().casefold()
    if column is None or not wanted:
        return None
    for index, row in enumerate(rows or ()):
        if str(row.get(column.key) or "").strip().casefold() == wanted:
            return index
    return None


def with_own_row(question, stored, row, email):
    """The `stored` rows with the cells of `row` written into the row of `email`, its name and
    address kept; every other row exactly as it was, none added or taken away. None when no
    stored row is theirs."""
    rows = list(stored or ())
    index = own_row_index(question, rows, email)
    if index is None:
        return None
    kept = {column.key for column in question.columns if column.role in IDENTITY}
    rows[index] = {
        **rows[index],
        **{key: value for key, value in row.items() if key not in kept},
    }
    return rows


def part_choices(definition, prefix=""):
    """The parts a lead may open, grouped by step: [(step title, [(part, in words)])]; with
    `prefix` PROPOSAL, those of a full proposal's questionnaire, named so."""
    choices = []
    for step in definition.steps:
        options = [(part(STEP, step.key), _("The whole step: %(step)s") % {"step": step.title})]
        options += [
            (part(QUESTION, question.key), str(question.label)) for question in step.questions
        ]
        options += [
            (
                OWN_PARTNER_ROW,
                _("Only their own row of “%(question)s”: the row with their email address")
                % {"question": question.label},
            )
            for question in step.questions
            if question.role == Role.PARTNERS
        ]
        title = str(step.title)
        if prefix:
            title = _("Full proposal: %(step)s") % {"step": title}
        choices.append((title, [(prefix + value, label) for value, label in options]))
    return choices


def parts_in_words(definition, parts):
    """What `parts` (of `definition`) open, each in words (a part the questionnaire no longer
    asks by its name)."""
    labels = {
        value: label for _group, options in part_choices(definition) for value, label in options
    }
    return [labels.get(name, name) for name in eoi_parts(parts)]


def shown_parts(parts, eoi_definition, proposal_definition=None):
    """`parts` as the lead's form ticks them: the EOI's, and what is opened in the full
    proposal (chosen or carried over) when there is one."""
    shown = eoi_parts(parts)
    if proposal_definition is not None:
        opened = proposal_parts(parts, eoi_definition, proposal_definition)
        shown += [PROPOSAL + name for name in opened]
    return shown


def link_of(user, eoi):
    """`user`'s live, accepted link to `eoi`, or None; asked once per request and EOI."""
    if eoi is None or not getattr(user, "is_authenticated", False):
        return None
    known = eoi.__dict__.setdefault("_coapplicant_links", {})
    if user.pk not in known:
        known[user.pk] = CoApplicant.objects.active().filter(eoi=eoi, user=user).first()
    return known[user.pk]


def editable_keys(eoi, user, definition, eoi_definition=None):
    """The question keys `user` may change in `eoi` (or, given the EOI's questionnaire
    `eoi_definition`, in its full proposal, whose questionnaire `definition` is): all for the
    lead, the opened ones for a co-applicant, none for anyone else."""
    if eoi.owner_id == user.pk:
        return {question.key for question in definition.questions}
    link = link_of(user, eoi)
    if link is None:
        return set()
    parts = parts_in(link, definition, eoi_definition)
    keys = opened_questions(definition, parts)
    if question := own_row_question(definition, parts):
        keys.add(question.key)  # one row of it only: row_limit says which
    return keys


def row_limit(eoi, user, definition, eoi_definition=None):
    """(the partners question, the invited address) when `user` may change only their own row
    of it; None when they may change it whole, or not at all."""
    if eoi.owner_id == user.pk:
        return None
    link = link_of(user, eoi)
    question = (
        own_row_question(definition, parts_in(link, definition, eoi_definition)) if link else None
    )
    return (question, link.email) if question else None


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _count_sent(lead, now):
    """Refuse a lead's invitation beyond SENT_PER_HOUR in the current hour."""
    key = f"coapplicant-invitations:{lead.pk}:{now:%Y%m%d%H}"
    cache.add(key, 0, 3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, 3600)
        sent = 1
    if sent > SENT_PER_HOUR:
        raise InvitationRefused(
            _("You have sent many invitations in a short time. Please wait an hour.")
        )


def invite(eoi, lead, email, parts, now=None):
    """Invite `email` to co-apply to `eoi` with `parts` opened; mail the link. The returned
    invitation carries its token as `.token`, for this moment only (the mail has it)."""
    now = now or timezone.now()
    email = email.strip()
    if eoi.owner_id != lead.pk:
        raise InvitationRefused(_("Only the lead applicant invites co-applicants."))
    if eoi.status == Status.WITHDRAWN:
        raise InvitationRefused(_("This expression of interest is withdrawn."))
    if email.lower() == eoi.owner.email.lower():
        raise InvitationRefused(_("You are the lead applicant: invite someone else."))
    live = CoApplicant.objects.live().filter(eoi=eoi)
    if live.filter(email__iexact=email).exists():
        raise InvitationRefused(
            _("%(email)s is already invited. Revoke that invitation to send a new one.")
            % {"email": email}
        )
    if live.count() >= MAX_PER_EOI:
        raise InvitationRefused(
            _("An expression of interest has at most %(limit)d co-applicants and invitations.")
            % {"limit": MAX_PER_EOI}
        )
    _count_sent(lead, now)
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = CoApplicant.objects.create(
                eoi=eoi,
                email=email,
                invited_by=lead,
                invited_at=now,
                token_hash=token_hash(token),
                parts=sorted(set(parts)),
            )
            trail.record(lead, "coapplicant.invited", eoi, coapplicant=invitation.pk, parts=parts)
            link = settings.SITE_URL + reverse("submissions:invitation", args=[token])
            notify.coapplicant_invitation(invitation, link, now + VALID)
    except IntegrityError as clash:  # the same address invited a moment ago
        raise InvitationRefused(
            _("%(email)s is already invited. Revoke that invitation to send a new one.")
            % {"email": email}
        ) from clash
    invitation.token = token
    return invitation


def find(token):
    """The invitation of a link's token, or None: revoked, used and expired ones included,
    so the page can say which (the token alone is no proof of anything)."""
    if not token or len(token) > 100:
        return None
    return (
        CoApplicant.objects.select_related("eoi__call", "eoi__owner")
        .filter(token_hash=token_hash(token))
        .first()
    )


def is_expired(invitation, now=None):
    return (now or timezone.now()) >= invitation.invited_at + VALID


def is_open(invitation, now=None):
    """Still to be accepted: not revoked, not used, not expired, its EOI not withdrawn."""
    return (
        invitation.revoked_at is None
        and invitation.accepted_at is None
        and not is_expired(invitation, now)
        and invitation.eoi.status != Status.WITHDRAWN
    )


def has_address(user, email):
    """Whether `user` signed in with `email`, checked (allauth's verified address)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def accept(invitation, user, now=None):
    """`user` accepts: from now on they see the EOI and edit the parts opened to them."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: of two clicks at once, the second finds it used.
        invitation = CoApplicant.objects.select_for_update().get(pk=invitation.pk)
        if not is_open(invitation, now):
            raise InvitationRefused(
                _(
                    "This invitation can no longer be accepted. Ask the lead applicant for a "
                    "new one."
                )
            )
        if not has_address(user, invitation.email):
            raise InvitationRefused(
                _(
                    "This invitation was sent to another email address. Sign in with that "
                    "address (or add it to your account and confirm it), then open the link again."
                )
            )
        if invitation.eoi.owner_id == user.pk:
            raise InvitationRefused(_("You are the lead applicant of this expression of interest."))
        if CoApplicant.objects.active().filter(eoi=invitation.eoi, user=user).exists():
            raise InvitationRefused(_("You are already a co-applicant."))
        invitation.user = user
        invitation.accepted_at = now
        invitation.save(update_fields=["user", "accepted_at"])
        trail.record(user, "coapplicant.accepted", invitation.eoi, coapplicant=invitation.pk)
    return invitation


def set_parts(invitation, lead, parts):
    """The lead opens other parts to a co-applicant (or an invitee); from their next page on."""
    if invitation.eoi.owner_id != lead.pk:
        raise InvitationRefused(_("Only the lead applicant changes what co-applicants edit."))
    parts = sorted(set(parts))
    if parts == invitation.parts:
        return invitation
    with transaction.atomic():
        CoApplicant.objects.filter(pk=invitation.pk).update(parts=parts)
        trail.record(
            lead,
            "coapplicant.parts_changed",
            invitation.eoi,
            coapplicant=invitation.pk,
            parts=parts,
        )
    invitation.parts = parts
    return invitation


def revoke(invitation, lead, now=None):
    """The lead takes the invitation or the access back; it ends at once."""
    if invitation.eoi.owner_id != lead.pk:
        raise InvitationRefused(_("Only the lead applicant revokes co-applicants."))
    with transaction.atomic():
        revoked = CoApplicant.objects.filter(pk=invitation.pk, revoked_at=None).update(
            revoked_at=now or timezone.now()
        )
        if revoked:
            trail.record(lead, "coapplicant.revoked", invitation.eoi, coapplicant=invitation.pk)
    return revoked


def forget(user):
    """On account deletion: the person's links go; the EOIs stay with their leads."""
    CoApplicant.objects.filter(user=user).delete()
    CoApplicant.objects.filter(email__iexact=user.email, user=None).delete()
