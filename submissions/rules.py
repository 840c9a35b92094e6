"""Who may do what with an expression of interest. A denied object is answered with a 404."""

import rules

from accounts.rules import is_secretariat

from . import answers, coapplicants, domain, lifecycle, partners, proposals


@rules.predicate
def is_owner(user, eoi):
    return eoi is not None and eoi.owner_id == user.pk


@rules.predicate
def is_coapplicant(user, eoi):
    """Accepted the lead's invitation, and not revoked since."""
    return coapplicants.link_of(user, eoi) is not None


@rules.predicate
def has_opened_parts(user, eoi):
    """A co-applicant the lead opened at least one question, or their own partner row, to (in
    the version edited now)."""
    link = coapplicants.link_of(user, eoi)
    return link is not None and bool(coapplicants.editable_keys(eoi, user, answers.edited_in(eoi)))


@rules.predicate
def is_withdrawable(user, eoi):
    return lifecycle.allows(eoi.status, domain.Status.WITHDRAWN, lifecycle.APPLICANT)


@rules.predicate
def is_before_deadline(user, eoi):
    return domain.is_editable(eoi)


@rules.predicate
def has_reference(user, eoi):
    """Submitted at least once: the thread is about an EOI the Secretariat has received."""
    return eoi is not None and bool(eoi.reference)


@rules.predicate
def is_thread_shared(user, eoi):
    return eoi is not None and eoi.thread_shared_with_reviewers


@rules.predicate
def is_partner_contact(user, partner):
    """The partner's address is one the user verified: they answer for it from their account."""
    return partner is not None and partners.for_user(user).filter(pk=partner.pk).exists()


@rules.predicate
def is_proposal_owner(user, proposal):
    """The lead applicant of the EOI the proposal follows."""
    return proposal is not None and proposal.eoi.owner_id == user.pk


@rules.predicate
def is_proposal_coapplicant(user, proposal):
    """A co-applicant of the EOI (accepted, not revoked): they read its proposal."""
    return proposal is not None and coapplicants.link_of(user, proposal.eoi) is not None


@rules.predicate
def has_opened_proposal_parts(user, proposal):
    """A co-applicant the lead opened at least one question of the full proposal to (chosen,
    or carried over from the EOI's parts: coapplicants.proposal_parts)."""
    link = coapplicants.link_of(user, proposal.eoi) if proposal is not None else None
    return link is not None and bool(
        coapplicants.editable_keys(
            proposal.eoi, user, proposals.edited_in(proposal), answers.edited_in(proposal.eoi)
        )
    )


@rules.predicate
def is_proposal_open(user, proposal):
    return proposals.is_editable(proposal)


rules.add_perm("submissions.view_eoi", is_owner | is_coapplicant | is_secretariat)
# "submissions.download_attachments" is in review/rules.py: reviewers read the files too.
# The form is the applicant's own: even the Secretariat reads an EOI on its detail page only.
rules.add_perm("submissions.fill_in_eoi", is_owner)
# The steps of the form: the lead's, and a co-applicant's where the lead opened questions to
# them (which ones, the step's page and domain.save_step ask coapplicants.editable_keys).
rules.add_perm("submissions.fill_in_parts", is_owner | (is_coapplicant & has_opened_parts))
rules.add_perm("submissions.edit_parts", (is_owner | has_opened_parts) & is_before_deadline)
# Inviting and revoking co-applicants: the lead only.
rules.add_perm("submissions.manage_coapplicants", is_owner)
rules.add_perm("submissions.edit_eoi", is_owner & is_before_deadline)
rules.add_perm("submissions.withdraw_eoi", is_owner & is_withdrawable & is_before_deadline)
# The messages between the Secretariat and the applicant. Who reads them (reviewers too, when
# the Secretariat shares them) is in review/rules.py, as "submissions.download_attachments" is.
rules.add_perm("submissions.post_message", (is_owner | is_secretariat) & has_reference)
rules.add_perm("submissions.share_messages", is_secretariat)
# The applicant asks the partners to confirm, from a draft or a submitted EOI before the deadline.
rules.add_perm("submissions.ask_partners", is_owner & is_before_deadline)
rules.add_perm("submissions.answer_as_partner", is_partner_contact)
# The full proposal: the lead writes and submits it, the co-applicants write the parts the lead
# opened to them (as in the EOI); they and the Secretariat read it.
rules.add_perm(
    "submissions.view_proposal", is_proposal_owner | is_proposal_coapplicant | is_secretariat
)
rules.add_perm("submissions.fill_in_proposal", is_proposal_owner)
rules.add_perm(
    "submissions.fill_in_proposal_parts",
    is_proposal_owner | (is_proposal_coapplicant & has_opened_proposal_parts),
)
rules.add_perm(
    "submissions.edit_proposal",
    (is_proposal_owner | has_opened_proposal_parts) & is_proposal_open,
)
# Withdrawing it takes the application out of the call (proposals.withdraw): the lead only,
# while it is open to them.
rules.add_perm("submissions.withdraw_proposal", is_proposal_owner & is_proposal_open)
