"""bin/backup and bin/restore: a backup restored into a new database and media folder."""

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.factories import EOIFactory
from tests.files import attach_budget

BIN = Path(__file__).resolve().parents[2] / "bin"

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


def database_url(name):
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def empty_database():
    name = "kmf_restore_check"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run(script, *args, **environment):
    return subprocess.run(
        [str(BIN / script), *map(str, args)],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=True,
    )


def test_a_backup_restores_the_database_and_the_uploaded_files(
    media_root, tmp_path, empty_database
):
    eoi = attach_budget(EOIFactory(title="Forums in Mopti"))
    stored = eoi.attachments.get().file.name

    backup = run(
        "backup",
        tmp_path / "backups",
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        MEDIA_ROOT=media_root,
    ).stdout.strip()
    restored_media = tmp_path / "restored-media"
    run("restore", backup, DATABASE_URL=database_url(empty_database), MEDIA_ROOT=restored_media)

    with psycopg2.connect(database_url(empty_database)) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT title FROM submissions_expressionofinterest")
        assert cursor.fetchall() == [("Forums in Mopti",)]
    restored.close()
    assert (restored_media / stored).read_bytes() == (media_root / stored).read_bytes()


def test_a_damaged_backup_is_not_restored(media_root, tmp_path, empty_database):
    attach_budget(EOIFactory())
    backup = Path(
        run(
            "backup",
            tmp_path / "backups",
            DATABASE_URL=database_url(connection.settings_dict["NAME"]),
            MEDIA_ROOT=media_root,
        ).stdout.strip()
    )
    with (backup / "media.tar.gz").open("ab") as archive:
        archive.write(b"tampered")

    with pytest.raises(subprocess.CalledProcessError):
        run("restore", backup, DATABASE_URL=database_url(empty_database), MEDIA_ROOT=tmp_path / "m")
