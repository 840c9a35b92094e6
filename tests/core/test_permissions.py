"""Superusers are not applicants: every permission is asked of its predicates (core.permissions),
never of Django's superuser shortcut. A superuser does what the Secretariat does, and gets the
404 anyone else gets on an applicant's own pages or a review that is not theirs."""

import ast
import re
from pathlib import Path

import pytest
import rules
from django.urls import get_resolver, reverse

from core.permissions import can
from submissions.forms import steps_of
from submissions.kmf2021 import questionnaire_2021
from submissions.models import ExpressionOfInterest
from tests.factories import UserFactory
from tests.test_url_permissions import EXPECTED, ROLES, address, url_names, world  # noqa: F401

STEP_SLUGS = [step.slug for step in steps_of(questionnaire_2021())]

PROJECT = Path(__file__).resolve().parents[2]
SECRETARIAT_COLUMN = ROLES.index("secretariat")
# Addresses only sent to (a GET is a 405 for everyone), where the Secretariat's forms post.
SECRETARIAT_TARGETS = {"review:secretariat_message", "review:share_messages"}


def eoi_urls_the_secretariat_cannot_open(world):  # noqa: F811
    """Every address of the EOI, from the resolver, that is an applicant's or a reviewer's own
    (each step of the form counted): the Secretariat has no 200 there."""
    eoi = world["eoi"]
    for name in url_names(get_resolver().url_patterns):
        if EXPECTED[name][SECRETARIAT_COLUMN] == 200 or name in SECRETARIAT_TARGETS:
            continue
        url = address(name, world)
        if str(eoi.uuid) not in url:
            continue
        if name in ("submissions:eoi_step", "submissions:eoi_autosave"):
            for step in STEP_SLUGS:
                yield name, reverse(name, args=[eoi.uuid, step])
        else:
            yield name, url


def test_a_superuser_gets_a_404_on_every_applicant_and_reviewer_page_of_an_eoi(
    client,
    world,  # noqa: F811
    superuser,
):
    eoi = world["eoi"]
    before = ExpressionOfInterest.objects.values().get(pk=eoi.pk)
    client.force_login(superuser)
    checked = set()

    for name, url in eoi_urls_the_secretariat_cannot_open(world):
        get = client.get(url)
        post = client.post(
            url, {"version": eoi.version, "title": "Edited by a superuser", "reason": "x"}
        )
        assert get.status_code in (404, 405), (url, get.status_code)
        assert post.status_code == 404, (url, post.status_code)
        checked.add(name)

    assert {
        "submissions:eoi_step",
        "submissions:eoi_autosave",
        "submissions:eoi_withdraw",
        "submissions:eoi_receipt",
        "submissions:attachment_delete",
        "review:review_eoi",
        "review:declare_conflict",
    } <= checked
    assert ExpressionOfInterest.objects.values().get(pk=eoi.pk) == before
    assert eoi.attachments.count() == 1


def test_a_superuser_does_what_the_secretariat_does(client, world, superuser):  # noqa: F811
    eoi, call = world["eoi"], world["call"]
    client.force_login(superuser)

    for url in (
        reverse("submissions:eoi_detail", args=[eoi.uuid]),
        reverse("review:secretariat_eoi", args=[eoi.uuid]),
        reverse("review:eoi_list", args=[call.slug]),
        reverse("review:dashboard", args=[call.slug]),
    ):
        assert client.get(url).status_code == 200, url
    assert can(superuser, "review.manage_review")
    assert not can(superuser, "submissions.fill_in_eoi", eoi)
    assert not can(superuser, "review.review_eoi", eoi)
    # The detail page offers no edit or withdraw button to anyone but the owner.
    page = client.get(eoi.get_absolute_url()).content.decode()
    assert reverse("submissions:eoi_withdraw", args=[eoi.uuid]) not in page


def test_an_unknown_permission_is_an_error_not_a_silent_no(db):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        can(UserFactory(), "submissions.fill_in_eoy")


APPS = ["accounts", "audit", "core", "kmf", "notifications", "review", "submissions"]


def has_perm_calls_bypassing_can():
    """`has_perm(...)` calls in the apps' code that ask a rule, or about an object: both belong
    to `can`. Only Django's model permissions (a literal name without a rule) may use it."""
    for app in APPS:
        for path in (PROJECT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "has_perm"
                    # rules.has_perm asks the predicates, as `can` does.
                    and not (
                        isinstance(node.func.value, ast.Name) and node.func.value.id == "rules"
                    )
                ):
                    continue
                first = node.args[0] if node.args else None
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                if (
                    len(node.args) > 1
                    or node.keywords
                    or not literal
                    or rules.perm_exists(first.value)
                ):
                    yield f"{path.relative_to(PROJECT)}:{node.lineno}"


def template_permission_checks():
    """Templates ask for permissions with `perms.` or rules' `has_perm` tag, both through
    `User.has_perm`: a rule named there would pass every superuser."""
    found = []
    for path in PROJECT.glob("**/templates/**/*.*"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text(errors="replace")
        for match in re.finditer(r"\bhas_perm\b|\bperms\.(\w+)\.(\w+)", text):
            name = f"{match[1]}.{match[2]}" if match[1] else None
            if name is None or rules.perm_exists(name):
                found.append(f"{path.relative_to(PROJECT)}: {match[0]}")
    return found


def test_every_check_of_a_rule_goes_through_can():
    assert list(has_perm_calls_bypassing_can()) == []
    assert template_permission_checks() == []
