"""The directory: search, profiles, contact, and my own profile."""

import markdown
import nh3
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .filters import DirectoryFilter
from .forms import ContactForm, HelpedForm, ProfileAreaFormSet, ProfileForm
from .models import ContactRequest, ExpertProfile

PAGE_SIZE = 20


def render_bio(text: str) -> str:
    """Markdown, then sanitised: only harmless tags, links made safe."""
    html = markdown.markdown(text, extensions=["sane_lists"])
    return mark_safe(  # noqa: S308 - sanitised by nh3 on the line below
        nh3.clean(html, tags={"p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote"})
    )


def directory(request):
    base = selectors.with_card_data(ExpertProfile.objects.visible())
    search = DirectoryFilter(request.GET or None, queryset=base)
    profiles = base.none() if search.is_bound and not search.is_valid() else search.qs
    query = search.form.cleaned_data.get("q", "") if search.is_bound and search.is_valid() else ""
    page = Paginator(selectors.ranked(profiles, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": search,
        "page": page,
        "query": query,
        "related": selectors.related_areas(query) if query and not page.paginator.count else [],
        "querystring": _without_page(request),
    }
    template = "experts/_results.html" if request.htmx else "experts/directory.html"
    status = 400 if search.is_bound and not search.is_valid() else 200
    return render(request, template, context, status=status)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


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
        "bio_html": render_bio(expert.bio),
        "form": form,
        "may_contact": permissions.can_contact(request.user, expert),
        "taking_requests": capacity_left is None or capacity_left > 0,
        "is_live": expert.is_live(),
    }


@require_POST
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
        with transaction.atomic():
            saved = form.save(commit=False)
            creating = saved.pk is None
            saved.user = request.user
            if creating:
                from django.utils import timezone

                saved.last_confirmed_at = timezone.now()
            saved.save()
            form.save_m2m()
            offers.instance = saved
            offers.save()
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
            "expert": preview,
            "received": received,
            "helped_form": HelpedForm(),
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
    contact_request = get_object_or_404(
        ContactRequest.objects.select_related("profile"), pk=pk, profile__user=request.user
    )
    form = HelpedForm(request.POST)
    if form.is_valid():
        services.contact_mark_helped(
            contact_request=contact_request, thank_you=form.cleaned_data["thank_you"]
        )
        messages.success(request, "Marked as helped. Thank you for sharing what you know.")
    return redirect("experts:me")
