"""Keep each profile's search document in step with everything it is built from."""

import threading
from contextlib import contextmanager

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from cpdhub.markup import render_markdown
from hubs.models import Hub, Phase, School, Subject, User

from .directory import forget_directory_choices
from .models import ExpertiseArea, ExpertProfile, ProfileArea
from .search import (
    copy_to_offers,
    forget_directory_results,
    forget_documents,
    refresh_documents,
)
from .services import contact_requests_anonymise

_state = threading.local()


@contextmanager
def paused():
    """For bulk maintenance (seed_scale) that refreshes the documents itself."""
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = False


def _active() -> bool:
    return not getattr(_state, "paused", False)


# Kept by the services and experts/search.py, never by a form: a save of a whole profile
# (the profile form, the admin) writes back what the database holds, not a stale copy.
DERIVED = ("search_document", "in_vocabulary", "helped_count")


def _before_save(sender, instance, update_fields=None, raw=False, **kwargs):
    """Render the bio once, as it is saved (never paused: the page shows only this). A save of
    some fields only does not touch the bio; one that names "bio" must name "bio_html" too."""
    if raw:
        return
    if update_fields is None or "bio" in update_fields:
        instance.bio_html = render_markdown(instance.bio)
    if update_fields is None and instance.pk is not None:
        held = ExpertProfile.objects.filter(pk=instance.pk).values(*DERIVED).first()
        for field, value in (held or {}).items():
            setattr(instance, field, value)


def _profile_saved(sender, instance, update_fields=None, **kwargs):
    if _active():
        refresh_documents([instance.pk])


def _profile_deleted(sender, instance, **kwargs):
    """Its words leave the vocabulary (also when the person is deleted: the delete cascades)."""
    forget_documents([instance.pk])


def _offer_changed(sender, instance, origin=None, **kwargs):
    if _active() and not _going_with_its_profile(origin):
        refresh_documents([instance.profile_id])


def _going_with_its_profile(origin) -> bool:
    """An offer deleted because its profile (or its person) is being deleted: the profile's
    words already left the vocabulary (``_profile_deleted``, before the cascade); refreshing
    the profile now would count them again, and nothing would take them out."""
    if origin is None:
        return False
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return issubclass(model, ExpertProfile | User)


def _subjects_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if _active() and action in {"post_add", "post_remove", "post_clear"}:
        refresh_documents((pk_set or []) if reverse else [instance.pk])


def _phases_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Phases are a filter, not words: no document changes, but kept result pages go, and the
    offers' copy of the phases (the suggestions' walks) follows. A phase deleted leaves its
    id in some copies: no one works in it any more, so it matches no one."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    forget_directory_results()
    if not _active():
        return
    if not reverse:
        copy_to_offers([instance.pk])
    elif pk_set is not None:
        copy_to_offers(pk_set)
    else:  # a phase's profiles cleared: those whose offers still name it
        named = ProfileArea.objects.filter(
            offerer_phases__contains=ProfileArea.phase_token(instance.pk)
        )
        copy_to_offers(set(named.values_list("profile_id", flat=True)))


def _person_phases_changed(sender, action, **kwargs):
    """A person's own phases order the experts suggested to them (portfolios/suggestions.py,
    kept under the directory's version): the kept suggestions go."""
    if action in {"post_add", "post_remove", "post_clear"}:
        forget_directory_results()


def _user_saved(sender, instance, update_fields=None, **kwargs):
    if not _active():
        return
    if update_fields is not None and not {"first_name", "last_name", "school", "is_active"} & set(
        update_fields
    ):
        return  # e.g. last_login on every sign-in
    refresh_documents(ExpertProfile.objects.filter(user=instance).values_list("pk", flat=True))


def _area_saved(sender, instance, **kwargs):
    if _active():
        refresh_documents(
            ExpertProfile.objects.filter(offers__area=instance).values_list("pk", flat=True)
        )


def _school_saved(sender, instance, **kwargs):
    if _active():
        refresh_documents(
            ExpertProfile.objects.filter(user__school=instance).values_list("pk", flat=True)
        )


def _choices_changed(sender, **kwargs):
    """An area, subject, phase, hub or school saved or deleted: the directory's cached filter
    choices go (bulk inserts send no signal: the cache's timeout covers those)."""
    forget_directory_choices()


def connect() -> None:
    for model in (ExpertiseArea, Subject, Phase, Hub, School):
        for signal in (post_save, post_delete):
            signal.connect(
                _choices_changed,
                sender=model,
                dispatch_uid=f"experts.choices.{model._meta.label_lower}.{signal is post_save}",
            )
    pre_save.connect(_before_save, sender=ExpertProfile, dispatch_uid="experts.profile.pre_save")
    post_save.connect(_profile_saved, sender=ExpertProfile, dispatch_uid="experts.doc.profile")
    pre_delete.connect(
        _profile_deleted, sender=ExpertProfile, dispatch_uid="experts.vocabulary.profile_deleted"
    )
    post_save.connect(_offer_changed, sender=ProfileArea, dispatch_uid="experts.doc.offer_saved")
    post_delete.connect(
        _offer_changed, sender=ProfileArea, dispatch_uid="experts.doc.offer_deleted"
    )
    m2m_changed.connect(
        _subjects_changed,
        sender=ExpertProfile.subjects.through,
        dispatch_uid="experts.doc.subjects",
    )
    m2m_changed.connect(
        _phases_changed,
        sender=ExpertProfile.phases.through,
        dispatch_uid="experts.results.phases",
    )
    m2m_changed.connect(
        _person_phases_changed,
        sender=User.phases.through,
        dispatch_uid="experts.results.person_phases",
    )
    post_save.connect(_user_saved, sender=User, dispatch_uid="experts.doc.user")
    post_save.connect(_area_saved, sender=ExpertiseArea, dispatch_uid="experts.doc.area")
    post_save.connect(_school_saved, sender=School, dispatch_uid="experts.doc.school")


def forget_leaver(sender, user, **kwargs) -> None:
    """``hubs.signals.user_deactivated`` / ``user_deleting``: their profile's words go."""
    forget_documents(list(ExpertProfile.objects.filter(user=user).values_list("pk", flat=True)))


def anonymise_contact_requests(sender, user, **kwargs) -> None:
    """``hubs.signals.user_deleting``: their contact requests stay as counts, without them."""
    contact_requests_anonymise(user=user)
