"""The directory's search box and filters (django-filter)."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from hubs.models import Hub, Phase, School, Subject, User

from .models import ExpertiseArea, ExpertProfile, ProfileArea

OFFER_CHOICES = [
    ("advice", "Advice by email"),
    ("coaching", "Coaching or mentoring"),
    ("session", "Running a session"),
    ("visit", "Hosting a visit or observation"),
]


def text_search(queryset, words: list[str]):
    """Each word must appear somewhere: name, headline, bio, school, subjects, areas, synonyms."""
    for word in words:
        in_areas = Exists(
            ProfileArea.objects.filter(profile=OuterRef("pk")).filter(
                Q(area__name__icontains=word) | Q(area__synonyms__icontains=word)
            )
        )
        in_subjects = Exists(
            ExpertProfile.subjects.through.objects.filter(
                expertprofile=OuterRef("pk"), subject__name__icontains=word
            )
        )
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(headline__icontains=word)
            | Q(bio__icontains=word)
            | Q(user__school__name__icontains=word)
            | in_areas
            | in_subjects
        )
    return queryset


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", max_length=200)
    area = django_filters.ModelChoiceFilter(
        queryset=ExpertiseArea.objects.all(),
        to_field_name="slug",
        field_name="offers__area",
        label="Area",
        empty_label="Any area",
    )
    subject = django_filters.ModelChoiceFilter(
        queryset=Subject.objects.all(),
        to_field_name="slug",
        field_name="subjects",
        label="Subject",
        empty_label="Any subject",
    )
    phase = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.all(),
        to_field_name="slug",
        field_name="phases",
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
        words = value.split()[:8]
        return text_search(queryset, words) if words else queryset

    def offering(self, queryset, name, value):
        offers = ProfileArea.objects.filter(profile=OuterRef("pk"), **{value: True})
        area = self.form.cleaned_data.get("area")
        if area is not None:
            offers = offers.filter(area=area)
        return queryset.filter(Exists(offers))

    @property
    def qs(self):
        # Filtering on a to-many join can repeat a profile; Exists-based filters do not, but
        # area/subject/phase joins can.
        return super().qs.distinct()
