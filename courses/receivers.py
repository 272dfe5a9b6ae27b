"""
How courses answers an account being erased (hubs.signals.user_deleting): the person's reviews
go (they carry their name and school), and the courses they reviewed are counted again, so the
"recommended by" figures never count someone who is no longer here. Their requests go with
their bookings (by cascade); a course they added stays, without their name.
"""

from __future__ import annotations

from django.db import transaction

from .models import Course, Review
from .services import recount


def forget_reviewer(sender, user, **kwargs) -> None:
    with transaction.atomic():
        course_ids = list(Review.objects.filter(reviewer=user).values_list("course_id", flat=True))
        Review.objects.filter(reviewer=user).delete()
        for course in Course.objects.select_for_update().filter(pk__in=course_ids):
            recount(course.pk)
