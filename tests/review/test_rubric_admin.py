import json
from datetime import datetime

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from review.models import eoi_rubric
from submissions.kmf2021 import load_2021_call

pytestmark = pytest.mark.django_db


def test_the_2021_rubric_weighs_100_with_a_descriptor_per_score():
    call, _ = load_2021_call()

    criteria = list(eoi_rubric(call))
    assert [c.title for c in criteria] == [
        "Relevance to the theme and its challenges",
        "Local ownership and shift of power",
        "Feasibility and value for money",
        "Innovation",
        "Knowledge uptake",
    ]
    assert sum(c.weight for c in criteria) == 100
    assert all(len(c.descriptors) == call.score_scale_max for c in criteria)


def open_call_in_admin(client, secretariat, call):
    """The Secretariat, allowed to edit rubrics, opens the call's admin page: (url, page)."""
    from django.contrib.auth.models import Permission

    secretariat.user_permissions.add(*Permission.objects.filter(content_type__app_label="review"))
    client.force_login(secretariat)
    url = reverse("admin:submissions_call_change", args=[call.pk])
    return url, client.get(url)


def admin_form_data(page):
    """The call's admin change form as the browser would send it back, inlines included."""

    def posted(bound):
        value = bound.value()
        return json.dumps(value) if isinstance(value, list | dict) else value

    def sent(bound):
        # A browser sends no file it was not given to send: a stored one stays as it is.
        value = bound.value()
        return value is not None and value is not False and not isinstance(value, FieldFile)

    def moment(prefix, value):
        # As the page shows it: in the call's time zone, split into a day and a time.
        local = value.astimezone(call.zone)
        return {f"{prefix}_0": local.date(), f"{prefix}_1": local.time().replace(microsecond=0)}

    form = page.context["adminform"].form
    data = {name: posted(form[name]) for name in form.fields if form[name].value() is not None}
    call = form.instance
    data.update(moment("opens_at", call.opens_at) | moment("closes_at", call.closes_at))
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
        for index, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                key = f"{formset.formset.prefix}-{index}-{name}"
                if isinstance(inline[name].value(), datetime):
                    data.update(moment(key, inline[name].value()))
                elif name == "decisions":
                    data[key] = inline[name].value()
                elif sent(inline[name]):
                    data[key] = posted(inline[name])
    return data


def test_changes_to_call_settings_go_into_the_audit_trail(client, secretariat):

    from audit.models import AuditEntry

    call, _ = load_2021_call()
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    data["max_amount"] = "15000"

    response = client.post(url, data)

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="call.changed")
    assert entry.actor == secretariat
    assert entry.details == {"fields": ["max_amount"]}


def test_the_admin_refuses_weights_that_do_not_add_up_to_100(client, secretariat):

    call, _ = load_2021_call()
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    rubric = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if "criteria" in f.formset.prefix
    )
    data[f"{rubric}-0-weight"] = 30

    response = client.post(url, data)

    assert "The weights of the criteria must add up to 100 (now 105)." in response.content.decode()


def test_the_admin_refuses_a_deadline_in_the_year_9999(client, secretariat):
    # "It never closes": the call's page could not move that moment to a time zone ahead of
    # UTC, and answered its visitors there with a 500.
    call, _ = load_2021_call()
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    data["closes_at_0"] = "9999-12-31"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Give a date between 2000 and 2100." in response.content.decode()
    call.refresh_from_db()
    assert call.closes_at.year < 9999
