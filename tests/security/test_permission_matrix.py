"""
The permission matrix: every URL pattern of the product, found by walking
the URL resolver, answered for twelve roles by GET and by POST, against a table of what each
role should get. A pattern without a row fails (a new URL needs its row); a refused POST must
change nothing (row counts and a SHA-256 of every model's rows, before and after).

Answers are written as: 200, "login" (302 to /accounts/login/), 302 (another redirect: a POST
that did its job, or a page that sends you on), 403, 404, 405, 410. A row is
``{"get": default, "post": default, role: ..., "post:role": ...}``; ``"post": None`` means the
pattern is not posted to (it is a page, a file or a feed) and is not tried.

Re-record after a deliberate change with ``MATRIX_RECORD=1 pytest tests/security -s``: it
prints the answers seen, to compare with the table by eye (never paste them blindly).
"""

import hashlib
import os
import re

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import ROLES, World, build_world

qn = connection.ops.quote_name
RECORD = os.environ.get("MATRIX_RECORD") == "1"

# Patterns not in the matrix, each with its reason. Django admin's own and allauth's are
# skipped wholesale (their permissions are Django's and allauth's, tested upstream).
SKIPPED = {
    "healthz": "the load balancer's probe: public on purpose, only up or down (test_health.py)",
    "mfa_activate_totp": "allauth's own view at its own address, only carrying ?next= "
    "(hubs/mfa_views.py): signed in and re-authenticated, as allauth's (tests/hubs/test_admin.py)",
    "mfa_view_recovery_codes": "allauth's own view at its own address, only carrying ?next= "
    "(hubs/mfa_views.py): allauth's permission, as before (tests/hubs/test_admin.py)",
}

LOGIN = "login"
REFUSED = {LOGIN, 403, 404, 405, 410}


def row(get, post=None, writers=None, **cells) -> dict:
    """One pattern: the GET answer for every role, ``role=answer`` for exceptions; ``post`` the
    POST answer (None: not posted to), ``post_role=answer`` for exceptions. Signed out (anonymous
    and deactivated) always go to sign-in unless a cell says otherwise. ``writers``: the roles
    whose POST may change rows (default: those whose POST is not refused); every other role's
    POST must change nothing, whatever its answer (a redirect with "you can't" included)."""
    r = {"get": get, "post": post, "anonymous": LOGIN, "deactivated": LOGIN}
    r |= {"post:anonymous": LOGIN, "post:deactivated": LOGIN}
    r |= {k.replace("post_", "post:"): v for k, v in cells.items()}
    r["writers"] = writers
    return r


def only(role_answers: dict, get=403, post=None, **cells) -> dict:
    """A page for some roles only: ``role_answers`` for them, ``get`` (403) for the rest."""
    return row(get, post, **role_answers, **cells)


def action(*allowed: str, refused=403, ok=302, **cells) -> dict:
    """A POST-only action (GET: 405) allowed to ``allowed`` roles."""
    return row(405, refused, **{f"post_{r}": ok for r in allowed}, **cells)


def own(get=200, post=None, **cells) -> dict:
    """Something of teacher A's own: 404 for everyone else (they cannot tell it exists)."""
    return row(404, None if post is None else 404, teacher_a=get, **cells) | (
        {} if post is None else {"post:teacher_a": post}
    )


def everyone(get=200, post=None, **cells) -> dict:
    """Anyone signed in."""
    return row(get, post, **cells)


COORDINATOR = {"coordinator": 200}
LEADERS = {"leader_a": 200, "leader_b": 200, "coordinator": 200}
LEAD_OF_SESSION = {"expert": 200, "coordinator": 200}
PUBLISHERS = {"hub_lead": 200, "network_lead": 200, "coordinator": 200}
LEADER_A = {"leader_a": 200, "coordinator": 200}
PUBLIC = {"anonymous": 200, "deactivated": 200, "post:anonymous": 200, "post:deactivated": 200}

MATRIX: dict[str, dict] = {
    "home": row(200, anonymous=200, deactivated=200),
    # The directory: everyone signed in; only the owner of a profile edits it.
    "experts:directory": everyone(),
    "experts:print": everyone(),
    "experts:csv": everyone(),
    "experts:stale": only(COORDINATOR),
    "experts:me": everyone(post=200),
    "experts:confirm": action("expert", refused=404),
    "experts:mark_helped": action("expert", refused=404),
    "experts:thank": action("teacher_a", refused=404),
    "experts:profile": everyone(),
    # Writing to the expert: anyone signed in but the expert (sent back to their profile).
    "experts:contact": action(
        "teacher_a",
        "colleague_a",
        "teacher_b",
        "teacher_other_hub",
        "leader_a",
        "leader_b",
        "hub_lead",
        "network_lead",
        "coordinator",
        refused=302,
        writers=(
            "teacher_a",
            "colleague_a",
            "teacher_b",
            "teacher_other_hub",
            "leader_a",
            "leader_b",
            "hub_lead",
            "network_lead",
            "coordinator",
        ),
    ),
    # Sessions: the list and a session for everyone; changing one for its leads and coordinators.
    "cpd_sessions:list": everyone(),
    # Offering: anyone with a directory profile; hub and network leads plan meetings without one.
    "cpd_sessions:new": only(
        LEAD_OF_SESSION | PUBLISHERS,
        post=403,
        post_expert=200,
        post_coordinator=200,
        post_hub_lead=200,
        post_network_lead=200,
    ),
    # Proposals wait for whoever may publish them; the world's session is published, so it is
    # in nobody's queue (404 to those with a queue, 403 to everyone else).
    "cpd_sessions:proposals": only(PUBLISHERS),
    "cpd_sessions:proposal_publish": action(
        refused=403, post_hub_lead=404, post_network_lead=404, post_coordinator=404
    ),
    "cpd_sessions:proposal_decline": action(
        refused=403, post_hub_lead=404, post_network_lead=404, post_coordinator=404
    ),
    "cpd_sessions:mine": everyone(),
    "cpd_sessions:approvals": only(LEADERS),
    "cpd_sessions:approvals_bulk": action("leader_a", "leader_b", "coordinator"),
    "cpd_sessions:release_decide": action("leader_a", post_leader_b=404, post_coordinator=404),
    "cpd_sessions:budget_set": action("leader_a", post_leader_b=404, post_coordinator=404),
    "cpd_sessions:budgets": only(LEADERS),
    "cpd_sessions:budgets_all": action("leader_a", "leader_b", "coordinator"),
    # A person's CPD record: their own school's CPD leader only (404 for another school's).
    "cpd_sessions:record": only({"leader_a": 200, "leader_b": 404, "coordinator": 404}),
    "cpd_sessions:record_csv": only({"leader_a": 200, "leader_b": 404, "coordinator": 404}),
    "cpd_sessions:recordings": everyone(),
    "cpd_sessions:calendar": everyone(),
    "cpd_sessions:calendar_renew": row(405, 302),  # one's own feed
    "cpd_sessions:calendar_revoke": row(405, 302),
    # The feed's secret address is the credential (calendar apps do not sign in).
    "cpd_sessions:feed": row(200, **PUBLIC),
    "cpd_sessions:detail": everyone(),
    "cpd_sessions:edit": only(LEAD_OF_SESSION, post=403, post_expert=200, post_coordinator=200),
    "cpd_sessions:publish": action("coordinator"),
    # Cancelling: the service refuses anyone but a lead or a coordinator, with a message.
    "cpd_sessions:cancel": action("expert", "coordinator"),
    # Booking: anyone signed in (teacher A is already booked: told so); the coordinator has
    # no school, so no release time to ask for.
    "cpd_sessions:book": action(
        *(
            "teacher_a",
            "colleague_a",
            "teacher_b",
            "teacher_other_hub",
            "leader_a",
            "leader_b",
            "hub_lead",
            "network_lead",
            "expert",
            "coordinator",
        ),
        refused=302,
    ),
    "cpd_sessions:cancel_booking": own(post=302),
    "cpd_sessions:attendance": action("expert", "coordinator"),
    # Feedback is for those who were there: teacher A is booked but the session is to come.
    "cpd_sessions:feedback": action(refused=404, post_teacher_a=403),
    "cpd_sessions:register": only(LEAD_OF_SESSION),
    "cpd_sessions:register_csv": only(LEAD_OF_SESSION),
    "cpd_sessions:message": only(LEAD_OF_SESSION, post=403, post_expert=200, post_coordinator=200),
    # No attendance yet, so no certificate for anyone.
    "cpd_sessions:certificate": row(404),
    "cpd_sessions:certificate_for": row(404),
    # Certificates emailed to everyone present: the session's leads and coordinators (none is
    # present yet, so nothing is sent, and nothing changes for anyone).
    "cpd_sessions:certificates_send": action("expert", "coordinator"),
    # Apologies for one meeting: only someone booked (teacher A: the form's meeting is not
    # one of the session's, so she is told to choose one, and nothing changes); others 404.
    "cpd_sessions:apology": action(refused=404, post_teacher_a=302, writers=()),
    # "What we will change": the session's leads and coordinators once it has ended; this one
    # is to come, so everyone is refused and nothing changes (an ended session's leads write
    # it, others are refused: tests/cpd_sessions/test_evaluation.py).
    "cpd_sessions:will_change": action(),
    # The shared summary of a session of the other hub's network that teacher A attended: its
    # lead, teacher A, her CPD leader (who cannot see the session) and the coordinator.
    "cpd_sessions:evaluation": row(
        404, teacher_a=200, leader_a=200, teacher_other_hub=200, coordinator=200
    ),
    "cpd_sessions:ics": row(404, teacher_a=200, expert=200, coordinator=200),
    # The portfolio: private to its owner.
    "portfolios:home": everyone(),
    "portfolios:goal_new": everyone(post=200),
    "portfolios:goal": own(),
    "portfolios:goal_edit": own(post=200),
    "portfolios:goal_delete": action(refused=404, post_teacher_a=302),
    "portfolios:goal_review": action(refused=404, post_teacher_a=302),
    "portfolios:entries": everyone(),
    "portfolios:entry_new": everyone(post=200),
    "portfolios:entry": own(),
    "portfolios:entry_edit": own(post=200),
    "portfolios:entry_delete": action(refused=404, post_teacher_a=302),
    "portfolios:attachment": own(),
    "portfolios:attachment_delete": action(refused=404, post_teacher_a=302),
    "portfolios:follow_up": own(post=200),
    "portfolios:needs": everyone(post=200),
    "portfolios:needs_audit": only({"leader_a": 200, "leader_b": 200}),
    "portfolios:needs_community": only({"coordinator": 301}),
    "portfolios:need_edit": own(post=200),
    "portfolios:need_delete": action(refused=404, post_teacher_a=302),
    # The need's owner's CPD leader decides it.
    "portfolios:need_decide": action("leader_a", refused=404),
    "portfolios:shared": everyone(),
    "portfolios:statement_now": everyone(302),
    "portfolios:statement": everyone(post=400),
    "portfolios:export_json": everyone(),
    "portfolios:export_zip": everyone(),
    "portfolios:print": everyone(),
    "notifications:preferences": everyone(post=302),
    # The signed link is the credential (one click from an email, signed in or not).
    "notifications:unsubscribe": row(200, 200, **PUBLIC),
    "termly:confirm_profile": row(200, 200, **PUBLIC),
    # The coordinator's pages.
    # Hub leads see their own hub's slice of the dashboard.
    "coordination:dashboard": only(COORDINATOR | {"hub_lead": 200}),
    "coordination:needs": only(COORDINATOR),
    "coordination:nudge_stale": action("coordinator"),
    "coordination:need_met": action("coordinator"),
    "coordination:commission": action("coordinator"),
    "coordination:need_introduce": action("coordinator"),
    "coordination:dashboard_csv": only(COORDINATOR | {"hub_lead": 200}),
    # The world's need was never passed on by a CPD leader, so there is nothing to reply to (404
    # for the coordinator too); the reply itself: tests/coordination/test_forms_webtest.py.
    "coordination:need_reply": action("coordinator", ok=404),
    "coordination:school_dashboard": only(LEADER_A),
    "coordination:school_dashboard_csv": only(LEADER_A),
    # Coaching figures (counts only): a school's for its CPD leaders, the community's for the
    # coordinator; nobody else, and no relationship is reached from them.
    "coaching_activity:school": only(LEADER_A),
    "coaching_activity:school_csv": only(LEADER_A),
    "coaching_activity:community": only(COORDINATOR),
    "coaching_activity:community_csv": only(COORDINATOR),
    "privacy:notice": row(200, **PUBLIC),
    "privacy:my_data": everyone(post=302),
    "privacy:download": own(),
    # Re-authentication first, for everyone signed in.
    "privacy:delete": everyone(302, post=302),
    "hubs:hub_list": everyone(),
    "hubs:hub_detail": everyone(),
    "hubs:hub_edit": only(
        {"hub_lead": 200, "coordinator": 200}, post=403, post_hub_lead=200, post_coordinator=200
    ),
    "hubs:school_detail": everyone(),
    "hubs:school_family": everyone(),
    "hubs:school_invite": only(LEADER_A, post=403, post_leader_a=200, post_coordinator=200),
    "hubs:school_domains": only(LEADER_A, post=403, post_leader_a=200, post_coordinator=200),
    "hubs:school_domain_remove": action("leader_a", "coordinator"),
    "hubs:invitation_revoke": action("leader_a", "coordinator"),
    "hubs:invitation_resend": action("leader_a", "coordinator"),
    "hubs:invitations_resend_all": action("leader_a", "coordinator"),
    # An invitation's link: signed out it shows the sign-up form; signed in it sends you home.
    "hubs:invitation_accept": row(
        302,
        302,
        anonymous=200,
        deactivated=200,
        post_anonymous=200,
        post_deactivated=200,
        writers=(),  # an empty form: nobody joins
    ),
    # Joining a network of one's own hub (the network is in hub North).
    "hubs:network_detail": everyone(),
    "hubs:network_membership": action(
        *(
            "teacher_a",
            "colleague_a",
            "teacher_b",
            "leader_a",
            "leader_b",
            "hub_lead",
            "network_lead",
            "expert",
            "coordinator",
        ),
    ),
    "hubs:my_details": everyone(post=200),
    "hubs:lone_rangers": only({"hub_lead": 200, "coordinator": 200}),
    "hubs:lone_rangers_invite": action("coordinator"),
    "hubs:community_edit": only(COORDINATOR, post=403, post_coordinator=200),
    "hubs:import_schools": only(COORDINATOR, post=403, post_coordinator=200),
    "hubs:import_staff": only(COORDINATOR, post=403, post_coordinator=200),
    "hubs:school_import_staff": only(LEADER_A, post=403, post_leader_a=200, post_coordinator=200),
    # An import's progress: the person who started it.
    "hubs:import_job": only({"leader_a": 200}),
    "hubs:import_job_rejected": only({"leader_a": 200}),
    # Coaching: the library for everyone; a relationship for its members only (teacher A and
    # the expert, her coach in school B), 404 to everyone else, leaders and coordinator included.
    "coaching:home": everyone(),
    "coaching:shared": everyone(),
    "coaching:library": everyone(),
    "coaching:step_detail": everyone(),
    # Proposing: curators and anyone coaching (the expert).
    "coaching:step_new": only(
        {"leader_a": 200, "leader_b": 200, "coordinator": 200, "expert": 200},
        post=403,
        post_leader_a=200,
        post_leader_b=200,
        post_coordinator=200,
        post_expert=200,
    ),
    # The world's step is published: the coordinator's decision changes nothing.
    "coaching:step_decide": action("coordinator"),
    "coaching:set_up": only(
        {"leader_a": 200, "leader_b": 200, "coordinator": 200},
        post=403,
        post_leader_a=200,
        post_leader_b=200,
        post_coordinator=200,
    ),
    # Asking the expert for coaching: anyone but the expert.
    "coaching:ask": row(200, 200, expert=403, post_expert=403),
    "coaching:cycle": row(404, teacher_a=200, expert=200),
    # The relationship is active: there is no request to answer.
    "coaching:answer": action(refused=404, post_teacher_a=403, post_expert=403),
    # The teacher pauses; the coach may not.
    "coaching:status": action(refused=404, post_teacher_a=302, post_expert=403),
    "coaching:observe": row(
        404, 404, teacher_a=403, expert=200, post_teacher_a=403, post_expert=200
    ),
    "coaching:meet": row(404, 404, teacher_a=403, expert=200, post_teacher_a=403, post_expert=200),
    # A visit to teacher A's school: planned and called off by the coach (school B) only.
    "coaching:visit_plan": row(
        404, 404, teacher_a=403, expert=200, post_teacher_a=403, post_expert=200
    ),
    "coaching:visit_cancel": action(refused=404, post_teacher_a=403, post_expert=302),
    "coaching:step_move": action(refused=404, post_teacher_a=302, post_expert=302),
    "coaching:check_back": action(refused=404, post_teacher_a=302, post_expert=302),
    # The step is not embedded yet: nobody copies it.
    "coaching:portfolio": row(
        404, 404, teacher_a=403, expert=403, post_teacher_a=403, post_expert=403
    ),
    # Sharing is the teacher's (the observation is of her lesson).
    "coaching:share": row(404, 404, teacher_a=200, expert=403, post_teacher_a=200, post_expert=403),
    "coaching:share_withdraw": action(refused=404, post_teacher_a=302),
    # Enquiry: starting a group and the library for everyone; a group (its page, files, draft
    # and work) for its members only (teacher A and the expert), 404 to everyone else, leaders
    # and coordinator included. An empty form posted to the group is shown again with its errors
    # (400); an empty post to a page of its own shows the page (200).
    # The school's year. A team: its members (teacher A), its leader (colleague A) and school
    # A's CPD leaders see it; its leader and the CPD leaders edit it; everyone else, another
    # school's leader and the coordinator included, gets 404 (team notes are the team's).
    "schoolyear:team": row(404, teacher_a=200, colleague_a=200, leader_a=200),
    # Its meeting is in a year school A has not published (the world's plan is a draft): the
    # team's leader and the CPD leaders see and edit it; a member (teacher A) cannot open it,
    # nor post to it, until the year is published (404, as for everyone else).
    "schoolyear:meeting": row(404, colleague_a=200, leader_a=200),
    "schoolyear:team_edit": action("colleague_a", "leader_a", refused=404, post_teacher_a=403),
    "schoolyear:member_remove": action("colleague_a", "leader_a", refused=404, post_teacher_a=403),
    # An empty form: shown again (400) to those who may, nothing written.
    "schoolyear:member_add": action(
        refused=404, post_teacher_a=403, post_colleague_a=400, post_leader_a=400
    ),
    "schoolyear:series_new": action(
        refused=404, post_teacher_a=403, post_colleague_a=400, post_leader_a=400
    ),
    "schoolyear:meeting_edit": action("colleague_a", "leader_a", refused=404),
    "schoolyear:series_remove": action("colleague_a", "leader_a", refused=404, post_teacher_a=403),
    "schoolyear:meeting_remove": action("colleague_a", "leader_a", refused=404),
    "schoolyear:attendance": action("colleague_a", "leader_a", refused=404),
    # "What I will try": the team's members, each their own (of this draft year's meeting, the
    # member who leads the team; teacher A once the year is published: tests/schoolyear).
    "schoolyear:try": action("colleague_a", refused=404, post_leader_a=403),
    # The planner: school A's staff and the coordinator see it; its CPD leaders plan it (403
    # for the others who see it, 404 for everyone else).
    "schoolyear:planner": row(404, teacher_a=200, colleague_a=200, leader_a=200, coordinator=200),
    "schoolyear:school_teams": row(
        404,
        404,
        teacher_a=403,
        colleague_a=403,
        coordinator=403,
        leader_a=200,
        post_teacher_a=403,
        post_colleague_a=403,
        post_coordinator=403,
        post_leader_a=400,
    ),
    "schoolyear:priorities": row(
        404,
        404,
        teacher_a=403,
        colleague_a=403,
        coordinator=403,
        leader_a=200,
        post_teacher_a=403,
        post_colleague_a=403,
        post_coordinator=403,
        post_leader_a=400,
    ),
    "schoolyear:date_add": action(
        refused=404,
        post_teacher_a=403,
        post_colleague_a=403,
        post_coordinator=403,
        post_leader_a=400,
    ),
    # An empty move: told to give a date, nothing changed.
    "schoolyear:date_move": action(
        "leader_a",
        refused=404,
        post_teacher_a=403,
        post_colleague_a=403,
        post_coordinator=403,
        writers=(),
    ),
    "schoolyear:date_remove": action(
        "leader_a", refused=404, post_teacher_a=403, post_colleague_a=403, post_coordinator=403
    ),
    "schoolyear:publish": action(
        "leader_a", refused=404, post_teacher_a=403, post_colleague_a=403, post_coordinator=403
    ),
    "schoolyear:adopt": action(
        "leader_a", refused=404, post_teacher_a=403, post_colleague_a=403, post_coordinator=403
    ),
    "schoolyear:community": only(COORDINATOR),
    # An empty proposal: told to give a date, nothing written.
    "schoolyear:propose": action("coordinator", writers=()),
    "enquiry:home": everyone(),
    "enquiry:new": everyone(post=200),
    "enquiry:library": everyone(),
    "enquiry:write_up": everyone(),
    # Adding the published write-up to a portfolio: the members of its group (the expert and
    # teacher B).
    "enquiry:portfolio": row(
        403, 403, expert=200, teacher_b=200, post_expert=200, post_teacher_b=200
    ),
    # The invitation waits for teacher A's colleague; nobody else finds it.
    "enquiry:answer": action("colleague_a", refused=404),
    "enquiry:group": row(404, teacher_a=200, expert=200),
    # The group is open: anyone signed in joins it, but its members.
    "enquiry:join": action(
        "colleague_a",
        "teacher_b",
        "teacher_other_hub",
        "leader_a",
        "leader_b",
        "hub_lead",
        "network_lead",
        "coordinator",
    ),
    "enquiry:invite": action(refused=404, post_teacher_a=400, post_expert=400),
    "enquiry:status": action(refused=404, post_teacher_a=400, post_expert=403),
    "enquiry:leave": action("teacher_a", "expert", refused=404),
    "enquiry:log_add": action(refused=404, post_teacher_a=400, post_expert=400),
    "enquiry:log_file": row(404, teacher_a=200, expert=200),
    "enquiry:log_delete": action("teacher_a", refused=404, post_expert=403),
    "enquiry:reading_add": action(refused=404, post_teacher_a=400, post_expert=400),
    "enquiry:reading_delete": action("teacher_a", refused=404, post_expert=403),
    "enquiry:write_up_edit": row(
        404, 404, teacher_a=200, expert=200, post_teacher_a=200, post_expert=200
    ),
    "enquiry:agree": action("teacher_a", "expert", refused=404),
    # Lesson-study cycles: the group's members only (its cycle 1 is being planned).
    "enquiry:cycle": row(404, teacher_a=200, expert=200),
    "enquiry:cycle_new": action("teacher_a", "expert", refused=404),
    "enquiry:cycle_plan": action("teacher_a", "expert", refused=404),
    "enquiry:cycle_pupil": action(refused=404, post_teacher_a=400, post_expert=400),
    "enquiry:cycle_entry": action(refused=404, post_teacher_a=400, post_expert=400),
    "enquiry:cycle_discussion": action(refused=404, post_teacher_a=400, post_expert=400),
    # Release to observe: the lesson has no date yet, so nobody books it.
    "enquiry:cycle_release": action(refused=404, post_teacher_a=403, post_expert=403),
    # Enquiry figures (counts only): a school's for its CPD leaders, the community's for the
    # coordinator.
    "enquiry_figures:school": only(LEADER_A),
    "enquiry_figures:community": only(COORDINATOR),
    # Starting a group from a gap: the coordinator.
    "coordination:start_enquiry": only(COORDINATOR, post=403, post_coordinator=200),
    # Peer visits: anyone asks; a visit is seen by its visitor (teacher A), its host and the
    # host school's leaders (B); the leader answers; the visitor writes notes and thanks.
    "visits:home": everyone(post=200),
    "visits:visit": row(404, teacher_a=200, leader_b=200),
    "visits:accept": action(refused=404, post_teacher_a=403, post_leader_b=400),
    "visits:decline": action("leader_b", refused=404, post_teacher_a=403),
    # The visitor withdraws her waiting request; the host school's leader may not.
    "visits:withdraw": action("teacher_a", refused=404, post_leader_b=403),
    "visits:notes": action("teacher_a", refused=404, post_expert=403, post_leader_b=403),
    "visits:thank": action("teacher_a", refused=404, post_expert=403, post_leader_b=403),
    # External courses: the catalogue is everyone's; a request is its requester's alone; only the
    # coordinator hides a course; asking to attend needs a school (the coordinator has none).
    "courses:list": everyone(),
    "courses:new": everyone(post=200),
    "courses:detail": everyone(),
    "courses:hide": action("coordinator"),
    "courses:review": everyone(post=200),
    "courses:request": everyone(post=200, coordinator=403, post_coordinator=403),
    "courses:requests": everyone(),
    "courses:request_cancel": action("teacher_a", refused=404),
    # Outside networks: everyone reads them; only the coordinator adds, changes and removes one
    # (removing asks first: the GET is the question, the POST removes).
    "outside_networks:list": everyone(),
    "outside_networks:detail": everyone(),
    "outside_networks:new": only(COORDINATOR, post=403, post_coordinator=200),
    "outside_networks:edit": only(COORDINATOR, post=403, post_coordinator=200),
    "outside_networks:remove": only(COORDINATOR, post=403, post_coordinator=302),
    # CPD reviews: school A's review is found by its CPD leader and its peer reviewer (school
    # B's leader) only; the coordinator sees the school's levels, and the review itself only
    # once shared (it is not here). Each write: the school's leader, or the reviewer.
    "quality:school": only(LEADER_A, post=403, post_leader_a=302),
    "quality:review": row(404, leader_a=200, leader_b=200),
    "quality:part": row(
        404, leader_a=200, leader_b=403, post=404, post_leader_a=302, post_leader_b=403
    ),
    "quality:self_review_done": action("leader_a", refused=404, post_leader_b=403),
    "quality:share": action("leader_a", refused=404, post_leader_b=403),
    "quality:survey_open": action("leader_a", refused=404, post_leader_b=403),
    "quality:survey_close": action("leader_a", refused=404, post_leader_b=403),
    # The peer reviewer's invitation: the school's leader or the coordinator (a page of its
    # own, showing the stage, not the review); the reviewer reads the review, does not invite.
    "quality:reviewer_invite": row(
        404,
        post=404,
        leader_a=200,
        coordinator=200,
        leader_b=403,
        post_leader_a=400,
        post_coordinator=400,
        post_leader_b=403,
    ),
    "quality:visit_plan": action(refused=404, post_leader_a=403, post_leader_b=400),
    "quality:findings": row(
        404, leader_a=403, leader_b=200, post=404, post_leader_a=403, post_leader_b=302
    ),
    "quality:report_accept": action("leader_a", refused=404, post_leader_b=403),
    "quality:action_add": action(refused=404, post_leader_a=400, post_leader_b=403),
    "quality:action_done": action("leader_a", refused=404, post_leader_b=403),
    "quality:community": only(COORDINATOR),
    # The staff survey's link: no sign-in; the token is the key (an empty answer: 400).
    "quality_survey:answer": row(
        200, post=400, anonymous=200, deactivated=200, post_anonymous=400, post_deactivated=400
    ),
    # Required training: my own for everyone with a school (a POST with nothing in it shows the
    # form again);
    # a certificate for its owner and their school's CPD leaders only (not the coordinator);
    # requirements for leaders and the coordinator, each changed by whoever may set it; the
    # matrix for the school's leaders and the coordinator; a person's page for their leaders.
    "training:home": everyone(post=200, post_coordinator=403),
    "training:certificate": row(404, teacher_a=200, leader_a=200),
    "training:delete": action("teacher_a", "leader_a", refused=404),
    "training:requirements": only(
        LEADERS, post=403, post_leader_a=200, post_leader_b=200, post_coordinator=200
    ),
    "training:requirement": row(
        404, leader_a=200, coordinator=200, post=404, post_leader_a=200, post_coordinator=200
    ),
    "training:matrix": only(LEADER_A),
    "training:print": only(LEADER_A),
    "training:person": row(404, leader_a=200, post=404, post_leader_a=200),
    "training:responsibilities": action("leader_a", refused=404),
    "training:community": only(COORDINATOR),
}

# What a POST carries, where an empty one would stop at the form before any permission check.
POST_DATA = {
    "cpd_sessions:cancel": {"reason": "The hall is flooded."},
    "cpd_sessions:book": {
        "cover_lessons": "3",
        "cover_notes": "Year 4",
        "supply_cost": "180.00",
        "travel_cost": "0.00",
        "fee_share": "0.00",
        "goal": "Better questioning",
    },
    "cpd_sessions:release_decide": {"decision": "approve", "over_budget": "on"},
    "cpd_sessions:proposal_decline": {"reason": "Not this term."},
    "cpd_sessions:apology": {"date": "0", "action": "send"},
    "experts:contact": {"message": "Could you help with questioning in Year 4?"},
    "portfolios:need_decide": {"status": "passed"},
    "experts:thank": {"thank_you": "Thank you, it worked."},
    "coaching:step_decide": {"decision": "publish"},
    "coaching:answer": {"decision": "accept"},
    "coaching:status": {"action": "pause"},
    "coaching:step_move": {"status": "closed"},
    "coaching:check_back": {"check_back": "2030-01-01"},
    "visits:thank": {"thanks": "Thank you for a morning in your classrooms."},
}


def url_patterns() -> dict[str, str]:
    """Every named pattern of the product: {"namespace:name": route}, admin and allauth left out."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                module = getattr(entry.urlconf_module, "__name__", str(entry.urlconf_name))
                if entry.namespace == "admin" or module.startswith("allauth"):
                    continue
                inner = ":".join(x for x in (namespace, entry.namespace) if x)
                walk(entry, route, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                assert entry.name, f"{route} has no name: give it one and a row in the matrix"
                assert name not in found, f"two patterns are called {name}"
                found[name] = route

    walk(get_resolver(), "", "")
    return found


PATTERNS = url_patterns()

# Which object a pattern's ``pk``, ``token`` or ``slug`` is, by pattern name prefix.
OBJECT = {
    "experts:mark_helped": "request",
    "experts:thank": "request",
    "experts:profile": "profile",
    "experts:contact": "profile",
    "cpd_sessions:release_decide": "release",
    "cpd_sessions:feedback": "session",
    "cpd_sessions:evaluation": "evaluated",
    "cpd_sessions:feed": "feed",
    "cpd_sessions:": "session",
    "portfolios:goal": "goal",
    "portfolios:entry": "entry",
    "portfolios:attachment": "attachment",
    "portfolios:follow_up": "follow_up",
    "portfolios:need": "need",
    "coordination:need": "need",
    "notifications:unsubscribe": "unsubscribe",
    "termly:confirm_profile": "confirm",
    "privacy:download": "download",
    "hubs:hub": "hub",
    "hubs:network": "network",
    "hubs:school_domain": "domain",
    "hubs:invitation": "invitation",
    "hubs:import_job": "job",
    "coaching:step_detail": "libstep",
    "coaching:step_decide": "libstep",
    "coaching:share_withdraw": "share",
    "coaching:": "relationship",
    "enquiry:write_up_edit": "enquiry",
    "enquiry:write_up": "writeup",
    "enquiry:portfolio": "writeup",
    "enquiry:answer": "enqinvite",
    "enquiry:": "enquiry",
    "visits:notes": "peervisitdone",
    "visits:thank": "peervisitdone",
    "visits:": "peervisit",
    "courses:request_cancel": "courserequest",
    "courses:": "course",
    "outside_networks:": "outsidenetwork",
    "quality:action_done": "qaction",
    "quality_survey:": "survey",
    "training:certificate": "completion",
    "training:delete": "completion",
    "training:requirement": "requirement",
    "schoolyear:date_": "plandate",
    "schoolyear:adopt": "communitydate",
    "schoolyear:": "team",
}


def url_for(name: str, world: World) -> str:
    route = PATTERNS[name]
    params = [p.split(":")[-1].split(">")[0] for p in route.split("<")[1:]]
    kind = OBJECT.get(name) or next((v for k, v in OBJECT.items() if name.startswith(k)), None)
    kwargs = {}
    for param in params:
        key = f"{param}:{kind}" if param in ("pk", "token", "slug") else param
        kwargs[param] = world.kwargs[key]
    return reverse(name, kwargs=kwargs)


def answer(response) -> object:
    if response.status_code == 302:
        return LOGIN if response["Location"].startswith("/accounts/login/") else 302
    return response.status_code


def expected(name: str, method: str, role: str) -> object:
    row = MATRIX[name]
    return row.get(f"{method}:{role}", row.get(role if method == "get" else "\0", row[method]))


def _tables() -> list[tuple[str, str, str]]:
    """(label, table, primary key column) of every model's table, and of every many-to-many
    table, but the session store's (signing in and out writes it)."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label != "sessions.Session" and not model._meta.proxy:
            found[model._meta.db_table] = (model._meta.label, model._meta.pk.column)
    return [(label, table, pk) for table, (label, pk) in sorted(found.items())]


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every table's rows in primary-key order: on Postgres one query
    (md5 of the rows' text), elsewhere a SHA-256 over ``values_list()`` of each model."""
    tables = _tables()
    if connection.vendor == "postgresql":
        # Table and column names come from the models, never from input.
        row_sql = "SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{}), ''))"
        parts = [row_sql.format(qn(pk)) + f" FROM {qn(table)} t" for _label, table, pk in tables]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), [label for label, _t, _p in tables])
            return {label: (count, digest) for label, count, digest in cursor.fetchall()}
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label == "sessions.Session" or model._meta.proxy:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One community for the whole module, in a transaction rolled back at its end (each
    test runs in a savepoint inside it, so tests cannot see each other's writes)."""
    media = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        IMPORTS_DIR=tmp_path_factory.mktemp("imports"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()


def _request(world: World, role: str, method: str, url: str, name: str):
    client = world.clients[role]
    cookies = client.cookies  # a page that signs you out must not sign out the next test
    client.cookies = type(cookies)(cookies.output(header="", sep=";"))
    try:
        if method == "get":
            return client.get(url)
        return client.post(url, POST_DATA.get(name, {}))
    finally:
        client.cookies = cookies


def test_every_pattern_has_a_row():
    missing = sorted(set(PATTERNS) - set(MATRIX) - set(SKIPPED))
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - set(PATTERNS))
    assert not stale, f"rows for patterns that no longer exist: {stale}"


def test_coverage_is_every_pattern_by_every_role():
    covered = [n for n in PATTERNS if n in MATRIX]
    cells = sum(len(ROLES) * (1 + (MATRIX[n]["post"] is not None)) for n in covered)
    print(
        f"\npermission matrix: {len(covered)} of {len(PATTERNS)} patterns "
        f"({len(SKIPPED)} skipped with a reason) x {len(ROLES)} roles = {cells} cells"
    )
    assert len(covered) + len(SKIPPED) == len(PATTERNS)
    assert len(ROLES) == 12
    assert cells >= len(covered) * len(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n in PATTERNS if n not in SKIPPED))
def test_permission_matrix(name, world):
    url = url_for(name, world)
    seen: dict[tuple[str, str], object] = {}
    # GETs, each in a savepoint rolled back (a page may note that it was seen).
    titles = set()
    for role in ROLES:
        with transaction.atomic():
            response = _request(world, role, "get", url, name)
            seen["get", role] = answer(response)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
                titles.add(found.group(1) if found else "")
            transaction.set_rollback(True)
    # Every page a role can open has a short, plain title (a tab, a bookmark, a screen reader's
    # first words): no markup in it, never empty.
    bad = sorted(t[:80] for t in titles if not t.strip() or "<" in t or len(t) > 160)
    assert not bad, f"{url}: page titles that are not a plain line: {bad}"
    posting = RECORD or MATRIX[name]["post"] is not None
    if posting:
        writers = MATRIX[name]["writers"]
        refused = [
            r
            for r in ROLES
            if not RECORD
            and (r not in writers if writers is not None else expected(name, "post", r) in REFUSED)
        ]
        before = snapshot() if refused else None
        for role in refused:  # not rolled back: they must change nothing
            seen["post", role] = answer(_request(world, role, "post", url, name))
        if refused:
            after = snapshot()
            changed = sorted(k for k in before if before[k] != after[k])
            assert not changed, f"a refused POST to {url} ({refused}) changed {changed}"
        for role in ROLES:
            if role in refused:
                continue
            with transaction.atomic():
                seen["post", role] = answer(_request(world, role, "post", url, name))
                transaction.set_rollback(True)
    if RECORD:
        print(f"\n{name} {url}")
        for method in ("get", "post"):
            print(f"  {method}: " + ", ".join(f"{r}={seen[method, r]}" for r in ROLES))
        return
    wrong = {
        f"{method.upper()} as {role}": f"got {got}, expected {expected(name, method, role)}"
        for (method, role), got in seen.items()
        if got != expected(name, method, role)
    }
    assert not wrong, f"{name} ({url}): {wrong}"


def _people_outside(school_id: int) -> dict:
    """Every column of every account outside a school, and every row that hangs off one."""
    from allauth.account.models import EmailAddress  # noqa: PLC0415 -- only this test needs it

    from hubs.models import Invitation, User, UserResponsibility  # noqa: PLC0415 -- idem

    outside = User.objects.exclude(school_id=school_id)
    ids = list(outside.values_list("pk", flat=True))
    return {
        "users": list(outside.order_by("pk").values_list()),
        "subjects": list(User.subjects.through.objects.filter(user_id__in=ids).values_list()),
        "groups": list(User.groups.through.objects.filter(user_id__in=ids).values_list()),
        "responsibilities": list(UserResponsibility.objects.filter(user_id__in=ids).values_list()),
        "addresses": list(EmailAddress.objects.filter(user_id__in=ids).values_list()),
        "invitations": list(Invitation.objects.exclude(school_id=school_id).values_list()),
    }


@pytest.mark.django_db
def test_a_leaders_import_of_everyone_leaks_into_no_other_school(
    world, django_capture_on_commit_callbacks
):
    """A leak in the matrix's terms: a CPD leader's staff import (uploaded, previewed and
    confirmed as the browser does, with "import the good rows" and the welcome email) naming
    every person of the community changes no one outside the leader's school."""
    import csv as csv_module  # noqa: PLC0415 -- only this test needs it
    import io  # noqa: PLC0415 -- idem

    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415 -- idem

    leader = world.users["leader_a"]
    school_id = leader.school_id
    text = io.StringIO()
    out = csv_module.writer(text)
    out.writerow(["Email", "Forename", "Surname", "Role"])
    for user in world.users.values():
        if user is not None:
            out.writerow([user.email.upper(), "Helen <b>Pwned</b>", "Pwned", "SENCo"])
    out.writerow(["newcomer@gmail.com", "New", "Comer", "Teacher"])
    url = reverse("hubs:school_import_staff", kwargs={"urn": world.kwargs["urn"]})
    client = world.clients["leader_a"]
    with transaction.atomic():
        before = _people_outside(school_id)
        upload = SimpleUploadedFile("staff.csv", text.getvalue().encode(), "text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            preview = client.post(url, {"step": "preview", "file": upload})
        assert preview.status_code == 302
        job = preview.url.rstrip("/").rsplit("/", 1)[-1]
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = client.post(
                url,
                {"step": "confirm", "job": job, "import_good_rows": "on", "send_welcome": "on"},
            )
        assert confirmed.status_code == 302
        page = client.get(confirmed.url)
        assert "Imported" in page.content.decode()
        after = _people_outside(school_id)
        leaked = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        assert not leaked, f"a leader's import changed people outside their school: {leaked}"
        transaction.set_rollback(True)
