import re

import pytest

from submissions.kmf2021 import SEED_FILE, load_2021_call, parse_call_text
from submissions.models import Call, Challenge, Milestone, Question

SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")


def seed_paragraphs():
    """Every paragraph after the headline, as plain text, bullets included."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", SEED_TEXT) if b.strip()]
    body = blocks[blocks.index("Asymmetric Power & Partnerships") + 1 :]
    lines = [line for block in body for line in block.splitlines()]
    return [line.removeprefix("- ").replace("**", "") for line in lines]


def test_the_seed_text_parses_into_title_headline_body_and_three_challenges():
    parsed = parse_call_text(SEED_TEXT)

    assert parsed.title == "Knowledge Management Fund 2021"
    assert parsed.headline == "Asymmetric Power & Partnerships"
    assert "## How did we get here?" in parsed.body
    assert "## How are we to move forward?" in parsed.body
    assert parsed.body.startswith("The world turned upside down.")
    assert parsed.body.endswith("the Knowledge Management Fund.")
    assert len(parsed.challenges) == 3
    assert parsed.challenges[0].startswith("This geopolitical rebalancing")
    assert parsed.challenges[1].startswith("The ‘globalization’ of SRoL")
    assert parsed.challenges[2].startswith("And this requires a reframing")


def test_every_paragraph_of_the_seed_is_in_the_body():
    body = parse_call_text(SEED_TEXT).body.replace("**", "")
    paragraphs = seed_paragraphs()

    assert len(paragraphs) == 15
    for paragraph in paragraphs:
        assert paragraph in body


@pytest.mark.django_db
def test_loading_creates_the_call_with_its_settings_and_challenges():
    call, created = load_2021_call()

    assert created
    assert call.slug == "kmf-2021"
    assert call.is_open()
    assert call.time_zone == "Europe/Amsterdam"
    assert call.max_amount == 20000
    assert call.max_duration_months == 9
    assert call.reminder_offsets == [168, 48, 24]
    assert [c.title for c in call.challenges.all()] == [
        "Multipolar world",
        "Space for local programming",
        "Devolving power",
    ]
    local_deadline = call.closes_at.astimezone(call.zone)
    assert (local_deadline.hour, local_deadline.minute) == (23, 59)


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load_2021_call()
    snapshot = list(Call.objects.values())
    counts = [m.objects.count() for m in (Challenge, Milestone, Question)]

    _, created = load_2021_call()

    assert not created
    assert list(Call.objects.values()) == snapshot
    assert [m.objects.count() for m in (Challenge, Milestone, Question)] == counts


@pytest.mark.django_db
def test_loading_keeps_the_secretariats_edits():
    call, _ = load_2021_call()
    Call.objects.filter(pk=call.pk).update(headline="Edited by the Secretariat")

    load_2021_call()

    assert Call.objects.get(pk=call.pk).headline == "Edited by the Secretariat"
