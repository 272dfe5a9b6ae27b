"""
Figures leaders see about people (coaching, enquiry): a figure about fewer than five people
never shows how many, so that nobody can be picked out of a small school's numbers.
"""

from __future__ import annotations

FEWER_THAN_FIVE = "fewer than 5"
# A figure that is not itself a count of people (a median, a share, steps) says whose it is.
FEWER_THAN_FIVE_PEOPLE = "fewer than 5 people"
SMALLEST_GROUP = 5


def protect(people: int, figure=None):
    """
    What a figure about ``people`` people shows: ``figure`` (the count itself when not given)
    when they are 5 or more, "fewer than 5" when they are 1 to 4 ("fewer than 5 people" for a
    figure that is not the count itself, so that it cannot be read as 4 days or 4%). Nobody
    (0) is shown as 0, or as "none" for a figure that needs someone to be counted (a median, a
    share): a zero tells nothing about anyone.
    """
    if people >= SMALLEST_GROUP:
        return people if figure is None else figure
    if people > 0:
        return FEWER_THAN_FIVE if figure is None else FEWER_THAN_FIVE_PEOPLE
    return 0 if figure is None else "none"


# An evaluation shared back with the people who took part in a session (its attendees, leads
# and their CPD leaders): they know who was in the room, so the bar is lower than for a
# school's figures, but no rating or comment is shown about fewer than 3 people.
SMALLEST_SHARED_GROUP = 3


def enough_to_share(people: int, smallest: int = SMALLEST_SHARED_GROUP) -> bool:
    """Whether figures about ``people`` people may be shown to a group that took part."""
    return people >= smallest
