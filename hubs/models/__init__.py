"""
The community's structure, one module per part: people and their accounts (``people``), hubs,
schools and their domains (``schools``), phases and subjects (``curriculum``), subject networks
and lone rangers' invitations to them (``networks``), terms (``terms``), invitations to join a
school (``invitations``), the community's own row (``community``), the imports of schools and
staff (``imports``).

Every model is imported here, so Django registers them and ``from hubs.models import User``
is how the rest of the code names them.
"""

from .community import Community
from .curriculum import Phase, Subject
from .imports import ImportJob, StaffImportMapping
from .invitations import Invitation
from .networks import LoneRangerInvitation, SubjectNetwork
from .people import (
    COORDINATORS_GROUP,
    CanonicalEmail,
    Responsibility,
    User,
    UserManager,
    UserResponsibility,
    canonical_email,
)
from .schools import Hub, School, SchoolDomain
from .terms import Term

__all__ = [
    "COORDINATORS_GROUP",
    "CanonicalEmail",
    "Community",
    "Hub",
    "ImportJob",
    "Invitation",
    "LoneRangerInvitation",
    "Phase",
    "Responsibility",
    "School",
    "SchoolDomain",
    "StaffImportMapping",
    "Subject",
    "SubjectNetwork",
    "Term",
    "User",
    "UserManager",
    "UserResponsibility",
    "canonical_email",
]
