"""Who may do what with an expression of interest. A denied object is answered with a 404."""

import rules

from accounts.rules import is_secretariat

from . import domain


@rules.predicate
def is_owner(user, eoi):
    return eoi is not None and eoi.owner_id == user.pk


@rules.predicate
def is_editable(user, eoi):
    return domain.is_editable(eoi)


@rules.predicate
def is_withdrawable(user, eoi):
    return domain.Status.WITHDRAWN in domain.APPLICANT_TRANSITIONS.get(eoi.status, set())


rules.add_perm("submissions.view_eoi", is_owner | is_secretariat)
rules.add_perm("submissions.edit_eoi", is_owner & is_editable)
rules.add_perm("submissions.withdraw_eoi", is_owner & is_withdrawable)
