"""The directory: search, profiles, contact, and my own profile."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from cpdhub import csvsafe, querystring
from cpdhub.ratelimit.limits import limited
from hubs.models import User

from . import permissions, selectors, services
from .directory import RankedPages, ranked, related_areas, respelled, results_key
from .extras import extras_for
from .filters import DirectoryFilter
from .forms import ContactForm, ProfileAreaFormSet, ProfileForm, ThankYouForm
from .models import ContactRequest, ExpertProfile, ProfileArea

PAGE_SIZE = 20


@limited("directory")
def directory(request):
    search, profiles, query = _filtered(request)
    invalid = profiles is None
    number = _page_number(request)
    paginator = Paginator(
        ExpertProfile.objects.none()
        if invalid
        else RankedPages(
            profiles,
            query,
            page=number,
            size=PAGE_SIZE,
            area=search.form.cleaned_data.get("area") if search.is_bound else None,
            unsearched=search.without_text(),
            cache_key=results_key(request.GET),
            others=search.others(),
        ),
        PAGE_SIZE,
    )
    correction = None
    if query and not paginator.count and (again := respelled(search, query)):
        correction, corrected = again
        unmatched = paginator
        paginator = Paginator(
            RankedPages(
                corrected,
                correction,
                page=number,
                size=PAGE_SIZE,
                unsearched=search.without_text(),
                cache_key=results_key(request.GET) + ":respelled",
                others=search.others(),
            ),
            PAGE_SIZE,
        )
        if not paginator.count:  # a correction is offered only where it finds someone
            correction, paginator = None, unmatched
    page = paginator.get_page(number)
    context = {
        "filter": search,
        "page": page,
        "capped": getattr(paginator.object_list, "capped", False),
        "query": query,
        "correction": correction,
        # What was searched for, carried to a profile so its contact form starts on that area.
        "about": request.GET.get("area") or correction or query,
        "related": related_areas(query) if query and not paginator.count else [],
        # Beside the people, what other apps find (courses): a few of each, for a full page.
        "extras": [] if invalid else extras_for(query or ""),
        "querystring": _without_page(request),
    }
    template = "experts/_results.html" if request.htmx else "experts/directory.html"
    return render(request, template, context, status=400 if invalid else 200)


def _filtered(request):
    """The filters, the visible profiles they select (unranked; None if the filters are not
    valid), and the search text."""
    search = DirectoryFilter(request.GET or None, queryset=ExpertProfile.objects.visible())
    if search.is_bound and not search.is_valid():
        return search, None, ""
    query = search.form.cleaned_data.get("q", "") if search.is_bound else ""
    return search, search.qs, query


def _listed(request):
    """The printable list and the CSV select as the directory does, spelling corrected too,
    ranked as it ranks."""
    search, profiles, query = _filtered(request)
    if profiles is None:
        return search, None
    if query and not profiles.exists() and (again := respelled(search, query)):
        query, profiles = again
    return search, ranked(profiles, query)


# The printable list: pages of this many, grouped by school; a selection of more than
# PRINT_LIMIT asks for a hub or an area (or the spreadsheet) instead of listing.
PRINT_PAGE_SIZE = 200
PRINT_LIMIT = 2_000


@limited("directory_export")
def printable(request):
    """The termly directory as a clear, printable list, filterable by hub and area, grouped by
    school (so sorted by school) and bounded: a page at a time, and never more than PRINT_LIMIT
    people in all (a larger selection is asked to choose a hub or an area)."""
    search, profiles = _listed(request)
    context = {"filter": search, "page": None, "too_many": False, "limit": PRINT_LIMIT}
    if profiles is None:
        return render(request, "experts/print.html", context, status=400)
    # Counting stops at PRINT_LIMIT + 1: the cost is bounded whatever the community's size.
    if profiles.order_by()[: PRINT_LIMIT + 1].count() > PRINT_LIMIT:
        context["too_many"] = True
        return render(request, "experts/print.html", context)
    by_school = selectors.with_card_data(profiles).order_by("user__school__name", "sort_name", "pk")
    context["page"] = Paginator(by_school, PRINT_PAGE_SIZE).get_page(_page_number(request))
    context["querystring"] = _without_page(request)
    return render(request, "experts/print.html", context)


class _Line:
    """What csv.writer writes to when each row is to be returned, not stored."""

    def write(self, text: str) -> str:
        return text


CSV_HEADER = [
    "Name",
    "Job role",
    "School",
    "Hub",
    "Headline",
    "Areas and offers",
    "Contact",
    "Profile",
]


@limited("directory_export")
def export_csv(request):
    """The directory as a spreadsheet, streamed: rows are written as they are read from a
    server-side cursor, so the first byte leaves at once and memory does not grow with the
    number of profiles (bench/directory.py measures both)."""
    _search, profiles = _listed(request)
    if profiles is None:
        return HttpResponse("Those filters are not valid.", status=400, content_type="text/plain")
    response = StreamingHttpResponse(
        _csv_lines(
            selectors.export_rows(profiles),
            request.build_absolute_uri(reverse("experts:directory")),
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="cpd-directory.csv"'
    return response


def _csv_lines(rows, directory_url: str, lines_per_chunk: int = 500):
    """The CSV's text in chunks of a few hundred lines, every cell formula-safe (csvsafe)."""
    writer = csvsafe.writer(_Line())
    roles = dict(User.JobRole.choices)
    yield writer.writerow(CSV_HEADER)
    lines = []
    for pk, first, last, role, school, hub, headline, contact, email, offers in rows:
        lines.append(
            writer.writerow(
                [
                    f"{first} {last}".strip(),
                    roles.get(role, role),
                    school or "",
                    hub or "",
                    headline,
                    offers,
                    email if contact == ExpertProfile.Contact.EMAIL else "Contact form",
                    f"{directory_url}{pk}/",
                ]
            )
        )
        if len(lines) >= lines_per_chunk:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


STALE_PAGE_SIZE = 50


def stale(request):
    permissions.require_can_see_stale_profiles(request.user)
    page = Paginator(selectors.stale_profiles(), STALE_PAGE_SIZE).get_page(_page_number(request))
    return render(
        request, "experts/stale.html", {"page": page, "querystring": _without_page(request)}
    )


def _page_number(request) -> int:
    return querystring.page_param(request.GET)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@limited("profile")
def profile(request, pk: int):
    try:
        expert = selectors.profile_for(pk, request.user)
    except ExpertProfile.DoesNotExist:
        raise Http404 from None
    form = ContactForm(profile=expert, about=querystring.text_param(request.GET, "about"))
    return render(request, "experts/profile.html", _profile_context(request, expert, form))


def _profile_context(request, expert, form) -> dict:
    capacity_left = None
    if expert.termly_capacity is not None:
        capacity_left = max(expert.termly_capacity - selectors.requests_this_term(expert), 0)
    return {
        "expert": expert,
        # Rendered and sanitised by nh3 when the profile was saved (cpdhub/markup.py).
        "bio_html": mark_safe(expert.bio_html),  # noqa: S308
        "form": form,
        "may_contact": permissions.can_contact(request.user, expert),
        "taking_requests": capacity_left is None or capacity_left > 0,
        "is_live": expert.is_live(),
        "thanks": list(
            expert.contact_requests.exclude(thank_you="")
            .select_related("sender__school")
            .order_by("-helped_at")[:3]
        ),
    }


@require_POST
@limited("contact")
def contact(request, pk: int):
    try:
        expert = selectors.profile_for(pk, request.user)
    except ExpertProfile.DoesNotExist:
        raise Http404 from None
    if not permissions.can_contact(request.user, expert):
        messages.error(request, "This is your own profile.")
        return redirect(expert)
    form = ContactForm(request.POST, profile=expert)
    if form.is_valid():
        try:
            services.contact_request_create(
                profile=expert,
                sender=request.user,
                message=form.cleaned_data["message"],
                area=form.cleaned_data["area"],
            )
        except services.ContactRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"Your message has been sent to {expert.user.first_name}. "
                f"Their reply will come to {request.user.email}.",
            )
            return redirect(expert)
    return render(
        request, "experts/profile.html", _profile_context(request, expert, form), status=400
    )


def my_profile(request):
    expert = ExpertProfile.objects.filter(user=request.user).first()
    instance = expert or ExpertProfile(user=request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    offers = ProfileAreaFormSet(request.POST or None, instance=instance, prefix="offers")
    if request.method == "POST" and form.is_valid() and offers.is_valid():
        _, creating = services.profile_save(user=request.user, form=form, offers=offers)
        messages.success(
            request,
            "Your profile is saved." if not creating else "Your profile is live in the directory.",
        )
        return redirect("experts:me")
    received = []
    if expert is not None:
        received = list(expert.contact_requests.select_related("sender__school", "area")[:50])
    preview = (
        selectors.with_card_data(ExpertProfile.objects.filter(pk=expert.pk)).first()
        if expert
        else None
    )
    return render(
        request,
        "experts/me.html",
        {
            "form": form,
            "offers": offers,
            "offer_fields": ProfileArea.OFFER_FIELDS,
            "expert": preview,
            "expert_is_stale": preview is not None and not preview.is_live(),
            "received": received,
            "thank_form": ThankYouForm(),
            "sent": list(
                request.user.sent_contact_requests.select_related("profile__user", "area")[:20]
            ),
        },
    )


@require_POST
def confirm(request):
    expert = get_object_or_404(ExpertProfile, user=request.user)
    services.profile_confirm(profile=expert)
    messages.success(request, "Thank you: your profile is confirmed for this term.")
    return redirect("experts:me")


@require_POST
def mark_helped(request, pk: int):
    # Scoped to requests made to my own profile: anyone else's is simply not found.
    contact_request = get_object_or_404(ContactRequest, pk=pk, profile__user=request.user)
    services.contact_mark_helped(contact_request=contact_request)
    messages.success(request, "Marked as helped. Thank you for sharing what you know.")
    return redirect("experts:me")


@require_POST
def thank(request, pk: int):
    # Scoped to requests I sent: anyone else's is simply not found.
    contact_request = get_object_or_404(
        ContactRequest.objects.select_related("profile__user"),
        pk=pk,
        sender=request.user,
        profile__isnull=False,  # the expert's account was erased: nobody to thank
    )
    form = ThankYouForm(request.POST)
    if form.is_valid():
        services.contact_thank(contact_request=contact_request, note=form.cleaned_data["note"])
        messages.success(
            request,
            f"Thank you sent: it shows on {contact_request.profile.user.first_name}'s profile.",
        )
    else:
        messages.error(request, "Write a few words of thanks (up to 1,000 characters).")
    return redirect("experts:me")
