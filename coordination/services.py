"""The coordinator's actions on needs. Writes go through the owning app's services."""

from __future__ import annotations

from django.db import transaction

from experts.models import ExpertProfile
from notifications.models import Delivery
from notifications.services import send_templated_mail
from portfolios import services as portfolio_services
from portfolios.models import Need

from . import permissions
from .emails import KIND, introduction_key


def need_mark_met(*, need: Need, by) -> Need:
    """The coordinator marks a need met (a match made, a session found)."""
    permissions.require_coordinator(by)
    return portfolio_services.need_decide(need=need, by=by, status=Need.Status.MET)


@transaction.atomic
def introduce(*, need: Need, profile: ExpertProfile, by) -> bool:
    """One email to both the person with the need and the expert, through the ledger, once per
    pair however often it is asked for. True when this call sent it, False if it went before."""
    permissions.require_coordinator(by)
    key = introduction_key(need.owner_id, profile.pk)
    if Delivery.objects.filter(kind=KIND, key=key).exists():
        return False
    send_templated_mail(KIND, to=[need.owner.email, profile.user.email], key=key)
    return True
