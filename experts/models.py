"""The expert directory: what staff offer each other, and the requests that connect them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cpdhub.singleline import SingleLineCharField
from cpdhub.textbounds import length_check
from hubs.models import Phase, School, Subject, Term
from hubs.term_dates import term_starts

# How much a person may write (a page of prose for a bio, a few paragraphs for a message).
BIO_MAX = 5_000
MESSAGE_MAX = 2_000
THANK_YOU_MAX = 1_000
# What a contact request says once either person's account is erased: the request still counts
# (how often people asked, how often it helped), its words are gone.
ERASED_MESSAGE = "(Removed: an account was erased.)"


class ExpertiseArea(models.Model):
    """A CPD theme people can offer help with, e.g. questioning or retrieval practice."""

    class Category(models.TextChoices):
        PEDAGOGY = "pedagogy", "Teaching and learning"
        CURRICULUM = "curriculum", "Curriculum and subject knowledge"
        INCLUSION = "inclusion", "Inclusion and SEND"
        BEHAVIOUR = "behaviour", "Behaviour and wellbeing"
        LEADERSHIP = "leadership", "Leadership and development"
        COMMUNITY = "community", "Families and community"

    name = SingleLineCharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    category = SingleLineCharField(max_length=20, choices=Category.choices)
    synonyms = SingleLineCharField(
        max_length=300,
        blank=True,
        help_text="Other words people search for, separated by commas "
        "(e.g. AfL, formative assessment).",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.split(",") if s.strip()]


def _term_starts(today: datetime.date):
    return Term.objects.filter(start__lte=today).order_by("-start").values("start")


def term_window_start(today: datetime.date | None = None) -> datetime.date | None:
    """A profile confirmed on or after this date is live: the start of last term (or this one)."""
    starts = term_starts(today or timezone.localdate())[:2]  # the cached terms: no query
    return starts[-1] if starts else None


def term_window_start_expression(today: datetime.date | None = None) -> Coalesce:
    """term_window_start() inside the query that needs it (no query of its own)."""
    starts = _term_starts(today or timezone.localdate())
    return Coalesce(Subquery(starts[1:2]), Subquery(starts[:1]), Value(datetime.date.min))


def live_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """
    The live-profile predicate, written once: not hidden, the person still active, confirmed
    this term or last (any confirmation at all while no term dates are set). Plain conditions
    on the profile's own row, so one profile is checked through its primary key, never as
    "pk IN (every visible profile)"; the window's start is a scalar subquery Postgres runs once
    per query (no query of its own). ``prefix`` reaches a profile from another model
    ("profile__").
    """
    return Q(
        **{
            f"{prefix}is_hidden": False,
            f"{prefix}user_is_active": True,
            f"{prefix}last_confirmed_at__date__gte": term_window_start_expression(today),
        }
    )


class ExpertProfileQuerySet(models.QuerySet):
    def visible(self, today: datetime.date | None = None) -> ExpertProfileQuerySet:
        """What others may see (``live_q``)."""
        return self.filter(live_q(today))


class ExpertProfile(models.Model):
    """One person's offer to the community (the seed's "Top Trump, but not to rank people")."""

    class Contact(models.TextChoices):
        EMAIL = "email", "Show my email address"
        FORM = "form", "Contact form only (my address stays private)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    headline = SingleLineCharField(
        max_length=140,
        help_text="One line: what you can help with, "
        "e.g. “Questioning that makes every pupil think”.",
    )
    bio = models.TextField(
        blank=True,
        max_length=BIO_MAX,
        help_text="What you have done and what colleagues can ask you about. Markdown is allowed. "
        f"Up to {BIO_MAX:,} characters.",
    )
    # The bio as sanitised HTML, rendered once when the profile is saved (experts/signals.py):
    # a page view never runs the Markdown renderer.
    bio_html = models.TextField(blank=True, default="", editable=False)
    areas = models.ManyToManyField(ExpertiseArea, through="ProfileArea", related_name="profiles")
    subjects = models.ManyToManyField(Subject, blank=True, related_name="expert_profiles")
    phases = models.ManyToManyField(Phase, blank=True, related_name="expert_profiles")
    availability = SingleLineCharField(
        max_length=200,
        blank=True,
        help_text="For example: after school on Tuesdays; online or in person.",
    )
    termly_capacity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="After this many contact requests in a term, your profile says you are not "
        "taking requests. Blank: no limit.",
    )
    contact_preference = SingleLineCharField(
        max_length=10, choices=Contact.choices, default=Contact.FORM
    )
    is_hidden = models.BooleanField(
        default=False, help_text="Hidden profiles are not shown to anyone else."
    )
    # Everything the search box looks in, as one text (name, headline, bio, school, areas and
    # their synonyms, subjects), kept up to date by experts/search.py. On Postgres it carries a
    # full-text vector stored beside it with a GIN index (migration 0005), so a word found in
    # most profiles never re-parses every document. Its words feed SearchWord (typos).
    search_document = models.TextField(blank=True, default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # How many colleagues this expert has helped (requests they marked "helped"); counted by
    # services.contact_mark_helped when it happens, so cards need no count per row.
    helped_count = models.PositiveIntegerField(default=0, editable=False)
    # The person's "last first" name, lower case, kept with the search document: the directory's
    # order without joining every matching profile to its user before taking a page.
    sort_name = SingleLineCharField(max_length=150, blank=True, default="", editable=False)
    # A copy of user.is_active, kept with the search document (experts/signals.py), so the
    # directory's count and page need not join every matching profile to its user.
    user_is_active = models.BooleanField(default=True, editable=False)
    # Whether the words of search_document are counted in SearchWord.uses (the profile was live
    # when its document was last built or the vocabulary last rebuilt).
    in_vocabulary = models.BooleanField(default=False, editable=False)
    last_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExpertProfileQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "pk"]
        indexes = [
            # The directory without search text (browsing) walks this in order; the rest of the
            # live predicate is in the index, so the walk never reads the (wide) table.
            models.Index(
                fields=["sort_name", "id"],
                name="expert_sort_idx",
                include=["user_is_active", "last_confirmed_at"],
                condition=Q(is_hidden=False),
            ),
            # Whether one profile (found through an offer, a subject, a phase) is live, from the
            # index alone: no visit to the table's row with its bio and search text.
            models.Index(
                fields=["id"],
                name="expert_live_idx",
                include=["user_is_active", "last_confirmed_at", "sort_name"],
                condition=Q(is_hidden=False),
            ),
            # The directory lists only profiles confirmed since last term began.
            models.Index(
                fields=["last_confirmed_at"],
                name="expert_confirmed_idx",
                condition=Q(is_hidden=False),
            ),
        ]
        constraints = [length_check("expert", "bio", BIO_MAX)]

    def __str__(self) -> str:
        return f"{self.user.full_name}: {self.headline}"

    def get_absolute_url(self) -> str:
        return reverse("experts:profile", kwargs={"pk": self.pk})

    def is_live(self, today: datetime.date | None = None) -> bool:
        since = term_window_start(today)
        if self.last_confirmed_at is None:
            return False
        return since is None or timezone.localdate(self.last_confirmed_at) >= since


class ProfileArea(models.Model):
    """One area of a profile, with what is offered in it."""

    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="offers")
    area = models.ForeignKey(ExpertiseArea, on_delete=models.CASCADE, related_name="offers")
    advice = models.BooleanField("advice by email", default=True)
    coaching = models.BooleanField("coaching or mentoring", default=False)
    session = models.BooleanField("running a session", default=False)
    visit = models.BooleanField("hosting a visit or observation", default=False)
    # The profile's sort name, kept with its search document (experts/search.py): a search that
    # names an area walks the area's offers in the directory's order (expert_offer_order_idx)
    # and stops after a page's worth, however many people offer it.
    sort_name = SingleLineCharField(max_length=150, blank=True, default="", editable=False)
    # The profile's live conditions (``live_q``), kept with it the same way: the walk checks
    # them in the index (``include``) without reading each profile's row.
    is_hidden = models.BooleanField(default=False, editable=False)
    user_is_active = models.BooleanField(default=True, editable=False)
    last_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who offers it, kept the same way: the offerer's school and phases ("|2|5|", the phase ids
    # between bars; "" for none). The goal and need pages' suggestions (portfolios/suggestions.py)
    # rank by them while walking one area's offers, reading no other table.
    offerer_school = models.ForeignKey(
        School,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        db_index=False,  # expert_offer_school_idx
        related_name="+",
    )
    offerer_phases = SingleLineCharField(max_length=200, blank=True, default="", editable=False)

    OFFER_FIELDS = ("advice", "coaching", "session", "visit")
    LIVE_FIELDS = ("sort_name", "is_hidden", "user_is_active", "last_confirmed_at")

    class Meta:
        indexes = [
            # One area's offers in the directory's order, with everything the walks of the
            # directory and of the suggestions filter on or show: an index-only walk.
            models.Index(
                fields=["area", "sort_name", "profile"],
                name="expert_offer_walk_idx",
                include=[
                    "is_hidden",
                    "user_is_active",
                    "last_confirmed_at",
                    "offerer_school",
                    "offerer_phases",
                    "advice",
                    "coaching",
                    "session",
                    "visit",
                ],
            ),
            # The suggestions' "my own school" part: its few offers in the goal's areas.
            models.Index(fields=["offerer_school", "area"], name="expert_offer_school_idx"),
            # "Offers coaching" (the directory's offer filter) for one profile, from an index
            # alone: the walk asks it of each offer it passes.
            *(
                models.Index(
                    fields=["profile"],
                    name=f"expert_offers_{kind}_idx",
                    condition=Q(**{kind: True}),
                )
                for kind in ("advice", "coaching", "session", "visit")
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["profile", "area"], name="profile_area_once"),
            models.CheckConstraint(
                condition=Q(advice=True) | Q(coaching=True) | Q(session=True) | Q(visit=True),
                name="profile_area_offers_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} ({', '.join(self.offer_labels)})"

    @staticmethod
    def phase_token(phase_id: int) -> str:
        """How one phase appears in ``offerer_phases``."""
        return f"|{phase_id}|"

    @staticmethod
    def phases_key(phase_ids) -> str:
        """``offerer_phases`` for an offerer in these phases ("" for none)."""
        ids = sorted(set(phase_ids))
        return f"|{'|'.join(map(str, ids))}|" if ids else ""

    @property
    def offer_labels(self) -> list[str]:
        return [self._meta.get_field(f).verbose_name for f in self.OFFER_FIELDS if getattr(self, f)]


class SearchWord(models.Model):
    """
    A word of some live profile's search document: the vocabulary a misspelt search word is
    corrected against ("retreival" → "retrieval"). Only live profiles count (not hidden, person
    active, confirmed this term or last), so a suggestion never reveals a word of anyone else:
    ``uses`` counts the live profiles with the word, kept up to date as documents are rebuilt
    (experts/search.py), and the word goes when it reaches 0. Profiles that go stale without a
    save (at a term change) leave at the nightly exact rebuild (``rebuild_vocabulary``).
    """

    word = SingleLineCharField(max_length=40, unique=True)
    uses = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.word


class ContactRequest(models.Model):
    """A message sent to an expert through the directory's form."""

    # Either end empty once that person's account is erased (privacy.services.account_erase):
    # the request stays as a count, its words replaced by ``ERASED_MESSAGE``.
    profile = models.ForeignKey(
        ExpertProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_requests",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_contact_requests",
    )
    area = models.ForeignKey(
        ExpertiseArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(max_length=MESSAGE_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    helped_at = models.DateTimeField(null=True, blank=True)
    thank_you = models.TextField(blank=True, max_length=THANK_YOU_MAX)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sender's daily limit and the expert's termly capacity count by time.
            models.Index(fields=["sender", "created_at"], name="contact_sender_time_idx"),
            models.Index(fields=["profile", "created_at"], name="contact_profile_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(message=""), name="contact_message_not_empty"),
            length_check("contact", "message", MESSAGE_MAX),
            length_check("contact", "thank_you", THANK_YOU_MAX),
        ]

    def __str__(self) -> str:
        sender = self.sender if self.sender_id else "An erased account"
        expert = self.profile.user if self.profile_id else "an erased account"
        return f"{sender} → {expert}"
