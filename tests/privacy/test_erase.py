"""
Erasing an account: one path for "delete my account", the coordinator's delete
in the admin and the retention job. Stated as a property: after erasing a person, no row of any
model still holds their name, their address or any words they wrote, while the community's
figures (bookings and fee shares per school, release costs, feedback ratings, the budget ledger,
a CPD leader's term figures) are exactly what they were.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q, Sum, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from coordination import dashboard
from coordination.filters import filters_from
from cpd_sessions import approvals, attendance, fee_shares, session_changes
from cpd_sessions.models import (
    Attendance,
    Booking,
    BudgetEntry,
    CpdBudget,
    DevelopmentSession,
    ReleaseRequest,
    SessionDate,
    SessionMessage,
)
from cpdhub.academic_year import academic_year_of
from experts.models import ERASED_MESSAGE, ContactRequest
from hubs import services as hub_services
from hubs.models import Invitation, User
from notifications.models import Delivery
from notifications.services import address_hash, address_was_mailed
from portfolios import services as portfolio_services
from portfolios.models import EntryAttachment
from privacy.models import DataExport
from privacy.services import retention_apply
from tests.cpd_sessions.factories import SessionFactory, book, london, release_data
from tests.experts.factories import ExpertProfileFactory
from tests.factories import InvitationFactory, TermFactory
from tests.hubs.test_admin import with_totp
from tests.portfolios.factories import EntryFactory
from tests.privacy.test_forms_webtest import reauthenticate

pytestmark = pytest.mark.django_db

# Words only the person wrote, each in a different place.
PROFILE_WORDS = "Marmalade-kite retrieval grids"
ASKED_WORDS = "Could you show me your quillwort starters?"
THANKS_WORDS = "Thank you, the periwinkle plan worked"
FEEDBACK_WORDS = "The zanzibar modelling was best"
GOAL_WORDS = "Release for my tamarind questioning goal"
COVER_WORDS = "Year 5 lapwing set, periods 1 to 2"
MESSAGE_WORDS = "Bring your bergamot worksheets"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _into_the_past(session, days: int) -> None:
    """A session that was booked while it was to come, moved ``days`` into the past."""
    shift = datetime.timedelta(days=days) + (session.start - timezone.now())
    SessionDate.objects.filter(session=session).update(
        start=models.F("start") - shift, end=models.F("end") - shift
    )
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=models.F("start") - shift, end=models.F("end") - shift
    )


@pytest.fixture
def life(personas):
    """The owner (Sam Whitfield) has done something of every kind; colleagues too."""
    owner, leader = personas.owner, personas.leader
    # A paid session in school hours, with released places: the owner's and a colleague's.
    held = SessionFactory(
        capacity=5, fee=Decimal("300.00"), start=london(3, 10, 0), end=london(3, 12, 0)
    )
    mine = book(held, owner, release=release_data(goal=GOAL_WORDS, cover_notes=COVER_WORDS))
    theirs = book(held, personas.colleague, release=release_data())
    outsiders = book(held, personas.outsider, release=release_data())
    for booking, decider in ((mine, leader), (theirs, leader), (outsiders, personas.other_leader)):
        approvals.release_decide(release=booking.release, by=decider, approve=True)
    CpdBudget.objects.filter(user=owner).update(allocated=Decimal("800.00"), set_by=leader)
    _into_the_past(held, days=5)
    held.refresh_from_db()
    attendance.attendance_mark(
        session=held, by=personas.coordinator, present_ids=[mine.pk, theirs.pk, outsiders.pk]
    )
    for booking, person, rating, words in (
        (mine, owner, 4, FEEDBACK_WORDS),
        (theirs, personas.colleague, 5, "Good"),
    ):
        booking.refresh_from_db()
        attendance.feedback_give(
            booking=booking, by=person, rating=rating, comment=words, most_useful=words
        )
    SessionMessage.objects.create(
        session=held, sent_by=owner, subject=MESSAGE_WORDS, body=MESSAGE_WORDS, token="m1"
    )
    # A place on a session to come (given back when they go), after the term's figures.
    start = london(40)
    later = SessionFactory(capacity=1, start=start, end=start + datetime.timedelta(hours=1))
    seat = book(later, owner)
    waiting = book(later, personas.colleague)
    # The directory: their profile, a request to them, a request of theirs (thanked).
    profile = ExpertProfileFactory(user=owner, headline="Retrieval in maths", bio=PROFILE_WORDS)
    to_them = ContactRequest.objects.create(
        profile=profile, sender=personas.outsider, message="Dear Sam Whitfield, could you help?"
    )
    colleagues = ExpertProfileFactory(user=personas.colleague)
    from_them = ContactRequest.objects.create(
        profile=colleagues,
        sender=owner,
        message=ASKED_WORDS,
        helped_at=timezone.now(),
        thank_you=THANKS_WORDS,
    )
    # Their portfolio with an evidence file, a download of their data, mail, an invitation.
    entry = EntryFactory(owner=owner, title="Twilight on questioning", learned=PROFILE_WORDS)
    attachment = portfolio_services._attach(entry, SimpleUploadedFile("plan.txt", b"my plan"))
    export = DataExport.objects.create(user=owner, state=DataExport.State.READY)
    export.file.save("export.zip", ContentFile(b"zip of my data"))
    Delivery.objects.create(
        kind="digest", key="autumn", email=owner.email, recipient=owner, status="sent",
        sent_at=timezone.now(), last_error=f"450 {owner.email}: try later",
    )  # fmt: skip
    InvitationFactory(
        school=personas.school, email=owner.email, accepted_user=owner, accepted_at=timezone.now()
    )
    # The admin's history of a change to their account.
    LogEntry.objects.create(
        user=personas.coordinator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(owner.pk),
        object_repr=str(owner),
        action_flag=CHANGE,
        change_message="Changed last name.",
    )
    term = TermFactory(
        name="This term",
        start=timezone.localdate() - datetime.timedelta(days=30),
        end=timezone.localdate() + datetime.timedelta(days=20),
    )
    return {
        "held": held,
        "mine": mine,
        "seat": seat,
        "waiting": waiting,
        "to_them": to_them,
        "from_them": from_them,
        "attachment": attachment,
        "export": export,
        "term": term,
        "files": [
            (attachment.file.storage, attachment.file.name),
            (export.file.storage, export.file.name),
        ],
    }


def traces_of(person: User) -> list[tuple[str, str, str]]:
    """Every (model, field, what) where a text field of any row holds the person's name, their
    address or words they wrote: every model of every app, every character, text and JSON field."""
    needles = [
        person.email,
        person.full_name,
        person.last_name,
        PROFILE_WORDS,
        ASKED_WORDS,
        THANKS_WORDS,
        FEEDBACK_WORDS,
        GOAL_WORDS,
        COVER_WORDS,
        MESSAGE_WORDS,
    ]
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                rows = model._base_manager.annotate(_text=Cast(field.name, TextField()))
                name = "_text"
            elif isinstance(field, (models.CharField, models.TextField)):
                rows, name = model._base_manager.all(), field.name
            else:
                continue
            match = Q()
            for needle in needles:
                match |= Q(**{f"{name}__icontains": needle})
            for value in rows.filter(match).values_list(name, flat=True):
                hits = [n for n in needles if n.lower() in str(value).lower()]
                found.append((model._meta.label, field.name, hits[0]))
    return found


def releases(dash) -> tuple:
    return dash.release_terms, dash.release_schools


def figures(personas, life) -> dict:
    """What the community's pages count: per school, per session, the ledger, a leader's term."""
    school, held = personas.school, life["held"]
    year = {"year": str(academic_year_of(timezone.localdate(held.start)))}
    by_year = filters_from(year)
    by_hub = filters_from({**year, "hub": "north"})
    leader = User.objects.get(pk=personas.leader.pk)
    waiting = approvals.leader_waiting(leader, term=life["term"])
    summary = attendance.feedback_summary(held)
    return {
        "fee shares": [(s.school.pk, s.places, s.amount) for s in fee_shares.cost_shares(held)],
        "a leader's shares": [
            (session.pk, share.places, share.amount)
            for session, share in fee_shares.school_shares(leader)
        ],
        "minimum schools met": session_changes.minimum_met(held),
        "releases by school": releases(dashboard.dashboard(by_year, school_ids=[school.pk])),
        "releases in the hub": releases(dashboard.dashboard(by_hub)),
        "ratings by school": dashboard.impact([school.pk], by_year).ratings,
        "ratings in the hub": dashboard.impact(None, by_hub).ratings,
        "session's feedback": (summary.count, summary.average),
        "leader's term": (waiting.places, waiting.attended, waiting.spent),
        "ledger": BudgetEntry.objects.aggregate(total=Sum("amount"))["total"],
        "ledger rows": BudgetEntry.objects.count(),
        "approved releases": sum(
            r.total_cost for r in ReleaseRequest.objects.filter(decision="approved")
        ),
        "bookings held": Booking.objects.filter(session=held).count(),
        "present": Attendance.objects.filter(booking__session=held, present=True).count(),
        "contact requests": ContactRequest.objects.count(),
        "helped": ContactRequest.objects.filter(helped_at__isnull=False).count(),
        "digests sent": Delivery.objects.filter(kind="digest", status="sent").count(),
    }


def erase(path, personas, client):
    """The three ways an account is erased; each goes through hubs.services.user_delete."""
    owner = personas.owner
    if path == "coordinator":
        hub_services.user_delete(user=owner, by=personas.coordinator)
    elif path == "admin":
        client.force_login(with_totp(personas.coordinator))
        response = client.post(reverse("admin:hubs_user_delete", args=[owner.pk]), {"post": "yes"})
        assert response.status_code == 302
    elif path == "retention":
        hub_services.user_deactivate(user=owner, by=personas.coordinator)
        User.objects.filter(pk=owner.pk).update(
            deactivated_at=timezone.now() - datetime.timedelta(days=800)
        )
        found = retention_apply(dry_run=False)
        assert [pk for pk, _ in found["removed"]] == [owner.pk]


@pytest.mark.parametrize("path", ["coordinator", "admin", "retention"])
def test_erasing_leaves_no_trace_and_every_figure_as_it_was(
    path, client, personas, life, django_capture_on_commit_callbacks
):
    owner = personas.owner
    before = figures(personas, life)
    # The walk finds what it looks for (so an empty answer after means something).
    traced = {(model, what) for model, _, what in traces_of(owner)}
    for expected in [
        ("hubs.User", owner.email),
        ("experts.ExpertProfile", PROFILE_WORDS),
        ("experts.ContactRequest", ASKED_WORDS),
        ("experts.ContactRequest", THANKS_WORDS),
        ("experts.ContactRequest", owner.full_name),
        ("cpd_sessions.Feedback", FEEDBACK_WORDS),
        ("cpd_sessions.ReleaseRequest", GOAL_WORDS),
        ("cpd_sessions.ReleaseRequest", COVER_WORDS),
        ("cpd_sessions.SessionMessage", MESSAGE_WORDS),
        ("notifications.Delivery", owner.email),
        ("hubs.Invitation", owner.email),
        ("admin.LogEntry", owner.full_name),
    ]:
        assert expected in traced
    assert before["fee shares"][0][1] == 2  # Ashgrove's two places, the owner's one of them
    assert before["ratings by school"] == [(5, 1), (4, 1), (3, 0), (2, 0), (1, 0)]

    with django_capture_on_commit_callbacks(execute=True):
        erase(path, personas, client)

    assert not User.objects.filter(pk=owner.pk).exists()
    assert traces_of(owner) == []
    assert figures(personas, life) == before

    # The files left storage with the rows.
    for storage, name in life["files"]:
        assert not storage.exists(name)
    assert not EntryAttachment.objects.exists()
    assert not DataExport.objects.exists()
    # The booking of the session held stays, for Ashgrove, with nobody on it; the place to come
    # went to the colleague waiting for it.
    mine = Booking.objects.get(pk=life["mine"].pk)
    assert (mine.user_id, mine.former_school_id) == (None, personas.school.pk)
    assert mine.attendance.present
    assert mine.feedback.rating == 4
    assert (mine.feedback.comment, mine.feedback.most_useful) == ("", "")
    assert mine.release.decision == "approved"
    assert (mine.release.goal, mine.release.cover_notes) == ("", "")
    assert Booking.objects.get(pk=life["seat"].pk).status == Booking.Status.CANCELLED
    assert Booking.objects.get(pk=life["waiting"].pk).status == Booking.Status.CONFIRMED
    assert not CpdBudget.objects.filter(user_id=owner.pk).exists()
    assert BudgetEntry.objects.filter(user=None, release=mine.release).exists()
    # Contact requests stay as counts, unlinked, without their words.
    to_them = ContactRequest.objects.get(pk=life["to_them"].pk)
    assert (to_them.profile_id, to_them.sender_id) == (None, personas.outsider.pk)
    from_them = ContactRequest.objects.get(pk=life["from_them"].pk)
    assert from_them.sender_id is None
    assert from_them.helped_at is not None
    assert (from_them.message, from_them.thank_you) == (ERASED_MESSAGE, "")
    # The ledger can still answer "was this address mailed?", by the keyed hash only.
    assert address_was_mailed(owner.email.upper()).filter(kind="digest").exists()
    assert Delivery.objects.filter(email=address_hash(owner.email), recipient=None).count() >= 1
    assert Invitation.objects.filter(email=address_hash(owner.email)).count() == 1


def test_the_address_hash_needs_the_key(settings):
    email = "Sam.Whitfield@ashgrove.sch.uk"
    settings.CPDHUB_LEDGER_HASH_KEY = "one key"
    first = address_hash(email)
    assert first == address_hash(" sam.whitfield@ASHGROVE.sch.uk ")
    assert first.startswith("sha256:")
    assert len(first) == 7 + 64
    assert "whitfield" not in first.lower()
    settings.CPDHUB_LEDGER_HASH_KEY = "another key"
    assert address_hash(email) != first


def test_the_erased_account_is_gone_from_the_pages_that_list_people(
    client, personas, life, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hub_services.user_delete(user=personas.owner, by=personas.coordinator)
    held = life["held"]
    client.force_login(personas.coordinator)
    register = client.get(reverse("cpd_sessions:register", args=[held.pk]))
    assert register.status_code == 200
    assert "Amelia Hughes" in register.content.decode()
    csv = client.get(reverse("cpd_sessions:register_csv", args=[held.pk]))
    assert csv.status_code == 200
    assert "Whitfield" not in csv.content.decode()
    # The colleague's pages of what they sent and received still work, saying who left.
    client.force_login(personas.colleague)
    page = client.get("/experts/me/")
    assert page.status_code == 200
    assert "An erased account" in page.content.decode()
    client.force_login(personas.outsider)
    page = client.get("/experts/me/")
    assert page.status_code == 200
    assert "An erased account" in page.content.decode()
    # Thanking the expert who is gone is not possible (nobody to thank).
    response = client.post(reverse("experts:thank", args=[life["to_them"].pk]), {"note": "Thanks"})
    assert response.status_code == 404
    # The coordinator's CSV of release costs keeps the erased booking's school and money.
    client.force_login(with_totp(personas.coordinator))
    exported = client.post(
        reverse("admin:cpd_sessions_releaserequest_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(ReleaseRequest.objects.values_list("pk", flat=True)),
        },
    )
    text = b"".join(exported.streaming_content).decode()
    assert "An erased account" in text
    assert "Ashgrove Primary School" in text
    assert "Whitfield" not in text


def test_someone_who_is_not_a_coordinator_cannot_erase_in_the_admin(
    client, personas, life, django_capture_on_commit_callbacks
):
    """A member of staff with the admin's delete permission but not a coordinator is refused,
    and nothing changes; someone without admin access is sent to sign in."""
    from django.contrib.auth.models import Permission  # noqa: PLC0415 -- this test only

    leader = with_totp(personas.leader)
    User.objects.filter(pk=leader.pk).update(is_staff=True)
    leader.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "delete_user"])
    )
    before = traces_of(personas.owner)
    client.force_login(User.objects.get(pk=leader.pk))
    url = reverse("admin:hubs_user_delete", args=[personas.owner.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=personas.owner.pk).exists()
    assert Booking.objects.get(pk=life["mine"].pk).user_id == personas.owner.pk
    assert traces_of(personas.owner) == before
    for storage, name in life["files"]:
        assert storage.exists(name)

    client.force_login(personas.colleague)
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert User.objects.filter(pk=personas.owner.pk).exists()


def test_the_notice_and_the_delete_page_say_what_is_kept(client, app, personas):
    notice = client.get("/privacy/").content.decode()
    assert "When an account is deleted" in notice
    assert "Kept as counts, with nothing that says they were yours" in notice
    assert "a key only the community holds" in notice
    page = reauthenticate(app, app.sign_in(personas.owner).get("/me/delete/"))
    assert "stay only as counts for your school's figures" in page.text
