"""
The permission matrix's community: twelve roles and one object behind every URL parameter,
built once per module from the factories (tests/security/test_permission_matrix.py).
"""

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from coaching import library as coaching_library
from coaching import services as coaching_services
from coaching import visits as coaching_visits
from courses import services as courses_services
from cpd_sessions.models import CalendarFeed, DevelopmentSession
from cpdhub.academic_year import current_academic_year
from enquiry import cycles as enquiry_cycles
from enquiry import services as enquiry_services
from enquiry import visits as enquiry_visits
from enquiry import writeups as enquiry_writeups
from enquiry.models import WriteUp
from experts.models import ExpertiseArea
from experts.services import contact_request_create
from hubs.models import COORDINATORS_GROUP, ImportJob, School, User
from hubs.onboarding.uploads import rejected_path
from notifications.services import unsubscribe_token
from portfolios.models import EntryAttachment
from privacy.models import DataExport
from quality import peer as quality_peer
from quality import services as quality_services
from quality import survey as quality_survey
from quality.models import Survey, SurveyInvite
from schoolyear.models import (
    CommunityDate,
    MeetingSeries,
    PlanDate,
    Team,
    TeamMeeting,
    TeamMembership,
    YearPlan,
)
from termly.links import CONFIRM_SALT
from tests.courses.factories import make_course, make_network, make_request
from tests.cpd_sessions.factories import SessionFactory, book, london, release_data
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import (
    HubFactory,
    InvitationFactory,
    SchoolFactory,
    SubjectNetworkFactory,
    UserFactory,
)
from tests.portfolios.factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for
from training import services as training_services
from training.models import Requirement

ROLES = (
    "anonymous",
    "teacher_a",  # the owner of the portfolio, bookings and requests below
    "colleague_a",
    "teacher_b",  # another school in the same hub
    "teacher_other_hub",
    "leader_a",  # CPD leader of school A
    "leader_b",  # CPD leader of school B
    "hub_lead",  # leads hub North (A and B are in it)
    "network_lead",
    "expert",  # a live profile (school B); leads the session
    "coordinator",
    "deactivated",  # was at school A; is_active False
)


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    kwargs: dict[str, object] = field(default_factory=dict)


def _person(school, first, last, **extra) -> User:
    user = UserFactory(first_name=first, last_name=last, school=school, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def build_world() -> World:
    north, south = HubFactory(name="North", slug="north"), HubFactory(name="South", slug="south")
    school_a = SchoolFactory(name="Ashgrove Primary School", hub=north)
    school_b = SchoolFactory(name="Brookside Primary School", hub=north)
    school_c = SchoolFactory(name="Thornbury High School", hub=south, phase=School.Phase.SECONDARY)
    school_d = SchoolFactory(name="Dalton Primary School", hub=north)
    u = {
        "anonymous": None,
        "teacher_a": _person(school_a, "Sam", "Whitfield"),
        "colleague_a": _person(school_a, "Amelia", "Hughes"),
        "teacher_b": _person(school_b, "Owen", "Bell"),
        "teacher_other_hub": _person(school_c, "Tom", "Price"),
        "leader_a": _person(school_a, "Priya", "Shah", job_role=User.JobRole.SENIOR_LEADER),
        "leader_b": _person(school_b, "Ruth", "Kaur", job_role=User.JobRole.SENIOR_LEADER),
        "hub_lead": _person(school_d, "Harriet", "Lowe", job_role=User.JobRole.SENIOR_LEADER),
        "network_lead": _person(school_d, "Nadia", "Ellis"),
        "expert": _person(school_b, "Ed", "Marsh"),
        "coordinator": _person(None, "Helen", "Okafor", is_staff=True),
        "deactivated": _person(school_a, "Dan", "Gone", is_active=False),
    }
    school_a.cpd_leaders.add(u["leader_a"])
    school_b.cpd_leaders.add(u["leader_b"])
    north.leaders.add(u["hub_lead"])
    network = SubjectNetworkFactory(name="Geography network", slug="geography-north", hub=north)
    network.leads.add(u["network_lead"])
    network.members.add(u["teacher_a"])
    u["coordinator"].groups.add(Group.objects.get(name=COORDINATORS_GROUP))

    profile = ExpertProfileFactory(user=u["expert"], headline="Questioning in maths")
    offer(profile, "questioning", coaching=True)
    request = contact_request_create(
        profile=profile, sender=u["teacher_a"], message="Could you help with questioning?"
    )

    session = SessionFactory(
        title="Questioning that makes pupils think",
        venue_school=school_a,
        start=london(10, 10, 0),
        leads=[u["expert"]],
    )
    booking = book(session, u["teacher_a"], release=release_data())
    # A session of a subject network of the other hub (teacher A a member): she attended and its
    # summary is shared. Her CPD leader cannot see the session, and reads its summary.
    south_network = SubjectNetworkFactory(
        name="Fieldwork network", slug="fieldwork-south", hub=south
    )
    south_network.members.add(u["teacher_a"])
    evaluated = SessionFactory(
        title="Fieldwork that lasts", scope=DevelopmentSession.Scope.NETWORK,
        network=south_network, leads=[u["teacher_other_hub"]],
    )  # fmt: skip
    book(evaluated, u["teacher_a"])
    ended = timezone.now() - datetime.timedelta(days=15)
    evaluated.dates.update(start=ended - datetime.timedelta(hours=1), end=ended)
    DevelopmentSession.objects.filter(pk=evaluated.pk).update(
        start=ended - datetime.timedelta(hours=1), end=ended, evaluation_shared_at=timezone.now()
    )
    feed = CalendarFeed.objects.create(user=u["teacher_a"])

    goal = GoalFactory(owner=u["teacher_a"])
    entry = EntryFactory(owner=u["teacher_a"])
    attachment = EntryAttachment(
        entry=entry, original_name="plan.pdf", content_type="application/pdf", size=8
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=True)
    follow_up = follow_up_for(entry)
    need = NeedFactory(owner=u["teacher_a"])

    export = DataExport.objects.create(
        user=u["teacher_a"],
        state=DataExport.State.READY,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=True)

    invitation = InvitationFactory(school=school_a, invited_by=u["leader_a"])
    job = ImportJob.objects.create(
        created_by=u["leader_a"],
        kind=ImportJob.Kind.STAFF,
        school=school_a,
        file_token="0" * 64,
        file_name="staff.csv",
    )
    left_out = rejected_path(job_id=job.pk, user_id=u["leader_a"].pk)
    left_out.parent.mkdir(parents=True, exist_ok=True)
    left_out.write_text("Line,Email,Why it was left out\n2,x@gmail.com,No name.\n")

    # Coaching: teacher A coached by the expert (school B), set up by A's CPD leader; an
    # observation shared with a colleague; a community step in the library.
    coaching = coaching_services.relationship_create(
        by=u["leader_a"], coaches=[u["expert"]], teachers=[u["teacher_a"]]
    )
    observed = coaching_services.observation_record(
        relationship=coaching, by=u["expert"], teacher=u["teacher_a"], kind="coaching",
        date=timezone.localdate(), notes="Private coaching notes",
    )  # fmt: skip
    meeting = coaching_services.meeting_record(
        relationship=coaching, by=u["expert"], teacher=u["teacher_a"],
        date=timezone.localdate(), action="Wait three seconds, then name who answers.",
        check_back=timezone.localdate() + datetime.timedelta(days=7),
    )  # fmt: skip
    coaching_share = coaching_services.share_create(
        by=u["teacher_a"], item=observed, colleague=u["colleague_a"]
    )
    # The coach (school B) plans a visit to teacher A's school: a private session.
    day = london(12, 9, 0)
    visit = coaching_visits.visit_plan(
        relationship=coaching, by=u["expert"], school=school_a, date=timezone.localdate(day),
        start_time=datetime.time(9, 0), end_time=datetime.time(11, 0), purpose="both",
    )  # fmt: skip
    library_step = coaching_library.step_propose(
        by=u["coordinator"], title="Cold call", action="Ask, wait, then name.",
        success_criteria="Everyone thinks.", category="questioning",
    )  # fmt: skip

    # Enquiry: teacher A's open lesson-study group with the expert (school B): a file in its
    # log, a reading-list item, a draft write-up, an invitation waiting for her colleague; and
    # the expert's group with teacher B, whose write-up is published in the library.
    questioning = ExpertiseArea.objects.get(slug="questioning")
    enquiry = enquiry_services.group_create(
        by=u["teacher_a"], question="How can we teach fractions to pupils unsure of place value?",
        kind="lesson_study", areas=[questioning],
    )  # fmt: skip
    enquiry_services.group_join(group=enquiry, by=u["expert"])
    enquiry_file = enquiry_services.log_add(
        group=enquiry, by=u["teacher_a"], kind="file",
        upload=SimpleUploadedFile("plan.txt", b"Private plan", "text/plain"),
    )  # fmt: skip
    reading = enquiry_services.reading_add(group=enquiry, by=u["teacher_a"], title="EEF guidance")
    enquiry_writeups.write_up_save(
        group=enquiry, by=u["teacher_a"], question=enquiry.question, tried="Private draft",
        happened="Private draft",
    )  # fmt: skip
    # A lesson-study cycle of teacher A's group, with case pupil A.
    cycle = enquiry_cycles.cycle_create(group=enquiry, by=u["teacher_a"])
    enquiry_cycles.case_pupil_add(cycle=cycle, by=u["teacher_a"], code="A", description="Unsure")
    enquiry_invitation = enquiry_services.invitation_create(
        group=enquiry, by=u["teacher_a"], email=u["colleague_a"].email
    )
    finished = enquiry_services.group_create(
        by=u["expert"], question="How can talk routines help pupils explain?", kind="enquiry",
        areas=[questioning],
    )  # fmt: skip
    enquiry_services.group_join(group=finished, by=u["teacher_b"])
    enquiry_writeups.write_up_save(
        group=finished, by=u["expert"], question=finished.question, tried="Talk partners",
        happened="Better explanations",
    )  # fmt: skip
    for person in (u["expert"], u["teacher_b"]):
        enquiry_writeups.write_up_agree(group=finished, by=person)

    # Peer visits: teacher A asks to visit school B (waiting for its leader), and a visit of
    # hers that school B's leader accepted, the expert hosting.
    peer_visit = enquiry_visits.visit_ask(
        by=u["teacher_a"], host_school=school_b, focus="Questioning", dates="Any Tuesday",
        why="Private reasons",
    )  # fmt: skip
    peer_visit_done = enquiry_visits.visit_accept(
        visit=enquiry_visits.visit_ask(
            by=u["teacher_a"], host_school=school_b, focus="Phonics", dates="May", why="Why"
        ),
        by=u["leader_b"], host=u["expert"], date=timezone.localdate(london(14, 9, 0)),
        start_time=datetime.time(9, 0), end_time=datetime.time(11, 0),
    )  # fmt: skip

    # External courses: a listed one teacher A asked to attend, a hidden one, an outside network.
    course = make_course(u["coordinator"])
    hidden = make_course(u["coordinator"], title="Hidden course")
    courses_services.course_hide(course=hidden, by=u["coordinator"], hidden=True)
    course_request = make_request(u["teacher_a"], course, goal)
    outside = make_network(schools=[school_a], areas=[questioning])
    # Quality: school A's review this year, school B's leader its peer reviewer, an action,
    # and its staff survey with teacher A's link.
    review = quality_services.review_start(
        school=school_a, year=current_academic_year(), by=u["leader_a"]
    )
    quality_peer.reviewer_invite(review=review, by=u["leader_a"], reviewer=u["leader_b"])
    quality_action = quality_services.action_add(
        review=review, by=u["leader_a"], part=review.framework.parts.first(), text="An action"
    )
    staff_survey = Survey.objects.create(review=review, opened_by=u["leader_a"])
    survey_token = quality_survey.token_for(staff_survey.pk, u["teacher_a"].pk)
    SurveyInvite.objects.create(
        survey=staff_survey, user=u["teacher_a"], token_hash=quality_survey.token_hash(survey_token)
    )
    # Required training: the community's and school A's; teacher A's certificate.
    Requirement.objects.create(title="Safeguarding level 1", valid_months=36)
    first_aid = Requirement.objects.create(title="First aid", school=school_a, valid_months=36)
    completion = training_services.completion_record(
        by=u["teacher_a"], person=u["teacher_a"], requirement=first_aid,
        completed_on=timezone.localdate() - datetime.timedelta(days=30),
        certificate=SimpleUploadedFile("first-aid.pdf", b"%PDF-1.4 cert", "application/pdf"),
    )  # fmt: skip
    # The school's year: school A's English team (led by her colleague, teacher A a member)
    # with one meeting; an INSET day in school A's draft plan; a community-wide proposed date.
    team = Team.objects.create(school=school_a, name="English", leader=u["colleague_a"])
    for member in (u["teacher_a"], u["colleague_a"]):
        TeamMembership.objects.create(team=team, user=member)
    today = timezone.localdate()
    series = MeetingSeries.objects.create(
        team=team, first_date=today, last_date=today, start_time=datetime.time(15, 30),
        end_time=datetime.time(16, 30),
    )  # fmt: skip
    team_meeting = TeamMeeting.objects.create(
        series=series, team=team, start=london(11, 15, 30), end=london(11, 16, 30),
        notes="Private team notes",
    )  # fmt: skip
    year_plan = YearPlan.objects.create(school=school_a, academic_year=current_academic_year())
    plan_date = PlanDate.objects.create(
        plan=year_plan, kind="inset", title="INSET", start=today, end=today
    )
    community_date = CommunityDate.objects.create(date=today, title="Community INSET")

    world = World(users=u)
    world.kwargs = {
        "pk:session": session.pk,
        "pk:evaluated": evaluated.pk,
        "pk:request": request.pk,
        "pk:release": booking.release.pk,
        "user_id": u["teacher_a"].pk,
        "token:feed": feed.token,
        "booking_pk": booking.pk,
        "pk:goal": goal.pk,
        "pk:entry": entry.pk,
        "entry_pk": entry.pk,
        "pk:attachment": attachment.pk,
        "pk:follow_up": follow_up.pk,
        "pk:need": need.pk,
        "year": current_academic_year(),
        "token:unsubscribe": unsubscribe_token(user_id=u["teacher_a"].pk, category="digest"),
        "token:confirm": signing.dumps({"p": profile.pk}, salt=CONFIRM_SALT),
        "part": "participation",
        "table": "summary",  # a coaching figures CSV
        "urn": school_a.urn,
        "area": ExpertiseArea.objects.get(slug="questioning").slug,
        "profile": profile.pk,
        "pk:profile": profile.pk,
        "token:download": export.token,
        "slug:hub": north.slug,
        "slug:network": network.slug,
        "pk:domain": school_a.domains.first().pk,
        "pk:invitation": invitation.pk,
        "token:invitation": invitation.token,
        "pk:job": job.pk,
        "pk:relationship": coaching.pk,
        "step_pk": meeting.steps.get().pk,
        "what": "observation",
        "item_pk": observed.pk,
        "pk:libstep": library_step.pk,
        "pk:share": coaching_share.pk,
        "visit_pk": visit.pk,
        "pk:enquiry": enquiry.pk,
        "log_pk": enquiry_file.pk,
        "reading_pk": reading.pk,
        "number": cycle.number,
        "kind": "prediction",
        "pk:enqinvite": enquiry_invitation.pk,
        "pk:writeup": WriteUp.objects.get(group=finished).pk,
        "pk:peervisit": peer_visit.pk,
        "pk:peervisitdone": peer_visit_done.pk,
        "pk:course": course.pk,
        "pk:courserequest": course_request.pk,
        "pk:outsidenetwork": outside.pk,
        "pk:qaction": quality_action.pk,
        "token:survey": survey_token,
        "pk:completion": completion.pk,
        "pk:requirement": first_aid.pk,
        "person_id": u["teacher_a"].pk,
        "pk:team": team.pk,
        "meeting_pk": team_meeting.pk,
        "series_pk": series.pk,
        "pk:plandate": plan_date.pk,
        "pk:communitydate": community_date.pk,
    }
    for role, user in u.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        world.clients[role] = client
    return world
