"""The CPD leader's pages: release requests to decide, staff budgets and each person's record."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from cpdhub import csvsafe, querystring
from cpdhub.academic_year import current_academic_year, parse_year_label, year_label
from cpdhub.paging import page_of

from . import (
    fee_shares,
    permissions,
    staff_record,
)
from .alternatives import community_offers
from .approvals import (
    DecisionRefused,
    approvals_search,
    queue_totals,
    release_queue,
    releases_approve,
)
from .approvals import release_decide as decide_release
from .budget import (
    approval_effects,
    budgets_set_many,
    has_budget,
    pairs_with_budget,
    school_totals,
    staff_budget_rows,
    users_led_by,
)
from .budget import budget_set as set_budget
from .budget import staff_budgets as staff_budgets_of
from .filters import approvals_query
from .forms import (
    BudgetForAllForm,
    BudgetForm,
    DecideForm,
    StaffBudgetsForm,
)
from .models import ReleaseRequest
from .money import format_money

# --- Approvals (CPD leaders) ---


def approvals(request):
    permissions.require_can_see_approvals(request.user)
    show, q, errors = approvals_query(request.GET)
    for error in errors:
        messages.error(request, error)
    queue = approvals_search(request.user, show=show, q=q)
    page = page_of(request, queue)
    rows = list(page)
    # A private session's days (an external course on three days): one query for the page.
    prefetch_related_objects(rows, "booking__session__dates")
    approval_effects(rows)  # the page's own rows, with their effects
    community_offers(rows)  # an external course: colleagues who offer the same, to ask first
    return render(
        request,
        "cpd_sessions/approvals.html",
        {
            "releases": page,
            "school_totals": _school_totals(request.user, rows),
            "totals": queue_totals(queue),
            "show": show,
            "q": q,
            "decide_form": DecideForm(),
            "shares": fee_shares.school_shares(request.user),
            "budget_form": BudgetForm(),
        },
    )


def _school_totals(leader, rows) -> list:
    """The whole school's figures (not the filtered people's) for the schools the leader leads
    and those on the page, in the academic years of the requests shown (or this one)."""
    schools = set(leader.led_school_ids) | {r.booking.user.school_id for r in rows}
    years = sorted({r.booking.session.academic_year for r in rows}) or [current_academic_year()]
    return [total for year in years for total in school_totals(schools, year)]


def _no_budget_warning(person, academic_year: int) -> str:
    return (
        f"{person.full_name} has no CPD budget set for {year_label(academic_year)}: the cost is "
        "charged with no budget to check it against. Set their budget on the staff budgets page."
    )


def _back_to_queue(request):
    """Back to the approvals page on the tab and search the leader was on (kept after an error)."""
    show, q, _ = approvals_query(request.POST)
    params = {"show": show} | ({"q": q} if q else {})
    return redirect(f"{reverse('cpd_sessions:approvals')}?{urlencode(params)}")


def _release_or_404(request, pk: int) -> ReleaseRequest:
    permissions.require_can_see_approvals(request.user)
    return get_object_or_404(release_queue(request.user), pk=pk)


@require_POST
def release_decide(request, pk: int):
    release = _release_or_404(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to_queue(request)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decide_release(
            release=release,
            by=request.user,
            approve=approve,
            reason=form.cleaned_data["reason"],
            allow_over_budget=form.cleaned_data["over_budget"],
        )
    except DecisionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        person = release.booking.user
        name = person.full_name
        messages.success(
            request,
            f"Approved: {name} is booked on." if approve else f"Declined: {name} is told why.",
        )
        year = release.booking.session.academic_year
        if approve and not has_budget(person, year):
            messages.warning(request, _no_budget_warning(person, year))
    return _back_to_queue(request)


@require_POST
def approvals_bulk(request):
    permissions.require_can_see_approvals(request.user)
    ids = querystring.id_list(request.POST.getlist("release"))
    chosen = list(approvals_search(request.user, show="pending").filter(pk__in=ids))
    if not chosen:
        messages.error(request, "Tick the requests you want to approve.")
        return _back_to_queue(request)
    try:
        result = releases_approve(
            releases=chosen, by=request.user, allow_over_budget="over_budget" in request.POST
        )
    except DecisionRefused as refusal:
        messages.error(request, f"Nothing was approved: {refusal}")
    else:
        count = len(result.approved)
        if count:
            messages.success(request, f"Approved {count} request{'s' if count != 1 else ''}.")
        budgeted = pairs_with_budget(
            (r.booking.user_id, r.booking.session.academic_year) for r in result.approved
        )
        unbudgeted = [
            r
            for r in result.approved
            if (r.booking.user_id, r.booking.session.academic_year) not in budgeted
        ]
        if unbudgeted:
            names = ", ".join(r.booking.user.full_name for r in unbudgeted)
            messages.warning(
                request,
                f"Approved with no CPD budget set for the year: {names}. Their costs are charged "
                "with no budget to check them against; set their budgets on the staff budgets "
                "page.",
            )
        if result.over_budget:
            names = ", ".join(r.booking.user.full_name for r in result.over_budget)
            messages.error(
                request,
                f"Not approved, because they would go over budget: {names}. Approve each one "
                "on its own with “Approve anyway”, or tick “Approve over budget too”.",
            )
    return _back_to_queue(request)


@require_POST
def budget_set(request, user_id: int):
    permissions.require_can_see_approvals(request.user)
    person = get_object_or_404(users_led_by(request.user), pk=user_id)
    form = BudgetForm(request.POST)
    year = parse_year_label(request.POST.get("academic_year", ""))
    if year is None:
        messages.error(request, "Choose the academic year, written as schools do, e.g. 2026/27.")
    elif not form.is_valid():
        messages.error(request, "Enter the budget as an amount from £0 to £20,000.")
    else:
        set_budget(
            user=person,
            academic_year=year,
            allocated=form.cleaned_data["allocated"],
            by=request.user,
        )
        messages.success(
            request, f"{person.full_name}'s CPD budget for {year_label(year)} is saved."
        )
    return _back_to_queue(request)


# --- Staff budgets and each person's record (CPD leaders) ---

STAFF_PAGE_SIZE = 100


def _chosen_year(request, source=None) -> int:
    """The academic year asked for (``?year=2026/27``), or this one, saying so when unreadable."""
    label = (request.GET if source is None else source).get("year", "")
    year = parse_year_label(label) if label else None
    if year is not None:
        return year
    if label:
        messages.error(request, "Write the academic year as schools do, for example 2026/27.")
    return current_academic_year()


def staff_budgets(request):
    """Every member of staff the leader sets budgets for: allocation, spent, remaining,
    committed; set many at once (each a figure, or one figure for all)."""
    permissions.require_can_see_approvals(request.user)
    year = _chosen_year(request)
    page = Paginator(staff_budgets_of(request.user, year), STAFF_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = staff_budget_rows(page.object_list)
    form = StaffBudgetsForm(request.POST or None, people=rows)
    # The whole school's figures, whichever page of people is shown.
    schools = set(request.user.led_school_ids) | {person.school_id for person in rows}
    if request.method == "POST" and form.is_valid():
        changed = form.changed_allocations()
        if changed:
            budgets_set_many(allocations=changed, academic_year=year, by=request.user)
            count = len(changed)
            messages.success(
                request, f"Saved {count} budget{'s' if count != 1 else ''} for {year_label(year)}."
            )
        else:
            messages.info(request, "Nothing to save: no budget was changed.")
        return redirect(request.get_full_path())
    return render(
        request,
        "cpd_sessions/budgets.html",
        {
            "year": year_label(year),
            "page": page,
            "rows": [(person, form[f"budget-{person.pk}"]) for person in rows],
            "form": form,
            "all_form": BudgetForAllForm(),
            "years": _years_around(year),
            "unset": sum(1 for person in rows if not person.budget_set),
            "school_totals": school_totals(schools, year),
            "querystring": querystring.without_page(request.GET),
        },
        status=400 if form.errors else 200,
    )


def _years_around(year: int) -> list[str]:
    """The years to choose from, as schools write them: last, this and next, and the one shown."""
    this = current_academic_year()
    return [year_label(y) for y in sorted({this - 1, this, this + 1, year})]


@require_POST
def staff_budgets_all(request):
    """One figure for everyone listed, or for those with no budget set yet."""
    permissions.require_can_see_approvals(request.user)
    year = _chosen_year(request, request.POST)
    form = BudgetForAllForm(request.POST)
    back = f"{reverse('cpd_sessions:budgets')}?{urlencode({'year': year_label(year)})}"
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    people = staff_budgets_of(request.user, year)
    if form.cleaned_data["who"] == "unset":
        people = people.filter(budget_set=False)
    amount = form.cleaned_data["allocated"]
    chosen = dict.fromkeys(people, amount)
    if not chosen:
        messages.info(request, "Everyone already has a budget for the year: nothing changed.")
        return redirect(back)
    budgets_set_many(allocations=chosen, academic_year=year, by=request.user)
    count = len(chosen)
    messages.success(
        request,
        f"Set {format_money(amount)} for {count} {'person' if count == 1 else 'people'} "
        f"for {year_label(year)}.",
    )
    return redirect(back)


def _person_led_or_404(request, user_id: int):
    permissions.require_can_see_approvals(request.user)
    return get_object_or_404(users_led_by(request.user).select_related("school"), pk=user_id)


def cpd_record(request, user_id: int):
    """A person's CPD record this year (sessions only), printable."""
    person = _person_led_or_404(request, user_id)
    year = _chosen_year(request)
    return render(
        request,
        "cpd_sessions/record.html",
        {
            "record": staff_record.cpd_record(person, year),
            "years": _years_around(year),
            "year": year_label(year),
        },
    )


def cpd_record_csv(request, user_id: int):
    person = _person_led_or_404(request, user_id)
    year = _chosen_year(request)
    record = staff_record.cpd_record(person, year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(person.full_name) or f"person-{person.pk}"
    response["Content-Disposition"] = (
        f'attachment; filename="cpd-record-{name}-{year_label(year).replace("/", "-")}.csv"'
    )
    write = csvsafe.writer(response).writerow
    write(["Person", person.full_name, "School", person.school.name if person.school else ""])
    write(["Academic year", year_label(year)])
    write([])
    write(
        ["Session", "First meeting", "Meetings", "Hours", "Booking", "Present", "Release cost (£)"]
    )
    for row in record.rows:
        session = row.booking.session
        write(
            [
                session.title,
                timezone.localtime(session.start).strftime("%d/%m/%Y %H:%M"),
                row.meetings,
                row.hours,
                row.booking.get_status_display(),
                {True: "Yes", False: "No", None: ""}[row.present],
                row.release_cost,
            ]
        )
    write([])
    write(["Sessions booked", record.booked])
    write(["Sessions attended", record.attended])
    write(["Hours attended", record.hours])
    write(["Release costs (£)", record.release_costs])
    return response
