"""
The hubs writes check their rule in the service (not only in the view), so any
caller is refused the same way: an outsider is refused with the rule's sentence and nothing changes.
"""

import pytest
from django.core.exceptions import PermissionDenied

from hubs import services
from hubs.models import Invitation
from tests.factories import InvitationFactory, SubjectNetworkFactory


def test_an_outsider_cannot_invite_to_another_school(personas):
    with pytest.raises(PermissionDenied, match="CPD leaders and the coordinator"):
        services.invitation_create(
            school=personas.school, email="new@gmail.test", invited_by=personas.outsider
        )
    assert not Invitation.objects.exists()


def test_an_outsider_cannot_withdraw_another_schools_invitation(personas):
    invitation = InvitationFactory(school=personas.school, invited_by=personas.leader)
    with pytest.raises(PermissionDenied, match="CPD leaders and the coordinator"):
        services.invitation_revoke(invitation=invitation, by=personas.other_leader)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    services.invitation_revoke(invitation=invitation, by=personas.leader)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_staff_of_another_hub_cannot_join_its_network(personas):
    network = SubjectNetworkFactory(hub=personas.school.hub)
    with pytest.raises(PermissionDenied, match="is for staff of"):
        services.network_join(network=network, user=personas.outsider)
    assert not network.members.filter(pk=personas.outsider.pk).exists()
    services.network_join(network=network, user=personas.owner)
    assert network.members.filter(pk=personas.owner.pk).exists()
