"""
Erasure as a property over the whole installation, not over the models someone remembered:
a person with distinctive words in every free-text field of every row about them (found from
the models: any foreign key to the user model, whatever its related name, and the rows that
point at those), and others' words naming them; erased by each path; then every column of every
table (raw SQL over the database's own list of tables), every signed-in session, the media and
import folders and the cache are searched for those words. Only what the privacy notice says
stays may stay: ALLOWED below, each entry with the notice's sentence (checked on the notice).
"""

from __future__ import annotations

import datetime
import pickle
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from coordination.models import NeedReply
from cpd_sessions.models import DevelopmentSession, ReleaseRequest
from cpdhub.erasure import ERASED_NAME
from enquiry import services as enquiry_services
from enquiry import visits as enquiry_visits
from enquiry import writeups as enquiry_writeups
from experts.models import ExpertiseArea, SearchWord
from hubs.models import ImportJob, User
from hubs.onboarding.uploads import uploads_dir
from portfolios.models import Need
from tests.cpd_sessions.factories import SessionFactory, london
from tests.experts.factories import offer
from tests.privacy.test_erase import erase as erase_by
from tests.privacy.test_erase import life  # noqa: F401 -- a fixture used below
from tests.privacy.test_forms_webtest import reauthenticate
from tests.webtest import form_for

pytestmark = pytest.mark.django_db

# The person's own words, put in every free-text field of every row about them.
MARK = "quokkafig"
# A word of their expert profile, which the directory's spelling suggestions learn.
PROFILE_WORD = "marmalade"

# What the privacy notice says stays after an erasure: (table, column) → (what may remain, the
# notice's sentence). Their name and address never may.
SESSIONS_STAY = (
    "Sessions you led or proposed stay on the community's list for the people who booked them, "
    "with your name taken out."
)
LEDGER_STAYS = (
    "Your school's budget ledger keeps its lines (what each release cost, for which session), "
    "with nothing that says they were yours."
)
ENQUIRY_STAYS = (
    "What you wrote in an enquiry group stays for its members, shown as written by a former "
    "member, with your name and address taken out"
)
VISIT_STAYS = (
    "A peer visit you hosted or answered stays for its visitor, with your name and address "
    "taken out"
)
ALLOWED = {
    ("enquiry_peervisit", "*"): (MARK, VISIT_STAYS),
    ("cpd_sessions_developmentsession", "*"): (MARK, SESSIONS_STAY),
    ("enquiry_group", "question"): (MARK, ENQUIRY_STAYS),
    ("enquiry_logentry", "text"): (MARK, ENQUIRY_STAYS),
    ("enquiry_logentry", "result"): (MARK, ENQUIRY_STAYS),
    ("enquiry_logentry", "original_name"): (MARK, ENQUIRY_STAYS),
    ("enquiry_readingitem", "title"): (MARK, ENQUIRY_STAYS),
    ("enquiry_readingitem", "url"): (MARK, ENQUIRY_STAYS),
    ("enquiry_readingitem", "note"): (MARK, ENQUIRY_STAYS),
    ("enquiry_writeup", "*"): (MARK, ENQUIRY_STAYS),
    ("enquiry_cycle", "*"): (MARK, ENQUIRY_STAYS),
    ("enquiry_prediction", "text"): (MARK, ENQUIRY_STAYS),
    ("enquiry_observation", "text"): (MARK, ENQUIRY_STAYS),
    ("enquiry_interviewnote", "text"): (MARK, ENQUIRY_STAYS),
    ("cpd_sessions_budgetentry", "reason"): (MARK, LEDGER_STAYS),
}

# Fields the system writes, never a person (kinds, keys, states): not filled.
SYSTEM = {"token", "key", "kind", "password", "file_token", "object_id", "content_type", "email"}
# Rows many people share: their own words are filled, not the rows of everyone else on them.
SHARED = {DevelopmentSession}


def _needles(person: User) -> list[str]:
    return [MARK, PROFILE_WORD, person.email, person.full_name, person.last_name]


def _about(person: User) -> dict[type[models.Model], models.QuerySet]:
    """Rows about the person: any foreign key to the user model (whatever its related name),
    then rows pointing at those, found from the models, not listed by hand. A session is the
    community's, not one person's: its own words are filled, not the rows of others on it."""
    about = {User: User.objects.filter(pk=person.pk)}
    for _depth in range(2):
        for model in apps.get_models():
            if model in about:
                continue
            match = models.Q(pk__in=[])
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if target is User:
                    match |= models.Q(**{field.name: person.pk})
                elif target in about and target not in SHARED:
                    match |= models.Q(**{f"{field.name}__in": about[target].values("pk")})
            rows = model._base_manager.filter(match)
            if rows.exists():
                about[model] = rows
    return about


def _fill(person: User) -> set[tuple[str, str]]:
    """Every free-text field of every row about the person gets their words and name."""
    filled = set()
    words = f"{MARK} {person.full_name}"
    for model, rows in _about(person).items():
        values = {}
        for field in model._meta.concrete_fields:
            if (
                not isinstance(field, models.CharField | models.TextField)
                or isinstance(field, models.FileField | models.EmailField)
                or field.choices
                or field.unique
                or field.primary_key
                or not field.editable
                or field.name in SYSTEM
                or field.name.endswith("_hash")
                or (field.max_length or 10_000) < len(MARK)
            ):
                continue
            values[field.name] = words[: field.max_length] if field.max_length else words
            filled.add((model._meta.db_table, field.column))
        if values and model is not User:
            model._base_manager.filter(pk__in=rows.values("pk")).update(**values)
    return filled


def _traces(needles: list[str], person_pk: int) -> set[tuple[str, str, str]]:
    """(table, column, needle) wherever a needle is, in any column of any table; in every
    session's decoded data; in the media and import folders; in the cache."""
    found = set()
    lowered = [n.lower() for n in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            described = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in described]
            texts = [f"CAST({connection.ops.quote_name(c)} AS TEXT)" for c in columns]
            where = " OR ".join(f"LOWER({t}) LIKE %s" for t in texts for _ in lowered)
            params = [f"%{n}%" for _ in texts for n in lowered]
            name = connection.ops.quote_name(table)
            sql = f"SELECT {', '.join(texts)} FROM {name} WHERE {where}"  # noqa: S608 -- catalogue names
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    for needle in lowered:
                        if value is not None and needle in str(value).lower():
                            found.add((table, column, needle))
    for key, data in Session.objects.values_list("session_key", "session_data"):
        decoded = SessionStore().decode(data)
        text = repr(decoded).lower()
        for needle in lowered:
            if needle in text:
                found.add(("django_session", key, needle))
        if str(decoded.get("_auth_user_id")) == str(person_pk):
            found.add(("django_session", key, "signed in as them"))
    for folder in (Path(settings.MEDIA_ROOT), Path(settings.IMPORTS_DIR)):
        for path in folder.rglob("*") if folder.exists() else ():
            if path.is_file():
                content = path.read_bytes().lower()
                for needle in lowered:
                    if needle.encode() in content:
                        found.add((str(folder.name), path.name, needle))
    for alias in settings.CACHES:
        store = getattr(caches[alias], "_cache", {})
        for key, value in list(store.items()):
            text = (key + repr(pickle.loads(value))).lower()  # noqa: S301 -- our own cache
            for needle in lowered:
                if needle in text:
                    found.add(("cache", key, needle))
    return found


def _allowed(trace: tuple[str, str, str]) -> bool:
    table, column, needle = trace
    allowed = ALLOWED.get((table, column)) or ALLOWED.get((table, "*"))
    return allowed is not None and needle == allowed[0]


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORTS_DIR = tmp_path / "imports"


@pytest.fixture
def everywhere(personas, life, client):  # noqa: F811 -- the fixture imported above
    """The shared life of test_erase, plus every place the probe found words surviving."""
    owner, leader, coordinator = personas.owner, personas.leader, personas.coordinator
    # Their expert profile is live and has an offer (the cascade that re-added their words).
    profile = owner.expert_profile
    offer(profile, ExpertiseArea.objects.order_by("pk").first().slug)
    profile.bio = f"{PROFILE_WORD} starters"
    profile.save()
    # A leader's decision naming them.
    ReleaseRequest.objects.filter(pk=life["mine"].release.pk).update(
        reason=f"Yes, {owner.full_name}: Thursday is covered."
    )
    # A session they proposed and lead, its words naming them.
    led = SessionFactory(proposed_by=owner, start=london(30), end=london(30, 18, 0))
    led.leads.add(owner)
    led.description = f"Led by {owner.full_name} ({owner.email})."
    led.save()
    # A peer visit they made (accepted: notes, thanks, a private session), and one they host.
    made = enquiry_visits.visit_ask(
        by=owner, host_school=personas.other_school, focus="Phonics", dates="May", why="Why"
    )
    made = enquiry_visits.visit_accept(
        visit=made, by=personas.other_leader, host=personas.outsider,
        date=timezone.localdate(london(20)), start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 0),
    )  # fmt: skip
    enquiry_visits.visit_notes_save(visit=made, by=owner, notes="Notes", shared=True)
    enquiry_visits.visit_thank(visit=made, by=owner, thanks="Thanks")
    hosted = enquiry_visits.visit_ask(
        by=personas.outsider, host_school=personas.school, focus=f"See {owner.full_name}",
        dates="June", why=f"{owner.full_name} teaches it well",
    )  # fmt: skip
    enquiry_visits.visit_accept(
        visit=hosted, by=leader, host=owner, date=timezone.localdate(london(21)),
        start_time=datetime.time(9, 0), end_time=datetime.time(11, 0),
    )  # fmt: skip
    # A need of theirs the coordinator replied to, naming them.
    need = Need.objects.create(
        owner=owner, area=ExpertiseArea.objects.order_by("pk").first(), description="Phonics"
    )
    NeedReply.objects.create(need=need, author=coordinator, body=f"{owner.full_name}: see Tom.")
    # The leader's staff import naming them (its results and the kept file) and their own upload.
    row = f"{owner.email},{owner.first_name},{owner.last_name},Teacher\n"
    for uploader, name in ((leader, "staff.csv"), (owner, "mine.csv")):
        folder = uploads_dir(uploader.pk)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ("a" * 64 + ".csv")).write_text("email,first,last,role\n" + row)
        ImportJob.objects.create(
            created_by=uploader,
            kind=ImportJob.Kind.STAFF,
            school=personas.school,
            file_token="a" * 64,
            file_name=name,
            state=ImportJob.State.DONE,
            result={
                "ok": True,
                "rows": [{"line": 2, "email": owner.email, "name": owner.full_name}],
                "counts": {"new": 1},
            },
        )
    # Another signed-in session of theirs (a phone), with their address in it.
    phone = Client()
    phone.force_login(owner)
    store = import_module(settings.SESSION_ENGINE).SessionStore(phone.session.session_key)
    store["account_verified_email"] = owner.email
    store.save()
    # A colleague's directory search that found them (kept in the cache).
    client.force_login(personas.colleague)
    assert client.get("/experts/", {"q": owner.last_name}).status_code == 200
    client.logout()
    # An enquiry group of theirs with a colleague: a note, a file and a reading-list item of
    # theirs, a draft they wrote, and the colleague's note naming them.
    group = enquiry_services.group_create(
        by=owner, question="Fractions", kind="enquiry",
        areas=[ExpertiseArea.objects.order_by("pk").first()],
    )  # fmt: skip
    enquiry_services.group_join(group=group, by=personas.colleague)
    enquiry_services.log_add(group=group, by=owner, kind="note", text="Tried it")
    enquiry_services.log_add(
        group=group, by=owner, kind="file",
        upload=SimpleUploadedFile("plan.txt", b"A plan", "text/plain"),
    )  # fmt: skip
    enquiry_services.reading_add(group=group, by=owner, title="EEF guidance")
    enquiry_writeups.write_up_save(
        group=group, by=owner, question="Fractions", tried="Bar models", happened="Better"
    )
    enquiry_services.log_add(
        group=group, by=personas.colleague, kind="note",
        text=f"Thanks to {owner.full_name} ({owner.email}) for the plan.",
    )  # fmt: skip
    filled = _fill(owner)
    return {"led": led, "need": need, "filled": filled}


def _erase(path, personas, client, app):
    if path == "me":
        page = reauthenticate(app, app.sign_in(personas.owner).get("/me/delete/"))
        form = form_for(page, "privacy:delete")
        form["understood"] = True
        assert "Your account has been deleted" in form.submit().text
    else:
        erase_by(path, personas, client)


@pytest.mark.parametrize("path", ["me", "admin", "coordinator", "retention"])
def test_after_erasure_nothing_names_the_person_anywhere(
    path, personas, everywhere, client, app, django_capture_on_commit_callbacks
):
    owner = personas.owner
    needles = _needles(owner)
    before = _traces(needles, owner.pk)
    # The search finds what it looks for, in every kind of place, before the erasure.
    places = {table for table, _, _ in before}
    assert {
        "hubs_user",
        "hubs_importjob",
        "experts_searchword",
        "cpd_sessions_releaserequest",
        "cpd_sessions_developmentsession",
        "coordination_needreply",
        "django_session",
        "imports",
        "cache",
    } <= places
    assert ("hubs_importjob", "result") in {(t, c) for t, c, _ in before}
    assert SearchWord.objects.filter(word=PROFILE_WORD).exists()
    assert len(everywhere["filled"]) > 30  # derived from the models, not listed by hand

    with django_capture_on_commit_callbacks(execute=True):
        _erase(path, personas, client, app)

    assert not User.objects.filter(pk=owner.pk).exists()
    left = sorted(t for t in _traces(needles, owner.pk) if not _allowed(t))
    assert left == [], "\n".join(map(str, left))
    # What stays says who it was about no more.
    led = type(everywhere["led"]).objects.get(pk=everywhere["led"].pk)
    assert ERASED_NAME in led.description


def test_what_may_stay_is_what_the_notice_says(client, app, personas):
    notice = client.get("/privacy/").content.decode()
    for _table_column, (_what, sentence) in ALLOWED.items():
        assert sentence in notice
    assert "are kept for 30 days, then deleted" in notice
    assert "signed out everywhere" in notice
    page = reauthenticate(app, app.sign_in(personas.owner).get("/me/delete/"))
    assert "with your name taken out" in page.text
    assert "any uploaded file that names you is deleted" in page.text
