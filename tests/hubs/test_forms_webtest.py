"""
Accounts and community forms, submitted as a browser submits them (WebTest: the rendered form,
its CSRF token, its fields by name, its own action): sign up, confirm the address, sign in
and out, invitations, network membership (plain and htmx), my details. See tests/webtest.py.
"""

import datetime
import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from hubs.models import Community, Invitation, Phase, SchoolDomain, Subject, User
from tests.factories import (
    InvitationFactory,
    SchoolDomainFactory,
    SchoolFactory,
    SubjectNetworkFactory,
)
from tests.webtest import form_for, messages_on, text_of

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-unusual-passphrase-42"


def fill_signup(form, email: str, **values):
    fields = {
        "first_name": "Amelia",
        "last_name": "Hughes",
        "email": email,
        "job_role": User.JobRole.HLTA,
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | values
    for name, value in fields.items():
        form[name] = value
    return form


def test_sign_up_confirm_the_address_and_arrive_signed_in(app, mailoutbox):
    school = SchoolFactory(domain=None)
    SchoolDomainFactory(school=school, domain="ashgrove.sch.uk")
    page = app.get("/accounts/signup/")
    form = form_for(page, "account_signup")
    fill_signup(form, "Amelia.Hughes@Ashgrove.sch.uk").submit().follow()
    user = User.objects.get(email="amelia.hughes@ashgrove.sch.uk")
    assert (user.school, user.job_role) == (school, User.JobRole.HLTA)
    assert not EmailAddress.objects.get(user=user).verified
    (link,) = re.findall(r"https?://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body)
    confirm = app.get(link)
    done = confirm.forms[next(i for i, f in confirm.forms.items() if "confirm" in f.action)]
    home = done.submit().maybe_follow()
    assert EmailAddress.objects.get(user=user).verified
    assert "Sign out" in text_of(home)


def test_sign_in_with_the_real_login_form_then_sign_out(app, personas):
    page = app.get("/accounts/login/")
    form = form_for(page, "account_login")
    form["login"] = personas.owner.email
    form["password"] = "correct-horse-battery"
    home = form.submit().follow()
    assert "Sam" in text_of(home.html.select_one(".account-nav"))
    out = form_for(home, "account_logout").submit().maybe_follow()
    assert "Sign in" in text_of(out.html.select_one(".account-nav"))
    app.get("/portfolio/", status=302)  # signed out: sent to sign in


def test_a_wrong_password_is_explained_on_the_form(app, personas):
    form = form_for(app.get("/accounts/login/"), "account_login")
    form["login"] = personas.owner.email
    form["password"] = "not-my-password"
    response = form.submit()
    assert response.status_code in {200, 400}
    assert "not correct" in text_of(response)


def test_an_invited_governor_signs_up_with_the_invitation(app):
    invitation = InvitationFactory(email="governor@gmail.test")
    page = app.get(f"/join/{invitation.token}/")
    assert invitation.school.name in text_of(page)
    signup = page.click("Create your account")
    form = form_for(signup, "account_signup")
    assert form["email"].value == "governor@gmail.test"
    fill_signup(form, "governor@gmail.test", job_role=User.JobRole.GOVERNOR).submit()
    user = User.objects.get(email="governor@gmail.test")
    assert user.school == invitation.school
    invitation.refresh_from_db()
    assert invitation.accepted_user == user


def test_leader_invites_then_withdraws(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    page = app.sign_in(personas.leader).get(f"/schools/{personas.school.urn}/invite/")
    form = form_for(page, "")
    form["email"] = "Governor@Gmail.test"
    with django_capture_on_commit_callbacks(execute=True):
        school_page = form.submit().follow()
    assert "Invitation sent to governor@gmail.test" in messages_on(school_page)
    invitation = Invitation.objects.get()
    assert invitation.invited_by == personas.leader
    assert [m.to for m in mailoutbox] == [["governor@gmail.test"]]
    form = form_for(
        school_page, "hubs:invitation_revoke", urn=personas.school.urn, pk=invitation.pk
    )
    done = form.submit().follow()
    assert "has been withdrawn" in messages_on(done)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_bad_invitation_address_is_explained_on_the_form(app, personas):
    page = app.sign_in(personas.leader).get(f"/schools/{personas.school.urn}/invite/")
    form = form_for(page, "")
    form["email"] = "not an address"
    response = form.submit()
    assert "There is a problem" in text_of(response)
    assert not Invitation.objects.exists()


def test_a_teacher_gets_no_invitation_form(app, personas):
    app.sign_in(personas.owner).get(f"/schools/{personas.school.urn}/invite/", status=403)
    assert not Invitation.objects.exists()


def test_join_and_leave_a_network(app, personas):
    network = SubjectNetworkFactory(name="Maths mastery network")
    page = app.sign_in(personas.outsider).get(network.get_absolute_url())
    form = form_for(page, "hubs:network_membership", slug=network.slug)
    assert form["action"].value == "join"
    page = form.submit().follow()
    assert "You have joined Maths mastery network" in messages_on(page)
    assert network.members.filter(pk=personas.outsider.pk).exists()
    form = form_for(page, "hubs:network_membership", slug=network.slug)
    assert form["action"].value == "leave"
    page = form.submit().follow()
    assert "You have left Maths mastery network" in messages_on(page)
    assert not network.members.exists()


def test_join_a_network_with_htmx_and_the_pages_csrf_header(app, personas):
    """htmx posts with the X-CSRFToken header that base.html puts on <body hx-headers>."""
    network = SubjectNetworkFactory()
    page = app.sign_in(personas.owner).get(network.get_absolute_url())
    headers = json.loads(page.html.body["hx-headers"])
    target = page.html.select_one("#membership form")["hx-post"]
    response = app.post(target, {"action": "join"}, headers=headers | {"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="membership"')
    assert "You are a member" in response.text
    assert network.members.filter(pk=personas.owner.pk).exists()


def test_an_outsider_sees_no_join_form_for_another_hubs_network(app, personas):
    network = SubjectNetworkFactory(name="North geography", hub=personas.school.hub)
    page = app.sign_in(personas.outsider).get(network.get_absolute_url())
    with pytest.raises(AssertionError, match="No form posting"):
        form_for(page, "hubs:network_membership", slug=network.slug)
    assert not network.members.exists()


def test_save_my_details(app, personas):
    geography = Subject.objects.get(slug="geography")
    primary = Phase.objects.get(slug="primary")
    page = app.sign_in(personas.owner).get("/me/")
    form = form_for(page, "")
    assert form["first_name"].value == "Sam"
    assert "school" not in form.fields
    form["first_name"] = "Samuel"
    form["job_role"] = User.JobRole.MIDDLE_LEADER
    form["subjects"] = [str(geography.pk)]
    form["phases"] = [str(primary.pk)]
    done = form.submit().follow()
    assert "Your details have been saved." in messages_on(done)
    personas.owner.refresh_from_db()
    assert personas.owner.first_name == "Samuel"
    assert list(personas.owner.subjects.all()) == [geography]
    assert list(personas.owner.phases.all()) == [primary]


def test_my_details_left_empty_is_explained_on_the_form(app, personas):
    form = form_for(app.sign_in(personas.owner).get("/me/"), "")
    form["first_name"] = ""
    response = form.submit()
    assert "There is a problem" in text_of(response)
    personas.owner.refresh_from_db()
    assert personas.owner.first_name == "Sam"


# --- allauth's own account pages, in our layout ---


def test_change_my_password(app, personas):
    page = app.sign_in(personas.owner).get("/accounts/password/change/")
    form = form_for(page, "account_change_password")
    form["oldpassword"] = "correct-horse-battery"
    form["password1"] = PASSWORD
    form["password2"] = PASSWORD
    done = form.submit().maybe_follow()
    assert "Password successfully changed." in messages_on(done)
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(PASSWORD)


def test_ask_for_a_password_reset_signed_out(app, personas, mailoutbox):
    page = app.get("/accounts/password/reset/")
    form = form_for(page, "account_reset_password")
    form["email"] = personas.owner.email
    form.submit().maybe_follow()
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]
    (link,) = re.findall(
        r"https?://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body
    )
    page = app.get(link).maybe_follow()
    form = next(f for f in page.forms.values() if "password1" in f.fields)
    form["password1"] = PASSWORD
    form["password2"] = PASSWORD
    form.submit().maybe_follow()
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(PASSWORD)


def test_add_a_second_email_address(app, personas, mailoutbox):
    page = app.sign_in(personas.owner).get("/accounts/email/")
    form = next(f for f in page.forms.values() if "email" in f.fields and "action_add" in f.fields)
    form["email"] = "sam.whitfield@example.test"
    form.submit("action_add").maybe_follow()
    assert EmailAddress.objects.filter(
        user=personas.owner, email="sam.whitfield@example.test", verified=False
    ).exists()


def test_leader_resends_one_then_all_invitations(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    """Resend one (a new link; the old one stops working) or all, once each."""
    waiting = InvitationFactory(school=personas.school, email="waiting@gmail.test")
    expired = InvitationFactory(school=personas.school, email="expired@gmail.test")
    Invitation.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    page = app.sign_in(personas.leader).get(personas.school.get_absolute_url())
    assert "expired@gmail.test" in text_of(
        page.html.find(string="Invitations that expired").parent.find_next("ul")
    )
    form = form_for(page, "hubs:invitation_resend", urn=personas.school.urn, pk=waiting.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page = form.submit().follow()
    assert "invitation for waiting@gmail.test has been sent again" in messages_on(page)
    waiting.refresh_from_db()
    assert waiting.revoked_at is not None  # the old link no longer works
    assert [m.to for m in mailoutbox] == [["waiting@gmail.test"]]
    form = form_for(page, "hubs:invitations_resend_all", urn=personas.school.urn)
    with django_capture_on_commit_callbacks(execute=True):
        page = form.submit().follow()
    assert "2 invitation(s) sent again" in messages_on(page)
    assert Invitation.objects.open().count() == 2
    assert sorted(m.to[0] for m in mailoutbox[1:]) == ["expired@gmail.test", "waiting@gmail.test"]


def test_a_teacher_cannot_resend_invitations(client, personas):
    invitation = InvitationFactory(school=personas.school, email="w@gmail.test")
    client.force_login(personas.owner)
    url = f"/schools/{personas.school.urn}/invitations/{invitation.pk}/resend/"
    assert client.post(url).status_code == 403
    assert client.post(f"/schools/{personas.school.urn}/invitations/resend/").status_code == 403
    assert Invitation.objects.get().revoked_at is None


def test_leader_adds_then_removes_a_school_email_domain(app, personas):
    school_page = app.sign_in(personas.leader).get(personas.school.get_absolute_url())
    page = school_page.click("Change the email domains")
    form = form_for(page, "")
    form["domain"] = " @Ashgrove.Lancs.SCH.uk "
    page = form.submit().follow()
    assert "Staff with an address at ashgrove.lancs.sch.uk can now join" in messages_on(page)
    domain = SchoolDomain.objects.get(school=personas.school, domain="ashgrove.lancs.sch.uk")
    done = form_for(
        page, "hubs:school_domain_remove", urn=personas.school.urn, pk=domain.pk
    ).submit()
    assert "no longer accepted" in messages_on(done.follow())
    assert not SchoolDomain.objects.filter(domain="ashgrove.lancs.sch.uk").exists()


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("gmail.com", "Anyone can have an address at gmail.com"),
        ("not a domain", "Enter a domain such as ashgrove.lancs.sch.uk"),
        ("thornbury.kent.sch.uk", "already set for Thornbury High School"),
        ("x" * 300, "at most 253 characters"),
    ],
)
def test_a_domain_that_cannot_be_added_is_explained(app, personas, given, says):
    SchoolDomainFactory(school=personas.other_school, domain="thornbury.kent.sch.uk")
    before = set(SchoolDomain.objects.values_list("pk", "school_id", "domain"))
    page = app.sign_in(personas.coordinator).get(f"/schools/{personas.school.urn}/domains/")
    form = form_for(page, "")
    form["domain"] = given
    response = form.submit(status=400)
    assert says in text_of(response)
    assert set(SchoolDomain.objects.values_list("pk", "school_id", "domain")) == before


@pytest.mark.parametrize("who", ["owner", "outsider", "other_leader"])
def test_others_cannot_change_a_schools_domains(client, personas, who):
    domain = SchoolDomainFactory(school=personas.school, domain="ashgrove.sch.uk")
    before = set(SchoolDomain.objects.values_list("pk", "school_id", "domain"))
    client.force_login(getattr(personas, who))
    base = f"/schools/{personas.school.urn}/domains/"
    assert client.get(base).status_code == 403
    assert client.post(base, {"domain": "evil.sch.uk"}).status_code == 403
    assert client.post(f"{base}{domain.pk}/remove/").status_code == 403
    assert set(SchoolDomain.objects.values_list("pk", "school_id", "domain")) == before


def test_the_domains_page_costs_the_same_with_many_domains(client, personas, count_queries):
    client.force_login(personas.leader)
    url = f"/schools/{personas.school.urn}/domains/"
    few = count_queries(url)
    SchoolDomainFactory.create_batch(15, school=personas.school)
    assert count_queries(url) == few


# --- Lone rangers, hubs that live ---------------------------------------------------------------


def test_coordinator_invites_lone_rangers_and_the_invited_joins_from_the_dashboard(
    app, personas, mailoutbox, django_capture_on_commit_callbacks
):
    network = SubjectNetworkFactory(name="Geography everywhere")
    personas.owner.subjects.set([Subject.objects.get(slug="geography")])
    page = app.sign_in(personas.coordinator).get("/coordinator/lone-rangers/")
    with django_capture_on_commit_callbacks(execute=True):
        done = form_for(page, "hubs:lone_rangers_invite").submit().follow()
    assert "1 lone ranger invited" in messages_on(done)
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]
    with django_capture_on_commit_callbacks(execute=True):
        again = form_for(done, "hubs:lone_rangers_invite").submit().follow()
    assert "has been already" in messages_on(again)
    assert len(mailoutbox) == 1

    app.reset()
    dashboard = app.sign_in(personas.owner).get("/")
    assert "Colleagues who teach geography too" in text_of(dashboard)
    joined = form_for(dashboard, "hubs:network_membership", slug=network.slug).submit().follow()
    assert "You have joined Geography everywhere" in messages_on(joined)
    assert network.members.filter(pk=personas.owner.pk).exists()


def test_hub_leader_edits_the_hubs_description(app, personas):
    hub = personas.school.hub
    hub.leaders.add(personas.colleague)
    page = app.sign_in(personas.colleague).get(hub.get_absolute_url())
    edit = page.click("Edit the description")
    form = form_for(edit, "hubs:hub_edit", slug=hub.slug)
    form["description"] = "Twelve primaries that meet each half term.\nAll welcome."
    done = form.submit().follow()
    assert "has been saved" in messages_on(done)
    assert "Twelve primaries that meet each half term." in text_of(done)
    hub.refresh_from_db()
    assert hub.description.startswith("Twelve primaries")


# The community's name and contact, on the coordinator's page.


def test_the_coordinator_edits_the_name_and_contact_on_her_page(app, personas, community):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:community_edit"))
    form = form_for(page, "hubs:community_edit")
    assert form["name"].value == "Tyne Valley CPD Community"
    form["name"] = "  Tyne  Valley Schools CPD "
    form["contact_email"] = "CPD@TyneValley.org.uk"
    done = form.submit().follow()
    assert "are saved" in messages_on(done)
    community.refresh_from_db()
    assert (community.name, community.contact_email) == (
        "Tyne Valley Schools CPD",
        "cpd@tynevalley.org.uk",
    )
    assert "Tyne Valley Schools CPD" in text_of(app.get("/"))


def test_a_bad_contact_address_is_refused_with_a_message_and_nothing_changes(
    app, personas, community
):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:community_edit"))
    form = form_for(page, "hubs:community_edit")
    form["contact_email"] = "not an address"
    again = form.submit()
    assert again.status_code == 200
    assert "Enter a valid email address" in text_of(again)
    community.refresh_from_db()
    assert community.contact_email == "cpd@tynevalley.org.uk"


def test_the_coordinator_may_name_a_community_nobody_set_up(app, personas):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:community_edit"))
    form = form_for(page, "hubs:community_edit")
    form["name"] = "Tyne Valley CPD"
    form.submit().follow()
    assert Community.objects.get().name == "Tyne Valley CPD"
