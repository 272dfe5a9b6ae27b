"""
The pieces of an erasure one by one (the whole is test_erasure_everywhere.py): the spelling
vocabulary, imports and their files, other signed-in sessions, a leader's reason, a session
the person led; and the retention of imports.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cpdhub.erasure import ERASED_NAME
from experts.models import ExpertiseArea, SearchWord
from hubs import services as hub_services
from hubs.models import ImportJob
from hubs.onboarding.uploads import uploads_dir
from privacy.forget import imports_expire
from privacy.tasks import apply_retention
from tests.experts.factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


def test_an_erased_experts_words_leave_the_spelling_vocabulary(
    personas, django_capture_on_commit_callbacks
):
    profile = ExpertProfileFactory(user=personas.owner, bio="Marmalade starters")
    offer(profile, ExpertiseArea.objects.order_by("pk").first().slug)
    assert SearchWord.objects.filter(word="marmalade").exists()
    with django_capture_on_commit_callbacks(execute=True):
        hub_services.user_delete(user=personas.owner, by=personas.coordinator)
    assert not SearchWord.objects.filter(word="marmalade").exists()
    assert not SearchWord.objects.filter(word="whitfield").exists()


def _import(by, school, *, days_ago: int) -> tuple[ImportJob, Path]:
    token = f"{days_ago:064x}"
    folder = uploads_dir(by.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}.csv"
    path.write_text("email,first,last\nsam@example.test,Sam,Whitfield\n")
    when = timezone.now() - datetime.timedelta(days=days_ago)
    os.utime(path, (when.timestamp(), when.timestamp()))
    preview = ImportJob.objects.create(
        created_by=by, kind=ImportJob.Kind.STAFF, school=school, file_token=token,
        created_at=when, state=ImportJob.State.DONE, result={"rows": [{"name": "Sam"}]},
    )  # fmt: skip
    ImportJob.objects.create(
        created_by=by, kind=ImportJob.Kind.STAFF, school=school, file_token=token,
        created_at=when, dry_run=False, confirms=preview, state=ImportJob.State.DONE,
    )  # fmt: skip
    return preview, path


def test_imports_and_their_files_go_after_the_retention_period(
    personas, settings, tmp_path, capsys
):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.CPDHUB_RETENTION_IMPORT_DAYS = 30
    _old, old_file = _import(personas.leader, personas.school, days_ago=31)
    new, new_file = _import(personas.leader, personas.school, days_ago=29)
    stray = uploads_dir(personas.coordinator.pk) / "upload.part"
    stray.parent.mkdir(parents=True)
    stray.write_text("half an upload")
    long_ago = (timezone.now() - datetime.timedelta(days=40)).timestamp()
    os.utime(stray, (long_ago, long_ago))

    call_command("apply_retention", "--dry-run")
    assert "Would delete 2 import(s) and 2 uploaded file(s)" in capsys.readouterr().out
    assert ImportJob.objects.count() == 4
    assert old_file.exists()

    assert apply_retention() == {"removed": 0, "inactive": 0, "import jobs": 2, "import files": 2}
    assert set(ImportJob.objects.values_list("file_token", flat=True)) == {new.file_token}
    assert not old_file.exists()
    assert new_file.exists()
    assert not stray.parent.exists()  # an emptied folder goes too


def test_imports_are_kept_when_their_retention_is_off(personas, settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.CPDHUB_RETENTION_IMPORT_DAYS = 0
    _old, old_file = _import(personas.leader, personas.school, days_ago=400)
    assert imports_expire() == {"jobs": 0, "files": 0}
    assert ImportJob.objects.count() == 2
    assert old_file.exists()


def test_erasure_signs_the_person_out_everywhere_and_nobody_else(
    personas, settings, django_capture_on_commit_callbacks
):
    phone, laptop, colleague = Client(), Client(), Client()
    phone.force_login(personas.owner)
    laptop.force_login(personas.owner)
    colleague.force_login(personas.colleague)
    assert Session.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        hub_services.user_delete(user=personas.owner, by=personas.coordinator)
    assert Session.objects.count() == 1
    cookie = settings.SESSION_COOKIE_NAME
    for device in (phone, laptop):
        assert not Session.objects.filter(session_key=device.cookies[cookie].value).exists()
        assert device.get("/me/").status_code == 302  # to sign in
    assert colleague.get("/portfolio/").status_code == 200


def test_an_import_that_listed_the_person_keeps_its_counts_without_them(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORTS_DIR = tmp_path / "imports"
    owner = personas.owner
    named, named_file = _import(personas.leader, personas.school, days_ago=1)
    named_file.write_text(f"email,first,last\n{owner.email},Sam,Whitfield\n")
    _other, other_file = _import(personas.leader, personas.school, days_ago=2)
    ImportJob.objects.filter(pk=named.pk).update(
        result={"counts": {"new": 2}, "rows": [
            {"line": 2, "email": owner.email.upper(), "name": "Sam Whitfield"},
            {"line": 3, "email": "amelia@example.test", "name": "Amelia Hughes"},
        ]},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        hub_services.user_delete(user=owner, by=personas.coordinator)
    named.refresh_from_db()
    assert named.result == {"counts": {"new": 2}, "rows": [
        {"line": 2, "email": ERASED_NAME, "name": ERASED_NAME},
        {"line": 3, "email": "amelia@example.test", "name": "Amelia Hughes"},
    ]}  # fmt: skip
    assert not named_file.exists()
    assert other_file.exists()
