"""Pages of the community's structure: landing, dashboard, hubs, schools, networks, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from cpdhub import querystring
from cpdhub.paging import page_of
from cpdhub.ratelimit.limits import limited

from . import dashboard, families, networks, permissions, schools, selectors, services
from .forms import (
    INVITATION_SESSION_KEY,
    CommunityForm,
    HubDescriptionForm,
    InvitationForm,
    MyDetailsForm,
    SchoolDomainForm,
)
from .lone_rangers import (
    LONE_RANGER_ROLES,
    lone_ranger_summary,
    lone_rangers_by_responsibility,
    lone_rangers_by_role,
    lone_rangers_by_subject,
    lone_rangers_page,
)
from .models import Hub, Invitation, Responsibility, School, SchoolDomain, SubjectNetwork, User


def _get_or_404(selector, **kwargs):
    try:
        return selector(**kwargs)
    except (Hub.DoesNotExist, School.DoesNotExist, SubjectNetwork.DoesNotExist):
        raise Http404 from None


@login_not_required
def home(request):
    if not request.user.is_authenticated:
        counts = selectors.community_counts()
        return render(
            request,
            "hubs/landing.html",
            {
                "hubs": networks.hubs_overview(),
                "school_count": counts["schools"],
                "network_count": counts["networks"],
            },
        )
    return render(request, "hubs/dashboard.html", {"dash": dashboard.dashboard_for(request.user)})


def hub_list(request):
    return render(
        request,
        "hubs/hub_list.html",
        {
            "hubs": networks.hubs_overview(),
            "community_networks": page_of(
                request,
                networks.networks_with_counts(
                    SubjectNetwork.objects.filter(hub__isnull=True)
                ).order_by("name", "pk"),
                param="networks_page",
            ),
            "unattached_schools": page_of(
                request,
                School.objects.filter(hub__isnull=True).order_by("name", "pk"),
                param="schools_page",
            ),
        },
    )


def hub_detail(request, slug: str):
    hub = _get_or_404(networks.hub_detail, slug=slug)
    may_edit = permissions.can_edit_hub(request.user, hub)
    return render(
        request,
        "hubs/hub_detail.html",
        {
            "hub": hub,
            "schools": page_of(
                request, schools.schools_with_counts(hub.schools.all()).order_by("name", "pk")
            ),
            "networks": networks.networks_with_counts(hub.networks.all()),
            "may_edit": may_edit,
            "lone_rangers": lone_ranger_summary([hub.pk]) if may_edit else None,
        },
    )


def community_edit(request):
    permissions.require_coordinator(request.user)
    details = selectors.community_details()
    form = CommunityForm(
        request.POST or None,
        initial={
            "name": details.name if details.is_set_up else "",
            "contact_email": details.contact_email,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The community's name and contact address are saved.")
            return redirect("hubs:community_edit")
    return render(request, "hubs/community_edit.html", {"form": form, "details": details})


def hub_edit(request, slug: str):
    hub = get_object_or_404(Hub, slug=slug)
    permissions.require_can_edit_hub(request.user, hub)  # the form page
    form = HubDescriptionForm(request.POST or None, initial={"description": hub.description})
    if request.method == "POST" and form.is_valid():
        services.hub_update(hub=hub, by=request.user, description=form.cleaned_data["description"])
        messages.success(request, f"The description of {hub.name} has been saved.")
        return redirect(hub)
    return render(request, "hubs/hub_edit.html", {"hub": hub, "form": form})


def school_detail(request, urn: int):
    school = _get_or_404(schools.school_detail, urn=urn)
    may_manage = permissions.can_see_school_staff(request.user, school)
    return render(
        request,
        "hubs/school_detail.html",
        {
            "school": school,
            "family": list(families.family_of(school, limit=3)),
            "role_counts": schools.school_role_counts(school),
            "may_manage": may_manage,
            "staff": page_of(request, schools.school_staff(school).order_by("last_name", "pk"))
            if may_manage
            else None,
            "invitations": page_of(
                request,
                schools.open_invitations(school).order_by("-created_at", "pk"),
                param="invitations_page",
            )
            if may_manage
            else None,
            "closed_invitations": schools.closed_invitations(school) if may_manage else None,
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


def school_domains(request, urn: int):
    """The school's email domains: who may sign up for it by their address."""
    school = get_object_or_404(School, urn=urn)
    permissions.require_can_edit_school_domains(request.user, school)  # the form page
    form = SchoolDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.school_domain_add(
                school=school, domain=form.cleaned_data["domain"], by=request.user
            )
        except services.DomainError as error:
            form.add_error("domain", str(error))
        else:
            messages.success(
                request, f"Staff with an address at {added.domain} can now join {school.name}."
            )
            return redirect("hubs:school_domains", urn=school.urn)
    status = 400 if form.errors else 200
    return render(
        request,
        "hubs/school_domains.html",
        {"school": school, "form": form, "domains": school.domains.order_by("domain")},
        status=status,
    )


@require_POST
def school_domain_remove(request, urn: int, pk: int):
    school = get_object_or_404(School, urn=urn)
    domain = get_object_or_404(SchoolDomain, pk=pk, school=school)
    services.school_domain_remove(domain=domain, by=request.user)
    messages.success(request, f"New sign-ups from {domain.domain} are no longer accepted.")
    return redirect("hubs:school_domains", urn=school.urn)


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
    network = _get_or_404(networks.network_detail, slug=slug, user=request.user)
    return render(
        request,
        "hubs/network_detail.html",
        {
            "network": network,
            "members": page_of(request, networks.network_members(network)),
            "is_member": network.is_member,
            "may_join": permissions.can_join_network(request.user, network),
            "may_lead": permissions.leads_network(request.user, network),
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


def school_family(request, urn: int):
    school = _get_or_404(schools.school_detail, urn=urn)
    family = list(families.family_of(school))
    return render(
        request,
        "hubs/school_family.html",
        {
            "school": school,
            "family": family,
            "weights": families.FAMILY_WEIGHTS,
            "fsm_span": families.FAMILY_FSM_SPAN,
        },
    )


LONE_RANGERS_PER_PAGE = 50


def lone_rangers(request):
    allowed = permissions.require_can_see_lone_rangers(request.user)  # None: every hub
    summary = lone_ranger_summary(allowed)
    hub = None
    hub_ids = allowed
    if request.GET.get("hub"):
        slug = querystring.slug_param(request.GET, "hub")
        hub = Hub.objects.filter(slug=slug).first() if slug else None
        if hub is None or (allowed is not None and hub.pk not in allowed):
            raise Http404("No such hub, or not a hub you lead.")
        hub_ids = [hub.pk]
    rows = lone_rangers_by_subject(hub_ids).select_related("user__school__hub", "subject")
    paginator = Paginator(
        rows.order_by("user__school__hub__name", "user__school__name", "subject__name", "pk"),
        LONE_RANGERS_PER_PAGE,
    )
    # The summary has counted them already: no second COUNT over the same rows.
    paginator.count = sum(row.alone for row in summary if hub is None or row.hub_id == hub.pk)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "hubs/lone_rangers.html",
        {
            "summary": summary,
            "hub": hub,
            "page": page,
            "rows": lone_rangers_page(list(page.object_list)),
            "by_role": lone_rangers_by_role(hub_ids)[:200],
            "by_responsibility": lone_rangers_page(
                list(
                    lone_rangers_by_responsibility(hub_ids)
                    .select_related("user__school__hub")
                    .order_by("user__school__hub__name", "user__school__name", "user__last_name")[
                        :200
                    ]
                )
            ),
            "responsibilities": [label for _, label in Responsibility.choices],
            "roles": [User.JOB_ROLE_PLURALS[role] for role in LONE_RANGER_ROLES],
            "may_invite": permissions.can_invite_lone_rangers(request.user),
        },
    )


@require_POST
def lone_rangers_invite(request):
    permissions.require_can_invite_lone_rangers(request.user)
    invited = services.lone_rangers_invite(by=request.user)
    messages.success(
        request,
        f"{invited} lone ranger{'s' if invited != 1 else ''} invited to their subject's network."
        if invited
        else "Everyone who can be invited has been already.",
    )
    return redirect("hubs:lone_rangers")


# --- Error pages ---------------------------------------------------------------


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database here: whatever broke may be one of them.
    return HttpResponse(render_to_string("500.html"), status=500)
