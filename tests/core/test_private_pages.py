"""What a signed-in person is shown stays theirs: every answer to them says
`Cache-Control: private, no-store`, so that neither a shared proxy nor a shared computer's
browser keeps it. Public pages, static files and the JavaScript catalogue stay cacheable."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.cache import get_max_age

from tests.files import attach, budget_pdf
from tests.test_url_permissions import EXPECTED, ROLES, address, world  # noqa: F401  (a fixture)

SIGNED_IN_ROLES = [role for role in ROLES if role != "anonymous"]
# The same for everyone, like a static file (test_the_javascript_catalogue_stays_cacheable…).
SAME_FOR_EVERYONE = {"javascript_catalogue"}


def directives(response):
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0] for part in header.split(",") if part.strip()}


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - SAME_FOR_EVERYONE))
def test_every_answer_to_a_signed_in_person_is_private_and_not_stored(client, world, name):  # noqa: F811
    url = address(name, world)
    for role in SIGNED_IN_ROLES:
        client.force_login(world["people"][role])
        response = client.get(url)
        assert {"private", "no-store"} <= directives(response), (url, role, response.status_code)


def test_every_admin_page_of_the_secretariat_is_private_and_not_stored(client, world):  # noqa: F811
    client.force_login(world["people"]["secretariat"])
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"))
            assert {"private", "no-store"} <= directives(response), (model, view)


def test_answers_to_forms_and_downloads_are_private_too(client, world):  # noqa: F811
    eoi = world["eoi"]
    eoi.status = "draft"
    eoi.save(update_fields=["status"])
    client.force_login(eoi.owner)
    step = reverse("submissions:eoi_step", args=[eoi.uuid, "project"])

    autosaved = client.post(
        reverse("submissions:eoi_autosave", args=[eoi.uuid, "project"]),
        {"version": eoi.version, "title": "Forums"},
    )
    uploaded = attach(client, eoi, supporting=[budget_pdf("letter.pdf")])
    letter = eoi.attachments.get(original_name="letter.pdf")
    download = client.get(reverse("submissions:attachment", args=[eoi.uuid, letter.pk]))

    for response in (client.get(step), autosaved, uploaded, download):
        assert {"private", "no-store"} <= directives(response), response.status_code
    # A view's own stricter header stays whole.
    assert "no-cache" in directives(client.get("/healthz"))


@pytest.mark.parametrize(
    "url", ["/", "/calls/{call}/", "/accounts/privacy/", "/help/", "/timezone/"]
)
def test_public_pages_stay_cacheable_for_anonymous_visitors(client, world, url):  # noqa: F811
    response = client.get(url.format(call=world["call"].slug))

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)


def test_static_files_stay_cacheable_for_everyone(client, world):  # noqa: F811
    client.force_login(world["people"]["applicant A"])
    response = client.get("/static/css/kmf.css")

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)
    assert get_max_age(response) > 0


def test_the_javascript_catalogue_stays_cacheable_for_everyone(client, world):  # noqa: F811
    client.force_login(world["people"]["applicant A"])
    response = client.get(reverse("javascript_catalogue", args=["fr"]))

    assert response.status_code == 200
    assert {"public", "max-age"} <= directives(response)
    assert "no-store" not in directives(response)
    assert "private" not in directives(response)
