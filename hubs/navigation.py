"""
The site's main navigation. Each item names a URL; an item whose URL does not exist
yet (its app has not landed) is simply not shown, so nothing ever links to a placeholder.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[object], bool] = lambda user: True


NAV_ITEMS = [
    NavItem("Directory", "experts:directory"),
    NavItem("Sessions", "cpd_sessions:list"),
    NavItem("Portfolio", "portfolios:home"),
    NavItem("Coaching", "coaching:home"),
    NavItem("Enquiries", "enquiry:home"),
    NavItem("Courses", "courses:list"),
    NavItem("Training", "training:home"),
    NavItem("Hubs", "hubs:hub_list"),
    NavItem("Approvals", "cpd_sessions:approvals", lambda user: user.is_cpd_leader),
    NavItem("Coordinator", "coordination:dashboard", lambda user: user.is_coordinator),
]


@functools.cache
def _address(url_name: str, script_prefix: str, urlconf: str) -> str | None:
    """An item's address, worked out once per process (it is on every page)."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def nav_for(user, path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    for item in NAV_ITEMS:
        url = _address(item.url_name, prefix, urlconf)
        if url is None:
            continue
        if item.visible(user):
            items.append({"label": item.label, "url": url, "current": False})
    # The current item is the one whose address is the longest start of this page's
    # (so /sessions/approvals/ is Approvals, not Sessions as well).
    matching = [item for item in items if path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return items
