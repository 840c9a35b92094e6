"""An application being filled in: an EOI or a full proposal, as the step pages, autosave and
the submit step read it. Both are answers to a questionnaire with a version, a status (draft or
submitted) and a deadline; what differs (which questionnaire, which deadline, how a save and a
submission are made, which URLs) is answered here, so that one set of views serves both."""

from django.utils.translation import gettext_lazy as _

from . import answers, coapplicants, domain, lifecycle, proposals
from .forms import DeclarationsForm, ProposalDeclarationsForm
from .selectors import step_documents


class FilledEoi:
    kind = "eoi"
    step_view = "submissions:eoi_step"
    autosave_view = "submissions:eoi_autosave"
    receipt_view = "submissions:eoi_receipt"
    attachment_view = "submissions:attachment"
    attachment_delete_view = "submissions:attachment_delete"
    declarations_form = DeclarationsForm
    not_editable = _("This expression of interest can no longer be changed.")

    def __init__(self, eoi):
        self.eoi = self.application = eoi

    def definition(self):
        return answers.edited_in(self.eoi)

    def deadline(self):
        return lifecycle.deadline_for(self.eoi)

    def is_editable(self):
        return domain.is_editable(self.eoi)

    def missing_items(self):
        return domain.missing_items(self.eoi)

    def editable_keys(self, user):
        """None for the lead (the whole form); the keys opened to a co-applicant otherwise."""
        if self.eoi.owner_id == user.pk:
            return None
        return coapplicants.editable_keys(self.eoi, user, self.definition())

    def row_limit(self, user):
        if self.eoi.owner_id == user.pk:
            return None
        return coapplicants.row_limit(self.eoi, user, self.definition())

    def opened_in_words(self, link):
        return coapplicants.parts_in_words(self.definition(), link.parts)

    def save(self, actor, version, changed):
        self.eoi = self.application = domain.save_step(self.eoi, actor, version, changed)
        return self.eoi

    def remember_step(self, slug):
        domain.remember_step(self.eoi, slug)

    def submit(self, actor, declarations):
        self.eoi = self.application = domain.submit_eoi(self.eoi, actor, declarations)
        return self.eoi

    def add_attachments(self, actor, uploads):
        return domain.add_attachments(self.eoi, actor, uploads)

    def documents(self, step):
        return step_documents(self.eoi.call, step)


class FilledProposal:
    """A full proposal, with the proposal stage's questionnaire and deadline: the lead's, and
    its co-applicants' where the lead opened parts of it to them; the lead alone submits it."""

    kind = "proposal"
    step_view = "submissions:proposal_step"
    autosave_view = "submissions:proposal_autosave"
    receipt_view = "submissions:proposal_receipt"
    attachment_view = "submissions:proposal_attachment"
    attachment_delete_view = "submissions:proposal_attachment_delete"
    declarations_form = ProposalDeclarationsForm
    not_editable = _("This full proposal can no longer be changed.")

    def __init__(self, proposal):
        self.application = proposal
        self.eoi = proposal.eoi

    def definition(self):
        return proposals.edited_in(self.application)

    def deadline(self):
        return proposals.deadline_for(self.application)

    def is_editable(self):
        return proposals.is_editable(self.application)

    def missing_items(self):
        return proposals.missing_items(self.application)

    def editable_keys(self, user):
        """None for the lead; for a co-applicant, the keys opened in the proposal (the lead's
        choice, or the EOI's parts carried over: coapplicants.proposal_parts)."""
        if self.eoi.owner_id == user.pk:
            return None
        return coapplicants.editable_keys(
            self.eoi, user, self.definition(), answers.edited_in(self.eoi)
        )

    def row_limit(self, user):
        if self.eoi.owner_id == user.pk:
            return None
        return coapplicants.row_limit(
            self.eoi, user, self.definition(), answers.edited_in(self.eoi)
        )

    def opened_in_words(self, link):
        definition = self.definition()
        parts = coapplicants.parts_in(link, definition, answers.edited_in(self.eoi))
        return coapplicants.parts_in_words(definition, parts)

    def save(self, actor, version, changed):
        self.application = proposals.save_step(self.application, actor, version, changed)
        return self.application

    def remember_step(self, slug):
        proposals.remember_step(self.application, slug)

    def submit(self, actor, declarations):
        self.application = proposals.submit(self.application, actor, declarations)
        return self.application

    def add_attachments(self, actor, uploads):
        return proposals.add_attachments(self.application, actor, uploads)

    def documents(self, step):
        return ()  # the call's documents belong to its EOI's steps
