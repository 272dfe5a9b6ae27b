"""
The courses app's pages. A course is looked up among those the person may see
(``selectors.course_for``: a hidden one is the coordinator's alone), a request among the
person's own (``selectors.request_for``), so anyone else gets 404. Every write is a POST through
a service, which checks its rule.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cpd_sessions.models import Booking, ReleaseRequest
from cpdhub import querystring
from cpdhub.forms import errors_to_form
from cpdhub.paging import page_of
from portfolios.models import Goal
from portfolios.suggestions import suggest_experts

from . import permissions, selectors, services
from .forms import (
    CourseFilterForm,
    CourseForm,
    HideForm,
    NetworkForm,
    RequestForm,
    ReviewForm,
    course_days,
)
from .models import Course, CourseRequest, OutsideNetwork

PER_PAGE = 20


def _course(request, pk: int) -> Course:
    try:
        return selectors.course_for(request.user, pk)
    except Course.DoesNotExist:
        raise Http404 from None


# --- The catalogue ---


def course_list(request):
    form = CourseFilterForm(request.GET or None)
    for error in querystring.messages_of(form) if form.is_bound else []:
        messages.error(request, error)
    page = page_of(
        request, selectors.course_list(request.user, **form.filters()), per_page=PER_PAGE
    )
    return render(
        request,
        "courses/list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring": querystring.without_page(request.GET),
            "may_add": permissions.can_add_course(request.user),
        },
    )


def course_new(request):
    coordinator = request.user.is_coordinator
    form = CourseForm(request.POST or None, coordinator=coordinator)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            course = services.course_add(by=request.user, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The course is in the list. Thank you.")
            return redirect(course)
    return render(
        request, "courses/course_form.html", {"form": form}, status=400 if form.errors else 200
    )


def course_detail(request, pk: int):
    course = _course(request, pk)
    user = request.user
    return render(
        request,
        "courses/detail.html",
        {
            "course": course,
            "reviews": page_of(request, selectors.reviews_of(course), per_page=PER_PAGE),
            "my_review": selectors.my_review(user, course),
            "may_request": permissions.can_request(user),
            "may_moderate": permissions.can_moderate(user),
            "colleagues": suggest_experts(user, course.areas.all(), limit=3),
            "networks": selectors.networks_for_areas(user, [a.pk for a in course.areas.all()]),
        },
    )


@require_POST
def course_hide(request, pk: int):
    course = _course(request, pk)
    permissions.require_can_moderate(request.user)
    form = HideForm(request.POST)
    hidden = form.is_valid() and form.cleaned_data["hidden"]
    services.course_hide(course=course, by=request.user, hidden=hidden)
    messages.success(
        request,
        "The course is hidden: only you see it." if hidden else "The course is listed again.",
    )
    return redirect(course)


def review(request, pk: int):
    course = _course(request, pk)
    permissions.require_can_review(request.user, course)
    logs = services.attended_request(request.user, course) is not None
    form = ReviewForm(
        request.POST or None, instance=selectors.my_review(request.user, course), logs=logs
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_save(
                by=request.user,
                course=course,
                attended_on=data["attended_on"],
                rating=data["rating"],
                recommend=data["recommend"],
                for_whom=data["for_whom"],
                comment=data["comment"],
                will_try=data.get("will_try", ""),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                "Thank you: your review is on the course's page."
                + (" The course is logged in your portfolio." if logs else ""),
            )
            return redirect(course)
    return render(
        request,
        "courses/review_form.html",
        {"form": form, "course": course},
        status=400 if form.errors else 200,
    )


# --- Requests to attend ---


def request_new(request, pk: int):
    course = _course(request, pk)
    permissions.require_can_request(request.user)
    goals = Goal.objects.filter(owner=request.user, status=Goal.Status.ACTIVE).order_by("title")
    form = RequestForm(request.POST or None, goals=goals, initial={"fee": course.cost})
    days = course_days(request.POST or None, starts_on=course.starts_on)
    if request.method == "POST" and form.is_valid() & days.is_valid():
        try:
            services.course_request_create(
                by=request.user, course=course, days=days.days(), **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, "Your request has gone to your CPD leader. You will be emailed the answer."
            )
            return redirect("courses:requests")
    failed = days.is_bound and (bool(form.errors) or not days.is_valid())
    return render(
        request,
        "courses/request_form.html",
        {
            "form": form,
            "days": days,
            "more_open": any(f.has_changed() for f in days.forms[1:]) if days.is_bound else False,
            "course": course,
            "has_goals": goals.exists(),
        },
        status=400 if failed else 200,
    )


def my_requests(request):
    page = page_of(request, selectors.my_requests(request.user), per_page=PER_PAGE)
    return render(
        request,
        "courses/requests.html",
        {"page_obj": page, "S": Booking.Status, "D": ReleaseRequest.Decision},
    )


@require_POST
def request_cancel(request, pk: int):
    try:
        found = selectors.request_for(request.user, pk)
    except CourseRequest.DoesNotExist:
        raise Http404 from None
    try:
        services.course_request_cancel(request=found, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request is cancelled; anything charged is refunded.")
    return redirect("courses:requests")


# --- Outside networks ---


def network_list(request):
    return render(
        request,
        "courses/networks.html",
        {
            "page_obj": page_of(request, selectors.outside_networks(), per_page=PER_PAGE),
            "may_keep": permissions.can_keep_networks(request.user),
        },
    )


def _network(pk: int) -> OutsideNetwork:
    try:
        return selectors.outside_network(pk)
    except OutsideNetwork.DoesNotExist:
        raise Http404 from None


def network_detail(request, pk: int):
    return render(
        request,
        "courses/network.html",
        {
            "network": _network(pk),
            "may_keep": permissions.can_keep_networks(request.user),
        },
    )


def network_form(request, pk: int | None = None):
    """Add an outside network, or change one: the coordinator's."""
    permissions.require_can_keep_networks(request.user)
    network = _network(pk) if pk is not None else None
    form = NetworkForm(request.POST or None, instance=network)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.network_save(by=request.user, network=network, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, f"“{saved.name}” is {'changed' if network else 'on the list'}."
            )
            return redirect(saved)
    return render(
        request,
        "courses/network_form.html",
        {"form": form, "network": network},
        status=400 if form.errors else 200,
    )


def network_remove(request, pk: int):
    """Remove an outside network: a page asks first, the POST removes it."""
    permissions.require_can_keep_networks(request.user)
    network = _network(pk)
    if request.method == "POST":
        services.network_remove(by=request.user, network=network)
        messages.success(request, f"“{network.name}” is removed from the list.")
        return redirect("outside_networks:list")
    return render(request, "courses/network_remove.html", {"network": network})
