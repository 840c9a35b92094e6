"""The application form: the call's questionnaire, one form per step, and the platform's own
last step. Steps save what is valid and keep what was typed."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from questionnaires.answers import initial
from questionnaires.definition import StepDef
from questionnaires.forms import AnswersForm, Bounds, RowForm, across_rows_problems, rows_formset
from questionnaires.models import FileTypes, Kind, Role

from . import coapplicants, documents
from .models import CallDocument, ExpressionOfInterest, Proposal
from .uploads import BUDGET_TYPES, MESSAGE_TYPES, SUPPORTING_TYPES, sniff

# Beside its other files, an application carries at most this many files for one question.
MAX_FILES = 10

FILE_TYPES = {FileTypes.DOCUMENTS: BUDGET_TYPES, FileTypes.DOCUMENTS_AND_IMAGES: SUPPORTING_TYPES}


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    asks: StepDef | None = None


SUBMIT = Step("submit", _("Review and submit"))


def steps_of(definition):
    """The questionnaire's steps, then the platform's review-and-submit step."""
    return [Step(step.key, step.title, step) for step in definition.steps] + [SUBMIT]


def bounds_of(call, questions):
    """The call's limits; its challenges only for a step that asks them (one query fewer on the
    others)."""
    asks_challenges = any(q.role == Role.CHALLENGES for q in questions)
    challenges = call.challenges.all() if asks_challenges else ()
    return Bounds(
        max_amount=call.max_amount,
        max_duration=call.max_duration_months,
        challenges=tuple((str(c.number), f"{c.number}. {c.title}") for c in challenges),
    )


class StepForm(AnswersForm):
    """The answers of one step, with the version of the application the page was built from."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class StepForms:
    """The form of one step and the formsets of its repeating rows, bound together."""

    def __init__(self, eoi, step, data=None, editable=None, row_limit=None):
        """`editable`: the question keys this person may change (a co-applicant's opened
        ones); the others are not in the form at all. None: every question. `row_limit`:
        (question, address) when only the row of that address may change (OwnRowForm)."""
        asked = [q for q in step.asks.questions if editable is None or q.key in editable]
        bounds = bounds_of(eoi.call, asked)
        self.own_row = None
        if row_limit and row_limit[0] in asked:
            asked.remove(row_limit[0])
            self.own_row = OwnRowForm(data, eoi=eoi, row_limit=row_limit, bounds=bounds)
        questions = [q for q in asked if not q.is_rows and not q.is_file]
        given = {q.key: initial(q, eoi.answers.get(q.key)) for q in questions}
        self.form = StepForm(
            data,
            initial={**given, "version": eoi.version},
            questions=questions,
            bounds=bounds,
            require_answers=eoi.status == eoi.Status.SUBMITTED,
        )
        # An unticked box is no change to the form, yet it answers "No" the first time.
        self.unanswered_yes_no = {
            q.key
            for q in questions
            if q.kind == Kind.YES_NO and not isinstance(eoi.answers.get(q.key), bool)
        }
        self.rows = {
            q.key: rows_formset(q, bounds, data, eoi.answers.get(q.key)) for q in asked if q.is_rows
        }
        # A draft keeps a row as it is typed; a submitted EOI only rows that are complete.
        self.keeps_unfinished_rows = eoi.status == eoi.Status.DRAFT

    def is_valid(self):
        return (
            self.form.is_valid()
            and all(rows.is_valid() for rows in self.rows.values())
            and (self.own_row is None or self.own_row.is_valid())
        )

    def changed_answers(self):
        """What changed and is valid, as stored. Rows: on a draft, each row typed into with
        its valid cells (the check before submitting names what a row still lacks); on a
        submitted EOI, the rows only when all of them are valid."""
        self.form.is_valid()
        changed = set(self.form.changed_data) | self.unanswered_yes_no
        answers = {k: v for k, v in self.form.answers().items() if k in changed}
        for key, rows in self.rows.items():
            if not rows.has_changed():
                continue
            if rows.is_valid():
                answers[key] = rows.rows()
            elif self.keeps_unfinished_rows and (kept := rows.draft_rows()) is not None:
                answers[key] = kept
        if self.own_row is not None and (rows := self.own_row.changed_rows()) is not None:
            answers[self.own_row.question.key] = rows
        return answers

    @property
    def errors(self):
        errors = dict(self.form.errors)
        for key, rows in self.rows.items():
            problems = [str(e) for e in rows.non_form_errors()] + [
                str(e) for form in rows.forms for errs in form.errors.values() for e in errs
            ]
            if problems:
                errors[key] = problems
        if self.own_row is not None and self.own_row.errors:
            errors[self.own_row.question.key] = [
                str(e) for errs in self.own_row.errors.values() for e in errs
            ]
        return errors


class OwnRowForm(RowForm):
    """A co-applicant's own partner row (coapplicants.OWN_PARTNER_ROW): its cells but the name
    and address, which say whose row it is; the other rows are the lead's, shown, not sent.
    `row` is None when no row carries the co-applicant's address (nothing to edit)."""

    def __init__(self, data, *, eoi, row_limit, bounds):
        question, email = row_limit
        self.question, self.email = question, email
        self.stored = eoi.answers.get(question.key) or []
        index = coapplicants.own_row_index(question, self.stored, email)
        self.row = None if index is None else self.stored[index]
        self.others = [row for number, row in enumerate(self.stored) if number != index]
        columns = [c for c in question.columns if c.role not in coapplicants.IDENTITY]
        given = initial(question, [self.row]) if self.row is not None else [{}]
        super().__init__(
            data,
            initial=given[0],
            prefix=f"{question.key}-own",
            questions=columns if self.row is not None else (),
            bounds=bounds,
        )

    def _name(self, row):
        column = self.question.column_with_role(Role.PARTNER_NAME)
        return str(row.get(column.key) or "") if column else ""

    @property
    def name_of_row(self):
        return self._name(self.row) if self.row is not None else ""

    @property
    def other_names(self):
        return [name for row in self.others if (name := self._name(row))]

    def clean(self):
        cleaned_data = super().clean()
        if self.row is not None and not self.errors:
            rows = coapplicants.with_own_row(self.question, self.stored, self.answers(), self.email)
            if problems := across_rows_problems(self.question, rows or []):
                raise forms.ValidationError(problems)
        return cleaned_data

    def changed_rows(self):
        """All the rows, with this one as typed, when it changed and is valid; else None."""
        if self.row is None or not self.has_changed() or not self.is_valid():
            return None
        return coapplicants.with_own_row(self.question, self.stored, self.answers(), self.email)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class FilesForm(forms.Form):
    """The file questions of one step. Each upload is judged by its content (uploads.sniff)."""

    def __init__(self, *args, questions=(), already=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.key: q for q in questions}
        self.already = already or {}
        limit = _("At most %(limit)d MB each.") % {"limit": settings.KMF_MAX_UPLOAD_MB}
        for q in questions:
            if q.kind == Kind.FILES:
                field = MultipleFileField(widget=MultipleFileInput)
            else:
                field = forms.FileField()
            field.label = str(q.label)
            field.required = False
            # Printed unescaped by the form templates: the Secretariat's words escaped here.
            field.help_text = format_html("{} {}", q.help, limit).strip()
            self.fields[q.key] = field

    def clean(self):
        cleaned_data = super().clean()
        for key, question in self.questions.items():
            value = cleaned_data.get(key)
            uploads = value if isinstance(value, list) else [value] if value else []
            room = files_allowed(question) - (
                self.already.get(key, 0) if question.kind == Kind.FILES else 0
            )
            if len(uploads) > room:
                self.add_error(
                    key,
                    ngettext(
                        "%(question)s: at most %(limit)d file, please.",
                        "%(question)s: at most %(limit)d files, please.",
                        files_allowed(question),
                    )
                    % {"question": question.label, "limit": files_allowed(question)},
                )
                continue
            errors = []
            for upload in uploads:
                try:
                    upload.sniffed = sniff(
                        upload,
                        FILE_TYPES.get(question.file_types, SUPPORTING_TYPES),
                        settings.KMF_MAX_UPLOAD_MB * 1024 * 1024,
                    )
                except forms.ValidationError as error:
                    errors.extend(error.error_list)
            if errors:
                self.add_error(key, errors)
        return cleaned_data

    def uploads(self):
        """{question key: [uploads]} of what was chosen and is valid."""
        chosen = {}
        for key in self.questions:
            value = self.cleaned_data.get(key)
            uploads = value if isinstance(value, list) else [value] if value else []
            if uploads:
                chosen[key] = uploads
        return chosen


def files_allowed(question):
    return 1 if question.kind == Kind.FILE else min(question.max_rows or MAX_FILES, MAX_FILES)


class DeclarationsForm(forms.ModelForm):
    class Meta:
        model = ExpressionOfInterest
        fields = ["declares_accuracy", "declares_consent"]


class ProposalDeclarationsForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["declares_accuracy", "declares_consent"]


@dataclass(frozen=True)
class StoredDocument:
    """A call document's file as its admin field shows it: named, and linked where the public
    downloads it (uploads have no public address in their storage)."""

    name: str
    url: str

    def __str__(self):
        return self.name


class DocumentFileInput(forms.ClearableFileInput):
    def format_value(self, value):
        if self.is_initial(value):
            return StoredDocument(value.instance.original_name, value.instance.get_absolute_url())
        return None


def https_by_default(db_field, **kwargs):
    """The form field of a model field; a link typed without a scheme takes https (the admin
    asks its ModelAdmin instead, which does the same)."""
    if db_field.name == "link":
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class CallDocumentForm(forms.ModelForm):
    """A document of a call, in the call's admin page. An uploaded file is judged by its
    content, as applicants' files are, and given a safe name. `stored_file` is the name of the
    file it had, for the admin to delete once no longer used."""

    class Meta:
        model = CallDocument
        fields = [
            "position",
            "key",
            "title",
            "description",
            "file",
            "link",
            "language",
            "step",
            "template_for",
        ]
        widgets = {"file": DocumentFileInput}
        formfield_callback = https_by_default

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_file = self.instance.file.name if self.instance.pk else ""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            documents.describe(self.instance, upload)
        elif upload is False:  # "Clear" ticked
            documents.forget_file(self.instance)
        return upload


class PartsForm(forms.Form):
    """The parts of the form the lead opens to a co-applicant: whole steps, single questions
    ("step:<key>", "question:<key>", as coapplicants.opened_questions reads them), or their
    own partner row (coapplicants.OWN_PARTNER_ROW); of the EOI, and of its full proposal."""

    parts = forms.MultipleChoiceField(
        label=_("What they may edit"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A whole step, or single questions. With nothing ticked they read the application "
            "and its outcome, and edit nothing."
        ),
    )

    def __init__(self, *args, definition, proposal_definition=None, **kwargs):
        """`proposal_definition`: the questionnaire of the EOI's full proposal, when it has
        one: its parts are offered too (coapplicants.PROPOSAL)."""
        super().__init__(*args, **kwargs)
        self.proposal_definition = proposal_definition
        choices = coapplicants.part_choices(definition)
        if proposal_definition is not None:
            choices += coapplicants.part_choices(proposal_definition, coapplicants.PROPOSAL)
        self.fields["parts"].choices = choices

    def chosen_parts(self):
        """The parts ticked, as stored: with a proposal, what is opened in it is the lead's
        choice from now on, even nothing (coapplicants.PROPOSAL_CHOSEN)."""
        parts = list(self.cleaned_data["parts"])
        if self.proposal_definition is not None:
            parts.append(coapplicants.PROPOSAL_CHOSEN)
        return parts


class InvitationForm(PartsForm):
    """The lead invites a co-applicant by address, with the parts opened to them."""

    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("They sign in, or create an account, with this address to accept."),
    )

    field_order = ["email", "parts"]


# A question or an answer, not a document: a longer text goes in an attached file.
MESSAGE_LENGTH = 5000


class MessageForm(forms.Form):
    """A message about an EOI, from the applicant or the Secretariat, with a file if needed."""

    text = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your message before sending it.")},
    )
    file = forms.FileField(label=_("File (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, DOCX, XLSX, ODT or ODS, at most %(limit)d MB. Choose it again if the "
            "message comes back with an error."
        ) % {"limit": settings.KMF_MAX_UPLOAD_MB}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            upload.sniffed = sniff(upload, MESSAGE_TYPES, settings.KMF_MAX_UPLOAD_MB * 1024 * 1024)
        return upload


class PartnerAnswerForm(forms.Form):
    """A partner's answer about its row: confirm or decline, with a comment if it likes."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("confirm", _("We confirm what is said about us")),
            ("decline", _("We decline: this is not right, or we are not a partner")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant and the Fund's Secretariat read it."),
    )
