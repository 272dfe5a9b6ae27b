"""The coordinator's view of outgoing mail: counts and failures, the digest preview, a test."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from hubs.models import Term, User

from . import digest, planning, registry, services, tasks
from .models import Delivery, Preference
from .rendering import render_email


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


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "key", "email", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["email", "key"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    change_list_template = "admin/notifications/delivery/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Try the selected failed deliveries again")
    def retry_failed(self, request, queryset):
        # Every registered kind is built again from its key; account mail (rendered by allauth
        # with a one-time code or link) cannot be, and is asked for again by the person.
        failed = queryset.filter(status=Delivery.Status.FAILED)
        ids = list(failed.filter(kind__in=registry.names()).values_list("pk", flat=True))
        services.delivery_retry(delivery_ids=ids)
        for delivery_id in ids:
            tasks.deliver.delay_on_commit(delivery_id)
        message = f"{len(ids)} deliveries queued again."
        if others := failed.exclude(pk__in=ids).count():
            message += (
                f" {others} cannot be rebuilt here (account emails with a one-time code or "
                "link): the person asks for a new one."
            )
        self.message_user(request, message)

    def changelist_view(self, request, extra_context=None):
        counts: dict[str, dict[str, int]] = {}
        for kind, status, n in (
            Delivery.objects.order_by().values_list("kind", "status").annotate(n=Count("*"))
        ):
            counts.setdefault(kind, {})[status] = n
        extra_context = {
            **(extra_context or {}),
            "by_term": deliveries_by_term(),
            "statuses": Delivery.Status.choices,
            "counts": sorted(counts.items()),
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

    def _preview_person(self, request) -> tuple[str, User | None]:
        q = request.GET.get("person", "").strip()
        people = None
        if "@" in q:
            people = User.objects.filter(email__iexact=q)
        elif q.isdigit():
            people = User.objects.filter(pk=int(q))
        return q, people.first() if people is not None else None

    def _preview(self, request, person: User) -> tuple[str, str, str]:
        """The digest as ``person`` gets it, built for the previewer: someone else's private
        goal titles are left out (see digest.context_for)."""
        return render_email("digest", digest.context_for(request.user, f"test:{person.pk}:preview"))

    def digest_preview(self, request):
        """The digest as any person would get it: pick them with ?person=<id> or an email."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        q, person = self._preview_person(request)
        context = {
            **self.admin_site.each_context(request),
            "title": "Preview the termly digest",
            "q": q,
            "person": person,
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
        _, person = self._preview_person(request)
        if person is None:
            return HttpResponse("No one found.", status=404, content_type="text/plain")
        _, _, html = self._preview(request, person)
        response = HttpResponse(html)
        # An email is a document, not part of the admin: no scripts, no forms in the frame.
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src https: data:"
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
        tasks.deliver.delay_on_commit(delivery.pk)
        messages.success(
            request, f"A test digest for {person.full_name} goes to {request.user.email}."
        )
        return redirect(f"{reverse('admin:notifications_digest_preview')}?person={person.pk}")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "enabled", "updated_at"]
    list_filter = ["category", "enabled"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
