"""
Writes to the email ledger, and the sending itself. The ledger is the outbox: a write that
sends email records its rows in its own transaction (``send_templated_mail``); a worker is
asked after commit, and a periodic sweep sends whatever is still waiting.

The life of a delivery: created (or found: a repeat with the same key is a no-op) → skipped
when the person opted out of its category → claimed by one sender with a conditional UPDATE
(pending → sending) → sent, or given back with the error (pending again for a transient
error, failed after MAX_ATTEMPTS or for a permanent one).

A worker killed between claiming and marking leaves a row in ``sending``; after
``sending_stale_after()`` it may be claimed again. That window (SMTP accepted the message, the
process died before the UPDATE) is the only way a message can go twice.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db import connection as database
from django.db.models import F, Q
from django.utils import timezone

from . import registry
from .categories import OPTIONAL, Category
from .models import Delivery, Preference
from .registry import Email, category_of
from .rendering import absolute_url, build_message

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User
    from django.db.models import QuerySet

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def sending_stale_after() -> datetime.timedelta:
    """How long a row may stay "sending" before another sender may claim it again (15 minutes
    unless CPDHUB_MAIL_SENDING_STALE_SECONDS says otherwise: a slow mail server must not make
    a message go twice; bench/faults.py shortens it to see a killed worker's row go)."""
    return datetime.timedelta(seconds=settings.CPDHUB_MAIL_SENDING_STALE_SECONDS)


# For every task that sends mail through the ledger: the ledger's key makes a rerun send nothing
# twice, so acknowledging late is safe (a worker killed mid-task has it redelivered), and only a
# mail server's or network's error (OSError) is worth retrying, with backoff.
MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}

# The sweep leaves younger pending rows to the task enqueued when they were written.
SWEEP_AFTER = datetime.timedelta(seconds=30)
SWEEP_BATCH = 500
# What an unreachable broker raises when a task is enqueued (kombu wraps most of it).
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, OSError)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


# --- Tokens -----------------------------------------------------------------------------


def unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.dumps({"u": user_id, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, Category]:
    """The person and category in a token; raises signing.BadSignature when tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    category = Category(data["c"])
    if category not in OPTIONAL:
        raise signing.BadSignature("not an optional category")
    return int(data["u"]), category


def unsubscribe_url(*, user_id: int, category: str) -> str:
    token = unsubscribe_token(user_id=user_id, category=category)
    return absolute_url(f"/notifications/unsubscribe/{token}/")


# --- Preferences ------------------------------------------------------------------------


def preference_set(*, user: User, category: str, enabled: bool) -> None:
    if Category(category) not in OPTIONAL:
        raise ValueError("Account and essential email cannot be turned off.")
    Preference.objects.update_or_create(user=user, category=category, defaults={"enabled": enabled})


def preferences_for(user: User) -> dict[str, bool]:
    chosen = dict(Preference.objects.filter(user=user).values_list("category", "enabled"))
    return {c.value: chosen.get(c.value, True) for c in OPTIONAL}


def _opted_out_ids(user_ids: Iterable[int], category: Category) -> set[int]:
    if category not in OPTIONAL:
        return set()
    return set(
        Preference.objects.filter(
            user_id__in=list(user_ids), category=category, enabled=False
        ).values_list("user_id", flat=True)
    )


# --- The ledger -------------------------------------------------------------------------


def _claimable() -> Q:
    stale = timezone.now() - sending_stale_after()
    return Q(status=Delivery.Status.PENDING) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=stale
    )


def delivery_record(*, kind: str, key: str, email: str, recipient: User | None) -> Delivery:
    """The row for (email, kind, key), created if new. Safe against a concurrent create."""
    found = Delivery.objects.filter(email=email, kind=kind, key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Delivery.objects.create(email=email, kind=kind, key=key, recipient=recipient)
    except IntegrityError:
        return Delivery.objects.get(email=email, kind=kind, key=key)


def delivery_claim(*, delivery_id: int) -> bool:
    """Take the row for this sender (pending → sending). False: someone else has it, or done."""
    return bool(
        Delivery.objects.filter(_claimable(), pk=delivery_id).update(
            status=Delivery.Status.SENDING,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    )


def deliveries_claim(*, delivery_ids: list[int]) -> list[int]:
    """Take many rows at once for this sender (pending → sending) with one UPDATE; returns
    those this sender took, in order. A row another sender holds, or one already done, is left
    out (on Postgres a concurrent claim waits for the row and then finds it taken)."""
    stamp = timezone.now()
    Delivery.objects.filter(_claimable(), pk__in=delivery_ids).update(
        status=Delivery.Status.SENDING, claimed_at=stamp, attempts=F("attempts") + 1
    )
    taken = set(
        Delivery.objects.filter(
            pk__in=delivery_ids, status=Delivery.Status.SENDING, claimed_at=stamp
        ).values_list("pk", flat=True)
    )
    return [pk for pk in delivery_ids if pk in taken]


def deliveries_give_back_unsent(*, delivery_ids: list[int]) -> None:
    """Rows a batch claimed but did not try (it stopped at a transient error): pending again,
    their attempt not counted, for the batch's retry."""
    Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
    )


def delivery_mark_sent(*, delivery_id: int) -> None:
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def delivery_give_back(*, delivery_id: int, error: BaseException, transient: bool) -> None:
    """After a failed send: pending again (transient, attempts left) or failed."""
    attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first()
    retry = transient and (attempts or 0) < MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.PENDING if retry else Delivery.Status.FAILED,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def delivery_skip(*, delivery_ids: Iterable[int], reason: str = "") -> int:
    return Delivery.objects.filter(
        pk__in=list(delivery_ids), status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.SKIPPED, last_error=reason)


def delivery_retry(*, delivery_ids: Iterable[int]) -> int:
    """The coordinator's "try again" on failed rows."""
    return Delivery.objects.filter(pk__in=list(delivery_ids), status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0
    )


def _headers_for(kind: str, user_id: int | None, headers: dict | None) -> dict:
    headers = dict(headers or {})
    category = category_of(kind)
    if category in OPTIONAL and user_id is not None:
        # RFC 8058 one-click unsubscribe (RFC 2369 header with an HTTPS URL).
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(user_id=user_id, category=category)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _personal_context(kind: str, user_id: int | None, context: dict) -> dict:
    category = category_of(kind)
    extra = {"email_category": category}
    if category in OPTIONAL and user_id is not None:
        extra["unsubscribe_url"] = unsubscribe_url(user_id=user_id, category=category)
    return {**context, **extra}


def send_claimed(
    delivery: Delivery,
    *,
    context: dict,
    reply_to: list[str] | None = None,
    headers: dict | None = None,
    connection=None,
) -> None:
    """Send a delivery this process has claimed, and mark it. Re-raises a failure."""
    try:
        message = build_message(
            delivery.kind,
            to=[delivery.email],
            context=_personal_context(delivery.kind, delivery.recipient_id, context),
            reply_to=reply_to,
            headers=_headers_for(delivery.kind, delivery.recipient_id, headers),
            connection=connection,
        )
        message.send()
    except OSError as exc:  # SMTP and connection errors (smtplib.SMTPException is an OSError)
        delivery_give_back(delivery_id=delivery.pk, error=exc, transient=True)
        raise
    except Exception as exc:
        delivery_give_back(delivery_id=delivery.pk, error=exc, transient=False)
        raise
    delivery_mark_sent(delivery_id=delivery.pk)


def send_templated_mail(
    kind: str, *, to: Iterable[str], key: str, enqueue: bool = True
) -> list[Delivery]:
    """
    Email ``kind`` to each address, once per ``key``: the ledger is the outbox. Call it inside
    the transaction of the write the email is about. It writes one pending row per address
    (a repeat with the same key is a no-op; someone who opted out is skipped) and, once the
    transaction commits, asks a worker to send each row. A rolled-back write sends nothing.
    If the broker is unreachable the rows wait, pending, for the sweep: the user's action
    never fails because of it. The worker builds the email afresh with the kind's registered
    builder (see registry.py). ``enqueue=False``: the caller sends them itself (send_now).
    """
    category = registry.get(kind).category
    addresses = list(dict.fromkeys(to))
    users = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(email__in=addresses, is_active=True)
    }
    out = _opted_out_ids([u.pk for u in users.values()], category)
    deliveries = []
    for email in addresses:
        user = users.get(email.lower())
        delivery = delivery_record(kind=kind, key=key, email=email, recipient=user)
        if delivery.status == Delivery.Status.PENDING and user is not None and user.pk in out:
            delivery_skip(delivery_ids=[delivery.pk], reason="opted out")
            delivery.status = Delivery.Status.SKIPPED
        deliveries.append(delivery)
    pending = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING]
    if enqueue and pending:
        transaction.on_commit(lambda: enqueue_deliveries(pending))
    return deliveries


def send_templated_mail_many(
    kind: str, *, messages: Iterable[tuple[str, str]], enqueue: bool = True
) -> list[int]:
    """
    ``send_templated_mail`` for many (address, key) pairs at once, for bulk work such as an
    import's invitations: one query for the recipients, one for who opted out, one insert for
    the ledger rows (a pair already on the ledger is left as it is: still once per key) and one
    read of the rows now pending, which are enqueued after commit. Returns their ids.
    """
    category = registry.get(kind).category
    pairs = list(dict.fromkeys(messages))
    if not pairs:
        return []
    users = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(
            email__in={email for email, _ in pairs}, is_active=True
        )
    }
    out = _opted_out_ids([u.pk for u in users.values()], category)
    rows = []
    for email, key in pairs:
        user = users.get(email.lower())
        skipped = user is not None and user.pk in out
        rows.append(
            Delivery(
                email=email,
                kind=kind,
                key=key,
                recipient=user,
                status=Delivery.Status.SKIPPED if skipped else Delivery.Status.PENDING,
                last_error="opted out" if skipped else "",
            )
        )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    wanted = set(pairs)
    pending = [
        pk
        for pk, email, key in Delivery.objects.filter(
            kind=kind, key__in={key for _, key in pairs}, status=Delivery.Status.PENDING
        ).values_list("pk", "email", "key")
        if (email, key) in wanted
    ]
    if enqueue and pending:
        transaction.on_commit(lambda: enqueue_deliveries(pending))
    return pending


_broker_failed = False  # in this process, since the last enqueue that worked


def enqueue_deliveries(delivery_ids: list[int]) -> bool:
    """
    Ask a worker to send each delivery (after commit). A broker that is down is logged, loudly,
    and the rows stay pending for the sweep; the first enqueue that works after a failure
    also asks for a sweep, so what waited goes without waiting for the beat.
    """
    global _broker_failed  # one flag per process, by design
    from .tasks import deliver, sweep_pending  # noqa: PLC0415 -- the ledger dispatches its own tasks; they import this module

    try:
        for delivery_id in delivery_ids:
            deliver.delay(delivery_id)
        if _broker_failed:
            _broker_failed = False
            sweep_pending.delay(0)  # everything that waited, however young
    except BROKER_ERRORS as exc:
        _broker_failed = True
        logger.error(
            "The broker is unreachable: %d email(s) left pending on the ledger for the sweep "
            "(deliveries %s): %s: %s",
            len(delivery_ids),
            delivery_ids,
            type(exc).__name__,
            exc,
        )
        return False
    except Exception:  # after commit nothing is gained by failing the person's request
        _broker_failed = True
        logger.exception(
            "Could not enqueue deliveries %s: left pending on the ledger for the sweep",
            delivery_ids,
        )
        return False
    return True


def batch_enqueue(*, kind: str, key: str, user_ids: list[int]) -> None:
    """Ask a worker to send one kind under one key to these people, together (a planned
    mailing such as the termly digest: see ``batch_send``)."""
    from .tasks import send_batch  # noqa: PLC0415 -- the ledger dispatches its own tasks; they import this module

    send_batch.delay(kind, key, user_ids)


def send_now(deliveries: Iterable[Delivery]) -> int:
    """
    Send recorded deliveries here and now (in a worker: a task that has just written them).
    Raises OSError on a transient failure: that row is pending again, the task's retry or the
    sweep sends it and the rest; nothing already sent goes twice.
    """
    return sum(
        deliver_one(delivery_id=d.pk) for d in deliveries if d.status == Delivery.Status.PENDING
    )


def send_message_now(*, kind: str, message, key: str, recipient: User | None) -> None:
    """
    A message someone else rendered (allauth's sign-in, verification and password emails),
    sent at once and recorded on the ledger like every other email. Its key is unique to the
    message (it carries a one-time code or link), so it is never taken for a repeat.
    """
    (email,) = message.to
    delivery = delivery_record(kind=kind, key=key, email=email, recipient=recipient)
    if not delivery_claim(delivery_id=delivery.pk):
        return
    try:
        message.send()
    except Exception as exc:
        delivery_give_back(delivery_id=delivery.pk, error=exc, transient=False)
        raise
    delivery_mark_sent(delivery_id=delivery.pk)


# --- Sending: batches, one delivery, the sweep -------------------------------------------


@dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0
    transient_error: BaseException | None = None


@contextlib.contextmanager
def _marks_not_waiting_for_disk():
    """
    While a batch sends, each "sent" mark commits without waiting for Postgres to flush it to
    disk (``synchronous_commit`` off on this connection, and back after), so a batch is not held
    to one disk flush per email. Only a crash of the database itself in the moment after a mark
    can lose it: that row is then sent again by the sweep, as when a worker dies between sending
    and marking.
    """
    if database.vendor != "postgresql":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def batch_send(*, kind: str, key: str, user_ids: list[int]) -> BatchResult:
    """
    Create the ledger rows for these people (existing ones untouched), skip those who opted
    out, then claim and send each one still pending over one SMTP connection. Stops at the
    first transient error (the rest stay pending for the task's retry); run it again and it
    sends only what has not gone.
    """
    kind_ = registry.get(kind)
    result = BatchResult()
    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email=""))
    Delivery.objects.bulk_create(
        [Delivery(recipient=u, email=u.email, kind=kind, key=key) for u in users],
        ignore_conflicts=True,
    )
    mine = Delivery.objects.filter(kind=kind, key=key, recipient_id__in=[u.pk for u in users])
    out = _opted_out_ids([u.pk for u in users], category_of(kind))
    if out:
        result.skipped += delivery_skip(
            delivery_ids=mine.filter(recipient_id__in=out).values_list("pk", flat=True),
            reason="opted out",
        )
    by_id = {u.pk: u for u in users}
    todo = list(mine.filter(_claimable()).order_by("pk"))
    if not todo:
        return result
    batch_build = kind_.build_batch
    contexts = batch_build([by_id[d.recipient_id] for d in todo], key) if batch_build else None
    # One UPDATE claims the whole batch (not one per email): rows another worker holds are
    # left to it.
    claimed = set(deliveries_claim(delivery_ids=[d.pk for d in todo]))
    todo = [d for d in todo if d.pk in claimed]
    connection = get_connection()
    with connection, _marks_not_waiting_for_disk():
        for done, delivery in enumerate(todo):
            delivery_id, user_id = delivery.pk, delivery.recipient_id
            delivery.recipient = by_id[user_id]
            if contexts is not None:
                email = Email(contexts[user_id]) if user_id in contexts else None
            else:
                email = kind_.build(delivery)
            if email is None:
                Delivery.objects.filter(pk=delivery_id).update(
                    status=Delivery.Status.SKIPPED, last_error="nothing to send"
                )
                result.skipped += 1
                continue
            try:
                send_claimed(
                    delivery,
                    context=email.context,
                    reply_to=email.reply_to,
                    headers=email.headers,
                    connection=connection,
                )
            except OSError as exc:
                logger.warning(
                    "Batch %s %s stopped at delivery %s: %s", kind, key, delivery_id, exc
                )
                deliveries_give_back_unsent(delivery_ids=[d.pk for d in todo[done + 1 :]])
                result.transient_error = exc
                return result
            except Exception:
                deliveries_give_back_unsent(delivery_ids=[d.pk for d in todo[done + 1 :]])
                raise
            result.sent += 1
    return result


def deliver_one(*, delivery_id: int) -> bool:
    """Send one delivery if still to be sent, built afresh by its kind's builder. True: sent.
    Raises what the send raised (the row is given back first: see send_claimed)."""
    delivery = Delivery.objects.select_related("recipient").filter(pk=delivery_id).first()
    if delivery is None:
        return False
    kind = registry.get(delivery.kind)
    if delivery.recipient_id is not None and delivery.recipient_id in _opted_out_ids(
        [delivery.recipient_id], kind.category
    ):
        delivery_skip(delivery_ids=[delivery.pk], reason="opted out")
        return False
    if not delivery_claim(delivery_id=delivery.pk):
        return False
    try:
        email = kind.build(delivery)
    except Exception as exc:
        delivery_give_back(delivery_id=delivery.pk, error=exc, transient=False)
        raise
    if email is None:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SKIPPED, last_error="nothing to send"
        )
        return False
    send_claimed(delivery, context=email.context, reply_to=email.reply_to, headers=email.headers)
    return True


def sweep_pending(*, older_than: datetime.timedelta = SWEEP_AFTER, limit: int = SWEEP_BATCH) -> int:
    """
    Send what waits on the ledger: rows still pending ``older_than`` after they were written
    (their task was never enqueued, as when the broker was down, or was lost), and rows left
    "sending" by a worker that died. Each is claimed first (a conditional UPDATE), so two
    sweeps, or a sweep and the row's own task, never send one row twice. Kinds no app can
    build again (account mail, rendered by allauth) are left alone. Returns how many went.
    """
    cutoff = timezone.now() - older_than
    ids = list(
        Delivery.objects.filter(_claimable(), created_at__lte=cutoff, kind__in=registry.names())
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for delivery_id in ids:
        try:
            sent += deliver_one(delivery_id=delivery_id)
        except OSError as exc:  # the mail server: the rest wait for the next sweep
            logger.warning("The sweep stopped at delivery %s: %s", delivery_id, exc)
            break
        except Exception:  # one bad row (marked failed) does not hold up the others
            logger.exception("The sweep could not send delivery %s", delivery_id)
    return sent


def address_hash(email: str) -> str:
    """
    What the ledger keeps of an erased person's address: ``sha256:`` and the HMAC-SHA256 of the
    lower-cased address under ``CPDHUB_LEDGER_HASH_KEY`` (a secret of the deployment), so
    "was this address ever mailed?" can still be answered by someone who has the address and the
    key, while nobody can read the address back or test guesses without the key.
    """
    key = settings.CPDHUB_LEDGER_HASH_KEY.encode()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
    return "sha256:" + digest


def address_was_mailed(email: str) -> QuerySet[Delivery]:
    """The ledger's rows for an address, whether its person still has an account or not."""
    return Delivery.objects.filter(Q(email__iexact=email.strip()) | Q(email=address_hash(email)))


@transaction.atomic
def ledger_forget(*, user: User) -> int:
    """
    A person's account is being erased: the ledger keeps that mail was sent (so nothing is sent
    twice and the counts stay true) but not to whom. Their address becomes ``address_hash`` of
    itself, error messages (which quote it) are replaced, and mail still waiting for them is
    skipped. Returns the rows changed.
    """
    email = user.email.strip()
    hashed = address_hash(email)
    rows = Delivery.objects.filter(Q(recipient=user) | Q(email__iexact=email))
    # A mail server's error quotes the address, often the name too: none is kept.
    rows.exclude(last_error="").update(last_error="(Removed: an account was erased.)")
    rows.filter(status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SKIPPED, last_error="The person's account was deleted."
    )
    return rows.update(email=hashed, recipient=None)
