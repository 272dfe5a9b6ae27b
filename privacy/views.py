"""The privacy notice, "download my data" and "delete my account"."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import services
from .forms import DeleteAccountForm
from .models import EXPORT_DAYS, DataExport
from .tasks import build_export


@login_not_required
def notice(request):
    return render(
        request,
        "privacy/notice.html",
        {
            "export_days": EXPORT_DAYS,
            "removed_months": settings.CPDHUB_RETENTION_REMOVED_MONTHS,
            "inactive_months": settings.CPDHUB_RETENTION_INACTIVE_MONTHS,
            "coaching_years": settings.CPDHUB_RETENTION_COACHING_YEARS,
            "enquiry_years": settings.CPDHUB_RETENTION_ENQUIRY_YEARS,
            "import_days": settings.CPDHUB_RETENTION_IMPORT_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def my_data(request):
    if request.method == "POST":
        export = services.export_request(user=request.user)
        if export.state == DataExport.State.QUEUED:  # built by a worker once committed
            transaction.on_commit(lambda: build_export.delay(export.pk))
        if export.state == DataExport.State.READY:
            messages.info(
                request,
                "Your download made today is ready below. A new one can be prepared tomorrow.",
            )
        else:
            messages.success(
                request,
                "We are putting your data together. This page shows the download when it is "
                "ready, and we email you a link too.",
            )
        return redirect("privacy:my_data")
    exports = list(DataExport.objects.filter(user=request.user)[:5])
    building = any(e.state in DataExport.UNFINISHED for e in exports)
    return render(
        request,
        "privacy/my_data.html",
        {
            "exports": exports,
            "building": building,
            "made_today": services.made_today(request.user),
            "export_days": EXPORT_DAYS,
        },
    )


def download(request, token: str):
    export = DataExport.objects.filter(token=token, user=request.user).first()
    if export is None:
        raise Http404("No such download.")
    if not export.is_available:
        return render(request, "privacy/expired.html", {"export": export}, status=410)
    name = f"my-data-{timezone.localdate(export.finished_at):%Y-%m-%d}.zip"
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )


@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete_own(user=request.user)
        except services.OnlyCoordinator as refusal:
            form.add_error(None, str(refusal))
        else:
            logout(request)
            return render(request, "privacy/deleted.html")
    return render(
        request, "privacy/delete.html", {"form": form}, status=400 if form.errors else 200
    )
