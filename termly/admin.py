"""
The termly mail in the coordinator's admin, added to the ledger's Deliveries page: sent,
failed and waiting per term with that term's digest, and the digest's preview and test send.
"""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from cpdhub import querystring
from experts.admin import ExpertProfileAdmin
from experts.models import ExpertProfile
from hubs.models import Term, User
from hubs.selectors import people_named
from notifications import services
from notifications.admin import DeliveryAdmin
from notifications.models import Delivery
from notifications.rendering import render_email

from . import digest, planning
from . import services as termly_services

# The digest preview: how many people a name may match before the coordinator must say more.
PREVIEW_MATCHES = 20
EMAIL_FRAME_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
    "frame-ancestors 'self'"
)


def deliveries_by_term(terms: int = 4) -> list[dict]:
    """For the latest terms begun: everything sent, failed or waiting in each, and its digest."""
    started = list(Term.objects.filter(start__lte=timezone.localdate()).order_by("-start")[:terms])
    rows = []
    for term, later in zip(started, [None, *started[:-1]], strict=True):
        in_term = Q(created_at__date__gte=term.start)
        if later is not None:
            in_term &= Q(created_at__date__lt=later.start)
        digest_key = planning.digest_key(term)
        rows.append(
            {
                "term": term,
                **Delivery.objects.aggregate(
                    sent=Count("pk", filter=in_term & Q(status=Delivery.Status.SENT)),
                    failed=Count("pk", filter=in_term & Q(status=Delivery.Status.FAILED)),
                    waiting=Count(
                        "pk",
                        filter=in_term
                        & Q(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]),
                    ),
                    digests=Count("pk", filter=Q(key=digest_key, status=Delivery.Status.SENT)),
                    digests_failed=Count(
                        "pk", filter=Q(key=digest_key, status=Delivery.Status.FAILED)
                    ),
                ),
            }
        )
    return rows


admin.site.unregister(Delivery)


@admin.register(Delivery)
class TermlyDeliveryAdmin(DeliveryAdmin):
    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "by_term": deliveries_by_term(),
            "preview_url": reverse("admin:notifications_digest_preview"),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("digest/", view(self.digest_preview), name="notifications_digest_preview"),
            path(
                "digest/html/",
                view(xframe_options_sameorigin(self.digest_preview_html)),
                name="notifications_digest_preview_html",
            ),
            path("digest/test/", view(self.digest_test), name="notifications_digest_test"),
            *super().get_urls(),
        ]

    def _preview_person(self, request) -> tuple[str, User | None, list[User]]:
        """Who to preview: by id, by address, or by name. A name that fits several people
        gives them as a list to choose from (at most PREVIEW_MATCHES), not the first one."""
        q = " ".join(querystring.text_param(request.GET, "person", max_length=254).split())
        if not q:
            return q, None, []
        if "@" in q:
            return q, User.objects.filter(email__iexact=q).first(), []
        if (pk := querystring.id_param(q)) is not None:
            return q, User.objects.filter(pk=pk).first(), []
        matches = people_named(q, limit=PREVIEW_MATCHES)
        if len(matches) == 1:
            return q, matches[0], []
        return q, None, matches

    def _preview(self, request, person: User) -> tuple[str, str, str]:
        """The digest as ``person`` gets it, built for the previewer: someone else's private
        goal titles are left out (see digest.context_for)."""
        return render_email("digest", digest.context_for(request.user, f"test:{person.pk}:preview"))

    def digest_preview(self, request):
        """The digest as any person would get it: pick them with ?person=<id> or an email."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        q, person, matches = self._preview_person(request)
        context = {
            **self.admin_site.each_context(request),
            "title": "Preview the termly digest",
            "q": q,
            "person": person,
            "matches": matches[:PREVIEW_MATCHES],
            "more_matches": len(matches) > PREVIEW_MATCHES,
        }
        if person is not None:
            subject, text, _ = self._preview(request, person)
            context.update(
                subject=subject,
                text=text,
                html_url=f"{reverse('admin:notifications_digest_preview_html')}?person={person.pk}",
            )
        return TemplateResponse(request, "admin/notifications/digest_preview.html", context)

    def digest_preview_html(self, request):
        """The preview's HTML part on its own, for the preview page's frame (same origin only)."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        _, person, _ = self._preview_person(request)
        if person is None:
            return HttpResponse("No one found.", status=404, content_type="text/plain")
        _, _, html = self._preview(request, person)
        response = HttpResponse(html)
        # An email is a document, not part of the admin: sandboxed (no scripts, no forms, not
        # same-origin), as a mail client shows it. Its inline styles are what it looks like, so
        # this one response allows them (the site's own policy allows none).
        response["Content-Security-Policy"] = EMAIL_FRAME_POLICY
        return response

    def digest_test(self, request):
        """Send the digest as ``person`` would get it to the coordinator's own address."""
        if request.method != "POST" or not self.has_view_permission(request):
            return HttpResponse(status=405 if request.method != "POST" else 403)
        person = get_object_or_404(User, pk=request.POST.get("person"))
        delivery = services.delivery_record(
            kind="digest",
            key=f"test:{person.pk}:{uuid.uuid4().hex[:12]}",
            email=request.user.email,
            recipient=request.user,
        )
        transaction.on_commit(lambda: services.enqueue_deliveries([delivery.pk]))
        messages.success(
            request, f"A test digest for {person.full_name} goes to {request.user.email}."
        )
        return redirect(f"{reverse('admin:notifications_digest_preview')}?person={person.pk}")


admin.site.unregister(ExpertProfile)


@admin.register(ExpertProfile)
class TermlyExpertProfileAdmin(ExpertProfileAdmin):
    """Experts' profiles, with the coordinator's termly nudge (termly.services)."""

    actions = [*(ExpertProfileAdmin.actions or []), "ask_to_refresh"]

    @admin.action(description="Ask the selected stale experts to refresh their profile")
    def ask_to_refresh(self, request, queryset):
        asked, before = termly_services.experts_ask_to_refresh(by=request.user, profiles=queryset)
        stale = asked + before
        self.message_user(
            request,
            f"{asked} expert(s) asked to confirm or update their profile."
            + (f" {before} had already been asked this term (one email a term)." if before else "")
            + (
                f" {queryset.count() - stale} selected profile(s) are up to date: not asked."
                if queryset.count() > stale
                else ""
            ),
            messages.SUCCESS if asked else messages.INFO,
        )
