"""
What people teach and where: the phases of education and the curriculum subjects (both seeded
by migration, ``hubs/reference.py``).
"""

from __future__ import annotations

from django.db import models

from cpdhub.singleline import SingleLineCharField


class Phase(models.Model):
    """A phase of education a person works in or an offer is for (seeded by migration)."""

    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """A curriculum subject (seeded by migration; coordinators may add more)."""

    slug = models.SlugField(unique=True)
    name = SingleLineCharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Names of languages and peoples keep their capital inside a sentence ("teaches English").
    PROPER_WORDS = frozenset(
        [
            "Arabic",
            "Chinese",
            "English",
            "French",
            "German",
            "Greek",
            "Italian",
            "Japanese",
            "Latin",
            "Mandarin",
            "Polish",
            "Portuguese",
            "Punjabi",
            "Russian",
            "Spanish",
            "Urdu",
            "Welsh",
        ]
    )

    @property
    def in_sentence(self) -> str:
        """The name inside a sentence: "teaches geography", "teaches English", "PSHE and RSE"."""
        return " ".join(
            word
            if word in self.PROPER_WORDS or (len(word) > 1 and word.isupper())
            else word.lower()
            for word in self.name.split()
        )
