"""The Secretariat's outbox as a list of its own (not only the admin's): filters, sorting by its
headers, pages, the columns shown, saved views, and never an account mail's one-time link."""

import re
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.timezones import TIME_ZONE_COOKIE
from notifications.events import Event
from notifications.models import OutboundEmail
from review.models import SavedView
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db

URL = "/review/outbox/"
RESET_LINK = "https://grants.example.org/accounts/password/reset/key/3-secret-key/"


def mail(key, queued=None, **fields):
    fields = {
        "event": Event.SUBMISSION_RECEIPT,
        "to": f"{key}@example.org",
        "language": "en",
        "subject": f"Subject {key}",
        "body_text": f"Text of {key}",
        "body_html": f"<p>HTML of {key}</p>",
        **fields,
    }
    email = OutboundEmail.objects.create(key=key, **fields)
    if queued:
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=queued)
    return email


def rows(response):
    """Each row of the table as the text of its cells."""
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def mails(client, secretariat, make_eoi):
    client.force_login(secretariat)
    eoi = make_eoi(title="Alpha forums")
    return {
        "receipt": mail(
            "receipt",
            queued=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            eoi=eoi,
            status=OutboundEmail.Status.SENT,
            attempts=1,
            sent_at=datetime(2026, 11, 2, 9, 1, tzinfo=UTC),
        ),
        "failed": mail(
            "failed",
            queued=datetime(2026, 11, 5, 23, 30, tzinfo=UTC),
            event=Event.ACCOUNT,
            to="amina@example.org",
            subject="[KMF] Password reset",
            body_text=f"Reset it here: {RESET_LINK}",
            body_html=f'<a href="{RESET_LINK}">Reset</a>',
            status=OutboundEmail.Status.FAILED,
            attempts=5,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        ),
        "eoi": eoi,
    }


def test_the_outbox_shows_each_mail_newest_first(client, mails):
    shown = rows(client.get(URL))

    assert shown == [
        [
            "11/05/2026 11:30 p.m. UTC",
            "amina@example.org",
            "Account mail (address check, password reset)",
            "[KMF] Password reset",
            "Failed",
            "5",
            "—",
            "SMTPServerDisconnected: Connection unexpectedly closed",
            "—",
        ],
        [
            "11/02/2026 9 a.m. UTC",
            "receipt@example.org",
            "Submission receipt",
            "Subject receipt",
            "Sent",
            "1",
            "11/02/2026 9:01 a.m. UTC",
            "—",
            mails["eoi"].reference,
        ],
    ]
    page = client.get(URL).content.decode()
    # The subject opens the mail in the admin (to send it again); the reference, the EOI.
    admin = reverse("admin:notifications_outboundemail_change", args=[mails["receipt"].pk])
    assert f'href="{admin}"' in page
    assert reverse("review:secretariat_eoi", args=[mails["eoi"].uuid]) in page


def test_no_text_and_no_one_time_link_is_shown(client, mails):
    page = client.get(URL).content.decode()

    assert RESET_LINK not in page
    assert "3-secret-key" not in page
    assert "Text of receipt" not in page
    assert "HTML of receipt" not in page


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({"status": "failed"}, ["[KMF] Password reset"]),
        ({"event": "submission_receipt"}, ["Subject receipt"]),
        ({"q": "AMINA"}, ["[KMF] Password reset"]),
        ({"queued_from": "2026-11-03"}, ["[KMF] Password reset"]),
        ({"queued_until": "2026-11-02"}, ["Subject receipt"]),
        (
            {"queued_from": "2026-11-02", "queued_until": "2026-11-05"},
            ["[KMF] Password reset", "Subject receipt"],
        ),
    ],
)
def test_the_filters(client, mails, query, keys):
    assert [row[3] for row in rows(client.get(URL, query))] == keys


def test_the_day_filters_read_the_readers_time_zone(client, mails):
    """Queued at 23:30 UTC on 5 November is 6 November in Tokyo, as the list shows it."""
    client.cookies[TIME_ZONE_COOKIE] = "Asia/Tokyo"

    shown = rows(client.get(URL, {"queued_from": "2026-11-06"}))

    assert [row[0] for row in shown] == ["11/06/2026 8:30 a.m. JST"]


def test_a_bad_filter_value_is_no_error(client, mails):
    response = client.get(URL, {"queued_from": "yesterday", "status": "lost", "event": "x"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_sorted_by_a_header_and_paginated_by_50(client, mails):
    assert [row[3] for row in rows(client.get(URL, {"sort": "attempts"}))] == [
        "Subject receipt",
        "[KMF] Password reset",
    ]
    for number in range(50):
        mail(f"more-{number}")
    assert len(rows(client.get(URL))) == 50
    assert len(rows(client.get(URL, {"page": 2}))) == 2


def test_a_column_left_unticked_is_not_shown(client, mails):
    shown = rows(client.get(URL, {"columns": ["status"]}))

    assert shown[0] == ["11/05/2026 11:30 p.m. UTC", "[KMF] Password reset", "Failed"]


def test_a_view_is_saved_for_the_outbox_only(client, mails, secretariat, rubric_call):
    response = client.post(URL + "?status=failed&page=2", {"name": "Failed"})

    assert response.status_code == 302
    saved = SavedView.objects.get(owner=secretariat)
    assert (saved.call, saved.list_name, saved.query) == (None, "outbox", "status=failed")
    assert f'href="{URL}?status=failed">Failed</a>' in client.get(URL).content.decode()
    # Not on a call's list, where the name is free.
    reviews = reverse("review:review_list", args=[rubric_call.slug])
    assert ">Failed</a>" not in client.get(reviews).content.decode()
    assert client.post(reviews, {"name": "Failed"}).status_code == 302
    # Twice on the outbox is refused.
    again = client.post(URL, {"name": "Failed"})
    assert "You already have a view by this name" in again.content.decode()
    assert SavedView.objects.filter(list_name="outbox").count() == 1
    # Deleting it leads back to the outbox.
    assert client.post(reverse("review:delete_outbox_view", args=[saved.pk])).url == URL
    assert not SavedView.objects.filter(pk=saved.pk).exists()


def test_another_persons_view_of_the_outbox_is_not_shown_nor_deleted(client, mails, rubric_call):
    theirs = SavedView.objects.create(owner=ApplicantFactory(), list_name="outbox", name="Theirs")
    of_a_call = SavedView.objects.create(
        owner=theirs.owner, call=rubric_call, list_name="reviews", name="Call's"
    )

    assert "Theirs" not in client.get(URL).content.decode()
    for view in (theirs, of_a_call):
        delete = reverse("review:delete_outbox_view", args=[view.pk])
        assert client.post(delete).status_code == 404
        assert SavedView.objects.filter(pk=view.pk).exists()


def test_an_empty_outbox_says_so(client, secretariat):
    client.force_login(secretariat)

    assert "has not written any mail yet" in client.get(URL).content.decode()
    assert "No mail matches these filters" in client.get(URL, {"status": "sent"}).content.decode()


def test_the_outbox_in_french(client, mails, secretariat):
    secretariat.preferred_language = "fr"
    secretariat.save()
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<h1 class="h3">Boîte d’envoi</h1>' in page
    assert "05/11/2026 23:30 UTC" in page
    assert "<td>Échec</td>" in page


def test_the_dashboard_leads_to_the_outbox(client, secretariat, rubric_call):
    client.force_login(secretariat)

    page = client.get(reverse("review:dashboard", args=[rubric_call.slug])).content.decode()

    assert f'href="{URL}"' in page


def test_the_database_keeps_one_name_per_person_on_a_list_of_the_whole_site(secretariat):
    """Without a call the unique constraint on (owner, call, list, name) never bites (NULLs
    differ): its own constraint keeps one name per person on the outbox too."""
    SavedView.objects.create(owner=secretariat, list_name="outbox", name="Failed")

    with pytest.raises(IntegrityError), transaction.atomic():
        SavedView.objects.create(owner=secretariat, list_name="outbox", name="Failed")
    SavedView.objects.create(owner=ApplicantFactory(), list_name="outbox", name="Failed")
    assert SavedView.objects.filter(name="Failed").count() == 2
