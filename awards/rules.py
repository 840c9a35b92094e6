"""Who may do what with a grant. A denied object is answered with a 404."""

import rules

from accounts.rules import is_secretariat
from submissions.models import ExpressionOfInterest
from submissions.rules import is_coapplicant, is_owner


@rules.predicate
def is_own_grant(user, grant):
    """The grant of an EOI the user leads or co-applies to."""
    return grant is not None and (is_owner(user, grant.eoi) or is_coapplicant(user, grant.eoi))


@rules.predicate
def is_letter_out(user, grant):
    """The EOI is awarded and the Secretariat issued its letter: the applicants read it."""
    return (
        grant is not None
        and grant.letter_issued_at is not None
        and grant.eoi.status == ExpressionOfInterest.Status.AWARDED
    )


rules.add_perm("awards.manage_grants", is_secretariat)
# The Secretariat previews the letter from the moment a grant is recorded.
rules.add_perm("awards.read_letter", is_secretariat | (is_own_grant & is_letter_out))
