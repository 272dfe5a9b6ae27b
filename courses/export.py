"""What the courses app holds about a person, for their download (privacy/collect.py)."""

from __future__ import annotations

from hubs.models import User

from .models import Course, CourseRequest, Review


def courses_data(user: User, rows) -> dict:
    """Courses they added, their reviews, and their requests to attend (the money of each is
    the release request in the sessions section)."""
    return {
        "courses_you_added": rows(Course.objects.filter(added_by=user), leave_out={"search_text"}),
        "reviews_you_wrote": rows(Review.objects.filter(reviewer=user)),
        "requests_to_attend": rows(CourseRequest.objects.filter(requester=user)),
    }
