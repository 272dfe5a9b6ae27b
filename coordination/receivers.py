"""
What the coordination app does when the sessions app publishes: a commissioned draft needs a
description of its own, and the people whose needs it was for are told. Receivers of
``cpd_sessions.signals`` so the sessions app never imports this one (it sits below it).
"""

from __future__ import annotations

from . import services


def check_commissioned_description(sender, *, session, **kwargs) -> None:
    services.commission_check_publishable(session=session)


def tell_need_owners(sender, *, session, **kwargs) -> None:
    services.commission_tell_needs(session=session)
