"""
A school's review pages. The school's page (/schools/<urn>/review/) is for its CPD leaders and
the coordinator (levels and completion); a year's review is found only by those who may read it
(permissions.can_read), anyone else gets 404. Every write is a POST through a service, which
checks its rule. The survey's own page (/survey/<token>/) needs no sign-in: the token is the
key, and what is posted is stored with nothing that points back to it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cpdhub.academic_year import current_academic_year
from cpdhub.forms import errors_to_form
from cpdhub.paging import page_of
from hubs.models import School

from . import peer, permissions, selectors, services, survey
from .forms import ActionForm, FindingsForm, PartRatingForm, ReviewerForm, SurveyForm, VisitForm
from .models import Action, Finding, Part, Review


def _school(urn: int) -> School:
    return get_object_or_404(School, urn=urn)


def _review(request, urn: int, year: int) -> Review:
    found = selectors.review_for(_school(urn), year)
    if found is None:
        raise Http404("No such review.")
    permissions.require_can_read(request.user, found)
    return found


def school(request, urn: int):
    """The school's reviews year on year (levels by part), and this year's stage."""
    found = _school(urn)
    permissions.require_can_see_levels(request.user, found)
    year = current_academic_year()
    if request.method == "POST":
        review = services.review_start(school=found, year=year, by=request.user)
        messages.success(request, f"The {review.year_label} review has started.")
        return redirect(review)
    parts, years = selectors.years_of(found)
    this_year = next((y.review for y in years if y.review.year == year), None)
    return render(
        request,
        "quality/school.html",
        {
            "school": found,
            "parts": parts,
            "years": years,
            "this_year": this_year,
            "year": year,
            "leads": permissions.leads(request.user, found),
            "stage": selectors.stage(this_year),
            "may_invite": this_year is not None
            and permissions.can_invite_reviewer(request.user, found)
            and selectors.is_under_way(this_year),
        },
    )


def _page(request, review: Review, status: int = 200, **forms):
    user = request.user
    leads = permissions.leads(user, review.school)
    survey_ = getattr(review, "survey", None)
    parts = list(review.framework.parts.all())
    levels = list(review.framework.levels.all())
    peer_review = getattr(review, "peer_review", None)
    findings = {f.part_id: f for f in peer_review.findings.all()} if peer_review else {}
    is_reviewer = permissions.is_reviewer(user, review)
    context = {
        "review": review,
        "school": review.school,
        "framework": review.framework,
        "rows": selectors.part_rows(review),
        "leads": leads,
        "is_reviewer": is_reviewer,
        "survey": survey_,
        "results": survey.results(survey_, parts, levels),
        "peer": peer_review,
        "findings": [(p, findings.get(p.pk)) for p in parts],
        "actions": list(review.actions.select_related("part", "owner").order_by("done", "pk")),
        "stage": selectors.stage(review),
        "reviewer_form": forms.get("reviewer_form")
        or (
            ReviewerForm(people=peer.reviewer_choices(review.school))
            if leads and selectors.is_under_way(review)
            else None
        ),
        "visit_form": forms.get("visit_form") or (VisitForm() if is_reviewer else None),
        "action_form": forms.get("action_form")
        or (
            ActionForm(parts=parts, staff=list(survey.staff_of(review.school_id)))
            if leads
            else None
        ),
    }
    return render(request, "quality/review.html", context, status=status)


def review(request, urn: int, year: int):
    return _page(request, _review(request, urn, year))


def part(request, urn: int, year: int, number: int):
    """The self-review of one part: each criterion on a level, a comment and evidence."""
    found = _review(request, urn, year)
    permissions.require_leads(request.user, found)
    part_ = get_object_or_404(Part, framework_id=found.framework_id, number=number)
    ratings = list(
        found.ratings.filter(criterion__part=part_).select_related("criterion__part", "level")
    )
    levels = list(found.framework.levels.all())
    form = PartRatingForm(
        request.POST if request.method == "POST" else None, ratings=ratings, levels=levels
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ratings_save(
                review=found, part=part_, by=request.user, ratings=form.ratings_data()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"Part {part_.number} is saved.")
            return redirect(found)
    figures = selectors.school_figures(found.school_id, found.year).get(part_.figures, [])
    return render(
        request,
        "quality/part.html",
        {"review": found, "part": part_, "form": form, "levels": levels, "figures": figures},
        status=400 if form.errors else 200,
    )


def _act(request, found: Review, write, done: str):
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(found)


@require_POST
def self_review_done(request, urn: int, year: int):
    found = _review(request, urn, year)
    return _act(
        request,
        found,
        lambda: services.self_review_done(review=found, by=request.user),
        "The self-review is marked done.",
    )


@require_POST
def share(request, urn: int, year: int):
    found = _review(request, urn, year)
    shared = request.POST.get("shared") == "on"
    return _act(
        request,
        found,
        lambda: services.review_share(review=found, by=request.user, shared=shared),
        "The report is shared with the coordinator."
        if shared
        else "The report is no longer shared with the coordinator.",
    )


@require_POST
def survey_open(request, urn: int, year: int):
    found = _review(request, urn, year)
    return _act(
        request,
        found,
        lambda: survey.survey_open(review=found, by=request.user),
        "The staff survey is open: every member of staff gets one email with their own link.",
    )


@require_POST
def survey_close(request, urn: int, year: int):
    found = _review(request, urn, year)
    if getattr(found, "survey", None) is None:
        raise Http404("No survey.")
    return _act(
        request,
        found,
        lambda: survey.survey_close(survey=found.survey, by=request.user),
        "The staff survey is closed.",
    )


def _invite_review(request, urn: int, year: int) -> Review:
    """The review a peer reviewer is invited to: found by whoever may read it or invite to it
    (the coordinator invites without reading: levels and completion only); 404 for the rest."""
    found = selectors.review_for(_school(urn), year)
    user = request.user
    if found is None or not (
        permissions.can_read(user, found) or permissions.can_invite_reviewer(user, found.school)
    ):
        raise Http404("No such review.")
    permissions.require_can_invite_reviewer(user, found.school)
    return found


def reviewer_invite(request, urn: int, year: int):
    """Invite (or change) the peer reviewer: the school's CPD leaders (also on the review's
    page) and the coordinator (from /coordinator/quality/). The page shows the school, the
    stage and the reviewer, never the review's words."""
    found = _invite_review(request, urn, year)
    form = ReviewerForm(
        request.POST if request.method == "POST" else None,
        people=peer.reviewer_choices(found.school),
    )
    if request.method == "POST" and form.is_valid():
        try:
            peer.reviewer_invite(
                review=found, by=request.user, reviewer=form.cleaned_data["reviewer"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The peer reviewer is invited: we have emailed them.")
            if permissions.can_read(request.user, found):
                return redirect(found)
            return redirect("quality:school", urn=found.school.urn)
    return render(
        request,
        "quality/invite.html",
        {
            "review": found,
            "school": found.school,
            "peer": getattr(found, "peer_review", None),
            "stage": selectors.stage(found),
            "under_way": selectors.is_under_way(found),
            "form": form,
            "back": found.get_absolute_url()
            if permissions.can_read(request.user, found)
            else reverse("quality:school", kwargs={"urn": found.school.urn}),
        },
        status=400 if form.errors else 200,
    )


def _peer(request, found: Review):
    peer_review = getattr(found, "peer_review", None)
    if peer_review is None:
        raise Http404("No peer review.")
    return peer_review


@require_POST
def visit_plan(request, urn: int, year: int):
    found = _review(request, urn, year)
    peer_review = _peer(request, found)
    permissions.require_is_reviewer(request.user, found)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            session = peer.visit_plan(peer=peer_review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, "The visit is planned: book it here to ask your CPD leader for release."
            )
            return redirect(session)
    return _page(request, found, status=400, visit_form=form)


def findings(request, urn: int, year: int):
    """The peer reviewer's findings, part by part."""
    found = _review(request, urn, year)
    peer_review = _peer(request, found)
    permissions.require_is_reviewer(request.user, found)
    parts = list(found.framework.parts.all())
    form = FindingsForm(
        request.POST if request.method == "POST" else None,
        parts=parts,
        levels=list(found.framework.levels.all()),
        findings={f.part_id: f for f in Finding.objects.filter(peer_review=peer_review)},
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            peer.findings_save(
                peer=peer_review, by=request.user, findings=form.findings_data(), submit=submit
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                "Your report is sent to the school to accept." if submit else "Findings saved.",
            )
            return redirect(found)
    return render(
        request,
        "quality/findings.html",
        {"review": found, "peer": peer_review, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def report_accept(request, urn: int, year: int):
    found = _review(request, urn, year)
    peer_review = _peer(request, found)
    return _act(
        request,
        found,
        lambda: peer.report_accept(peer=peer_review, by=request.user),
        "The peer review report is accepted.",
    )


@require_POST
def action_add(request, urn: int, year: int):
    found = _review(request, urn, year)
    permissions.require_leads(request.user, found)
    form = ActionForm(
        request.POST,
        parts=list(found.framework.parts.all()),
        staff=list(survey.staff_of(found.school_id)),
    )
    if form.is_valid():
        try:
            services.action_add(review=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The action is added to the plan.")
            return redirect(found)
    return _page(request, found, status=400, action_form=form)


@require_POST
def action_done(request, urn: int, year: int, pk: int):
    found = _review(request, urn, year)
    action = get_object_or_404(Action, review=found, pk=pk)
    done = request.POST.get("done") == "on"
    return _act(
        request,
        found,
        lambda: services.action_done(action=action, by=request.user, done=done),
        "The action is marked done." if done else "The action is open again.",
    )


def community(request):
    """/coordinator/quality/: reviews done and due, levels by part, actions by part."""
    permissions.require_can_see_community(request.user)
    return render(
        request,
        "quality/community.html",
        {
            "data": selectors.community(
                page_of(request, selectors.schools(), per_page=selectors.SCHOOLS_PER_PAGE)
            )
        },
    )


# --- The survey's own page -------------------------------------------------------------------


@login_not_required
@never_cache
def answer(request, token: str):
    invite = survey.invite_for_token(token)
    if invite is None:
        raise Http404("This is not a survey link.")
    found = invite.survey
    review_ = found.review
    parts = list(review_.framework.parts.all())
    levels = list(review_.framework.levels.all())
    if invite.answered or not found.is_open:
        return render(
            request,
            "quality/survey_done.html",
            {"school": review_.school, "answered": invite.answered},
        )
    form = SurveyForm(
        request.POST if request.method == "POST" else None, parts=parts, levels=levels
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey.survey_answer(token=token, scores=form.scores())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return render(
                request, "quality/survey_done.html", {"school": review_.school, "answered": True}
            )
    return render(
        request,
        "quality/survey.html",
        {"form": form, "school": review_.school, "review": review_, "levels": levels},
        status=400 if form.errors else 200,
    )
