"""
"Error summaries name the field; no message appears twice."

Every form page is opened as its user would, submitted as a browser submits it (WebTest: the
rendered form, its token) with its text fields emptied or filled badly, and the page that comes
back is read as a person reads it: each error and message sentence appears once. The GOV.UK
pair is allowed (the inline error beside the field, and the summary's entry "Field: error" that
links to it); the same sentence twice (a flash message repeating a form error, a non-field
error shown by the summary and again by the form, allauth's own list beside ours) is not.
"""

from collections import Counter

import pytest
from webtest.forms import Checkbox, File, Hidden, Radio, Select, Submit

from cpd_sessions.models import DevelopmentSession
from tests.cpd_sessions.factories import SessionFactory, book
from tests.experts.factories import ExpertProfileFactory
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for

pytestmark = pytest.mark.django_db

# Where a page says something to the person: flash messages, the error summary, inline errors
# (ours and Django's/allauth's lists), and any other alert.
SAYING = ".messages .alert, .error-summary li, .errorlist li, .field-error, [role=alert] p"


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def _field_of(element) -> str:
    """The name of the field an inline error sits beside ("" for a non-field error)."""
    for parent in element.parents:
        if (parent.get("id") or "").endswith("_error"):  # Django's <ul id="id_email_error">
            return parent["id"]
        if parent.name == "form":
            return ""
        control = parent.select_one("input:not([type=hidden]), textarea, select")
        if control is not None:
            return control.get("name", "")
    return ""


def sentences(page) -> list[tuple[str, str]]:
    """(where, sentence) for everything the page says: the same error beside two different
    fields ("This field is required.") is said once for each field, not twice."""
    said = []
    for element in page.html.select(SAYING):
        if not element.get_text(strip=True):
            continue
        inline = element.find_parent(class_="errorlist") is not None or "field-error" in (
            element.get("class") or []
        )
        said.append((_field_of(element) if inline else "", _text(element)))
    return said


def repeated(page) -> list[str]:
    """The sentences a person reads twice on ``page`` (the inline + summary pair allowed)."""
    twice = [text for (_, text), n in Counter(sentences(page)).items() if n > 1]
    # A flash message that repeats an error the form itself shows (inline or in the summary).
    flashes = [_text(e) for e in page.html.select(".messages .alert")]
    errors = [_text(e) for e in page.html.select(".error-summary li, .errorlist li, .field-error")]
    twice += [flash for flash in flashes for error in errors if error in flash or flash in error]
    return twice


def emptied(form, **values):
    """The form with every text field emptied (a person who pressed the button at once)."""
    for name, fields in form.fields.items():
        for field in fields:
            if isinstance(field, Hidden | Submit | Checkbox | Radio | Select | File):
                continue
            if name and name != "csrfmiddlewaretoken":
                field.value = ""
    for name, value in values.items():
        form[name] = value
    return form


def submit_badly(app, url, *, action="", fields=None, button=None, **kwargs):
    page = app.get(url)
    form = emptied(form_for(page, action, **kwargs), **(fields or {}))
    return form.submit(button, expect_errors=True).maybe_follow(expect_errors=True)


def assert_each_said_once(page, url):
    assert page.status_int < 500, url
    said = sentences(page)
    assert said, f"{url}: the bad submission was not answered with any message"
    assert repeated(page) == [], f"{url} says twice: {repeated(page)} (all: {said})"


ANONYMOUS = [
    ("/accounts/login/", "account_login", {}),
    ("/accounts/signup/", "account_signup", {"email": "not an address"}),
    ("/accounts/password/reset/", "account_reset_password", {"email": "not an address"}),
]


@pytest.mark.parametrize(("url", "action", "fields"), ANONYMOUS)
def test_signed_out_forms_say_each_error_once(app, db, url, action, fields):
    assert_each_said_once(submit_badly(app, url, action=action, fields=fields), url)


def test_a_wrong_password_is_said_once_in_the_summary(app, personas):
    page = app.get("/accounts/login/")
    form = form_for(page, "account_login")
    form["login"], form["password"] = personas.owner.email, "not-the-password"
    answer = form.submit(expect_errors=True)
    assert_each_said_once(answer, "/accounts/login/")
    summary = [_text(e) for e in answer.html.select(".error-summary li")]
    (said,) = summary
    assert "not correct" in said, said


def test_allauth_summaries_name_the_field_and_link_to_it(app, db):
    page = app.get("/accounts/signup/")
    answer = emptied(form_for(page, "account_signup"), email="not an address").submit(
        expect_errors=True
    )
    links = {a["href"]: _text(a) for a in answer.html.select(".error-summary a")}
    assert links["#id_email"].startswith("Email"), links
    assert all(answer.html.select_one(href) for href in links), links


def test_signed_in_forms_say_each_error_once(app, personas):
    owner = personas.owner
    ExpertProfileFactory(user=owner)
    app.sign_in(owner)
    for url, fields in [
        ("/me/", {}),
        ("/experts/me/", {}),
        ("/portfolio/goals/new/", {}),
        ("/portfolio/log/new/", {"hours": "-3"}),
        ("/portfolio/needs/", {}),
        ("/sessions/new/", {"capacity": "0"}),
    ]:
        assert_each_said_once(submit_badly(app, url, fields=fields), url)

    need = NeedFactory(owner=owner)
    url = f"/portfolio/needs/{need.pk}/"
    assert_each_said_once(submit_badly(app, url), url)

    url = "/accounts/password/change/"
    assert_each_said_once(submit_badly(app, url, action="account_change_password"), url)
    url = "/accounts/email/"  # the second form: add an address
    answer = submit_badly(
        app, url, action="account_email", index=1, fields={"email": "nope"}, button="action_add"
    )
    assert_each_said_once(answer, url)


def test_lead_and_leader_forms_say_each_error_once(app, personas):
    session = SessionFactory(leads=[personas.owner])
    book(session, personas.colleague)
    app.sign_in(personas.owner)
    url = f"/sessions/{session.pk}/message/"
    assert_each_said_once(submit_badly(app, url), url)
    url = f"/sessions/{session.pk}/edit/"
    assert_each_said_once(submit_badly(app, url, fields={"capacity": "0"}), url)

    app.sign_in(personas.leader)
    urn = personas.school.urn
    for url, fields in [
        (f"/schools/{urn}/invite/", {}),
        (f"/schools/{urn}/domains/", {}),
        ("/sessions/budgets/", {}),
    ]:
        assert_each_said_once(submit_badly(app, url, fields=fields), url)


def test_cancelling_without_a_reason_says_so_once(app, personas):
    session = SessionFactory(leads=[personas.owner], status=DevelopmentSession.Status.PUBLISHED)
    app.sign_in(personas.coordinator)
    page = app.get(session.get_absolute_url())
    form = emptied(form_for(page, "cpd_sessions:cancel", pk=session.pk))
    done = form.submit(expect_errors=True).maybe_follow(expect_errors=True)
    assert_each_said_once(done, session.get_absolute_url())
