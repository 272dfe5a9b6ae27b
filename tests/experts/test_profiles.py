import pytest
from django.core.management import call_command
from django.urls import reverse

from experts.models import ContactRequest, ExpertiseArea, ExpertProfile

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


def profile_post(**overrides) -> dict:
    area = ExpertiseArea.objects.get(slug="questioning")
    data = {
        "headline": "Questioning in maths",
        "bio": "I **love** hinge questions. <script>alert(1)</script>",
        "availability": "After school",
        "termly_capacity": "",
        "contact_preference": "form",
        "offers-TOTAL_FORMS": "1",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "1",
        "offers-MAX_NUM_FORMS": "12",
        "offers-0-area": str(area.pk),
        "offers-0-advice": "on",
        "offers-0-coaching": "on",
    }
    return data | overrides


def test_staff_member_creates_a_live_profile_with_sanitised_bio(client, personas):
    client.force_login(personas.owner)
    response = client.post(reverse("experts:me"), profile_post(), follow=True)
    assert "Your profile is live in the directory" in response.content.decode()
    profile = ExpertProfile.objects.get(user=personas.owner)
    assert profile.is_live()
    assert [o.offer_labels for o in profile.offers.all()] == [
        ["advice by email", "coaching or mentoring"]
    ]
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "<strong>love</strong>" in page
    assert "<script>alert(1)</script>" not in page


def test_an_area_with_no_offer_ticked_gets_a_message_and_nothing_is_saved(client, personas):
    client.force_login(personas.owner)
    data = profile_post()
    del data["offers-0-advice"], data["offers-0-coaching"]
    response = client.post(reverse("experts:me"), data)
    assert "tick at least one" in response.content.decode()
    assert not ExpertProfile.objects.exists()


def test_profile_edit_only_ever_touches_my_own(client, personas):
    theirs = ExpertProfileFactory(user=personas.colleague, headline="Theirs")
    client.force_login(personas.owner)
    client.post(reverse("experts:me"), profile_post(headline="Mine"))
    theirs.refresh_from_db()
    assert theirs.headline == "Theirs"
    assert ExpertProfile.objects.get(user=personas.owner).headline == "Mine"


def test_confirm_my_profile_for_this_term(client, personas):
    profile = ExpertProfileFactory(user=personas.owner, last_confirmed_at=None)
    client.force_login(personas.owner)
    assert (
        "Stale: not confirmed this term or last"
        in client.get(reverse("experts:me")).content.decode()
    )
    response = client.post(reverse("experts:confirm"), follow=True)
    assert "confirmed for this term" in response.content.decode()
    assert "Stale:" not in response.content.decode()
    assert '<span class="badge badge-ok">Live</span>' in response.content.decode()
    profile.refresh_from_db()
    assert profile.last_confirmed_at is not None
    assert client.get(reverse("experts:confirm")).status_code == 405


def test_email_shown_only_when_the_expert_chose_it(client, personas):
    form_only = ExpertProfileFactory(user=personas.colleague, contact_preference="form")
    offer(form_only, "questioning")
    client.force_login(personas.owner)
    page = client.get(form_only.get_absolute_url()).content.decode()
    assert personas.colleague.email not in page
    assert "Send to Amelia" in page
    ExpertProfile.objects.filter(pk=form_only.pk).update(contact_preference="email")
    assert personas.colleague.email in client.get(form_only.get_absolute_url()).content.decode()


def test_contact_request_emails_the_expert_with_reply_to_the_sender(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    area = ExpertiseArea.objects.get(slug="questioning")
    client.force_login(personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("experts:contact", args=[expert.pk]),
            {"area": area.pk, "message": "Could I watch a lesson with hinge questions?"},
            follow=True,
        )
    assert "Your message has been sent to Owen" in response.content.decode()
    request = ContactRequest.objects.get()
    assert (request.sender, request.profile, request.area) == (personas.owner, expert, area)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [personas.outsider.email]
    assert mail.reply_to == [personas.owner.email]
    assert mail.subject == "Sam Whitfield would like your help with questioning"
    assert "hinge questions" in mail.body
    assert "hinge questions" in mail.alternatives[0][0]


def test_daily_contact_limit(client, personas, mailoutbox, settings):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    client.force_login(personas.owner)
    for n in range(5):
        client.post(reverse("experts:contact", args=[expert.pk]), {"message": f"Message {n}"})
    response = client.post(reverse("experts:contact", args=[expert.pk]), {"message": "One more"})
    assert response.status_code == 400
    assert "which is the most we allow" in response.content.decode()
    assert ContactRequest.objects.count() == 5


def test_termly_capacity_closes_requests(client, personas):
    expert = ExpertProfileFactory(user=personas.outsider, termly_capacity=1)
    offer(expert, "questioning")
    ContactRequest.objects.create(profile=expert, sender=personas.colleague, message="First")
    client.force_login(personas.owner)
    page = client.get(expert.get_absolute_url()).content.decode()
    assert "not taking requests this term" in page
    response = client.post(reverse("experts:contact", args=[expert.pk]), {"message": "Please"})
    assert "not taking requests this term" in response.content.decode()
    assert ContactRequest.objects.count() == 1


def test_empty_message_gets_a_clear_message(client, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    client.force_login(personas.owner)
    response = client.post(reverse("experts:contact", args=[expert.pk]), {"message": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not ContactRequest.objects.exists()


def test_cannot_contact_a_hidden_profile(client, personas):
    expert = ExpertProfileFactory(user=personas.outsider, is_hidden=True)
    client.force_login(personas.owner)
    assert (
        client.post(reverse("experts:contact", args=[expert.pk]), {"message": "Hi"}).status_code
        == 404
    )
    assert not ContactRequest.objects.exists()


def test_expert_marks_a_request_helped_and_it_shows_on_the_card(client, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    client.force_login(personas.outsider)
    assert "I helped Sam" in client.get(reverse("experts:me")).content.decode()
    client.post(reverse("experts:mark_helped", args=[request.pk]))
    client.post(reverse("experts:mark_helped", args=[request.pk]))  # a double click
    request.refresh_from_db()
    assert request.helped_at is not None
    expert.refresh_from_db()
    assert expert.helped_count == 1
    client.force_login(personas.colleague)
    assert "Has helped 1 colleague" in client.get(reverse("experts:directory")).content.decode()


def test_the_colleague_who_asked_says_thank_you_and_it_shows_on_the_profile(client, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    client.force_login(personas.owner)
    assert "Say thank you to Owen" in client.get(reverse("experts:me")).content.decode()
    thank = reverse("experts:thank", args=[request.pk])
    response = client.post(thank, {"note": "Hinge questions changed my Year 4 maths."}, follow=True)
    assert "Thank you sent" in response.content.decode()
    expert.refresh_from_db()
    assert expert.helped_count == 1  # thanked means helped, counted once
    client.post(reverse("experts:thank", args=[request.pk]), {"note": "And again, thanks!"})
    expert.refresh_from_db()
    assert expert.helped_count == 1
    client.force_login(personas.colleague)
    page = client.get(expert.get_absolute_url()).content.decode()
    assert "What colleagues say" in page
    assert "And again, thanks!" in page
    assert "Sam Whitfield" in page


def test_an_empty_thank_you_is_refused_with_a_message(client, personas):
    expert = ExpertProfileFactory(user=personas.outsider)
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    client.force_login(personas.owner)
    response = client.post(reverse("experts:thank", args=[request.pk]), {"note": " "}, follow=True)
    assert "Write a few words of thanks" in response.content.decode()
    request.refresh_from_db()
    assert (request.thank_you, request.helped_at) == ("", None)


@pytest.mark.parametrize("who", ["outsider", "colleague", "leader"])
def test_only_the_sender_can_say_thank_you(client, personas, who):
    expert = ExpertProfileFactory(user=personas.other_leader)
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    client.force_login(getattr(personas, who))
    response = client.post(reverse("experts:thank", args=[request.pk]), {"note": "Thanks!"})
    assert response.status_code == 404
    request.refresh_from_db()
    assert (request.thank_you, request.helped_at) == ("", None)


@pytest.mark.parametrize("who", ["owner", "colleague", "other_leader"])
def test_only_the_expert_can_mark_helped(client, personas, who):
    expert = ExpertProfileFactory(user=personas.outsider)
    request = ContactRequest.objects.create(profile=expert, sender=personas.owner, message="Help?")
    client.force_login(getattr(personas, who))
    assert client.post(reverse("experts:mark_helped", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.helped_at is None


def test_seed_demo_adds_a_live_questioning_expert():
    call_command("seed_demo")
    visible = ExpertProfile.objects.visible()
    assert visible.count() >= 35
    assert visible.filter(user__email="expert@demo.test", offers__area__slug="questioning").exists()


def test_dashboard_invites_me_to_offer_then_to_confirm(client, personas):
    client.force_login(personas.owner)
    assert "Offer your expertise" in client.get("/").content.decode()
    ExpertProfileFactory(user=personas.owner, last_confirmed_at=None)
    page = client.get("/").content.decode()
    assert "Not confirmed this term" in page
    assert "Confirm my profile for this term" in page


def test_posting_an_old_profile_page_again_does_not_add_the_area_twice(client, personas):
    """The page sent again without its saved rows (INITIAL_FORMS=0) used to answer 500."""
    client.force_login(personas.owner)
    client.post(reverse("experts:me"), profile_post())
    response = client.post(reverse("experts:me"), profile_post(headline="Changed"))
    assert response.status_code < 500
    assert "You already offer" in response.content.decode()
    profile = ExpertProfile.objects.get(user=personas.owner)
    assert profile.offers.count() == 1
    assert profile.headline == "Questioning in maths"  # nothing half-saved
