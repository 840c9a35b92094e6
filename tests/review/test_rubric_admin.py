import pytest
from django.urls import reverse

from submissions.kmf2021 import load_2021_call

pytestmark = pytest.mark.django_db


def test_the_2021_rubric_weighs_100_with_a_descriptor_per_score():
    call, _ = load_2021_call()

    criteria = list(call.criteria.all())
    assert [c.title for c in criteria] == [
        "Relevance to the theme and its challenges",
        "Local ownership and shift of power",
        "Feasibility and value for money",
        "Innovation",
        "Knowledge uptake",
    ]
    assert sum(c.weight for c in criteria) == 100
    assert all(len(c.descriptors) == call.score_scale_max for c in criteria)


def test_the_admin_refuses_weights_that_do_not_add_up_to_100(client, secretariat):
    from django.contrib.auth.models import Permission

    call, _ = load_2021_call()
    secretariat.user_permissions.add(*Permission.objects.filter(content_type__app_label="review"))
    client.force_login(secretariat)
    url = reverse("admin:submissions_call_change", args=[call.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "opens_at_0": call.opens_at.date(),
            "opens_at_1": "00:00:00",
            "closes_at_0": call.closes_at.date(),
            "closes_at_1": "23:00:00",
        }
    )
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
        for index, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                value = inline[name].value()
                if value is not None and value is not False:
                    data[f"{formset.formset.prefix}-{index}-{name}"] = value
    rubric = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if "criteria" in f.formset.prefix
    )
    data[f"{rubric}-0-weight"] = 30

    response = client.post(url, data)

    assert "The weights of the criteria must add up to 100 (now 105)." in response.content.decode()
