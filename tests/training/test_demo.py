"""The demo requires safeguarding and first aid; the demo teacher's first aid is overdue, the
demo CPD leader's safeguarding due within 30 days, and the leader's matrix shows both. The
teacher's certificate downloads. Idempotent."""

import pytest
from django.core.management import call_command

from hubs.models import User
from training import selectors
from training.models import Completion, Requirement, Status

pytestmark = pytest.mark.django_db


def test_the_demo_shows_required_training_and_is_idempotent(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    teacher = User.objects.get(email="teacher@demo.test")
    leader = User.objects.get(email="leader@demo.test")
    assert set(Requirement.objects.filter(school=None).values_list("title", flat=True)) == {
        "Safeguarding level 1",
        "First aid",
    }
    mine = {c.requirement.title: c.status for c in selectors.my_training(teacher)}
    assert mine == {"First aid": Status.OVERDUE, "Safeguarding level 1": Status.IN_DATE}
    theirs = {c.requirement.title: c.status for c in selectors.my_training(leader)}
    assert theirs["Safeguarding level 1"] == Status.DUE
    assert Completion.objects.filter(user=teacher).count() == 2
    client.force_login(leader)
    page = client.get(f"/schools/{teacher.school.urn}/training/?status=overdue").content.decode()
    assert teacher.full_name in page
    certificate = Completion.objects.exclude(certificate="").get()
    client.force_login(teacher)
    response = client.get(f"/training/certificates/{certificate.pk}/")
    assert b"Certificate of completion" in b"".join(response.streaming_content)
