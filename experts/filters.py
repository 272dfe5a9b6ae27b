"""The directory's search box and filters (django-filter)."""

import django_filters
from django.db.models import Exists, OuterRef, Subquery

from cpdhub.singleline import SingleLineFilter
from hubs.models import Phase, Subject, User

from .directory import directory_choices
from .models import ExpertProfile, ProfileArea
from .search import matching

OFFER_CHOICES = [
    ("advice", "Advice by email"),
    ("coaching", "Coaching or mentoring"),
    ("session", "Running a session"),
    ("visit", "Hosting a visit or observation"),
]
# Above this many schools the school list shows only the chosen hub's schools.
SCHOOL_LIST_LIMIT = 100


def _has(through, **match) -> Exists:
    """The profile has a row in one of its many-to-many tables (no join, so no repeats)."""
    return Exists(through.objects.filter(expertprofile=OuterRef("pk"), **match))


def _id_of(model, slug: str) -> Subquery:
    """The row's id by its slug, as a value the database reads once per query (not a join
    to the table for every profile it checks)."""
    return Subquery(model.objects.filter(slug=slug).values("pk")[:1])


def _choices_of(cached: dict, name: str):
    def choices() -> list[tuple[str, str]]:
        return [(value, label) for value, label, _ in cached[name]]

    return choices


class DirectoryFilter(django_filters.FilterSet):
    """
    Choices come from one query (directory.directory_choices) and are checked against it, so
    the filters cost one query however many are chosen. To-many filters are Exists
    subqueries: no profile is repeated and no DISTINCT is needed.
    """

    q = SingleLineFilter(label="Search", method="search", max_length=200)
    area = django_filters.ChoiceFilter(method="with_area", label="Area", empty_label="Any area")
    subject = django_filters.ChoiceFilter(
        method="with_subject", label="Subject", empty_label="Any subject"
    )
    phase = django_filters.ChoiceFilter(method="with_phase", label="Phase", empty_label="Any phase")
    hub = django_filters.ChoiceFilter(
        field_name="user__school__hub__slug", label="Hub", empty_label="Any hub"
    )
    school = django_filters.ChoiceFilter(
        field_name="user__school__urn", label="School", empty_label="Any school"
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.search_text: str | None = None
        cached = directory_choices()
        for name in ("area", "subject", "phase", "hub", "school"):
            # A callable, made into a list only when the form needs it: the form copies its
            # fields for every request, and copying a list of 2,000 schools cost ~8 ms each time.
            self.filters[name].extra["choices"] = _choices_of(cached, name)
        self._shorten_school_list(cached["school"])
        self.form.label_suffix = ""  # "Area", not "Area:", as on every other form here

    def _shorten_school_list(self, schools) -> None:
        """A list of thousands of schools helps nobody: narrow it to the chosen hub's."""
        if len(schools) <= SCHOOL_LIST_LIMIT:
            return
        hub = (self.data or {}).get("hub")
        chosen = (self.data or {}).get("school")
        field = self.form.fields["school"]
        field.widget.choices = [("", "Any school")] + [
            (value, label)
            for value, label, in_hub in schools
            if (hub and in_hub == hub) or value == chosen
        ]
        field.help_text = "" if hub else "Choose a hub first to list its schools."

    @property
    def chosen(self) -> dict[str, str]:
        """The label of each chosen filter, e.g. {"hub": "North hub"}, for headings."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {
            name: dict(self.form.fields[name].choices).get(value, "")
            for name, value in self.form.cleaned_data.items()
            if value and name != "q"
        }

    def search(self, queryset, name, value):
        return matching(queryset, value if self.search_text is None else self.search_text)

    def with_area(self, queryset, name, value):
        return queryset.filter(
            Exists(ProfileArea.objects.filter(profile=OuterRef("pk"), area__slug=value))
        )

    def with_subject(self, queryset, name, value):
        return queryset.filter(
            _has(ExpertProfile.subjects.through, subject_id=_id_of(Subject, value))
        )

    def with_phase(self, queryset, name, value):
        return queryset.filter(_has(ExpertProfile.phases.through, phase_id=_id_of(Phase, value)))

    def offering(self, queryset, name, value):
        offers = ProfileArea.objects.filter(profile=OuterRef("pk"), **{value: True})
        area = self.form.cleaned_data.get("area")
        if area:
            offers = offers.filter(area__slug=area)
        return queryset.filter(Exists(offers))

    def searching_for(self, text: str):
        """The same filters with other search text (a corrected spelling)."""
        self.search_text = text
        return self.filter_queryset(self.queryset.all())

    def others(self):
        """
        The filters chosen besides the text and the area, on every profile (not only live ones),
        or None when there are none: what an offer found by walking an area, live by its own
        columns, must still satisfy (directory.RankedPages._walk).
        """
        if not self.is_bound or not self.form.is_valid():
            return None
        chosen = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in {"q", "area"} and value not in (None, "")
        }
        if not chosen:
            return None
        queryset = ExpertProfile.objects.all()
        for name, value in chosen.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def without_text(self):
        """The same filters without the search text (what else a match must satisfy)."""
        if not self.is_bound:
            return self.queryset.all()
        searched, self.search_text = self.search_text, ""
        try:
            return self.filter_queryset(self.queryset.all())
        finally:
            self.search_text = searched
