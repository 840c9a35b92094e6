"""The reviewers' discussion (issue 16, item 3): once their own review is in, a reviewer reads
the other reviews of the EOI and comments; the Secretariat reads and comments on the EOI's page;
a blind call has none; the applicant never sees a word of it."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEntry as Entry
from notifications.models import OutboundEmail
from review import domain
from review.models import ReviewComment

pytestmark = pytest.mark.django_db

SECRET = "Their budget hides the travel costs in the forums line"


@pytest.fixture
def panel(rubric_call, make_eoi, make_reviewer, secretariat):
    """An EOI with three reviewers cleared of conflicts; the first two have submitted."""
    eoi = make_eoi(title="Forums in Mopti")
    reviewers = [make_reviewer(name=name) for name in ("Ada Ba", "Ben Cissé", "Chloé Diallo")]
    assignments = []
    for reviewer in reviewers:
        (assignment,) = domain.assign([eoi], reviewer, secretariat)
        domain.declare_no_conflict(assignment, reviewer)
        assignments.append(assignment)
    submitted = zip(reviewers[:2], assignments[:2], strict=True)
    for value, (reviewer, assignment) in enumerate(submitted, start=3):
        domain.save_review(
            assignment,
            reviewer,
            dict.fromkeys(rubric_call.rubric, (value, f"Score note of {reviewer.name}")),
            "invite",
            f"Internal view of {reviewer.name}",
            f"Feedback of {reviewer.name}",
            submit=True,
        )
    return {"eoi": eoi, "reviewers": reviewers, "assignments": assignments}


def review_page(eoi):
    return reverse("review:review_eoi", args=[eoi.uuid])


def comment(client, url, text):
    return client.post(url, {"discussion-text": text})


def test_after_submitting_a_reviewer_reads_the_other_reviews_and_comments(client, panel):
    eoi, (ada, ben, _chloe) = panel["eoi"], panel["reviewers"]
    client.force_login(ada)

    page = client.get(review_page(eoi)).content.decode()

    assert "The other reviews" in page
    assert "Ben Cissé" in page
    assert "Internal view of Ben Cissé" in page
    assert "Score note of Ben Cissé" in page
    assert "Feedback of Ben Cissé" in page
    # Their own review is on the form, not among the others.
    assert "Internal view of Ada Ba</dd>" not in page

    response = comment(client, review_page(eoi), SECRET)

    assert response.status_code == 302
    assert response["Location"].endswith("#discussion")
    (posted,) = ReviewComment.objects.all()
    assert (posted.eoi, posted.author, posted.text) == (eoi, ada, SECRET)
    entry = Entry.objects.get(action="review.commented")
    assert entry.details == {"comment": posted.pk}
    client.force_login(ben)
    assert SECRET in client.get(review_page(eoi)).content.decode()


def test_before_submitting_a_reviewer_sees_no_other_review_and_cannot_comment(client, panel):
    eoi, chloe = panel["eoi"], panel["reviewers"][2]
    domain.post_comment(eoi, panel["reviewers"][0], SECRET)
    client.force_login(chloe)

    page = client.get(review_page(eoi)).content.decode()

    assert "Internal view of" not in page
    assert "Ben Cissé" not in page
    assert SECRET not in page
    assert 'name="discussion-text"' not in page
    assert comment(client, review_page(eoi), "Me too").status_code == 403
    assert ReviewComment.objects.count() == 1


def test_a_draft_is_not_among_the_other_reviews(client, panel, rubric_call):
    eoi, (ada, _ben, chloe) = panel["eoi"], panel["reviewers"]
    domain.save_review(
        panel["assignments"][2],
        chloe,
        dict.fromkeys(rubric_call.rubric, (2, "")),
        "decline",
        "Half-formed thoughts",
        "",
        submit=False,
    )
    client.force_login(ada)

    assert "Half-formed thoughts" not in client.get(review_page(eoi)).content.decode()


@pytest.mark.parametrize("setting", ["blind_review", "no discussion"])
def test_a_call_without_discussion_shows_nothing_and_takes_no_comment(
    client, panel, rubric_call, setting
):
    if setting == "blind_review":
        rubric_call.blind_review = True
    else:
        rubric_call.reviewers_see_each_other = False
    rubric_call.save()
    eoi, ada = panel["eoi"], panel["reviewers"][0]
    client.force_login(ada)

    page = client.get(review_page(eoi)).content.decode()

    assert "The other reviews" not in page
    assert "Internal view of Ben" not in page
    assert 'name="discussion-text"' not in page
    assert comment(client, review_page(eoi), SECRET).status_code == 403
    assert not ReviewComment.objects.exists()


def test_a_reviewer_with_a_conflict_cannot_read_or_comment(client, panel, secretariat):
    eoi, ada = panel["eoi"], panel["reviewers"][0]
    domain.post_comment(eoi, panel["reviewers"][1], SECRET)
    domain.declare_conflict(panel["assignments"][0], "My cousin leads it", ada)
    client.force_login(ada)

    assert client.get(review_page(eoi)).status_code == 404
    assert comment(client, review_page(eoi), "Still here").status_code == 404
    assert ReviewComment.objects.count() == 1


def test_an_unassigned_reviewer_cannot_comment(client, panel, make_reviewer):
    client.force_login(make_reviewer())

    assert comment(client, review_page(panel["eoi"]), SECRET).status_code == 404
    assert not ReviewComment.objects.exists()


def test_the_secretariat_reads_the_discussion_and_comments(client, panel, secretariat):
    eoi, ada = panel["eoi"], panel["reviewers"][0]
    domain.post_comment(eoi, ada, SECRET)
    client.force_login(secretariat)
    url = reverse("review:secretariat_eoi", args=[eoi.uuid])

    page = client.get(url).content.decode()
    assert "Reviewers’ discussion" in page
    assert SECRET in page
    assert "Ada Ba commented in the reviewers’ discussion." in page  # the audit trail

    assert comment(client, url, "Please agree on the budget.").status_code == 302
    assert ReviewComment.objects.filter(author=secretariat).exists()
    client.force_login(ada)
    assert "Please agree on the budget." in client.get(review_page(eoi)).content.decode()


def test_the_secretariat_still_reads_a_discussion_the_call_since_closed(
    client, panel, secretariat, rubric_call
):
    eoi = panel["eoi"]
    domain.post_comment(eoi, panel["reviewers"][0], SECRET)
    rubric_call.blind_review = True
    rubric_call.save()
    client.force_login(secretariat)
    url = reverse("review:secretariat_eoi", args=[eoi.uuid])

    page = client.get(url).content.decode()

    assert SECRET in page
    assert 'name="discussion-text"' not in page
    assert comment(client, url, "More").status_code == 403


def test_an_empty_or_overlong_comment_comes_back_with_a_message_and_the_text(client, panel):
    eoi, ada = panel["eoi"], panel["reviewers"][0]
    client.force_login(ada)

    empty = comment(client, review_page(eoi), "   ")
    long = comment(client, review_page(eoi), "Long " * 1001)

    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    assert long.status_code == 200
    assert "Long Long" in long.content.decode()
    assert "at most 5000 characters" in long.content.decode()
    assert not ReviewComment.objects.exists()


def test_a_comment_does_not_touch_the_review(client, panel):
    eoi, ada = panel["eoi"], panel["reviewers"][0]
    review = ada.reviews.get()
    client.force_login(ada)

    comment(client, review_page(eoi), SECRET)

    review.refresh_from_db()
    assert review.internal_comment == "Internal view of Ada Ba"
    assert review.status == "submitted"


def test_comment_text_is_escaped(client, panel):
    eoi, (ada, ben, _chloe) = panel["eoi"], panel["reviewers"]
    domain.post_comment(eoi, ada, '<script>alert("x")</script>\nSecond line')
    client.force_login(ben)

    page = client.get(review_page(eoi)).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Second line" in page


def body(response):
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_the_applicant_never_sees_a_comment(client, panel, secretariat, after_the_deadline):
    eoi = panel["eoi"]
    domain.post_comment(eoi, panel["reviewers"][0], SECRET)
    domain.post_comment(eoi, secretariat, SECRET + " (Secretariat)")
    # Even once the decision is out.
    domain.decide(eoi, "invited", secretariat, feedback="Welcome.")
    domain.release(domain.Decision.objects.filter(eoi=eoi), secretariat)
    client.force_login(eoi.owner)

    for name in ("submissions:eoi_detail", "submissions:eoi_print"):
        assert SECRET not in body(client.get(reverse(name, args=[eoi.uuid]))).decode()
    assert SECRET not in body(client.get(reverse("submissions:dashboard"))).decode()
    pdf = PdfReader(io.BytesIO(body(client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid])))))
    assert "Forums in Mopti" in " ".join(page.extract_text() for page in pdf.pages)
    assert SECRET not in " ".join(page.extract_text() for page in pdf.pages)
    data = json.loads(body(client.get(reverse("accounts:data_export"))))
    assert SECRET not in json.dumps(data, ensure_ascii=False)


def test_the_applicant_cannot_post_on_either_page(client, panel):
    eoi = panel["eoi"]
    client.force_login(eoi.owner)

    assert comment(client, review_page(eoi), SECRET).status_code == 404
    url = reverse("review:secretariat_eoi", args=[eoi.uuid])
    assert comment(client, url, SECRET).status_code == 404
    assert not ReviewComment.objects.exists()


def test_a_reviewer_cannot_post_on_the_secretariats_page(client, panel):
    eoi, ada = panel["eoi"], panel["reviewers"][0]
    client.force_login(ada)

    url = reverse("review:secretariat_eoi", args=[eoi.uuid])
    assert comment(client, url, SECRET).status_code == 404
    assert not ReviewComment.objects.exists()


def test_the_other_discussants_get_a_mail_without_the_comment(panel, secretariat, make_reviewer):
    eoi, (ada, ben, chloe) = panel["eoi"], panel["reviewers"]
    ben.preferred_language = "fr"
    ben.save()
    domain.post_comment(eoi, secretariat, "Please look at the budget.")
    OutboundEmail.objects.all().delete()

    domain.post_comment(eoi, ada, SECRET)

    mails = {mail.to: mail for mail in OutboundEmail.objects.filter(event="discussion_comment")}
    # Ben submitted; Chloé has not, so she is not in the discussion yet; Ada wrote it.
    assert set(mails) == {ben.email, secretariat.email}
    assert chloe.email not in mails
    assert mails[ben.email].subject == f"Ada Ba a commenté {eoi.reference}"
    assert (
        reverse("review:review_eoi", args=[eoi.uuid]) + "#discussion" in mails[ben.email].body_text
    )
    assert reverse("review:secretariat_eoi", args=[eoi.uuid]) in mails[secretariat.email].body_text
    assert all(SECRET not in mail.body_text + mail.body_html for mail in mails.values())
    assert all(mail.eoi_id == eoi.pk for mail in mails.values())
