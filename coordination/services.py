"""The coordinator's actions on needs. Writes go through the owning app's services."""

from __future__ import annotations

from portfolios import services as portfolio_services
from portfolios.models import Need

from . import permissions


def need_mark_met(*, need: Need, by) -> Need:
    """The coordinator marks a need met (a match made, a session found)."""
    permissions.require_coordinator(by)
    return portfolio_services.need_decide(need=need, by=by, status=Need.Status.MET)
