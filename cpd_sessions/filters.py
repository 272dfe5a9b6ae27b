"""
The query strings of the session pages, each read through a form: the session list's filters
(django-filter, built from the same form fields), the recordings bank's search and the approvals
queue's tab and search. A null byte, a 10,000-character search or an unknown area is a message on
the page (and a 400), never a database error and a 500. Single values (an id, a slug, a page) are
read with ``cpdhub.querystring``.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict

from cpdhub.querystring import SearchForm, messages_of
from cpdhub.shared_cache import shared
from cpdhub.singleline import SingleLineFilter
from experts.models import ExpertiseArea
from hubs.models import Hub, SubjectNetwork

from . import suitability
from .models import DevelopmentSession

SEARCH_MAX = 200


@shared("session-filter-choices", depends_on=(ExpertiseArea, Hub, SubjectNetwork))
def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The area, hub and network choices: the same for everyone, cached until one changes."""
    return {
        "area": [(a.slug, str(a)) for a in ExpertiseArea.objects.all()],
        "hub": [(h.slug, str(h)) for h in Hub.objects.all()],
        "network": [(n.slug, str(n)) for n in SubjectNetwork.objects.all()],
    }


class SessionFilter(django_filters.FilterSet):
    q = SingleLineFilter(
        method="search",
        label="Search by topic, title, lead or school",
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. questioning, oracy"}),
    )
    area = django_filters.ModelChoiceFilter(
        queryset=ExpertiseArea.objects.all(),
        to_field_name="slug",
        method="with_area",
        label="Area",
        empty_label="Any area",
    )
    kind = django_filters.ChoiceFilter(
        # Coaching visits and external courses are private, never in the list.
        choices=[
            c
            for c in DevelopmentSession.Kind.choices
            if c[0] not in {"coaching_visit", "external_course"}
        ],
        label="Kind",
        empty_label="Any kind",
    )
    format = django_filters.ChoiceFilter(
        choices=DevelopmentSession.Format.choices, label="Format", empty_label="Any format"
    )
    hub = django_filters.ModelChoiceFilter(
        queryset=Hub.objects.all(),
        to_field_name="slug",
        method="in_hub",
        label="Hub",
        empty_label="Any hub",
    )
    network = django_filters.ModelChoiceFilter(
        queryset=SubjectNetwork.objects.all(),
        to_field_name="slug",
        field_name="network",
        label="Network",
        empty_label="Any network",
    )
    date_from = django_filters.DateFilter(
        field_name="end",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="start",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    suits_me = django_filters.BooleanFilter(
        method="suiting", label="Suits me", widget=forms.CheckboxInput
    )

    class Meta:
        model = DevelopmentSession
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.form.label_suffix = ""  # labels as on every other form here: "Area", not "Area:"
        # The choices from the cache (no query to draw the form); a submitted value is still
        # checked against the database by the field's queryset.
        for name, choices in filter_choices().items():
            field = self.form.fields[name]
            # Set underneath django-filter's setter, which would wrap them in a query iterator.
            field._choices = field.widget.choices = [("", field.empty_label), *choices]

    def search(self, queryset, name, value):
        """Every word in the title, description, an area, a lead's name or the venue's name."""
        leads = DevelopmentSession.leads.through.objects.filter(developmentsession=OuterRef("pk"))
        areas = DevelopmentSession.areas.through.objects.filter(developmentsession=OuterRef("pk"))
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(venue_school__name__icontains=word)
                | Exists(areas.filter(expertisearea__name__icontains=word))
                | Exists(
                    leads.filter(
                        Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                    )
                )
            )
        return queryset

    def with_area(self, queryset, name, value):
        through = DevelopmentSession.areas.through
        return queryset.filter(
            Exists(through.objects.filter(developmentsession=OuterRef("pk"), expertisearea=value))
        )

    def in_hub(self, queryset, name, value):
        return queryset.filter(Q(hub=value) | Q(venue_school__hub=value) | Q(network__hub=value))

    def suiting(self, queryset, name, value):
        """The sessions that suit me, by the one rule the digest uses too (suitability.py)."""
        if not value or self.user is None or not self.user.is_authenticated:
            return queryset
        return suitability.suiting(queryset, self.user)


class RecordingsQuery(SearchForm):
    area = forms.ModelChoiceField(
        queryset=ExpertiseArea.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "There is no such area: choose one from the list."},
    )


class ApprovalsQuery(SearchForm):
    SHOW = ("pending", "approved", "declined", "all")
    show = forms.ChoiceField(choices=[(s, s) for s in SHOW], required=False)


def approvals_query(params: QueryDict) -> tuple[str, str, list[str]]:
    """
    The approvals page's ``show`` and ``q``: (show, q, errors). Anything unusable falls back to
    the pending queue and no search, with the reason in ``errors`` for the page to show.
    """
    form = ApprovalsQuery(params)
    if form.is_valid():
        return form.cleaned_data["show"] or "pending", form.cleaned_data["q"], []
    show = params.get("show", "")
    return (show if show in ApprovalsQuery.SHOW else "pending"), "", messages_of(form)
