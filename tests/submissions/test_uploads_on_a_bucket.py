"""Uploads on S3-compatible storage, as several web nodes share them (docs/DEPLOY.md): the
site's own storage settings against an S3 server on loopback (moto's), through boto3 and
django-storages as in production."""

import boto3
import pytest
import requests
from django.urls import reverse

from kmf.settings.storage import private_bucket
from tests.conftest import free_port
from tests.factories import ApplicantFactory
from tests.files import attach, pdf_bytes, upload

pytestmark = pytest.mark.django_db

BUCKET = "kmf-uploads"


@pytest.fixture
def bucket(settings, monkeypatch):
    """A private bucket on a loopback S3 server, set as the storage of uploads."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._port}"
    # The server keeps its buckets in this process: each test starts with none.
    requests.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "kmf-test",
        "AWS_SECRET_ACCESS_KEY": "kmf-test-secret",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": private_bucket(BUCKET, endpoint_url=endpoint, region_name="eu-west-1"),
    }
    yield s3
    server.stop()


def test_an_upload_lands_in_the_private_bucket_and_is_served_only_through_the_site(
    client, applicant_client, eoi, bucket
):
    response = attach(applicant_client, eoi, budget=upload("budget.pdf", pdf_bytes()))

    assert response.status_code == 302
    attachment = eoi.attachments.get()
    key = f"media/{attachment.file.name}"
    assert key.startswith("media/eoi-attachments/")
    stored = bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == pdf_bytes()
    assert stored["CacheControl"] == "private, no-store"
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no group

    url = reverse("submissions:attachment", args=[eoi.uuid, attachment.pk])
    download = applicant_client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    page = applicant_client.get(
        reverse("submissions:eoi_step", args=[eoi.uuid, "attachments"])
    ).content.decode()
    assert "127.0.0.1" not in page  # no bucket URL is handed to the browser

    client.force_login(ApplicantFactory())
    assert client.get(url).status_code == 404


def test_deleting_an_upload_removes_its_object(
    applicant_client, eoi, bucket, django_capture_on_commit_callbacks
):
    attach(applicant_client, eoi, budget=upload("budget.pdf", pdf_bytes()))
    attachment = eoi.attachments.get()
    key = f"media/{attachment.file.name}"

    with django_capture_on_commit_callbacks(execute=True):  # the object goes after commit
        applicant_client.post(
            reverse("submissions:attachment_delete", args=[eoi.uuid, attachment.pk])
        )

    assert not eoi.attachments.exists()
    assert bucket.list_objects_v2(Bucket=BUCKET, Prefix=key)["KeyCount"] == 0


def test_a_bucket_that_refuses_an_upload_gives_a_message_and_keeps_no_row(
    applicant_client, eoi, bucket, caplog
):
    bucket.delete_bucket(Bucket=BUCKET)  # the bucket is gone, as after a wrong setting

    response = attach(applicant_client, eoi, budget=upload("budget.pdf", pdf_bytes()))

    assert response.status_code == 200
    assert "“budget.pdf” could not be stored: the fault is ours" in response.content.decode()
    assert not eoi.attachments.exists()
    assert any(f"EOI {eoi.pk} " in record.getMessage() for record in caplog.records)
