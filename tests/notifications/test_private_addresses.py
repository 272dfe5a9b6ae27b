"""
An expert whose profile says "Contact form only (my address stays private)" keeps it private in
every email to anyone else: no Reply-To with their address, not in the text nor the HTML body.
Emails that would have said "reply to this email" say how else to reach them instead.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from cpd_sessions import session_messages
from experts.models import ExpertProfile
from hubs import services as hub_services
from tests.cpd_sessions.factories import SessionFactory, book
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import SubjectNetworkFactory
from tests.hubs.test_lone_rangers import teacher
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for, messages_on

pytestmark = pytest.mark.django_db

PRIVATE = ExpertProfile.Contact.FORM
SHOWN = ExpertProfile.Contact.EMAIL


def everything_in(message) -> str:
    """Every place of a sent email that another person reads, but its To."""
    html = "".join(part for part, _ in getattr(message, "alternatives", []))
    headers = " ".join(f"{k}: {v}" for k, v in message.extra_headers.items())
    return " ".join([message.subject, message.body, html, " ".join(message.reply_to), headers])


def sent_to(mailoutbox, person):
    (message,) = [m for m in mailoutbox if m.to == [person.email]]
    return message


@pytest.fixture
def introduce(app, personas, django_capture_on_commit_callbacks):
    def introduce(need, expert):
        page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
        form = form_for(page, "coordination:need_introduce", pk=need.pk, profile=expert.pk)
        with django_capture_on_commit_callbacks(execute=True):
            assert "have been introduced by email" in messages_on(form.submit().follow())

    return introduce


def test_an_introduction_never_gives_a_private_address(introduce, personas, mailoutbox):
    need = NeedFactory(owner=personas.owner)
    expert = ExpertProfileFactory(user=personas.outsider, contact_preference=PRIVATE)
    offer(expert, need.area.slug)
    introduce(need, expert)

    to_person = sent_to(mailoutbox, personas.owner)
    assert personas.outsider.email not in everything_in(to_person)
    assert to_person.reply_to == []
    said = "keeps their email address private: write to them with the contact form"
    assert said in to_person.body
    assert expert.get_absolute_url() in to_person.body
    html = to_person.alternatives[0][0]
    assert said in html
    assert expert.get_absolute_url() in html
    # The person with the need did not ask for privacy: the expert can reply to them.
    to_expert = sent_to(mailoutbox, personas.outsider)
    assert to_expert.reply_to == [personas.owner.email]
    assert f"your reply goes to {personas.owner.email}" in to_expert.body


def test_an_introduction_of_two_private_people_gives_neither_address(
    introduce, personas, mailoutbox
):
    need = NeedFactory(owner=personas.owner)
    own = ExpertProfileFactory(user=personas.owner, contact_preference=PRIVATE)
    expert = ExpertProfileFactory(user=personas.outsider, contact_preference=PRIVATE)
    offer(expert, need.area.slug)
    introduce(need, expert)
    to_expert = sent_to(mailoutbox, personas.outsider)
    assert personas.owner.email not in everything_in(to_expert)
    assert own.get_absolute_url() in to_expert.body
    to_person = sent_to(mailoutbox, personas.owner)
    assert personas.outsider.email not in everything_in(to_person)


def test_an_introduction_to_an_expert_who_shows_their_address_keeps_reply_to(
    introduce, personas, mailoutbox
):
    need = NeedFactory(owner=personas.owner)
    expert = ExpertProfileFactory(user=personas.outsider, contact_preference=SHOWN)
    offer(expert, need.area.slug)
    introduce(need, expert)
    to_person = sent_to(mailoutbox, personas.owner)
    assert to_person.reply_to == [personas.outsider.email]
    assert f"your reply goes to {personas.outsider.email}" in to_person.body


def test_a_private_lead_s_message_to_everyone_booked_gives_no_address(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    ExpertProfileFactory(user=personas.colleague, contact_preference=PRIVATE)
    session = SessionFactory(leads=[personas.colleague], capacity=5)
    book(session, personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        session_messages.session_message_send(
            session=session, by=personas.colleague, subject="Bring", body="A plan", token="t"
        )
    message = sent_to(mailoutbox, personas.owner)
    assert personas.colleague.email not in everything_in(message)
    assert message.reply_to == []
    assert "Reply to this email" not in message.body
    assert "Reply to this email" not in message.alternatives[0][0]


def test_a_private_network_lead_is_not_the_lone_ranger_s_reply_to(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    network = SubjectNetworkFactory(name="North geography", hub=personas.school.hub)
    network.leads.add(personas.colleague)
    ExpertProfileFactory(user=personas.colleague, contact_preference=PRIVATE)
    geographer = teacher(personas.school, "geography")
    with django_capture_on_commit_callbacks(execute=True):
        assert hub_services.lone_rangers_invite(by=personas.coordinator) == 1
    message = sent_to(mailoutbox, geographer)
    assert personas.colleague.email not in everything_in(message)
    assert "Reply to this email" not in message.body
    assert "Reply to this email" not in message.alternatives[0][0]


# The product's own apps: every installed app whose folder is in the repository.
PRODUCT = [
    Path(settings.BASE_DIR) / app
    for app in settings.INSTALLED_APPS
    if "." not in app and (Path(settings.BASE_DIR) / app).is_dir()
] + [Path(settings.BASE_DIR) / "cpdhub"]


def test_every_reply_to_goes_through_the_one_rule():
    """Each email that puts its reader in touch with someone takes its Reply-To from
    ``registry.reply_to``; the one exception is the contact request, whose sender asked for
    an answer by email."""
    found = {}
    for folder in PRODUCT:
        for path in folder.rglob("*.py"):
            for line in path.read_text().splitlines():
                match = re.search(r"\breply_to=(\S+)", line)
                if match and not match.group(1).startswith(("reply_to", "email.reply_to")):
                    found.setdefault(str(path.relative_to(settings.BASE_DIR)), []).append(
                        match.group(1)
                    )
    assert found.pop("experts/emails.py") == ["[request.sender.email],"]
    assert all(
        value.startswith("registry.reply_to(") for values in found.values() for value in values
    ), found
