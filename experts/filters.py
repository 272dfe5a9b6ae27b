"""The directory's search box and filters (django-filter)."""

import django_filters
from django.db.models import Exists, OuterRef

from hubs.models import Hub, Phase, School, Subject, User

from .models import ExpertiseArea, ExpertProfile, ProfileArea
from .search import matching, with_vector

OFFER_CHOICES = [
    ("advice", "Advice by email"),
    ("coaching", "Coaching or mentoring"),
    ("session", "Running a session"),
    ("visit", "Hosting a visit or observation"),
]


def _has(through, **match) -> Exists:
    """The profile has a row in one of its many-to-many tables (no join, so no repeats)."""
    return Exists(through.objects.filter(expertprofile=OuterRef("pk"), **match))


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", max_length=200)
    # To-many filters are Exists subqueries, so no profile is repeated and no DISTINCT is needed.
    area = django_filters.ModelChoiceFilter(
        queryset=ExpertiseArea.objects.all(),
        to_field_name="slug",
        method="with_area",
        label="Area",
        empty_label="Any area",
    )
    subject = django_filters.ModelChoiceFilter(
        queryset=Subject.objects.all(),
        to_field_name="slug",
        method="with_subject",
        label="Subject",
        empty_label="Any subject",
    )
    phase = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.all(),
        to_field_name="slug",
        method="with_phase",
        label="Phase",
        empty_label="Any phase",
    )
    hub = django_filters.ModelChoiceFilter(
        queryset=Hub.objects.all(),
        to_field_name="slug",
        field_name="user__school__hub",
        label="Hub",
        empty_label="Any hub",
    )
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.all(),
        to_field_name="urn",
        field_name="user__school",
        label="School",
        empty_label="Any school",
    )
    offer = django_filters.ChoiceFilter(
        choices=OFFER_CHOICES, method="offering", label="Offer", empty_label="Any offer"
    )
    job_role = django_filters.ChoiceFilter(
        choices=User.JobRole.choices,
        field_name="user__job_role",
        label="Job role",
        empty_label="Any role",
    )

    class Meta:
        model = ExpertProfile
        fields: list[str] = []

    def search(self, queryset, name, value):
        return matching(with_vector(queryset), value)

    def with_area(self, queryset, name, value):
        return queryset.filter(
            Exists(ProfileArea.objects.filter(profile=OuterRef("pk"), area=value))
        )

    def with_subject(self, queryset, name, value):
        return queryset.filter(_has(ExpertProfile.subjects.through, subject=value))

    def with_phase(self, queryset, name, value):
        return queryset.filter(_has(ExpertProfile.phases.through, phase=value))

    def offering(self, queryset, name, value):
        offers = ProfileArea.objects.filter(profile=OuterRef("pk"), **{value: True})
        area = self.form.cleaned_data.get("area")
        if area is not None:
            offers = offers.filter(area=area)
        return queryset.filter(Exists(offers))
