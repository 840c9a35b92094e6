"""Every form of the site, sent empty and with junk, never answers 500; invalid input comes back
with a message (or a clear refusal: a 400 page, a 429, a message after a redirect).

The forms are found, not listed: every URL of the resolver (the admin's included) is opened as
someone who may see it, and each <form> on the page is read as a browser reads it (its action,
method, fields and buttons; `data-autosave` too). Each is then sent as rendered but emptied, and
with every field (hidden ones included) set to each kind of junk below. A URL that is neither a
page with a form nor the target of one must be listed in FORMLESS with the reason, so a new form
is walked the day it appears, and a new URL fails until it is placed.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from notifications.models import EmailTemplate
from questionnaires import definition as definitions
from review import domain as review_domain
from review.models import Criterion, Decision
from submissions.forms import steps_of
from submissions.kmf2021 import add_stages, proposal_questionnaire_2021, questionnaire_2021
from submissions.models import Extension, Proposal, ReferenceCounter
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, UserFactory, add_partner
from tests.files import add_document, attach_budget
from tests.submissions.proposal_helpers import DOCUMENTS_STEP, invite
from tests.test_url_permissions import EXPECTED, ROLES, address
from tests.test_url_permissions import world as permissions_world  # noqa: F401

STEP_SLUGS = [step.slug for step in steps_of(questionnaire_2021())]
# The world's full proposal asks the 2021 proposal with a recap step and a last step of files
# (proposal_helpers).
PROPOSAL_SLUGS = [
    "recap",
    *(step.slug for step in steps_of(proposal_questionnaire_2021())),
    DOCUMENTS_STEP["key"],
]

PASSWORD = "correct horse battery"  # the factories' password

# URLs with no form of their own that no form sends to, and why.
FORMLESS = {
    "submissions:dashboard": "a list of links",
    "start": "a redirect to where each person's work is",
    "submissions:eoi_continue": "a redirect to the step the applicant was on",
    "submissions:eoi_receipt": "a receipt",
    "submissions:my_partnerships": "a list of links",
    "submissions:eoi_print": "the answers, printable",
    "submissions:eoi_pdf": "a PDF",
    "submissions:proposal_detail": "the full proposal's answers, read-only, and links",
    "submissions:proposal_continue": "a redirect to the step the applicant was on",
    "submissions:proposal_receipt": "a receipt",
    "submissions:proposal_print": "the full proposal's answers, printable",
    "submissions:proposal_pdf": "a PDF",
    "submissions:attachment": "a download",
    "submissions:proposal_attachment": "a download",
    "submissions:message_file": "a download",
    "submissions:call_document": "a download",
    "review:assignments": "a list of links",
    "review:dashboard": "figures",
    "review:export_reviews": "a download",
    "review:export_eois": "a download",
    "awards:export": "a download",
    "awards:grant_list": "a list of links",
    "awards:letter": "a PDF",
    "accounts:privacy": "a notice",
    "accounts:data_export": "a download",
    "account_inactive": "a notice",
    "account_email_verification_sent": "a notice",
    "account_reset_password_done": "a notice",
    "account_reset_password_from_key_done": "a notice",
    "account_confirm_login_code": "signing in by mailed code is off",
    "account_confirm_reauthentication_code": "confirming by mailed code is off",
    "mfa_index": "links to the two-factor pages",
    "mfa_view_recovery_codes": "the codes, read-only",
    "mfa_download_recovery_codes": "a download",
    "help": "a help text",
    "javascript_catalogue": "JavaScript",
    "healthz": "a status for load balancers",
    "provider_events": "the email provider's delivery reports, posted signed by its servers",
    "healthz_ready": "a status for load balancers",
    "admin:login": "a redirect to the site's sign-in page (accounts/two_factor.py)",
    "admin:password_change_done": "a notice",
    "admin:jsi18n": "JavaScript",
    "admin:view_on_site": "a redirect",
    "admin:app_list": "links (its logout form is the layout's, walked on the index)",
    "admin:questionnaires_questionnaire_preview": "the application forms, read-only, unsent",
    "admin:questionnaires_questionnaire_export": "a download",
}
# Forms of a layout, on every page: walked once, on this page.
LAYOUT_FORMS = {
    "set_language": "submissions:home",
    "account_logout": "account_logout",
    "admin:logout": "admin:index",
}
# The admin's URLs that are only sent to: its logout (POST), and the autocomplete behind its
# widgets (read off their data-ajax--url).
TARGETS_ONLY = {"admin:logout", "admin:autocomplete"}
# Who opens a page, where the first role with a 200 in EXPECTED would not see its form.
OPENED_BY = {
    "submissions:call_detail": "reviewer unassigned",  # signed in, no EOI in the call
    "submissions:invitation": "applicant B",  # invited: the page to accept
}
# Model-level admin pages with nothing to send: the record's history.
ADMIN_FORMLESS_SUFFIXES = ("_history",)
# The admin's other save buttons save the same form and only choose the next page.
SAME_SAVE = {"_addanother", "_continue"}
# Buttons whose refusal of junk is silent, and why that is acceptable.
SILENT = {
    # allauth's own page: an address that is not one of yours is ignored (nothing changes).
    ("account_email", "action_primary"),
    ("account_email", "action_send"),
    ("account_email", "action_remove"),
}

ERROR_MARKERS = (
    'class="errorlist',
    'class="errornote',
    "invalid-feedback",
    "alert-danger",
    'id="error-summary"',
    '<li class="warning">',  # the admin's messages
    '<li class="error">',
)


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or textarea, select, select-multiple
    value: str = ""
    required: bool = False
    checked: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list = field(default_factory=list)
    buttons: list = field(default_factory=list)  # (name, value) of named submit buttons
    autosave: str | None = None

    @property
    def target(self):
        return resolve(urlsplit(self.action).path).view_name

    @property
    def editable(self):
        return [f for f in self.fields if f.kind != "hidden"]

    @property
    def typed(self):
        """The fields a person types or chooses in: a file input's text means nothing, and a
        checkbox sent with any value is ticked."""
        return [f for f in self.editable if f.kind not in ("file", "checkbox")]


class FormReader(HTMLParser):
    """A page's forms, as a browser would send them."""

    def __init__(self, page):
        super().__init__()
        self.page, self.forms, self.form, self.select, self.textarea = page, [], None, None, None
        self.autocompletes = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = Form(
                page=self.page,
                action=urljoin(self.page, attrs.get("action") or self.page),
                method=(attrs.get("method") or "get").lower(),
                autosave=attrs.get("data-autosave"),
            )
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
        name = attrs.get("name")
        if tag in ("input", "button") and kind in ("submit", "image"):
            if name:
                self.form.buttons.append((name, attrs.get("value") or ""))
        elif tag == "input" and name and kind not in ("button", "reset"):
            self.form.fields.append(
                Field(name, kind, attrs.get("value") or "", "required" in attrs, "checked" in attrs)
            )
        elif tag == "textarea" and name:
            self.textarea = Field(name, "textarea", "", "required" in attrs)
            self.form.fields.append(self.textarea)
        elif tag == "select" and name:
            if attrs.get("data-ajax--url"):  # an autocomplete widget asks this URL by GET
                self.autocompletes.append(
                    Form(
                        page=self.page,
                        action=urljoin(self.page, attrs["data-ajax--url"]),
                        method="get",
                        fields=[
                            Field("term", "text"),
                            Field("app_label", "hidden", attrs["data-app-label"]),
                            Field("model_name", "hidden", attrs["data-model-name"]),
                            Field("field_name", "hidden", attrs["data-field-name"]),
                            Field("page", "hidden", "1"),
                        ],
                    )
                )
            multiple = "multiple" in attrs
            self.select = Field(
                name, "select-multiple" if multiple else "select", None, "required" in attrs
            )
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select.value is None or "selected" in attrs:
                self.select.value = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            if self.select is not None and self.select.value is None:
                self.select.value = ""
            self.select = None


def forms_on(url, response):
    reader = FormReader(url)
    reader.feed(response.content.decode())
    return reader.forms + reader.autocompletes


def filter_links(url, response):
    """An admin list's filter, search and sort links, as one form sent by GET."""
    reader = LinkReader()
    reader.feed(response.content.decode())
    form = Form(page=url, action=url, method="get")
    for name, value in reader.queries:
        if name not in {f.name for f in form.fields}:
            form.fields.append(Field(name, "text", value))
    return [form] if form.fields else []


class LinkReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.queries = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("?"):
            self.queries.extend(parse_qsl(href[1:], keep_blank_values=True))


# ----- Every URL name of the resolver, and how to open it -----


def all_url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from all_url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def admin_model_pages():
    """Each registered model's admin URL names, with the model."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        for name in all_url_names():
            if name.startswith(prefix) or (
                model._meta.model_name == "user" and name == "admin:auth_user_password_change"
            ):
                yield name, model


ADMIN_MODEL_PAGES = dict(admin_model_pages())


def admin_refusals():
    """Admin pages their ModelAdmin refuses even to a superuser (a 403: nothing to fill in)."""
    anyone = RequestFactory().get("/")
    anyone.user = SimpleNamespace(is_active=True, is_superuser=True, has_perm=lambda *a: True)
    for name, model in ADMIN_MODEL_PAGES.items():
        model_admin = admin.site._registry[model]
        if (name.endswith("_add") and not model_admin.has_add_permission(anyone)) or (
            name.endswith("_delete") and not model_admin.has_delete_permission(anyone)
        ):
            yield name


ADMIN_REFUSED = set(admin_refusals())
NAMES = sorted(set(all_url_names()))
FIRST_200 = {
    name: next((role for role, status in zip(ROLES, row, strict=True) if status == 200), None)
    for name, row in EXPECTED.items()
}


def page_names():
    """The URL names to open and look for forms on (the step form once per step)."""
    for name in NAMES:
        if (
            name in FORMLESS
            or name in TARGETS_ONLY
            or name in ADMIN_REFUSED
            or name.endswith(ADMIN_FORMLESS_SUFFIXES)
        ):
            continue
        if name == "submissions:eoi_step":
            yield from (f"{name}@{step}" for step in STEP_SLUGS)
        elif name == "submissions:proposal_step":
            yield from (f"{name}@{step}" for step in PROPOSAL_SLUGS)
        elif name.startswith("admin:") or FIRST_200.get(name) or name in SET_UP:
            yield name


# Pages reached only along a flow: each function readies the client and returns the URL.
def reauthenticated(role):
    def set_up(client, site, name):
        sign_in(client, site["people"][role])
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        return reverse(name)

    return set_up


def password_given_for_two_factor(client, site, name):
    reviewer = site["people"]["reviewer assigned"]
    client.post(reverse("account_login"), {"login": reviewer.email, "password": PASSWORD})
    return reverse(name)


def without_a_password(client, site, name):
    person = ApplicantFactory()
    person.set_unusable_password()
    person.save()
    sign_in(client, person)
    return reverse(name)


def with_a_reset_key(client, site, name):
    person = site["people"]["applicant B"]
    key = default_token_generator.make_token(person)
    # allauth keeps the key in the session and sends the browser on to the form.
    url = reverse(name, args=[user_pk_to_url_str(person), key])
    response = client.get(url, follow=True)
    # Once a try has changed the password, the key is spent: the page says so, without a form.
    return response.redirect_chain[-1][0] if response.redirect_chain else url


def with_a_confirmation_key(client, site, name):
    person = ApplicantFactory()
    address = EmailAddress.objects.create(user=person, email="new@example.org", verified=False)
    return reverse(name, args=[EmailConfirmationHMAC(address).key])


def answered_questionnaire(client, site, name):
    """The page that makes a new version shows its form for a version with answers."""
    from questionnaires import versions
    from questionnaires.models import Questionnaire

    sign_in(client, site["superuser"])
    questionnaire = Questionnaire.objects.order_by("-pk").first()
    versions.mark_answered(questionnaire.pk)
    return reverse(name, args=[questionnaire.pk])


def step(client, site, name):
    sign_in(client, site["draft"].owner)
    return reverse("submissions:eoi_step", args=[site["draft"].uuid, name.split("@")[1]])


def proposal_step(client, site, name):
    invited = site["invited"]
    sign_in(client, invited.owner)
    return reverse("submissions:proposal_step", args=[invited.uuid, name.split("@")[1]])


def proposal_under_review(client, site, name):
    """The reviewer's pages of the site's submitted proposal (the world's is a draft again)."""
    sign_in(client, site["people"]["reviewer assigned"])
    reviewed = site["reviewed proposal"]
    return reverse(name, args=[reviewed.eoi.uuid, reviewed.stage_id])


SET_UP = {
    "review:review_proposal": proposal_under_review,
    "review:declare_proposal_conflict": proposal_under_review,
    "mfa_activate_totp": reauthenticated("applicant A"),
    "mfa_deactivate_totp": reauthenticated("reviewer assigned"),
    "mfa_generate_recovery_codes": reauthenticated("reviewer assigned"),
    "mfa_authenticate": password_given_for_two_factor,
    "account_set_password": without_a_password,
    "account_reset_password_from_key": with_a_reset_key,
    "account_confirm_email": with_a_confirmation_key,
    "admin:questionnaires_questionnaire_new_version": answered_questionnaire,
    **{f"submissions:eoi_step@{slug}": step for slug in STEP_SLUGS},
    **{f"submissions:proposal_step@{slug}": proposal_step for slug in PROPOSAL_SLUGS},
}


def sign_in(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)


def admin_url(name, site):
    model = ADMIN_MODEL_PAGES.get(name)
    if model is not None:
        if name.endswith(("_changelist", "_add", "_import")):
            return reverse(name)
        instance = model._default_manager.order_by("-pk").first()  # the site's spare, if any
        assert instance is not None, f"give the site fixture a {model.__name__} for {name}"
        return reverse(name, args=[instance.pk])
    if name == "admin:view_on_site":
        eoi = site["eoi"]
        return reverse(name, args=[ContentType.objects.get_for_model(eoi).pk, eoi.pk])
    if name == "admin:app_list":
        return reverse(name, args=["submissions"])
    if name == "admin:autocomplete":
        return reverse(name) + "?app_label=submissions&model_name=extension&field_name=applicant"
    return reverse(name)


def sign_in_for(client, site, name):
    """Sign in as someone who opens the page, along its flow if it has one: then its URL."""
    if name in SET_UP:
        client.logout()
        return SET_UP[name](client, site, name)
    if name.startswith("admin:"):
        sign_in(client, site["superuser"])
    else:
        sign_in(client, site["people"][OPENED_BY.get(name, FIRST_200[name])])
    return None


def open_page(client, site, name):
    url = sign_in_for(client, site, name)
    if url is None:
        url = admin_url(name, site) if name.startswith("admin:") else address(name, site)
    return url, client.get(url)


def forms_of_page(client, site, name):
    url, response = open_page(client, site, name)
    assert response.status_code == 200, (name, url, response.status_code)
    found = forms_on(url, response)
    if name.endswith("_changelist"):
        found += filter_links(url, response)
    return url, [form for form in found if LAYOUT_FORMS.get(form.target, name) == name]


@pytest.fixture
def site(permissions_world):  # noqa: F811
    """The URL × role world, with a rubric, partners, a draft of applicant B's, a superuser,
    and a record of each model the admin shows."""
    call, eoi, people = (permissions_world[key] for key in ("call", "eoi", "people"))
    Criterion.objects.create(call=call, position=1, title="Relevance", weight=60)
    Criterion.objects.create(call=call, position=2, title="Feasibility", weight=40)
    add_partner(eoi, name="Association des Femmes", country="ML", role="Hosts the forums")
    draft = attach_budget(EOIFactory(call=call, owner=people["applicant B"]))
    superuser = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(superuser, generate_totp_secret())
    Decision.objects.create(eoi=eoi, outcome="invited", decided_by=people["secretariat"])
    Extension.objects.create(
        call=call, applicant=people["applicant B"], until=timezone.now() + timedelta(days=40)
    )
    EmailTemplate.objects.create(
        call=call, event="submission_receipt", language="en", subject="Thanks", body="Thanks"
    )
    # Another proposal of that reviewed stage, submitted, "reviewer assigned" its reviewer.
    invited = permissions_world["invited"]
    reviewed = invite(EOIFactory(call=invited.call), people["secretariat"])
    Proposal.objects.filter(eoi=reviewed).update(status="submitted", reference="T-0009-P")
    (assignment,) = review_domain.assign(
        [reviewed], people["reviewer assigned"], people["secretariat"], stage=reviewed.stage
    )
    review_domain.declare_no_conflict(assignment, people["reviewer assigned"])
    # Last, so that the admin opens them: a call, a person and a questionnaire with nothing
    # that keeps them.
    spare = CallFactory(slug="spare")
    add_document(spare, key="guidance", step="budget")  # its admin shows a document's form
    add_stages(spare)  # and the stages' forms, the proposal's questionnaire chosen
    UserFactory(email="spare@example.org")
    definitions.save(questionnaire_2021())
    review_domain.save_expertise(
        people["reviewer unassigned"], list(call.challenges.all()), ["ML"], superuser
    )
    # A draft again, so that its submit step shows the declarations.
    Proposal.objects.filter(eoi=permissions_world["invited"]).update(status="draft", reference=None)
    # The world set its reference by hand: the counter goes on from it.
    ReferenceCounter.objects.create(call=call, last_number=1)
    return {
        **permissions_world,
        "draft": draft,
        "superuser": superuser,
        "reviewed proposal": Proposal.objects.get(eoi=reviewed),
    }


def test_every_url_has_a_form_is_the_target_of_one_or_is_listed_formless(client, site):
    with_forms, targets = set(), set()
    for name in page_names():
        _url, forms = forms_of_page(client, site, name)
        if forms:
            with_forms.add(name.split("@")[0])
        for form in forms:
            targets.add(form.target)
            if form.autosave:
                targets.add(resolve(form.autosave).view_name)
    pages = {name.split("@")[0] for name in page_names()}

    assert pages - with_forms == set(), "these pages show no form: list them in FORMLESS"
    placed = with_forms | targets | set(FORMLESS) | ADMIN_REFUSED
    placed |= {name for name in NAMES if name.endswith(ADMIN_FORMLESS_SUFFIXES)}
    assert set(NAMES) - placed == set(), "open these as someone who may, or list them in FORMLESS"
    assert set(FORMLESS) & (with_forms | targets) == set(), "these have forms after all"
    assert set(FORMLESS) - set(NAMES) == set(), "these URLs are gone"


# ----- Sending each form empty and with junk -----

# Past every integer column's range. SQLite cannot even compare a number past 64 bits (Django's
# `in` lookup hands it over, where its other lookups drop it): there, the largest that fits.
BIG_NUMBER = "9" * 40 if connection.vendor == "postgresql" else str(2**63 - 1)
JUNK = {
    "NUL characters": "\x00",
    "a number past every range": BIG_NUMBER,
    "a negative number": "-1",
    "not a UUID": "not-a-uuid",
    "JSON holding a NUL": '["\\u0000"]',
    "an impossible date": "2026-02-30 25:61",
    "two values for each field": ["1", "\x00"],
}
# Long enough for every length limit; in all under DATA_UPLOAD_MAX_MEMORY_SIZE, so that the
# fields, not Django, refuse it. An address is at most 8 KB: nginx refuses longer ones (414).
HUGE_FIELD, HUGE_BODY, HUGE_ADDRESS = 20_000, 4_000_000, 6_000


def as_rendered(form):
    """What the browser sends untouched: hidden values, text, the selected and the checked."""
    data = {}
    for item in form.fields:
        if item.kind in ("checkbox", "radio") and not item.checked:
            continue
        if item.kind in ("file", "select-multiple") and not item.value:
            continue
        data.setdefault(item.name, []).append(item.value)
    return data


def emptied(form):
    """Everything a person fills in left empty; hidden fields as rendered."""
    data = as_rendered(form)
    for item in form.editable:
        data.pop(item.name, None)
        if item.kind not in ("checkbox", "radio", "file", "select-multiple"):
            data[item.name] = [""]
    return data


def submissions(form, page_name):
    """(what, data, whether a message must come back) for each way of sending the form."""
    names = {item.name for item in form.fields}
    buttons = {}
    for name, value in form.buttons:
        if name not in SAME_SAVE:
            buttons.setdefault(name, value)
    for button in list(buttons.items()) or [None]:
        pressed = dict([button]) if button else {}
        # Empty: a required field left empty is named; with no field to fill, it is a click.
        yield (
            f"empty, {button}",
            {**emptied(form), **pressed},
            any(item.required for item in form.typed),
        )
        for what, junk in JUNK.items():
            # NUL is never valid in any field: each form that asks for input must say so.
            told = what == "NUL characters" and bool(form.typed)
            told = told and (page_name.split("@")[0], button and button[0]) not in SILENT
            yield f"{what}, {button}", {**dict.fromkeys(names, junk), **pressed}, told
        total = HUGE_ADDRESS if form.method == "get" else HUGE_BODY
        huge = "x" * min(HUGE_FIELD, total // max(1, len(names)))
        yield f"huge texts, {button}", {**dict.fromkeys(names, huge), **pressed}, False
        # The rest valid as rendered, so that the view acts on what was tampered with.
        hidden = {item.name: "-1" for item in form.fields if item.kind == "hidden"}
        tampered = {**as_rendered(form), **hidden, **pressed}
        yield f"hidden fields tampered with, {button}", tampered, False


def told(response):
    """A message came back: a re-rendered form with its errors, an error message after a
    redirect, the 400 page, a 429, or JSON naming the problem."""
    if response.status_code in (400, 429):
        return True
    if response.get("Content-Type", "").startswith("application/json"):
        return response.status_code >= 400 or bool(json.loads(response.content).get("errors"))
    page = response.content.decode(errors="replace")
    return any(marker in page for marker in ERROR_MARKERS)


def send(client, form, url, data, follow):
    if form.method == "get":
        return client.get(url, data, follow=follow)
    return client.post(url, data, follow=follow)


@pytest.mark.parametrize("name", list(page_names()))
def test_each_form_takes_empty_and_junk_input_without_failing(client, site, name):
    client.raise_request_exception = False  # a 500 is counted below, with the others
    _url, forms = forms_of_page(client, site, name)
    assert forms, f"{name} shows no form: list it in FORMLESS"
    failures = []

    for form in forms:
        targets = [form.action] + ([urljoin(form.page, form.autosave)] if form.autosave else [])
        for target in targets:
            for what, data, must_tell in submissions(form, name):
                sign_in_for(client, site, name)  # the last try may have signed out
                # A message after a redirect is read on the next page; the pages redirected
                # to are walked on their own.
                response = send(client, form, target, data, follow=must_tell)
                if response.status_code >= 500:
                    failures.append(f"{target} with {what}: {response.status_code}")
                elif must_tell and not told(response):
                    failures.append(f"{target} with {what}: no message ({response.status_code})")

    assert failures == [], "\n".join(failures)


def test_the_discussion_form_is_among_those_walked(client, site):
    """The reviewers' discussion form is walked on the Secretariat's EOI page (the reviewer's
    page shows it only once their review is in, which the site's reviewer has not sent)."""
    _url, forms = forms_of_page(client, site, "review:secretariat_eoi")

    assert any("discussion-text" in {field.name for field in form.fields} for form in forms)


@pytest.mark.parametrize("name", list(page_names()))
def test_each_form_that_posts_carries_its_csrf_token(client, site, name):
    """A browser's POST without the token is refused (403). `{% csrf_token %}` writes nothing
    in a template included with `only` unless the token is passed in, which the test client,
    exempt from the check, never notices."""
    _url, forms = forms_of_page(client, site, name)

    tokenless = [
        form.action
        for form in forms
        if form.method == "post"
        and not any(f.name == "csrfmiddlewaretoken" and f.value for f in form.fields)
    ]

    assert tokenless == []
