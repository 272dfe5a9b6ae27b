"""
Authentication backends that load the signed-in person once per request with what every
page asks of them: school and hub, expert profile, and whether they coordinate or lead CPD.
Without this each of those is its own query on every page (the navigation alone asks two).
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef

from cpdhub.prepared import Prepared

from .models import COORDINATORS_GROUP, School, User


def users_for_requests():
    return (
        User.objects.select_related("school__hub", "expert_profile")
        # The search text and vector can be long and no page about the viewer needs them.
        .defer("expert_profile__search_document", "expert_profile__search_vector")
        .annotate(
            in_coordinators_group=Exists(
                User.groups.through.objects.filter(
                    user=OuterRef("pk"), group__name=COORDINATORS_GROUP
                )
            ),
            leads_a_school=Exists(School.cpd_leaders.through.objects.filter(user=OuterRef("pk"))),
            has_subjects=Exists(User.subjects.through.objects.filter(user=OuterRef("pk"))),
        )
    )


# Asked on every signed-in request: its SQL is written once per process (cpdhub/prepared.py).
_the_user = Prepared(lambda pk: users_for_requests().filter(pk=pk), -7_000_001)


class _LoadsOnce:
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _the_user(pk)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_LoadsOnce, DjangoModelBackend):
    pass


class AuthenticationBackend(_LoadsOnce, AllauthBackend):
    pass
