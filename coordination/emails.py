"""What the coordinator sends, and how each email is built: the introduction (one email to each
of the pair, once per pair: the ledger key), the reply about a need, the commissioned session."""

from __future__ import annotations

from django.urls import reverse

from experts.models import ExpertProfile
from hubs.models import User
from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail
from portfolios.models import Need

KIND = "need_introduction"


INTRODUCTION_KEY_PREFIX = "introduction:{person_id}:"


def introduction_key(person_id: int, profile_id: int) -> str:
    return INTRODUCTION_KEY_PREFIX.format(person_id=person_id) + str(profile_id)


def mail_introduction(*, person_email: str, person_id: int, expert_email: str, profile_id: int):
    """One email to both the person with the need and the expert, once per pair."""
    return send_templated_mail(
        KIND, to=[person_email, expert_email], key=introduction_key(person_id, profile_id)
    )


def need_introduction_email(delivery) -> registry.Email | None:
    _, person_id, profile_id = delivery.key.split(":")
    person = User.objects.select_related("school").filter(pk=int(person_id)).first()
    profile = (
        ExpertProfile.objects.select_related("user__school").filter(pk=int(profile_id)).first()
    )
    if person is None or profile is None:
        return None
    offered = profile.offers.values("area_id")
    need = (
        Need.objects.filter(owner=person, area_id__in=offered)
        .select_related("area")
        .order_by("-created_at")
        .first()
    )
    expert = profile.user
    other = expert if delivery.email.lower() == person.email.lower() else person
    reply_to = registry.reply_to(other)
    # Someone who keeps their address private is written to through their profile's form.
    other_profile = profile if other == expert else getattr(person, "expert_profile", None)
    return registry.Email(
        context={
            "person": person,
            "expert": expert,
            "other": other,
            "area": need.area if need else None,
            "profile_url": absolute_url(profile.get_absolute_url()),
            "reply_to": reply_to,
            "other_profile_url": (
                absolute_url(other_profile.get_absolute_url()) if other_profile else ""
            ),
        },
        reply_to=reply_to,
    )


REPLY_KIND = "need_reply"


def reply_key(reply_id: int) -> str:
    return f"need_reply:{reply_id}"


def mail_need_reply(reply_id: int, to: list[str]) -> list:
    """The coordinator's reply, to the school's CPD leaders: once per reply."""
    return send_templated_mail(REPLY_KIND, to=to, key=reply_key(reply_id))


def need_reply_email(delivery) -> registry.Email | None:
    """The coordinator's reply about a need a CPD leader passed on, to the school's CPD leaders
    (key ``need_reply:<reply id>``: each message once)."""
    from .models import NeedReply  # noqa: PLC0415 -- models load after the app registry

    reply = (
        NeedReply.objects.select_related("need__owner__school", "need__area", "author")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )
    if reply is None:
        return None
    need = reply.need
    reply_to = registry.reply_to(reply.author)
    return registry.Email(
        context={
            "reply": reply,
            "need": need,
            "person": need.owner,
            "school": need.owner.school,
            "area": need.area,
            "needs_url": absolute_url(reverse("portfolios:needs_audit")),
            "reply_to": reply_to,
        },
        reply_to=reply_to,
    )


COMMISSIONED_KIND = "commissioned_session"


def commissioned_key(session_id: int) -> str:
    return f"commissioned:{session_id}"


def mail_commissioned(session_id: int, to: list[str]) -> list:
    """Everyone whose need a commissioned session was for: once per session."""
    return send_templated_mail(COMMISSIONED_KIND, to=to, key=commissioned_key(session_id))


def commissioned_session_email(delivery) -> registry.Email | None:
    """A session commissioned for the person's need is published (key ``commissioned:<id>``)."""
    from cpd_sessions.models import DevelopmentSession  # noqa: PLC0415 -- models load after the app registry

    session = (
        DevelopmentSession.objects.filter(
            pk=int(delivery.key.split(":")[1]), status=DevelopmentSession.Status.PUBLISHED
        )
        .prefetch_related("areas", "dates")
        .first()
    )
    if session is None:
        return None
    return registry.Email(
        context={
            "session": session,
            "areas": list(session.areas.all()),
            "dates": list(session.dates.all()),
            "session_url": absolute_url(session.get_absolute_url()),
        }
    )


def register_emails() -> None:
    registry.register(KIND, category=Category.ESSENTIAL, build=need_introduction_email)
    registry.register(REPLY_KIND, category=Category.ESSENTIAL, build=need_reply_email)
    registry.register(
        COMMISSIONED_KIND, category=Category.SESSIONS, build=commissioned_session_email
    )
