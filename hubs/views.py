"""Pages of the community's structure: landing, dashboard, hubs, schools, networks, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from cpdhub.ratelimit import limited

from . import permissions, selectors, services
from .forms import INVITATION_SESSION_KEY, InvitationForm, MyDetailsForm
from .models import Hub, Invitation, School, SubjectNetwork


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except (Hub.DoesNotExist, School.DoesNotExist, SubjectNetwork.DoesNotExist):
        raise Http404 from None


@login_not_required
def home(request):
    if not request.user.is_authenticated:
        return render(
            request,
            "hubs/landing.html",
            {
                "hubs": selectors.hubs_overview(),
                "school_count": School.objects.count(),
                "network_count": SubjectNetwork.objects.count(),
            },
        )
    return render(request, "hubs/dashboard.html", {"dash": selectors.dashboard_for(request.user)})


def hub_list(request):
    return render(
        request,
        "hubs/hub_list.html",
        {
            "hubs": selectors.hubs_overview(),
            "community_networks": selectors.networks_with_counts(
                SubjectNetwork.objects.filter(hub__isnull=True)
            ),
            "unattached_schools": selectors.schools_with_counts(
                School.objects.filter(hub__isnull=True)
            ),
        },
    )


def hub_detail(request, slug: str):
    hub = _get_or_404(selectors.hub_detail, slug=slug)
    return render(
        request,
        "hubs/hub_detail.html",
        {
            "hub": hub,
            "schools": selectors.schools_with_counts(hub.schools.all()),
            "networks": selectors.networks_with_counts(hub.networks.all()),
        },
    )


def school_detail(request, urn: int):
    school = _get_or_404(selectors.school_detail, urn=urn)
    may_manage = permissions.can_see_school_staff(request.user, school)
    return render(
        request,
        "hubs/school_detail.html",
        {
            "school": school,
            "role_counts": selectors.school_role_counts(school),
            "may_manage": may_manage,
            "staff": selectors.school_staff(school) if may_manage else None,
            "invitations": selectors.open_invitations(school) if may_manage else None,
            "closed_invitations": selectors.closed_invitations(school) if may_manage else None,
        },
    )


@limited("invite", methods=("POST",))
def school_invite(request, urn: int):
    school = get_object_or_404(School, urn=urn)
    permissions.require_can_invite_to(request.user, school)  # the form page
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                school=school, email=form.cleaned_data["email"], invited_by=request.user
            )
        except services.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. It works until "
                f"{invitation.expires_at:%-d %B %Y}.",
            )
            return redirect(school)
    return render(request, "hubs/school_invite.html", {"school": school, "form": form})


@require_POST
def invitation_revoke(request, urn: int, pk: int):
    school = get_object_or_404(School, urn=urn)
    invitation = get_object_or_404(Invitation.objects.open(), pk=pk, school=school)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, f"The invitation for {invitation.email} has been withdrawn.")
    return redirect(school)


@require_POST
def invitation_resend(request, urn: int, pk: int | None = None):
    """Resend one unanswered invitation (open or expired), or all of the school's."""
    school = get_object_or_404(School, urn=urn)
    permissions.require_can_invite_to(request.user, school)
    unanswered = school.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    if pk is not None:
        unanswered = [get_object_or_404(unanswered, pk=pk)]
    sent = services.invitation_resend(
        invitations=unanswered.select_related("school") if pk is None else unanswered,
        by=request.user,
    )
    messages.success(
        request,
        f"The invitation for {unanswered[0].email} has been sent again."
        if pk is not None and sent
        else f"{sent} invitation(s) sent again.",
    )
    return redirect(school)


@login_not_required
def invitation_accept(request, token: str):
    invitation = (
        Invitation.objects.select_related("school", "invited_by").filter(token=token).first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    if request.user.is_authenticated:
        messages.info(request, "You are already signed in, so this invitation is not needed.")
        return redirect("home")
    if invitation.is_open:
        request.session[INVITATION_SESSION_KEY] = invitation.token
    return render(request, "hubs/invitation.html", {"invitation": invitation})


def network_detail(request, slug: str):
    network = _get_or_404(selectors.network_detail, slug=slug)
    members = list(network.members.all())
    return render(
        request,
        "hubs/network_detail.html",
        {
            "network": network,
            "members": members,
            "is_member": any(member.pk == request.user.pk for member in members),
            "may_join": permissions.can_join_network(request.user, network),
        },
    )


@require_POST
def network_membership(request, slug: str):
    network = get_object_or_404(SubjectNetwork.objects.select_related("hub"), slug=slug)
    may_join = permissions.can_join_network(request.user, network)
    if request.POST.get("action") == "leave":
        services.network_leave(network=network, user=request.user)
        is_member, note = False, f"You have left {network.name}."
    else:
        services.network_join(network=network, user=request.user)
        is_member, note = True, f"You have joined {network.name}."
    if request.htmx:
        context = {"network": network, "is_member": is_member, "may_join": may_join}
        return render(request, "hubs/_membership.html", context)
    messages.success(request, note)
    return redirect(network)


def my_details(request):
    form = MyDetailsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details have been saved.")
        return redirect("hubs:my_details")
    return render(request, "hubs/my_details.html", {"form": form})


def coordinator(request):
    permissions.require_coordinator(request.user)
    schools, checks = selectors.coordinator_overview()
    return render(request, "hubs/coordinator.html", {"schools": schools, "checks": checks})


# --- Error pages ---------------------------------------------------------------


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database here: whatever broke may be one of them.
    return HttpResponse(render_to_string("500.html"), status=500)
