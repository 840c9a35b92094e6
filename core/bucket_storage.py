"""Uploads on an S3-compatible bucket, with the promise of core/storage.py: whole or not at all,
and a fault as OSError."""

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage


class PrivateBucketStorage(S3Storage):
    """S3Storage whose faults are OSError, as the local disk's are.

    An object appears in a bucket whole or not at all (boto3 aborts a multipart upload that
    fails), so nothing partial can stay behind there."""

    def save(self, name, content, max_length=None):
        # save(), not _save(): choosing a free name asks the bucket too.
        try:
            return super().save(name, content, max_length=max_length)
        except (BotoCoreError, ClientError) as fault:
            raise OSError(f"The bucket did not take {name}: {fault}") from fault
