"""
Forgetting a school's participation figures (``SchoolFigures``) when a row they are counted from
changes: a person (their school or whether they are active), their confirmed address, a network
place, a booking, a register mark, a log entry, a need, a release request, a session's
feedback, a session's dates; and every school's when a term changes (a year's release is kept
by term). The rows go at once (this transaction reads its own change) and again when the
transaction commits (so a request that counted the old rows meanwhile cannot keep them); the
next read counts those schools again. Writes that send no signal are caught up by the
nightly recount (participation.py).
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models import Q

from .models import SchoolFigures

# A sign-in saves last_login, a reminder a date: only these fields of a person are counted.
PERSON_FIELDS = frozenset({"school", "school_id", "is_active"})
SESSION_FIELDS = frozenset({"start"})


# One deletion (of a queryset, or of a row and what cascades from it) sends a signal per row:
# what it has forgotten already is remembered for that deletion only, so deleting a school's
# 500 people costs one statement, not 500.
_deleting = threading.local()


def _already(origin, key) -> bool:
    if origin is None:
        return False
    if getattr(_deleting, "origin", None) is not origin:
        _deleting.origin, _deleting.keys = origin, set()
    if key in _deleting.keys:
        return True
    _deleting.keys.add(key)
    return False


def _forget(where: Q) -> None:
    rows = SchoolFigures.objects.filter(where)
    rows.delete()
    transaction.on_commit(rows.delete)


def _forget_people(user_ids, origin=None) -> None:
    ids = [pk for pk in user_ids if pk is not None and not _already(origin, ("person", pk))]
    if ids:
        _forget(Q(school__staff__in=ids))


def _from_people(origin) -> bool:
    """A deletion that started from people: their schools are forgotten as each goes."""
    from hubs.models import User  # noqa: PLC0415 -- circular import (models load first)

    model = getattr(origin, "model", None) or type(origin)
    return model is User


def remember_school(sender, instance, **kwargs) -> None:
    """post_init of a person: the school they are in as loaded (not loading a deferred one)."""
    instance._figures_school_id = instance.__dict__.get("school_id")


def person_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not PERSON_FIELDS & set(update_fields):
        return
    schools = {instance.__dict__.get("school_id"), getattr(instance, "_figures_school_id", None)}
    schools.discard(None)
    if schools:
        _forget(Q(school_id__in=schools))
    instance._figures_school_id = instance.__dict__.get("school_id")


def person_deleted(sender, instance, origin=None, **kwargs) -> None:
    school_id = instance.__dict__.get("school_id")
    if school_id is not None and not _already(origin, ("school", school_id)):
        _forget(Q(school_id=school_id))


def row_of_person_changed(sender, instance, origin=None, **kwargs) -> None:
    """An address, a booking (its ``user``), a log entry or a need (their ``owner``)."""
    if origin is not None and _from_people(origin):
        return
    _forget_people(
        [getattr(instance, "user_id", None) or getattr(instance, "owner_id", None)], origin
    )


def register_changed(sender, instance, origin=None, **kwargs) -> None:
    if origin is not None and _from_people(origin):
        return
    if not _already(origin, ("booking", instance.booking_id)):
        _forget(Q(school__staff__session_bookings=instance.booking_id))


def _counted_for(bookings: Q) -> Q:
    """The schools these bookings count for: their person's, or the one kept on the booking
    once they were erased (``cpd_sessions.fee_shares.booking_school``)."""
    from cpd_sessions.fee_shares import booking_school  # noqa: PLC0415 -- circular import (models load first)
    from cpd_sessions.models import Booking  # noqa: PLC0415 -- circular import (models load first)

    schools = Booking.objects.filter(bookings).annotate(counts_for=booking_school())
    return Q(school_id__in=schools.values("counts_for"))


def of_booking_changed(sender, instance, origin=None, **kwargs) -> None:
    """A release request or a feedback."""
    if origin is not None and _from_people(origin):
        return
    if not _already(origin, ("counted for", instance.booking_id)):
        _forget(_counted_for(Q(pk=instance.booking_id)))


def session_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and not SESSION_FIELDS & set(update_fields)):
        return
    _forget(_counted_for(Q(session=instance.pk)))


def terms_changed(sender, instance, **kwargs) -> None:
    _forget(Q())


def network_places_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A network's members added, removed or cleared (from either side)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # a person's networks changed
        _forget_people([instance.pk])
    elif action == "pre_clear":
        _forget(Q(school__staff__networks=instance.pk))
    else:
        _forget_people(pk_set or ())


def connect() -> None:
    """Called once from the app's ready()."""
    from allauth.account.models import EmailAddress  # noqa: PLC0415 -- AppConfig.ready
    from django.db.models.signals import (  # noqa: PLC0415 -- AppConfig.ready
        m2m_changed,
        post_delete,
        post_init,
        post_save,
    )

    from cpd_sessions.models import (  # noqa: PLC0415 -- AppConfig.ready
        Attendance,
        Booking,
        DevelopmentSession,
        Feedback,
        ReleaseRequest,
    )
    from hubs.models import SubjectNetwork, Term, User  # noqa: PLC0415 -- AppConfig.ready
    from portfolios.models import Entry, Need  # noqa: PLC0415 -- AppConfig.ready

    uid = "coordination.figures"
    post_init.connect(remember_school, sender=User, dispatch_uid=f"{uid}.person_init")
    post_save.connect(person_saved, sender=User, dispatch_uid=f"{uid}.person_saved")
    post_delete.connect(person_deleted, sender=User, dispatch_uid=f"{uid}.person_deleted")
    for model in (EmailAddress, Booking, Entry, Need):
        name = model._meta.label_lower
        post_save.connect(row_of_person_changed, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(
            row_of_person_changed, sender=model, dispatch_uid=f"{uid}.{name}.delete"
        )
    post_save.connect(register_changed, sender=Attendance, dispatch_uid=f"{uid}.register.save")
    post_delete.connect(register_changed, sender=Attendance, dispatch_uid=f"{uid}.register.delete")
    for model in (ReleaseRequest, Feedback):
        name = model._meta.label_lower
        post_save.connect(of_booking_changed, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(of_booking_changed, sender=model, dispatch_uid=f"{uid}.{name}.delete")
    post_save.connect(terms_changed, sender=Term, dispatch_uid=f"{uid}.term.save")
    post_delete.connect(terms_changed, sender=Term, dispatch_uid=f"{uid}.term.delete")
    post_save.connect(session_saved, sender=DevelopmentSession, dispatch_uid=f"{uid}.session")
    m2m_changed.connect(
        network_places_changed,
        sender=SubjectNetwork.members.through,
        dispatch_uid=f"{uid}.network_places",
    )
