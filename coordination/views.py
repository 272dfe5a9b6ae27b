"""The coordinator's dashboard (`/coordinator/`) and a CPD leader's slice of it, per school."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cpd_sessions import proposals
from cpdhub import csvsafe, querystring
from cpdhub.words import in_sentence
from enquiry import services as enquiry_services
from enquiry.forms import StartForNeedForm
from enquiry.permissions import require_can_start_for_need
from experts.models import ExpertiseArea, ExpertProfile
from hubs.models import School
from portfolios.models import Need

from . import permissions, services
from .dashboard import Dashboard
from .dashboard import dashboard as dashboard_of
from .filters import Filters, filters_from
from .needs import (
    NEEDS_PER_PAGE,
    needs_against_supply,
    open_needs,
    people_in_need,
    replies_for,
    schools_in_need,
    suggested_matches,
    suggested_supply,
)
from .participation import SCHOOLS_PER_PAGE, attach_leaders

CSV_PARTS = ("participation", "hubs", "needs", "release", "impact")


def _page(request, data: Dashboard):
    page = Paginator(data.schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    attach_leaders(page.object_list)
    return page


def _dashboard_filters(request) -> tuple[Filters, bool]:
    """The filters for the community's dashboard, or a hub leader's slice of it (their hubs
    only); everyone else is refused. True: the whole community's (a coordinator)."""
    asked = querystring.slug_param(request.GET, "hub") or None
    led = permissions.dashboard_hub_ids(request.user, asked)
    return filters_from(request.GET, only_hubs=led), led is None


def dashboard(request):
    filters, community = _dashboard_filters(request)
    data = dashboard_of(filters, hub_lead=not community)
    return render(
        request,
        "coordination/dashboard.html",
        {
            "dash": data,
            "page": _page(request, data),
            "school": None,
            "community": community,
            "proposals_waiting": proposals.waiting_count(request.user),
        },
    )


def school_dashboard(request, urn: int):
    school = get_object_or_404(School.objects.select_related("hub"), urn=urn)
    permissions.require_school_dashboard(request.user, school)
    data = dashboard_of(filters_from(request.GET, with_hubs=False), school_ids=[school.pk])
    return render(
        request,
        "coordination/dashboard.html",
        {"dash": data, "page": _page(request, data), "school": school},
    )


class _Echo:
    """A file-like object whose write returns the line: csv writes one row at a time."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(part: str, data: Dashboard):
    if part in ("participation", "hubs"):
        yield [
            "School" if part == "participation" else "Hub",
            "Hub" if part == "participation" else "Schools",
            "Staff",
            "Confirmed addresses",
            "In a network",
            "Booked",
            "Attended",
            "Logged CPD",
            "Hours logged",
        ]
        for row in data.schools if part == "participation" else data.hubs:
            yield [
                row.name,
                row.hub if part == "participation" else row.schools,
                row.staff,
                row.confirmed,
                row.in_network,
                row.booked,
                row.attended,
                row.logged,
                row.hours,
            ]
    elif part == "needs":
        yield ["Area", "Open needs", "People", "Schools", "Live experts", "Sessions", "Gap"]
        for gap in data.gaps:
            yield [
                gap.area,
                gap.needs,
                gap.people,
                gap.schools,
                gap.experts,
                gap.sessions,
                gap.score,
            ]
    elif part == "release":
        yield ["School", "Term", "Requests", "Approved", "Lessons covered", "Cost (£)"]
        for row in data.release_schools:
            yield [row.name, row.term, row.requests, row.approved, row.lessons, row.cost]
    else:
        yield ["Measure", "Value", "Count"]
        for rating, n in data.impact.ratings:
            yield ["Session feedback rating", rating, n]
        for level, n in data.impact.levels:
            yield ["Six-week follow-up", level, n]


def _csv(part: str, data: Dashboard, filename: str) -> StreamingHttpResponse:
    writer = csvsafe.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _csv_rows(part, data)), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dashboard_csv(request, part: str):
    filters, community = _dashboard_filters(request)
    if part not in CSV_PARTS:
        raise Http404
    data = dashboard_of(filters, hub_lead=not community)
    return _csv(part, data, f"{part}-{filters.year}.csv")


def school_dashboard_csv(request, urn: int, part: str):
    school = get_object_or_404(School, urn=urn)
    permissions.require_school_dashboard(request.user, school)
    if part not in CSV_PARTS:
        raise Http404
    filters = filters_from(request.GET, with_hubs=False)
    data = dashboard_of(filters, school_ids=[school.pk])
    return _csv(part, data, f"{part}-{school.urn}-{filters.year}.csv")


def needs(request):
    """Needs against supply for every area, and each open need with suggested matches."""
    permissions.require_coordinator(request.user)
    filters = filters_from(request.GET)
    area = querystring.slug_param(request.GET, "area") or None
    gaps = needs_against_supply(None, filters)
    paginator = Paginator(open_needs(filters, area), NEEDS_PER_PAGE)
    # The gaps counted these same needs by area: the pages are counted without a query.
    paginator.count = sum(g.needs for g in gaps if area is None or g.slug == area)
    page = paginator.get_page(request.GET.get("page"))
    shown = list(page.object_list)
    matches = suggested_matches(shown)
    supply = suggested_supply(shown)
    replies = replies_for(shown)
    for need in shown:
        need.matches = matches.get(need.pk, [])
        need.sessions = supply.sessions.get(need.area_id, [])
        need.recordings = supply.recordings.get(need.area_id, [])
        need.peers = supply.peers.get(need.pk, [])
        need.sent_replies = replies.get(need.pk, [])
    return render(
        request,
        "coordination/needs.html",
        {
            "filters": filters,
            "area": area,
            "gaps": gaps,
            "page": page,
        },
    )


@require_POST
def need_met(request, pk: int):
    permissions.require_coordinator(request.user)
    need = get_object_or_404(
        Need.objects.select_related("owner", "area"),
        pk=pk,
        status__in=[Need.Status.OPEN, Need.Status.PASSED],
    )
    services.need_mark_met(need=need, by=request.user)
    messages.success(
        request,
        f"{need.owner.full_name}'s need in {in_sentence(need.area.name)} is marked met.",
    )
    return redirect("coordination:needs")


@require_POST
def need_introduce(request, pk: int, profile: int):
    """Introduce the person with the need to an expert: one email to both, once per pair."""
    permissions.require_coordinator(request.user)
    need = get_object_or_404(
        Need.objects.select_related("owner", "area"),
        pk=pk,
        status__in=[Need.Status.OPEN, Need.Status.PASSED],
    )
    expert = get_object_or_404(ExpertProfile.objects.visible().select_related("user"), pk=profile)
    if services.introduce(need=need, profile=expert, by=request.user):
        messages.success(
            request,
            f"{need.owner.full_name} and {expert.user.full_name} have been introduced by email.",
        )
    else:
        messages.info(
            request, f"{need.owner.full_name} and {expert.user.full_name} were introduced before."
        )
    return redirect("coordination:needs")


@require_POST
def need_reply(request, pk: int):
    """Reply to a school about a need its CPD leader passed on: emailed to its CPD leaders."""
    permissions.require_coordinator(request.user)
    need = get_object_or_404(
        Need.objects.select_related("owner__school", "area"), pk=pk, status=Need.Status.PASSED
    )
    try:
        services.need_reply(need=need, body=request.POST.get("body", ""), by=request.user)
    except services.ReplyRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Your reply about {need.owner.full_name}'s need has been emailed to the CPD "
            f"leaders of {need.owner.school.name}.",
        )
    return redirect(f"{reverse('coordination:needs')}#need-{need.pk}")


@require_POST
def commission(request, area: str):
    """Commission a consultant where need has no supply: a session draft to finish."""
    permissions.require_coordinator(request.user)
    found = get_object_or_404(ExpertiseArea, slug=area)
    session = services.commission(area=found, school_names=schools_in_need(found), by=request.user)
    messages.success(
        request,
        f"A consultant-led session draft in {in_sentence(found.name)} is ready: choose the "
        "consultant, fee and date, write its description, then publish it.",
    )
    return redirect("cpd_sessions:edit", pk=session.pk)


@require_POST
def nudge_stale(request):
    """Nudge all: everyone with a stale directory profile, one email each per term."""
    permissions.require_coordinator(request.user)
    sent = services.nudge_stale(by=request.user)
    if sent is None:
        messages.error(request, "No term covers today: add term dates first.")
    elif sent:
        who = "1 person" if sent == 1 else f"{sent} people"
        messages.success(request, f"{who} asked to confirm their directory profile.")
    else:
        messages.info(request, "Everyone with a stale profile has been asked this term already.")
    return redirect("coordination:dashboard")


def start_enquiry(request, area: str):
    """Start an enquiry group from a gap: the people with a need in the area are invited (not
    added); the coordinator is not a member and reads nothing the group writes."""
    require_can_start_for_need(request.user)
    found = get_object_or_404(ExpertiseArea, slug=area)
    people = people_in_need(found)
    form = StartForNeedForm(
        request.POST or None,
        initial={"question": f"How can we get better at {in_sentence(found.name)} together?"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            enquiry_services.group_start_for_need(
                by=request.user, area=found, people=people, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"The group is started: {len(people)} people with a need in "
                f"{in_sentence(found.name)} are invited by email. They join if they accept.",
            )
            return redirect("coordination:needs")
    return render(
        request,
        "coordination/start_enquiry.html",
        {"form": form, "area": found, "people": people},
        status=400 if form.errors else 200,
    )
