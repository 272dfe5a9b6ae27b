"""The directory's filter choices: each process keeps a copy under the version in the shared
cache, and a change anywhere (a new school, through the signal) is seen by every process at its
next search."""

import pytest
from django.core.cache import cache

from experts import directory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_a_new_school_is_in_every_process_copy_at_the_next_search(django_assert_num_queries):
    first = directory.directory_choices()
    with django_assert_num_queries(0):  # this process's copy, the version unchanged
        assert directory.directory_choices() is first
    # Another process's copy: the same version, its own dictionary.
    theirs = {"version": cache.get(directory.CHOICES_VERSION_KEY), "choices": first}
    SchoolFactory(name="Zephyr Primary")  # its signal forgets the choices (in this process too)
    directory._choices_here.update(theirs)  # the other process still holds the old copy
    names = [label for _value, label, _hub in directory.directory_choices()["school"]]
    assert "Zephyr Primary" in names


def test_without_the_cache_the_choices_are_read_from_the_database(monkeypatch):
    SchoolFactory(name="Quarry Bank School")
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)  # Redis unreachable
    names = [label for _value, label, _hub in directory.directory_choices()["school"]]
    assert "Quarry Bank School" in names
