"""Messages about an EOI between the Secretariat and the applicant: posted on the site, mailed
to the other side in their language, in the audit trail, read by reviewers once shared."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from audit.wording import sentence
from notifications.models import OutboundEmail
from review import domain as review_domain
from submissions import domain
from submissions.models import Message
from submissions.uploads import MESSAGE_TYPES, sniff
from tests.clients import Client
from tests.factories import ApplicantFactory, EOIFactory
from tests.files import budget_pdf, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def eoi(make_eoi):
    return make_eoi(owner=ApplicantFactory(name="Awa Traoré", preferred_language="fr"))


def detail(eoi):
    return reverse("submissions:eoi_detail", args=[eoi.uuid])


def secretariat_page(eoi):
    return reverse("review:secretariat_eoi", args=[eoi.uuid])


def write_as_secretariat(client, eoi, text, **files):
    return client.post(
        reverse("review:secretariat_message", args=[eoi.uuid]), {"text": text, **files}
    )


def client_of(person):
    signed_in = Client()
    signed_in.force_login(person)
    return signed_in


def in_english(person):
    """The pages below are read in the person's language: these tests read English."""
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    return person


def sniffed(file):
    file.sniffed = sniff(file, MESSAGE_TYPES, 10 * 1024 * 1024)
    return file


def test_the_applicant_writes_and_each_secretariat_member_is_mailed_in_their_language(
    client, eoi, secretariat
):
    french = ApplicantFactory(name="Jean Dupont", preferred_language="fr")
    from accounts.roles import SECRETARIAT
    from tests.factories import give_role

    give_role(french, SECRETARIAT)
    client.force_login(eoi.owner)

    response = client.post(detail(eoi), {"text": "Can we add a partner in Niger?"})

    assert response.status_code == 302
    message = Message.objects.get(eoi=eoi)
    assert (message.author, message.from_secretariat) == (eoi.owner, False)
    mails = {mail.recipient: mail for mail in OutboundEmail.objects.filter(eoi=eoi)}
    assert set(mails) == {secretariat, french}
    assert mails[french].language == "fr"
    assert mails[french].subject == "Awa Traoré a écrit au sujet de KMF21-0001"
    assert mails[secretariat].language == "en"
    assert mails[secretariat].subject == "A message from Awa Traoré about KMF21-0001"
    assert "Can we add a partner in Niger?" in mails[secretariat].body_text
    assert secretariat_page(eoi) in mails[secretariat].body_text
    entry = AuditEntry.objects.get(action="eoi.message_posted")
    with translation.override("en"):
        assert sentence(entry) == "Awa Traoré wrote to the Secretariat."


def test_the_secretariat_writes_with_a_file_and_the_applicant_is_mailed_in_french(
    client, eoi, secretariat
):
    client.force_login(secretariat)

    response = write_as_secretariat(
        client, eoi, "Please send the partner's letter.", file=budget_pdf("letter.pdf")
    )

    assert response.status_code == 302
    message = Message.objects.get(eoi=eoi)
    assert message.from_secretariat
    assert message.original_name == "letter.pdf"
    (mail,) = OutboundEmail.objects.filter(eoi=eoi)
    assert (mail.recipient, mail.language, mail.event) == (eoi.owner, "fr", "message_to_applicant")
    assert mail.subject == "Un message du Secrétariat au sujet de KMF21-0001"
    assert "Please send the partner's letter." in mail.body_text
    assert "letter.pdf" in mail.body_text
    entry = AuditEntry.objects.get(action="eoi.message_posted")
    with translation.override("en"):
        assert sentence(entry) == "Sanne Bakker wrote to the applicant, with the file letter.pdf."
    with translation.override("fr"):
        assert sentence(entry) == "Sanne Bakker a écrit au candidat, avec le fichier letter.pdf."
    # Both sides read it, and its file, on their pages.
    file_url = reverse("submissions:message_file", args=[eoi.uuid, message.pk])
    for person, page in [(secretariat, secretariat_page(eoi)), (eoi.owner, detail(eoi))]:
        client.force_login(person)
        assert "Please send the partner&#x27;s letter." in client.get(page).content.decode()
        response = client.get(file_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()


def test_the_applicant_answers_with_a_file_from_their_page(client, eoi, secretariat):
    domain.post_message(eoi, secretariat, "Please send the partner's letter.")
    client.force_login(eoi.owner)

    client.post(detail(eoi), {"text": "Here it is.", "file": budget_pdf("lettre.pdf")})

    answer = Message.objects.get(from_secretariat=False)
    assert answer.original_name == "lettre.pdf"
    assert answer.file.read() == pdf_bytes()


def test_another_applicant_finds_nothing(client, eoi, secretariat):
    message = domain.post_message(
        eoi, secretariat, "A question.", sniffed(budget_pdf("question.pdf"))
    )
    client.force_login(ApplicantFactory())

    assert client.get(detail(eoi)).status_code == 404
    assert client.post(detail(eoi), {"text": "Me too"}).status_code == 404
    file_url = reverse("submissions:message_file", args=[eoi.uuid, message.pk])
    assert client.get(file_url).status_code == 404
    assert Message.objects.count() == 1


def test_nobody_posts_on_a_draft(client, rubric_call, secretariat):
    draft = EOIFactory(call=rubric_call)
    client.force_login(draft.owner)

    page = client.get(detail(draft)).content.decode()

    assert 'id="messages"' not in page
    assert client.post(detail(draft), {"text": "Hello"}).status_code == 404
    with pytest.raises(domain.NotAllowed):
        domain.post_message(draft, secretariat, "Hello")
    assert not Message.objects.exists()


def test_reviewers_read_the_thread_only_once_the_secretariat_shares_it(
    client, eoi, secretariat, make_reviewer
):
    message = domain.post_message(
        eoi, secretariat, "Is the budget final?", sniffed(budget_pdf("question.pdf"))
    )
    cleared, unscreened = make_reviewer(), make_reviewer()
    (assignment,) = review_domain.assign([eoi], cleared, secretariat)
    review_domain.declare_no_conflict(assignment, cleared)
    review_domain.assign([eoi], unscreened, secretariat)
    file_url = reverse("submissions:message_file", args=[eoi.uuid, message.pk])
    review_page = reverse("review:review_eoi", args=[eoi.uuid])
    client.force_login(cleared)
    assert "Is the budget final?" not in client.get(review_page).content.decode()
    assert client.get(file_url).status_code == 404

    client.force_login(secretariat)
    client.post(reverse("review:share_messages", args=[eoi.uuid]), {"shared": "yes"})

    client.force_login(cleared)
    page = client.get(review_page).content.decode()
    assert "Is the budget final?" in page
    assert "Sanne Bakker" not in page  # the sides, not the names
    assert 'name="text"' not in page  # read-only
    assert client.get(file_url).status_code == 200
    client.force_login(unscreened)  # not past the conflict-of-interest screen
    assert client.get(file_url).status_code == 404
    assert "Is the budget final?" not in client.get(review_page).content.decode()

    client.force_login(secretariat)
    client.post(reverse("review:share_messages", args=[eoi.uuid]), {"shared": "no"})
    client.force_login(cleared)
    assert client.get(file_url).status_code == 404
    with translation.override("en"):
        shared = AuditEntry.objects.filter(action__startswith="eoi.messages")
        sentences = [sentence(entry) for entry in shared]
    assert sentences == [
        "Sanne Bakker shared the messages with the reviewers.",
        "Sanne Bakker stopped sharing the messages with the reviewers.",
    ]


def test_in_a_blind_review_reviewers_read_no_file_name_of_the_thread(
    client, eoi, secretariat, make_reviewer
):
    # The download is renamed for them (submissions.views.message_file); its link's text was
    # the applicant's own file name, which names their organisation as often as not.
    eoi.call.blind_review = True
    eoi.call.save(update_fields=["blind_review"])
    message = domain.post_message(
        eoi, eoi.owner, "Our partner's letter.", sniffed(budget_pdf("Justice Locale Mopti.pdf"))
    )
    domain.share_messages(eoi, secretariat, True)
    reviewer = in_english(make_reviewer())
    (assignment,) = review_domain.assign([eoi], reviewer, secretariat)
    review_domain.declare_no_conflict(assignment, reviewer)
    client.force_login(reviewer)

    page = client.get(reverse("review:review_eoi", args=[eoi.uuid])).content.decode()

    assert "Our partner&#x27;s letter." in page
    assert "Justice" not in page
    assert reverse("submissions:message_file", args=[eoi.uuid, message.pk]) in page
    download = client.get(reverse("submissions:message_file", args=[eoi.uuid, message.pk]))
    assert "Justice" not in download["Content-Disposition"]


def test_a_reviewer_cannot_share_or_write(client, eoi, make_reviewer):
    reviewer = make_reviewer()
    (assignment,) = review_domain.assign([eoi], reviewer, ApplicantFactory())
    review_domain.declare_no_conflict(assignment, reviewer)
    client.force_login(reviewer)

    share = client.post(reverse("review:share_messages", args=[eoi.uuid]), {"shared": "yes"})
    write = write_as_secretariat(client, eoi, "Hello")

    assert (share.status_code, write.status_code) == (404, 404)
    eoi.refresh_from_db()
    assert not eoi.thread_shared_with_reviewers
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (upload("notes.pdf", b"MZ\x90\x00 not a pdf"), "is not one of the accepted file types"),
        (upload("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(20)), "is not one of the accepted"),
        (upload("empty.pdf", b""), "is empty"),
    ],
)
def test_a_bad_file_is_refused_and_the_text_is_kept(client, eoi, secretariat, bad, error):
    client.force_login(secretariat)

    response = write_as_secretariat(client, eoi, "Here is my long, careful question.", file=bad)

    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "Here is my long, careful question.</textarea>" in page
    assert not Message.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_file_too_large_is_refused(client, eoi, settings):
    settings.KMF_MAX_UPLOAD_MB = 1
    client.force_login(in_english(eoi.owner))
    big = upload("big.pdf", pdf_bytes() + b" " * (1024 * 1024))

    response = client.post(detail(eoi), {"text": "My question", "file": big})

    assert "larger than 1 MB" in response.content.decode()
    assert "My question</textarea>" in response.content.decode()
    assert not Message.objects.exists()


def test_an_applicant_writes_a_few_messages_an_hour_not_a_flood(client, eoi, secretariat):
    # Each message mails every Secretariat member and may carry a 10 MB file: unbounded, a
    # script filled their inboxes and the disk.
    client.force_login(in_english(eoi.owner))
    for number in range(domain.MESSAGES_PER_HOUR):
        assert client.post(detail(eoi), {"text": f"Question {number}"}).status_code == 302
    mailed = OutboundEmail.objects.count()

    response = client.post(detail(eoi), {"text": "One more question"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "in the last hour. Please wait a while before writing again." in page
    assert "One more question</textarea>" in page
    assert Message.objects.count() == domain.MESSAGES_PER_HOUR
    assert OutboundEmail.objects.count() == mailed
    # The other side is not held back by it, and an hour later the applicant writes again.
    answered = write_as_secretariat(client_of(secretariat), eoi, "Answered.")
    assert answered["Location"].startswith(secretariat_page(eoi))
    Message.objects.update(created_at=timezone.now() - timedelta(hours=1, minutes=1))
    assert client.post(detail(eoi), {"text": "One more question"}).status_code == 302


def test_an_empty_message_is_refused_with_a_clear_message(client, eoi, secretariat):
    client.force_login(in_english(eoi.owner))

    response = client.post(detail(eoi), {"text": "   \n "})

    assert "Write your message before sending it." in response.content.decode()
    assert not Message.objects.exists()
    with pytest.raises(domain.DomainError):
        domain.post_message(eoi, secretariat, "  ")


def test_messages_are_escaped(client, eoi, secretariat):
    domain.post_message(eoi, secretariat, "<script>alert(1)</script>")
    domain.post_message(eoi, eoi.owner, "<b>bold</b>")

    for person, page in [(secretariat, secretariat_page(eoi)), (eoi.owner, detail(eoi))]:
        client.force_login(person)
        html = client.get(page).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html
    mail = OutboundEmail.objects.get(event="message_to_applicant")
    assert "<script>" not in mail.body_html


def test_a_message_that_fails_to_send_leaves_nothing(eoi, secretariat, monkeypatch):
    from notifications import notify

    def broken(message):
        raise RuntimeError("the outbox failed")

    monkeypatch.setattr(notify, "message_to_applicant", broken)
    with pytest.raises(RuntimeError):
        domain.post_message(eoi, secretariat, "Hello", sniffed(budget_pdf("q.pdf")))

    assert not Message.objects.exists()
    assert not AuditEntry.objects.filter(action="eoi.message_posted").exists()


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_query_the_same_however_many_messages(client, eoi, secretariat):
    domain.post_message(eoi, secretariat, "First", sniffed(budget_pdf("q.pdf")))
    pages = [(eoi.owner, detail(eoi)), (secretariat, secretariat_page(eoi))]
    before = {}
    for person, url in pages:
        client.force_login(person)
        before[url] = queries_for(client, url)

    for number in range(8):
        author = secretariat if number % 2 else eoi.owner
        domain.post_message(eoi, author, f"Message {number}", sniffed(budget_pdf("q.pdf")))

    for person, url in pages:
        client.force_login(person)
        assert queries_for(client, url) == before[url], url


def test_the_applicants_data_download_holds_the_messages(eoi, secretariat):
    from submissions.privacy import eoi_personal_data

    domain.post_message(eoi, secretariat, "A question.", sniffed(budget_pdf("question.pdf")))
    domain.post_message(eoi, eoi.owner, "An answer.")

    (downloaded,) = eoi_personal_data(eoi.owner)

    assert [(m["from"], m["text"], m["file"]) for m in downloaded["messages"]] == [
        ("secretariat", "A question.", "question.pdf"),
        ("applicant", "An answer.", ""),
    ]
