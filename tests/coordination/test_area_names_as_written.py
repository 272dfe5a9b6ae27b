"""Area names appear as written ("SEND", "EAL") in sentences, messages and emails."""

import pytest

from cpdhub.words import in_sentence
from experts.models import ExpertiseArea
from tests.experts.factories import ExpertProfileFactory, offer
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for, messages_on

pytestmark = pytest.mark.django_db


def send() -> ExpertiseArea:
    return ExpertiseArea.objects.get(slug="send")


def test_an_introduction_email_names_the_area_as_written(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    need = NeedFactory(owner=personas.owner, area=send())
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "send")
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    assert "SEND" in page.text
    form = form_for(page, "coordination:need_introduce", pk=need.pk, profile=expert.pk)
    with django_capture_on_commit_callbacks(execute=True):
        form.submit()
    assert mailoutbox
    for message in mailoutbox:
        assert message.subject.endswith(", on SEND")
        assert "help with SEND" in message.body
        assert "help with SEND" in message.alternatives[0][0]
        assert " send" not in message.subject + message.body


def test_marking_a_need_met_names_the_area_as_written(app, personas):
    need = NeedFactory(owner=personas.owner, area=ExpertiseArea.objects.get(slug="eal"))
    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    done = form_for(page, "coordination:need_met", pk=need.pk).submit().follow()
    assert "need in EAL is marked met" in messages_on(done)


@pytest.mark.parametrize(
    ("name", "reads"),
    [
        ("Questioning", "questioning"),
        ("Early reading and phonics", "early reading and phonics"),
        ("SEND", "SEND"),
        ("EAL", "EAL"),
        ("AfL", "AfL"),
        ("A level teaching", "A level teaching"),
    ],
)
def test_a_name_in_a_sentence_keeps_its_acronyms(name, reads):
    assert in_sentence(name) == reads
