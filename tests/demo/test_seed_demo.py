import pytest
from django.core.management import call_command
from django.utils import timezone

from cpdhub.academic_year import current_academic_year
from hubs.demo import DEMO_PASSWORD
from hubs.models import Hub, LoneRangerInvitation, School, SubjectNetwork, Term, User
from notifications.models import Delivery
from schoolyear.demo import DEMO_URN
from schoolyear.models import PlanDate

pytestmark = pytest.mark.django_db


def counts():
    return (
        Hub.objects.count(),
        School.objects.count(),
        User.objects.count(),
        SubjectNetwork.objects.count(),
        Term.objects.count(),
    )


def test_seed_demo_builds_the_community_and_is_idempotent(client, capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    hubs, schools, users, networks, _ = first
    assert hubs >= 2
    assert schools >= 8
    assert users >= 64
    assert networks == 4
    kinds = {(s.phase, s.is_special) for s in School.objects.all()}
    assert (School.Phase.PRIMARY, False) in kinds
    assert (School.Phase.SECONDARY, False) in kinds
    assert any(special for _, special in kinds)
    assert len(set(User.objects.values_list("job_role", flat=True))) >= 6

    out = capsys.readouterr().out
    for email in [
        "coordinator@demo.test",
        "leader@demo.test",
        "teacher@demo.test",
        "expert@demo.test",
    ]:
        assert email in out
        assert client.login(username=email, password=DEMO_PASSWORD), email
    assert DEMO_PASSWORD in out


def test_demo_roles_are_as_documented():
    call_command("seed_demo")
    leader = User.objects.get(email="leader@demo.test")
    first_school = School.objects.order_by("urn").first()
    assert leader.led_school_ids == {first_school.pk}
    assert User.objects.get(email="teacher@demo.test").school == first_school
    assert User.objects.get(email="coordinator@demo.test").is_coordinator
    assert not User.objects.get(email="teacher@demo.test").is_coordinator
    # Only the demo accounts can sign in.
    assert (
        User.objects.exclude(email__endswith="@demo.test").filter(password__startswith="!").count()
        >= 60
    )


def test_demo_terms_are_this_academic_year():
    call_command("seed_demo")
    today = timezone.localdate()
    first_year = today.year if today.month >= 8 else today.year - 1
    names = set(Term.objects.values_list("name", flat=True))
    assert {f"Autumn {first_year}", f"Spring {first_year + 1}", f"Summer {first_year + 1}"} <= names


def test_demo_shows_a_lone_ranger_a_family_of_schools_and_a_quiet_network(client):
    call_command("seed_demo")
    call_command("seed_demo")  # still one invitation each
    teacher = User.objects.get(email="teacher@demo.test")
    assert LoneRangerInvitation.objects.filter(user=teacher, network__slug="primary-music").count()
    assert not Delivery.objects.filter(kind="lone_ranger").exists()  # the demo sends no email

    client.login(username="teacher@demo.test", password=DEMO_PASSWORD)
    assert "Colleagues who teach music too" in client.get("/").content.decode()
    family = client.get("/schools/148101/family/").content.decode()
    assert "How similarity is measured" in family
    assert family.count('<th scope="row"><a href="/schools/') == 5  # five schools like Ashgrove
    assert "live expert" in family  # and the family's experts, by area

    client.login(username="leader@demo.test", password=DEMO_PASSWORD)
    assert "No meeting is planned for" in client.get("/networks/primary-music/").content.decode()

    client.login(username="coordinator@demo.test", password=DEMO_PASSWORD)
    assert "Sam Whitfield" in client.get("/coordinator/lone-rangers/").content.decode()


def test_demo_shows_a_gap_and_matches_for_the_teachers_need(client):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: the same matches
    client.login(username="coordinator@demo.test", password=DEMO_PASSWORD)
    page = client.get("/coordinator/needs/?area=behaviour-management")
    assert page.status_code == 200
    teacher = User.objects.get(email="teacher@demo.test")
    (need,) = [n for n in page.context["page"].object_list if n.owner == teacher]
    assert need.matches, "an expert in another school"
    assert all(m.school != teacher.school.name for m in need.matches)
    assert need.peers, "a colleague in another school with the same need, who agreed"
    # The colleague who agreed to be suggested (the demo teacher agreed too: her enquiry groups).
    peer = User.objects.exclude(pk=teacher.pk).get(suggest_me=True)
    assert need.peers[0].name == peer.full_name
    gaps = client.get("/coordinator/needs/").context["gaps"]
    assert any(g.needs and not g.supply for g in gaps), "an area with needs and no supply"
    lone = client.get("/coordinator/lone-rangers/").content.decode()
    assert "ECT mentor" in lone


def test_the_demo_teachers_attended_sessions_are_in_his_portfolio(
    client, django_capture_on_commit_callbacks
):
    """The demo keeps its registers through the product's own service, so what the teacher
    attended shows in his portfolio as it would for anyone (it was missing), once however often
    the demo is seeded."""
    from portfolios.models import Entry  # noqa: PLC0415 -- the portfolio, read in this test only

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    teacher = User.objects.get(email="teacher@demo.test")
    attended = Entry.objects.filter(owner=teacher, kind=Entry.Kind.SESSION_ATTENDED)
    titles = set(attended.values_list("title", flat=True))
    assert "Whole-class feedback that cuts marking" in titles
    assert attended.count() == len(titles)  # one entry a session, however often seeded
    client.force_login(teacher)
    page = client.get("/portfolio/").content.decode()
    assert "Whole-class feedback that cuts marking" in page


def test_the_demo_year_has_one_coaching_window_in_the_published_plan(client):
    call_command("seed_demo")
    call_command("seed_demo")
    year = current_academic_year()
    windows = PlanDate.objects.filter(
        plan__school__urn=DEMO_URN, plan__academic_year=year, kind="coaching"
    )
    assert windows.count() == 1
    window = windows.get()
    assert window.title == "Coaching cycle 1"
    assert window.plan.published_at is not None
    assert (window.end - window.start).days == 39
    client.login(username="teacher@demo.test", password=DEMO_PASSWORD)
    page = client.get(f"/schools/{DEMO_URN}/year/?year={year}").content.decode()
    assert "Coaching cycle 1" in page
