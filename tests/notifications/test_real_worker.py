"""
The digest end to end on real parts: a Redis broker and a Celery worker (in a thread of this
process, sharing the test database), the beat task enqueuing batches over the broker.
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError

from cpdhub.celery import app
from hubs.models import User
from notifications import services
from notifications.models import Delivery
from notifications.tasks import deliver, send_batch
from termly.tasks import plan_termly_digest

WAIT_SECONDS = 30


def _reset_pools() -> None:
    """Forget connections made for the previous broker URL."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def real_worker(redis_url):
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    _reset_pools()
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()  # database 15 is the tests' own
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.conf.update(saved)
    _reset_pools()


def _wait_until(sent: int) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if Delivery.objects.filter(status="sent").count() >= sent:
                return
        except OperationalError:  # a busy database: look again
            pass
        time.sleep(0.1)  # polling a real worker, not timing anything
    pytest.fail(f"only {Delivery.objects.filter(status='sent').count()} of {sent} sent")


# Postgres only: a worker thread writing beside the test's own queries locks SQLite's shared
# in-memory test database now and then ("table is locked"). CI runs it on Postgres, strictly.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_digest_goes_over_redis_to_a_real_worker_once(
    personas, digest_term, real_worker, mailoutbox
):
    everyone = sorted(User.objects.filter(is_active=True).values_list("email", flat=True))
    assert plan_termly_digest.apply().get() == len(everyone)  # the beat: batches go to Redis
    _wait_until(len(everyone))

    # The same batch delivered again (as after a worker was killed), and the beat again.
    send_batch.delay("digest", "digest:autumn-2026", [u.pk for u in User.objects.all()])
    assert plan_termly_digest.apply().get() == 0
    # A marker behind them in the queue: once it is sent, the redelivered batch has run.
    marker = services.delivery_record(
        kind="digest",
        key=f"test:{personas.owner.pk}:marker",
        email="marker@demo.test",
        recipient=personas.owner,
    )
    deliver.delay(marker.pk)
    _wait_until(len(everyone) + 1)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([*everyone, "marker@demo.test"])
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
