"""
Every form a user submits has a WebTest test that submits it as a browser does.

Read from the templates: each posting form's action (a URL name) must be used by a
tests/**/test_forms_webtest.py file, and each form that posts back to its own page must be
listed below with the test that walks it. A new form without a browser-style test fails here.
"""

import re
from pathlib import Path

from django.conf import settings

TESTS = Path(__file__).parent
TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Forms with no action (they post back to their own page): template -> the test that submits it.
SELF_POSTING = {
    "cpd_sessions/form.html": "cpd_sessions/test_forms_webtest.py::test_offer_a_session",
    "cpd_sessions/cancel_booking.html": (
        "cpd_sessions/test_forms_webtest.py::test_cancelling_a_series_says_it_cancels_every_meeting"
    ),
    "cpd_sessions/message.html": (
        "cpd_sessions/test_forms_webtest.py::test_lead_emails_everyone_booked_once_even_if_sent_twice"
    ),
    "cpd_sessions/budgets.html": (
        "cpd_sessions/test_forms_webtest.py::test_per_person_figures_saved_at_once_blank_left_alone"
    ),
    "coaching/set_up.html": (
        "coaching/test_forms_webtest.py::test_leader_sets_up_coaching_with_a_coach_in_another_school"
    ),
    "coaching/ask.html": (
        "coaching/test_forms_webtest.py::test_teacher_asks_an_expert_who_accepts_from_my_coaching"
    ),
    "coaching/observe.html": (
        "coaching/test_forms_webtest.py::test_coach_observes_then_meets_and_sets_a_library_step"
    ),
    "coaching/meet.html": (
        "coaching/test_forms_webtest.py::test_coach_observes_then_meets_and_sets_a_library_step"
    ),
    "coaching/portfolio_copy.html": (
        "coaching/test_forms_webtest.py::test_teacher_moves_the_step_changes_the_date_and_copies_it"
    ),
    "coaching/share.html": (
        "coaching/test_forms_webtest.py::test_teacher_shares_an_item_then_withdraws_it"
    ),
    "coaching/step_form.html": (
        "coaching/test_forms_webtest.py::test_a_coach_proposes_a_step_and_the_coordinator_publishes_it"
    ),
    "coaching/visit_plan.html": (
        "coaching/test_forms_webtest.py::test_coach_plans_a_visit_books_release_and_their_own_leader_approves"
    ),
    "enquiry/group_form.html": (
        "enquiry/test_forms_webtest.py::test_a_teacher_starts_a_group_and_invites_a_colleague_who_accepts"
    ),
    "enquiry/write_up_form.html": (
        "enquiry/test_forms_webtest.py::test_the_draft_is_edited_agreed_by_everyone_and_added_to_a_portfolio"
    ),
    "enquiry/portfolio_add.html": (
        "enquiry/test_forms_webtest.py::test_the_draft_is_edited_agreed_by_everyone_and_added_to_a_portfolio"
    ),
    "enquiry/visits.html": (
        "enquiry/test_visits_forms_webtest.py::"
        "test_a_visit_asked_accepted_booked_with_release_noted_and_thanked"
    ),
    "coordination/start_enquiry.html": (
        "enquiry/test_forms_webtest.py::test_the_coordinator_starts_a_group_from_a_gap_in_the_needs"
    ),
    "courses/course_form.html": (
        "courses/test_forms_webtest.py::test_a_teacher_adds_a_course_she_attended"
    ),
    "courses/request_form.html": (
        "courses/test_forms_webtest.py::test_request_with_cover_approved_by_the_leader_then_reviewed_and_logged"
    ),
    "courses/review_form.html": (
        "courses/test_forms_webtest.py::test_request_with_cover_approved_by_the_leader_then_reviewed_and_logged"
    ),
    "courses/network_form.html": (
        "courses/test_forms_webtest.py::test_the_coordinator_adds_changes_and_removes_a_network"
    ),
    "courses/network_remove.html": (
        "courses/test_forms_webtest.py::test_the_coordinator_adds_changes_and_removes_a_network"
    ),
    "quality/school.html": (
        "quality/test_forms_webtest.py::test_leader_starts_rates_and_finishes_the_self_review"
    ),
    "quality/part.html": (
        "quality/test_forms_webtest.py::test_leader_starts_rates_and_finishes_the_self_review"
    ),
    "quality/findings.html": (
        "quality/test_forms_webtest.py::test_peer_review_invite_visit_findings_accept"
    ),
    "quality/invite.html": (
        "quality/test_forms_webtest.py::"
        "test_the_coordinator_invites_a_peer_reviewer_from_the_communitys_page"
    ),
    "quality/survey.html": (
        "quality/test_forms_webtest.py::test_leader_opens_the_survey_and_staff_answer_by_their_link"
    ),
    "experts/me.html": "experts/test_forms_webtest.py::test_create_my_profile",
    "hubs/my_details.html": "hubs/test_forms_webtest.py::test_save_my_details",
    "hubs/import.html": (
        "hubs/test_onboarding_forms_webtest.py::test_leader_imports_staff_for_their_school"
    ),
    "hubs/school_invite.html": "hubs/test_forms_webtest.py::test_leader_invites_then_withdraws",
    "hubs/school_domains.html": (
        "hubs/test_forms_webtest.py::test_leader_adds_then_removes_a_school_email_domain"
    ),
    "termly/confirm_profile.html": (
        "notifications/test_forms_webtest.py::test_confirm_my_profile_signed_out_from_the_emails_link"
    ),
    "notifications/preferences.html": (
        "notifications/test_forms_webtest.py::test_save_my_email_choices"
    ),
    "notifications/unsubscribe.html": (
        "notifications/test_forms_webtest.py::test_confirm_unsubscribe_signed_out_from_the_emails_link"
    ),
    "portfolios/entry_form.html": (
        "portfolios/test_forms_webtest.py::test_log_an_entry_against_a_goal_with_a_file"
    ),
    "portfolios/follow_up.html": (
        "portfolios/test_forms_webtest.py::test_answer_the_six_week_follow_up"
    ),
    "portfolios/goal_form.html": (
        "portfolios/test_forms_webtest.py::test_add_a_goal_shared_with_a_colleague_then_review_it"
    ),
    "portfolios/need_form.html": (
        "portfolios/test_forms_webtest.py::test_record_edit_and_delete_a_need"
    ),
    "portfolios/needs.html": "portfolios/test_forms_webtest.py::test_record_edit_and_delete_a_need",
    "portfolios/statement.html": (
        "portfolios/test_forms_webtest.py::test_save_my_statement_then_start_again"
    ),
    "training/home.html": (
        "training/test_forms_webtest.py::test_a_teacher_records_their_own_training_with_a_certificate"
    ),
    "training/person.html": (
        "training/test_forms_webtest.py::"
        "test_a_leader_records_training_for_a_colleague_and_gives_them_a_responsibility"
    ),
    "training/requirements.html": (
        "training/test_forms_webtest.py::"
        "test_a_leader_requires_training_for_their_school_then_edits_and_retires_it"
    ),
    "training/requirement_form.html": (
        "training/test_forms_webtest.py::"
        "test_a_leader_requires_training_for_their_school_then_edits_and_retires_it"
    ),
}

FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>", re.IGNORECASE)
POSTS = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.IGNORECASE)
ACTION = re.compile(r"""\baction\s*=\s*["']{%\s*url\s+['"](?P<name>[^'"]+)['"]""")


def posting_forms() -> list[tuple[str, str | None]]:
    """(template, URL name of its action or None when it posts to its own page)."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for match in FORM.finditer(path.read_text(encoding="utf-8")):
            if POSTS.search(match["attrs"]):
                action = ACTION.search(match["attrs"])
                found.append((name, action["name"] if action else None))
    return found


def webtest_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in TESTS.rglob("test_*forms_webtest.py"))


def test_every_form_action_is_submitted_by_a_webtest_test():
    sources = webtest_sources()
    untested = sorted(
        {
            f"{template} -> {name}"
            for template, name in posting_forms()
            if name and f'"{name}"' not in sources
        }
    )
    assert not untested, f"Posting forms no WebTest test submits: {untested}"


def test_every_form_that_posts_to_its_own_page_is_walked_by_a_named_test():
    templates = {template for template, name in posting_forms() if name is None}
    assert templates == set(SELF_POSTING), (
        "Add the new self-posting form (and its WebTest test) to SELF_POSTING, or remove the "
        f"form that is gone: {templates ^ set(SELF_POSTING)}"
    )
    for test in SELF_POSTING.values():
        path, function = test.split("::")
        assert f"def {function}(" in (TESTS / path).read_text(encoding="utf-8"), test
