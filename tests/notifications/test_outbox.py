"""
The ledger is the outbox: an email's row is written in the transaction
of the action it is about, the broker is told after commit, and a broker that is down costs
the person nothing: the row waits, and the sweep (or the next enqueue that works) sends it,
once. The broker here is really unreachable: the Celery app pointed at a closed port.
"""

import datetime
import logging

import kombu.pools
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cpdhub.celery import app
from experts.models import ContactRequest
from notifications import services
from notifications.models import Delivery
from notifications.tasks import sweep_pending
from tests.cpd_sessions.factories import SessionFactory, book
from tests.experts.factories import ExpertProfileFactory

DEAD_BROKER = "redis://127.0.0.1:9/0"  # the discard port: nothing listens


def _reset_pools() -> None:
    """Forget connections (and kombu's producer pools) made for the previous broker URL."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def broker():
    """Switch the broker off and on again; the eager, in-process broker when it is on."""
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}

    class Broker:
        def stop(self):
            app.conf.update(broker_url=DEAD_BROKER, task_always_eager=False)
            _reset_pools()

        def start(self):
            app.conf.update(saved)
            _reset_pools()

    switch = Broker()
    switch.stop()
    yield switch
    switch.start()
    services._broker_failed = False


def _contact(client, expert, message="Could I watch a lesson?"):
    return client.post(reverse("experts:contact", args=[expert.pk]), {"message": message})


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_contact_request_succeeds_and_its_email_waits(
    client, personas, broker, mailoutbox, caplog
):
    expert = ExpertProfileFactory(user=personas.outsider)
    client.force_login(personas.owner)

    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        response = _contact(client, expert)

    assert response.status_code == 302
    assert ContactRequest.objects.count() == 1
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.status) == ("contact_request", "pending")
    assert delivery.email == personas.outsider.email
    assert mailoutbox == []
    assert any("broker is unreachable" in r.getMessage() for r in caplog.records)

    broker.start()
    # The beat's sweep leaves rows younger than SWEEP_AFTER to their own task...
    assert sweep_pending() == 0
    Delivery.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    # ...and sends the older ones, once, however often it runs.
    assert sweep_pending() == 1
    assert sweep_pending() == 0
    assert services.sweep_pending(older_than=datetime.timedelta(0)) == 0
    (mail,) = mailoutbox
    assert mail.to == [personas.outsider.email]
    assert mail.reply_to == [personas.owner.email]
    assert "Could I watch a lesson?" in mail.body
    assert Delivery.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)
def test_the_first_enqueue_that_works_after_an_outage_sends_what_waited(
    client, personas, broker, mailoutbox
):
    expert = ExpertProfileFactory(user=personas.outsider)
    client.force_login(personas.owner)
    assert _contact(client, expert, "First, while the broker is down").status_code == 302
    assert mailoutbox == []

    broker.start()
    assert _contact(client, expert, "Second, once it is back").status_code == 302

    assert sorted(m.body.split("wrote:")[1].split("\n\n")[1] for m in mailoutbox) == [
        "First, while the broker is down",
        "Second, once it is back",
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_booking_with_the_broker_down_is_made_and_its_email_waits(personas, broker, mailoutbox):
    booking = book(SessionFactory(title="Oracy"), personas.owner)

    assert booking.status == "confirmed"
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.status) == ("booking_confirmed", "pending")
    broker.start()
    assert services.sweep_pending(older_than=datetime.timedelta(0)) == 1
    assert [m.subject for m in mailoutbox] == ["You are booked on: Oracy"]


def test_a_rolled_back_action_leaves_no_row_and_sends_nothing(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    expert = ExpertProfileFactory(user=personas.outsider)

    def contact_then_fail():
        with transaction.atomic():
            request = ContactRequest.objects.create(
                profile=expert, sender=personas.owner, message="Hello"
            )
            services.send_templated_mail(
                "contact_request", to=[personas.outsider.email], key=f"contact_request:{request.pk}"
            )
            raise RuntimeError("rolled back")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        contact_then_fail()
    assert not Delivery.objects.exists()
    assert services.sweep_pending(older_than=datetime.timedelta(0)) == 0
    assert mailoutbox == []


def test_the_row_is_written_with_the_action_and_sent_after_commit(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    expert = ExpertProfileFactory(user=personas.outsider)
    client.force_login(personas.owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _contact(client, expert).status_code == 302
    assert Delivery.objects.get().status == "pending"  # written, not yet sent
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert Delivery.objects.get().status == "sent"
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_before_anything_is_written(personas):
    with pytest.raises(LookupError, match="No app registered the email kind"):
        services.send_templated_mail("no_such_kind", to=[personas.owner.email], key="x")
    assert not Delivery.objects.exists()
