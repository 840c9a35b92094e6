"""Where uploads are stored, with one promise whatever the backend: a file is stored whole or
not at all, and a fault says so as an OSError (a full disk, an unwritable folder, a bucket out
of reach), which the domain turns into a message for the applicant. The bucket's backend is in
core/bucket_storage.py, so that a site on its local disk never imports boto3 (a second).
"""

import logging
import os
import posixpath
import uuid

from django.core.files.move import file_move_safe
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)


class WholeFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never leaves part of a file behind.

    Django's own writes the file under its final name chunk by chunk and leaves what it wrote
    when a write fails midway. Here the file is written under a hidden name of its own in the
    same folder, removed if anything fails, and renamed to its final name once complete (a
    rename in one folder is atomic: nobody, a backup included, ever sees half a file there).
    """

    def _save(self, name, content):
        partial = posixpath.join(posixpath.dirname(name), f".{uuid.uuid4().hex}.partial")
        try:
            partial = super()._save(partial, content)
            while True:
                try:
                    file_move_safe(
                        self.path(partial),
                        self.path(name),
                        allow_overwrite=self._allow_overwrite,
                    )
                except FileExistsError:  # written meanwhile by someone else: another name
                    name = self.get_available_name(name)
                else:
                    return name
        finally:
            self._remove_partial(partial)

    def _remove_partial(self, partial):
        try:
            os.remove(self.path(partial))
        except (FileNotFoundError, NotADirectoryError):
            pass  # moved into place, or never created
        except OSError:
            logger.exception("A partly written upload could not be removed: %s", partial)


class SpoolingUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for uploads too large for memory, which spools them to a temporary
    file; when that disk fails (full, unwritable), the upload stops and `request.upload_fault`
    names the file, instead of a 500 before any view could say what happened. The temporary
    file goes as it closes."""

    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError:
            self._stop()

    def receive_data_chunk(self, raw_data, start):
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError:
            self._stop()

    def _stop(self):
        logger.exception("An upload could not be written to its temporary file")
        self.request.upload_fault = self.file_name
        # What arrived so far (the form's fields, its CSRF token) stays readable.
        raise StopUpload(connection_reset=False)


def download(field_file, filename, content_type):
    """A stored file as a download; a file gone from storage (a restore that missed it, a
    bucket out of reach) is logged for the operators and a 404 for the reader, never a 500."""
    try:
        opened = field_file.open("rb")
    except OSError:
        logger.error("A stored file could not be opened: %s", field_file.name)
        raise Http404 from None
    return FileResponse(opened, as_attachment=True, filename=filename, content_type=content_type)
