"""
The directory's forms, submitted as a browser submits them (WebTest: the rendered form, its
CSRF token, its fields by name, its own action). See tests/webtest.py.
"""

import pytest

from experts.models import ContactRequest, ExpertiseArea, ExpertProfile
from tests.webtest import form_for, messages_on, text_of

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


def test_create_my_profile(app, personas):
    area = ExpertiseArea.objects.get(slug="questioning")
    page = app.sign_in(personas.owner).get("/experts/me/")
    form = form_for(page, "")
    form["headline"] = "Questioning in maths"
    form["bio"] = "I **love** hinge questions."
    form["availability"] = "After school"
    form["contact_preference"] = "form"
    form["offers-0-area"] = str(area.pk)
    form["offers-0-advice"] = True
    form["offers-0-coaching"] = True
    done = form.submit().follow()
    assert "Your profile is live in the directory." in messages_on(done)
    profile = ExpertProfile.objects.get(user=personas.owner)
    assert profile.headline == "Questioning in maths"
    assert [o.offer_labels for o in profile.offers.all()] == [
        ["advice by email", "coaching or mentoring"]
    ]


def test_edit_my_profile_and_remove_an_area(app, personas):
    profile = ExpertProfileFactory(user=personas.owner, headline="Old headline")
    offer(profile, "questioning")
    offer(profile, "oracy")
    page = app.sign_in(personas.owner).get("/experts/me/")
    form = form_for(page, "")
    assert form["headline"].value == "Old headline"
    form["headline"] = "New headline"
    form["offers-1-DELETE"] = True
    done = form.submit().follow()
    assert "Your profile is saved." in messages_on(done)
    profile.refresh_from_db()
    assert profile.headline == "New headline"
    assert profile.offers.count() == 1


def test_an_area_with_nothing_ticked_is_explained_and_nothing_saved(app, personas):
    area = ExpertiseArea.objects.get(slug="questioning")
    page = app.sign_in(personas.owner).get("/experts/me/")
    form = form_for(page, "")
    form["headline"] = "Questioning in maths"
    form["offers-0-area"] = str(area.pk)
    assert form["offers-0-advice"].checked  # ticked by default: the user unticks it
    form["offers-0-advice"] = False
    response = form.submit()
    assert "tick at least one" in text_of(response)
    assert not ExpertProfile.objects.exists()


def test_confirm_my_profile_for_this_term(app, personas):
    profile = ExpertProfileFactory(user=personas.owner, last_confirmed_at=None)
    page = app.sign_in(personas.owner).get("/experts/me/")
    done = form_for(page, "experts:confirm").submit().follow()
    assert "confirmed for this term" in messages_on(done)
    profile.refresh_from_db()
    assert profile.last_confirmed_at is not None


def test_confirm_from_the_dashboard(app, personas):
    profile = ExpertProfileFactory(user=personas.owner, last_confirmed_at=None)
    page = app.sign_in(personas.owner).get("/")
    done = form_for(page, "experts:confirm").submit().follow()
    assert "confirmed for this term" in messages_on(done)
    profile.refresh_from_db()
    assert profile.last_confirmed_at is not None


def test_send_a_contact_request(app, personas, mailoutbox, django_capture_on_commit_callbacks):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    area = ExpertiseArea.objects.get(slug="questioning")
    page = app.sign_in(personas.owner).get(expert.get_absolute_url())
    form = form_for(page, "experts:contact", pk=expert.pk)
    form["area"] = str(area.pk)
    form["message"] = "Could I watch a lesson with hinge questions? I'm Sam."
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "Your message has been sent to Owen" in messages_on(done)
    request = ContactRequest.objects.get()
    assert (request.sender, request.profile, request.area) == (personas.owner, expert, area)
    assert [m.to for m in mailoutbox] == [[personas.outsider.email]]


@pytest.mark.parametrize("search", [{"area": "feedback"}, {"q": "feedback"}, {"q": "marking"}])
def test_the_contact_form_starts_on_the_area_just_searched(
    app, personas, search, django_capture_on_commit_callbacks
):
    """From the directory's results, "About" starts on the area searched for (by the area
    filter, its name or a synonym), not on "Anything"; the request is sent about it."""
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    offer(expert, "feedback")
    feedback = ExpertiseArea.objects.get(slug="feedback")
    results = app.sign_in(personas.owner).get("/experts/", search)
    page = results.click(personas.outsider.full_name)
    form = form_for(page, "experts:contact", pk=expert.pk)
    assert form["area"].value == str(feedback.pk)
    form["message"] = "Could we talk about whole-class feedback? I'm Sam."
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    assert ContactRequest.objects.get().area == feedback


def test_an_empty_contact_request_is_explained_on_the_form(app, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    page = app.sign_in(personas.owner).get(expert.get_absolute_url())
    response = form_for(page, "experts:contact", pk=expert.pk).submit(status=400)
    assert "There is a problem" in text_of(response)
    assert not ContactRequest.objects.exists()


def test_expert_marks_a_request_helped(app, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    page = app.sign_in(personas.outsider).get("/experts/me/")
    done = form_for(page, "experts:mark_helped", pk=request.pk).submit().follow()
    assert "Marked as helped." in messages_on(done)
    request.refresh_from_db()
    assert request.helped_at is not None


def test_the_colleague_who_asked_says_thank_you(app, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    page = app.sign_in(personas.owner).get("/experts/me/")
    form = form_for(page, "experts:thank", pk=request.pk)
    form["note"] = "Hinge questions changed my Year 4 maths."
    done = form.submit().follow()
    assert "Thank you sent" in messages_on(done)
    request.refresh_from_db()
    assert request.thank_you == "Hinge questions changed my Year 4 maths."


def test_someone_else_sees_no_thank_you_or_helped_form(app, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    page = app.sign_in(personas.colleague).get("/experts/me/")
    for name in ("experts:thank", "experts:mark_helped"):
        with pytest.raises(AssertionError, match="No form posting"):
            form_for(page, name, pk=request.pk)
    request.refresh_from_db()
    assert (request.helped_at, request.thank_you) == (None, "")


def test_search_the_directory(app, personas, terms_around_today):
    expert = ExpertProfileFactory(user=personas.outsider, headline="Hinge questions")
    offer(expert, "questioning")
    other = ExpertProfileFactory(user=personas.colleague, headline="Early reading")
    offer(other, "early-reading" if ExpertiseArea.objects.filter(slug="early-reading") else "oracy")
    page = app.sign_in(personas.owner).get("/experts/")
    form = next(f for f in page.forms.values() if f.action == "/experts/")
    form["q"] = "hinge"
    results = text_of(form.submit())
    assert "Owen Bell" in results
    assert "Amelia Hughes" not in results
