"""A person's download has everything they wrote in enquiry groups (and their files), their
groups' write-ups, invitations and agreements; not what other members wrote in the log."""

import json

import pytest

from enquiry import services
from privacy.collect import personal_data, personal_files

from .factories import SECRET_DRAFT, SECRET_LOG, SECRET_NOTE, group, publish, work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_my_download_has_what_i_wrote_in_groups_and_my_files(personas):
    made = group(personas.owner, personas.outsider)
    work(made, personas.outsider)
    services.log_add(group=made, by=personas.owner, kind="note", text="The owner's own note")
    publish(made, personas.owner, personas.outsider)
    services.group_leave(group=made, by=personas.outsider)  # left: still theirs to download
    mine = json.dumps(personal_data(personas.outsider)["enquiry"], default=str)
    for words in (SECRET_LOG, SECRET_NOTE, SECRET_DRAFT, made.question):
        assert words in mine
    assert "The owner's own note" not in mine
    files = list(personal_files(personas.outsider))
    assert [name.split("-", 3)[-1] for name, _ in files] == ["plan.txt"]
    assert files[0][1].file.read() == SECRET_LOG.encode()
    owners = json.dumps(personal_data(personas.owner)["enquiry"], default=str)
    assert "The owner's own note" in owners
    assert SECRET_LOG not in owners
