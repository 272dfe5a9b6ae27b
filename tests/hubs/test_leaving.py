"""
Leaving leaves no traces: one service per removal, each app answering its
signal, and the admin routed through them.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.models import Booking
from experts.models import ExpertProfile
from hubs import services
from hubs.models import Invitation, User
from notifications.models import Delivery
from notifications.services import address_hash
from portfolios import services as portfolio_services
from portfolios.models import Entry, EntryAttachment, Goal
from tests.cpd_sessions.factories import SessionFactory, book
from tests.experts.factories import ExpertProfileFactory
from tests.factories import InvitationFactory, SubjectNetworkFactory
from tests.portfolios.factories import EntryFactory, GoalFactory

from .test_admin import with_totp

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def life(personas):
    """Everything the owner has in the community, with a colleague waiting for their seat."""
    owner = personas.owner
    network = SubjectNetworkFactory()
    network.members.add(owner)
    network.leads.add(owner)
    personas.school.cpd_leaders.add(owner)
    invitation = InvitationFactory(school=personas.school, invited_by=owner)
    session = SessionFactory(capacity=1)
    seat = book(session, owner)
    waiting = book(session, personas.colleague)
    goal = GoalFactory(owner=owner, title="Shared goal")
    goal.shared_with.add(personas.colleague)
    entry = EntryFactory(owner=owner, title="Shared entry", share_with_leaders=True)
    entry.shared_with.add(personas.colleague)
    attachment = portfolio_services._attach(entry, SimpleUploadedFile("plan.txt", b"plan"))
    Delivery.objects.create(kind="booking_confirmed", key="b:1", email=owner.email, recipient=owner)
    Delivery.objects.create(
        kind="digest",
        key="autumn",
        email=owner.email,
        recipient=owner,
        status="sent",
        sent_at=timezone.now(),
    )
    profile = ExpertProfileFactory(user=owner)
    return {
        "network": network,
        "invitation": invitation,
        "seat": seat,
        "waiting": waiting,
        "goal": goal,
        "entry": entry,
        "attachment": attachment,
        "profile": profile,
    }


def assert_left_the_community(personas, life):
    owner = personas.owner
    assert not life["network"].members.filter(pk=owner.pk).exists()
    assert not life["network"].leads.filter(pk=owner.pk).exists()
    assert not personas.school.cpd_leaders.filter(pk=owner.pk).exists()
    assert Invitation.objects.get(pk=life["invitation"].pk).revoked_at is not None
    # Their seat went to the waitlist.
    assert Booking.objects.get(pk=life["waiting"].pk).status == S.CONFIRMED


def test_deactivation_removes_them_everywhere(
    client, personas, life, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_deactivate(user=personas.owner, by=personas.coordinator)

    personas.owner.refresh_from_db()
    assert not personas.owner.is_active
    assert_left_the_community(personas, life)
    assert Booking.objects.get(pk=life["seat"].pk).status == S.CANCELLED

    # What they shared is no longer readable by others.
    client.force_login(personas.colleague)
    shared = client.get("/portfolio/shared/").content.decode()
    assert "Shared goal" not in shared
    assert "Shared entry" not in shared
    assert client.get(reverse("portfolios:goal", args=[life["goal"].pk])).status_code == 404
    assert client.get(reverse("portfolios:entry", args=[life["entry"].pk])).status_code == 404
    client.force_login(personas.leader)
    assert "Shared entry" not in client.get("/portfolio/shared/").content.decode()

    # The network page no longer lists them; the directory no longer shows them.
    network_page = client.get(life["network"].get_absolute_url()).content.decode()
    assert "Sam Whitfield" not in network_page
    assert not ExpertProfile.objects.visible().filter(pk=life["profile"].pk).exists()
    assert "Sam Whitfield" not in client.get(reverse("experts:directory")).content.decode()


def test_deletion_removes_every_trace(personas, life, django_capture_on_commit_callbacks):
    email = personas.owner.email
    path = life["attachment"].file.path
    storage = life["attachment"].file.storage
    assert storage.exists(life["attachment"].file.name)

    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(user=personas.owner, by=personas.coordinator)

    assert not User.objects.filter(email=email).exists()
    assert_left_the_community(personas, life)
    assert not Goal.objects.filter(owner_id=personas.owner.pk).exists()
    assert not Entry.objects.filter(pk=life["entry"].pk).exists()
    assert not EntryAttachment.objects.exists()
    assert not storage.exists(life["attachment"].file.name), path
    # The ledger keeps that mail went, not to whom; what was waiting is not sent.
    hashed = address_hash(email)
    assert not Delivery.objects.filter(email__iexact=email).exists()
    # (the booking's own confirmation waits on the ledger from the moment it was booked)
    assert sorted(Delivery.objects.filter(email=hashed).values_list("kind", "status")) == [
        ("booking_confirmed", "skipped"),
        ("booking_confirmed", "skipped"),
        ("digest", "sent"),
    ]


def test_a_failed_deletion_keeps_the_files(personas, life, django_capture_on_commit_callbacks):
    def delete_then_fail():
        with transaction.atomic():
            services.user_delete(user=personas.owner, by=personas.coordinator)
            raise RuntimeError("something after it failed")

    storage, name = life["attachment"].file.storage, life["attachment"].file.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_then_fail()
    assert storage.exists(name)
    assert User.objects.filter(pk=personas.owner.pk).exists()
    assert Booking.objects.get(pk=life["seat"].pk).status == S.CONFIRMED


@pytest.mark.parametrize("who", ["colleague", "leader", "other_leader"])
def test_only_the_coordinator_or_the_person_removes_an_account(personas, life, who):
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=personas.owner, by=getattr(personas, who))
    with pytest.raises(PermissionDenied):
        services.user_delete(user=personas.owner, by=getattr(personas, who))
    personas.owner.refresh_from_db()
    assert personas.owner.is_active
    assert life["network"].members.filter(pk=personas.owner.pk).exists()
    assert Booking.objects.get(pk=life["seat"].pk).status == S.CONFIRMED


# --- Through the admin ------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client, personas):
    client.force_login(with_totp(personas.coordinator))
    return client


def test_admin_delete_goes_through_the_service(
    coordinator_client, personas, life, django_capture_on_commit_callbacks
):
    name = life["attachment"].file.name
    storage = life["attachment"].file.storage
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:hubs_user_delete", args=[personas.owner.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not User.objects.filter(pk=personas.owner.pk).exists()
    assert Booking.objects.get(pk=life["waiting"].pk).status == S.CONFIRMED
    assert not storage.exists(name)
    assert not Delivery.objects.filter(email=personas.owner.email).exists()
    assert Delivery.objects.filter(email__startswith="sha256:").count() == 3


def test_admin_bulk_delete_goes_through_the_service(
    coordinator_client, personas, life, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("admin:hubs_user_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [personas.owner.pk],
                "post": "yes",
            },
        )
    assert not User.objects.filter(pk=personas.owner.pk).exists()
    assert Booking.objects.get(pk=life["waiting"].pk).status == S.CONFIRMED
    assert not Delivery.objects.filter(email=personas.owner.email).exists()
    assert Delivery.objects.filter(email__startswith="sha256:").count() == 3


def test_admin_deactivate_action(coordinator_client, personas, life):
    response = coordinator_client.post(
        reverse("admin:hubs_user_changelist"),
        {"action": "deactivate", "_selected_action": [personas.owner.pk]},
        follow=True,
    )
    assert "1 account(s) deactivated" in response.content.decode()
    assert not User.objects.get(pk=personas.owner.pk).is_active
    assert_left_the_community(personas, life)


def test_switching_active_off_in_the_admin_deactivates_through_the_service(
    coordinator_client, personas, life
):
    url = reverse("admin:hubs_user_change", args=[personas.owner.pk])
    owner = personas.owner
    response = coordinator_client.post(
        url,
        {
            "email": owner.email,
            "first_name": owner.first_name,
            "last_name": "Whitfield-Jones",
            "school": owner.school_id,
            "job_role": owner.job_role,
            "is_staff": "",
            "is_superuser": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": owner.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": owner.date_joined.strftime("%H:%M:%S"),
            # is_active left out: the box is unticked.
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    owner.refresh_from_db()
    assert (owner.is_active, owner.last_name) == (False, "Whitfield-Jones")
    assert_left_the_community(personas, life)
