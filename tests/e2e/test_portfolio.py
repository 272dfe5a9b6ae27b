import re

from playwright.sync_api import expect

from experts.demo import seed as seed_experts
from hubs.models import User
from portfolios.demo import seed as seed_portfolios
from portfolios.models import Entry, Goal, ImpactFollowUp, Need

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E


def test_teacher_adds_a_goal_logs_an_entry_against_it_and_sees_it_in_the_statement(page, demo):
    sign_in(page, "teacher@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your portfolio")

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Title").fill("Retrieval practice every lesson")
    page.get_by_label("Retrieval practice", exact=True).check()
    page.get_by_label("Success criteria").fill("Pupils remember last term's vocabulary.")
    page.get_by_label("Appraisal target").check()
    page.get_by_role("button", name="Save the goal").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your goal “Retrieval practice every lesson”"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Retrieval practice every lesson")

    page.get_by_role("link", name="Log CPD for this goal").click()
    page.get_by_label("Kind").select_option(label="Reading or research")
    page.get_by_label("Title").fill("Read: Powerful Teaching, chapter 2")
    page.get_by_label("Hours").fill("2")
    expect(
        page.get_by_role("checkbox", name=re.compile("Retrieval practice every lesson"))
    ).to_be_checked()
    page.get_by_label("What I learned").fill("Retrieval beats rereading.")
    page.get_by_label("Impact on pupils").fill("Pupils recalled more key words in the quiz.")
    page.get_by_role("button", name="Save to my log").click()
    expect(page.get_by_role("status")).to_contain_text("is in your log")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    page.get_by_role("link", name=re.compile("^Your statement for")).click()
    statement = page.locator("#statement-text")
    expect(statement).to_contain_text("This year I developed my retrieval practice by doing")
    expect(statement).to_contain_text("Read: Powerful Teaching, chapter 2")
    expect(statement).to_contain_text("it has made impact: pupils recalled more key words")
    expect(statement).to_contain_text("Retrieval practice every lesson (active)")


def test_portfolio_pages_have_no_wcag_violations(page, demo):
    seed_experts()
    seed_portfolios()
    teacher = User.objects.get(email="teacher@demo.test")
    goal = Goal.objects.filter(owner=teacher).first()
    entry = Entry.objects.filter(owner=teacher).first()
    follow_up = ImpactFollowUp.objects.filter(entry__owner=teacher).first()
    need = Need.objects.filter(owner=teacher).first()
    pages = {
        "teacher@demo.test": [
            "/",
            "/portfolio/",
            "/portfolio/goals/new/",
            goal.get_absolute_url(),
            "/portfolio/log/",
            "/portfolio/log/new/",
            entry.get_absolute_url(),
            f"{entry.get_absolute_url()}edit/",
            follow_up.get_absolute_url(),
            "/portfolio/needs/",
            need.get_absolute_url(),
            "/portfolio/statement/",
            "/portfolio/print/",
            "/portfolio/shared/",
        ],
        "leader@demo.test": [
            "/portfolio/needs/audit/",
            "/portfolio/shared/",
            goal.get_absolute_url(),
        ],
        "coordinator@demo.test": ["/coordinator/needs/", "/coordinator/"],
    }
    problems = {}
    for who, paths in pages.items():
        page.context.clear_cookies()
        sign_in(page, who)
        for path in paths:
            page.goto(page.base_url + path)
            if found := axe_violations(page):
                problems[f"{who} {path}"] = found
    assert problems == {}
