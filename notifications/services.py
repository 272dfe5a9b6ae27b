"""
Writes to the email ledger, and the sending itself.

The life of a delivery: created (or found: a repeat with the same key is a no-op) → skipped
when the person opted out of its category → claimed by one sender with a conditional UPDATE
(pending → sending) → sent, or given back with the error (pending again for a transient
error, failed after MAX_ATTEMPTS or for a permanent one).

A worker killed between claiming and marking leaves a row in ``sending``; after
SENDING_STALE_AFTER it may be claimed again. That window (SMTP accepted the message, the
process died before the UPDATE) is the only way a message can go twice.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.mail import get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from cpdhub.mail import absolute_url, build_message, render_email
from hubs.models import User

from .kinds import OPTIONAL, Category, category_of
from .models import Delivery, Preference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SENDING_STALE_AFTER = datetime.timedelta(minutes=15)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
CONFIRM_SALT = "notifications.profile-confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 120  # a term and a bit


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


def profile_confirm_url(*, profile_id: int) -> str:
    token = signing.dumps({"p": profile_id}, salt=CONFIRM_SALT)
    return absolute_url(f"/notifications/confirm-profile/{token}/")


def read_profile_confirm_token(token: str) -> int:
    return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["p"])


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
    stale = timezone.now() - SENDING_STALE_AFTER
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


def _derived_key(kind: str, context: dict) -> str:
    """For a caller without a key: the objects the email is about, else a hash of its text."""
    ids = sorted(
        f"{value._meta.label_lower}:{value.pk}"
        for value in context.values()
        if isinstance(value, models.Model) and value.pk is not None
    )
    if ids:
        return "ctx:" + ",".join(ids)[:190]
    subject, text, _ = render_email(kind, context)
    return "sha1:" + hashlib.sha1((subject + text).encode(), usedforsecurity=False).hexdigest()


def notify(
    kind: str,
    *,
    to: list[str],
    context: dict,
    key: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict | None = None,
) -> list[Delivery]:
    """
    Send ``kind`` now to each address, through the ledger. Meant to run inside a task (every
    caller's task is retried on OSError): a repeat with the same key sends nothing again.
    """
    key = key or _derived_key(kind, context)
    users = {u.email.lower(): u for u in User.objects.filter(email__in=to)}
    out = _opted_out_ids([u.pk for u in users.values()], category_of(kind))
    deliveries = []
    for email in to:
        user = users.get(email.lower())
        delivery = delivery_record(kind=kind, key=key, email=email, recipient=user)
        deliveries.append(delivery)
        if delivery.status not in (Delivery.Status.PENDING, Delivery.Status.SENDING):
            continue
        if user is not None and user.pk in out:
            delivery_skip(delivery_ids=[delivery.pk], reason="opted out")
            continue
        if not delivery_claim(delivery_id=delivery.pk):
            continue
        send_claimed(delivery, context=context, reply_to=reply_to, headers=headers)
    return deliveries


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


# --- Ledger-native kinds: the digest, audit reminders, nudges -----------------------------

# kind → builder(user, key) returning the template context, or None for "nothing to say".
Builder = Callable[[User, str], "dict | None"]


def batch_builders() -> dict[str, Callable[[list[User], str], dict[int, dict]]]:
    """Kinds whose contexts are built a batch at a time (a fixed number of queries a batch)."""
    from . import digest

    return {"digest": digest.contexts_for}


def builders() -> dict[str, Builder]:
    from . import digest, reminders

    return {
        "digest": digest.context_for,
        "audit_profile": reminders.audit_profile_context,
        "audit_portfolio": reminders.audit_portfolio_context,
        "audit_needs": reminders.audit_needs_context,
        "release_nudge": reminders.release_nudge_context,
    }


@dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0
    transient_error: BaseException | None = None


def batch_send(*, kind: str, key: str, user_ids: list[int]) -> BatchResult:
    """
    Create the ledger rows for these people (existing ones untouched), skip those who opted
    out, then claim and send each one still pending over one SMTP connection. Stops at the
    first transient error (the rest stay pending for the task's retry); run it again and it
    sends only what has not gone.
    """
    build = builders()[kind]
    result = BatchResult()
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""))
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
    batch_build = batch_builders().get(kind)
    contexts = batch_build([by_id[d.recipient_id] for d in todo], key) if batch_build else None
    connection = get_connection()
    with connection:
        for delivery in todo:
            if not delivery_claim(delivery_id=delivery.pk):
                continue  # another worker has it
            delivery_id, user_id = delivery.pk, delivery.recipient_id
            context = contexts.get(user_id) if contexts is not None else build(by_id[user_id], key)
            if context is None:
                Delivery.objects.filter(pk=delivery_id).update(
                    status=Delivery.Status.SKIPPED, last_error="nothing to send"
                )
                result.skipped += 1
                continue
            try:
                send_claimed(delivery, context=context, connection=connection)
            except OSError as exc:
                logger.warning(
                    "Batch %s %s stopped at delivery %s: %s", kind, key, delivery_id, exc
                )
                result.transient_error = exc
                return result
            result.sent += 1
    return result


def deliver_one(*, delivery_id: int) -> bool:
    """Send one ledger-native delivery (digest, reminder, a test) if still to be sent."""
    delivery = Delivery.objects.select_related("recipient").filter(pk=delivery_id).first()
    if delivery is None or delivery.recipient is None:
        return False
    if delivery.recipient_id in _opted_out_ids([delivery.recipient_id], category_of(delivery.kind)):
        delivery_skip(delivery_ids=[delivery.pk], reason="opted out")
        return False
    if not delivery_claim(delivery_id=delivery.pk):
        return False
    context = builders()[delivery.kind](delivery.recipient, delivery.key)
    if context is None:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SKIPPED, last_error="nothing to send"
        )
        return False
    send_claimed(delivery, context=context)
    return True


@transaction.atomic
def ledger_forget(*, user: User) -> int:
    """
    A person's account is being deleted: the ledger keeps that mail was sent (so nothing is sent
    twice and the counts stay true) but not to whom. Their address becomes ``sha256:<hex>`` of
    itself, and mail still waiting for them is skipped. Returns the rows changed.
    """
    email = user.email.strip().lower()
    hashed = "sha256:" + hashlib.sha256(email.encode()).hexdigest()
    rows = Delivery.objects.filter(Q(recipient=user) | Q(email__iexact=email))
    rows.filter(status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SKIPPED, last_error="The person's account was deleted."
    )
    return rows.update(email=hashed)
