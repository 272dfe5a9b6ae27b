"""The directory: search, profiles, contact, and my own profile."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from cpdhub import csvsafe
from cpdhub.ratelimit import limited

from . import permissions, selectors, services
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
        else selectors.RankedPages(profiles, query, page=number, size=PAGE_SIZE),
        PAGE_SIZE,
    )
    correction = None
    if query and not paginator.count and (again := selectors.respelled(search, query)):
        correction, corrected = again
        paginator = Paginator(
            selectors.RankedPages(corrected, correction, page=number, size=PAGE_SIZE), PAGE_SIZE
        )
    page = paginator.get_page(number)
    context = {
        "filter": search,
        "page": page,
        "query": query,
        "correction": correction,
        "related": selectors.related_areas(query) if query and not paginator.count else [],
        "querystring": _without_page(request),
    }
    template = "experts/_results.html" if request.htmx else "experts/directory.html"
    return render(request, template, context, status=400 if invalid else 200)


def _filtered(request):
    """The filters, the visible profiles they select, ranked, with card data (None if invalid),
    and the search text."""
    search = DirectoryFilter(
        request.GET or None, queryset=selectors.with_card_data(ExpertProfile.objects.visible())
    )
    if search.is_bound and not search.is_valid():
        return search, None, ""
    query = search.form.cleaned_data.get("q", "") if search.is_bound else ""
    return search, selectors.ranked(search.qs, query), query


def _listed(request):
    """The printable list and the CSV select as the directory does, spelling corrected too."""
    search, profiles, query = _filtered(request)
    if query and profiles is not None and not profiles.exists():
        again = selectors.respelled(search, query)
        if again:
            _, profiles = again
    return search, profiles


@limited("directory_export")
def printable(request):
    """The termly directory as a clear, printable list, filterable by hub and area."""
    search, profiles = _listed(request)
    if profiles is None:
        return render(request, "experts/print.html", {"filter": search, "profiles": []}, status=400)
    return render(request, "experts/print.html", {"filter": search, "profiles": profiles})


@limited("directory_export")
def export_csv(request):
    _search, profiles = _listed(request)
    if profiles is None:
        return HttpResponse("Those filters are not valid.", status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cpd-directory.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(
        ["Name", "Job role", "School", "Hub", "Headline", "Areas and offers", "Contact", "Profile"]
    )
    for expert in profiles:
        school = expert.user.school
        writer.writerow(
            [
                expert.user.full_name,
                expert.user.get_job_role_display(),
                school.name if school else "",
                school.hub.name if school and school.hub else "",
                expert.headline,
                "; ".join(
                    f"{o.area.name} ({', '.join(o.offer_labels)})" for o in expert.offers.all()
                ),
                expert.user.email
                if expert.contact_preference == ExpertProfile.Contact.EMAIL
                else "Contact form",
                request.build_absolute_uri(expert.get_absolute_url()),
            ]
        )
    return response


def stale(request):
    permissions.require_can_see_stale_profiles(request.user)
    return render(
        request,
        "experts/stale.html",
        {"profiles": selectors.stale_profiles().order_by("last_confirmed_at")},
    )


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


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
    form = ContactForm(profile=expert)
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
        ContactRequest.objects.select_related("profile__user"), pk=pk, sender=request.user
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
