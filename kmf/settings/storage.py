"""Uploaded files and sessions for one web node or many.

- Uploads stay on the local disk (MEDIA_ROOT) unless AWS_STORAGE_BUCKET_NAME names a bucket on
  S3-compatible storage (AWS, MinIO, Scaleway, …), which every web node and worker then shares.
  The bucket stays private: files are read through the site's permission-checked views, never
  from a public or signed URL handed to the browser.
- Sessions live in the database only, with or without Redis: an applicant stays signed in and
  keeps working while Redis is down, and a session ended then cannot come back from a stale
  copy in Redis afterwards.
"""

from .environment import DEBUG, env

# Uploaded files are readable by the site's own user and group only (Django's default leaves
# them as the umask says, usually world-readable; a file moved from a temporary upload, over
# 2.5 MB, kept its 0600).
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

STORAGES = {
    # Django's FileSystemStorage, but a write that fails midway leaves no partial file.
    "default": {"BACKEND": "core.storage.WholeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads too large for memory are spooled to disk by a handler that reports a failing disk to
# the view (core/storage.py), where Django's own would answer 500.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "core.storage.SpoolingUploadHandler",
]


def private_bucket(bucket_name, endpoint_url=None, region_name=None, location="media"):
    """The uploads' storage on an S3-compatible bucket: private objects, never overwritten,
    never cached by a browser or a proxy."""
    return {
        # django-storages' S3Storage, with its faults raised as OSError like the disk's.
        "BACKEND": "core.bucket_storage.PrivateBucketStorage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            # None for AWS itself; the URL of MinIO or another S3-compatible service.
            "endpoint_url": endpoint_url,
            "region_name": region_name,
            "location": location,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }


AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = private_bucket(
        AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env("AWS_S3_ENDPOINT_URL", default="") or None,
        region_name=env("AWS_S3_REGION_NAME", default="") or None,
        location=env("AWS_LOCATION", default="media"),
    )
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment (or
    # the instance's role), which boto3 reads by itself: they never pass through settings.

# Django's database sessions, read by SQL built once per process (core/sessions.py).
SESSION_ENGINE = "core.sessions"
