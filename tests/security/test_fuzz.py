"""
Bad input everywhere: Hypothesis fuzzing of every form and every query
string of the product, as each role that may use it.

How the targets are found (nothing is listed by hand, so a new page or form is fuzzed the day
it lands):

1. The demo community (``seed_demo``) gives rows for every kind of page.
2. Each role (signed out, teacher, CPD leader, expert, coordinator) crawls the product from a
   few start pages, following the links and GET forms it is shown (one page per URL pattern
   and role). Every URL pattern of the resolver must be reached by some role or be named in
   ``NOT_CRAWLED`` with the reason, so a URL nobody links to fails here.
3. Every ``<form method=post>`` a role is shown is a POST target with its rendered field
   names, defaults and choices; every page reached is a GET target with the query parameters
   its links and GET forms use (and a few any view might read).

Each target then gets ``FUZZ_EXAMPLES`` Hypothesis examples (default 2: the normal suite adds
well under a minute) of hostile values: text with NUL, huge strings, unicode and control
characters, negative and huge numbers, malformed dates, lists where one value is expected,
missing fields, unknown choices, SQL and HTML fragments, hostile uploads. For each request:

- never a 500 (the test client re-raises the view's exception, so the failure shows it);
- a refusal (4xx) or a form shown again with its errors writes nothing: every product table's
  row count and highest id are unchanged;
- a success leaves whole rows: each row it added passes its model's own validation
  (``full_clean``), and at the end every row the run touched does too.

The big run (at least 10,000 requests): ``FUZZ_EXAMPLES=30 FUZZ_MIN_REQUESTS=10000``
(docs/security-and-privacy.md, "Bad input everywhere").
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from experts.models import ContactRequest, ExpertProfile
from hubs.models import Invitation, User
from portfolios.models import Entry, EntryAttachment

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
MIN_REQUESTS = int(os.environ.get("FUZZ_MIN_REQUESTS", "0"))
# Requests sent, by kind ("GET", "POST"); printed and asserted at the end of each test.
REQUESTS: Counter = Counter()

PRODUCT_APPS = [
    "hubs",
    "experts",
    "cpd_sessions",
    "portfolios",
    "notifications",
    "privacy",
    "enquiry",
    "courses",
    "quality",
    "training",
    "schoolyear",
    "account",
    "mfa",
]

ROLES = {
    "anonymous": None,
    "teacher": "teacher@demo.test",
    "leader": "leader@demo.test",
    "expert": "expert@demo.test",
    "coordinator": "coordinator@demo.test",
}
START = [
    "/",
    "/experts/",
    "/experts/me/",
    "/sessions/",
    "/sessions/mine/",
    "/sessions/approvals/",
    "/sessions/budgets/",
    "/sessions/calendar/",
    "/portfolio/",
    "/training/",
    "/coordinator/training/",
    "/portfolio/needs/",
    "/portfolio/needs/audit/",
    "/portfolio/shared/",
    "/portfolio/statement/",
    "/portfolio/needs/community/",
    "/hubs/",
    "/coordinator/",
    "/coordinator/needs/",
    "/coordinator/lone-rangers/",
    "/coordinator/import/schools/",
    "/coordinator/import/staff/",
    "/me/",
    "/me/data/",
    "/me/delete/",
    "/privacy/",
    "/notifications/preferences/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/email/",
    "/accounts/password/change/",
]
# URL patterns the crawl does not reach, and why. Everything else must be reached.
NOT_CRAWLED = {
    "admin/": "the admin site: two-factor authentication first; Django's own forms",
    "accounts/": "allauth's pages not linked from ours (social, code and key pages)",
    "healthz": "no input",
    "sessions/feed/<str:token>.ics": "a secret token in the calendar address; no query",
    "notifications/unsubscribe/<str:token>/": "a signed token from an email",
    "notifications/confirm-profile/<str:token>/": "a signed token from an email",
    "join/<str:token>/": "an invitation token from an email",
    "me/data/<str:token>/": "a download token made in the background",
    "imports/<int:pk>/": "an import job exists only after an upload (tests/hubs/test_onboarding_*)",
    "imports/<int:pk>/rows-left-out.csv": "only after an upload with errors (test_onboarding_*)",
    "coordinator/needs/commission/": "only for an area with needs and no supply, not in the demo",
    "sessions/<int:pk>/book/": "none bookable here; fuzzed in tests/cpd_sessions/test_input.py",
    "sessions/<int:pk>/feedback/": "a past booking; fuzzed in tests/cpd_sessions/test_input.py",
    "sessions/<int:pk>/publish/": "only for a draft session; no fields but the token",
    "sessions/<int:pk>/certificate/<int:booking_pk>/": "a past attended booking; no input",
    "sessions/calendar/revoke/": "only once a feed exists; no fields",
    "coaching/<int:pk>/visits/<int:visit_pk>/cancel/": (
        "only on the demo pair's page, one of the expert's relationships (the crawl opens one "
        "page a pattern); no fields but the token (tests/coaching/test_forms_webtest.py)"
    ),
    "enquiries/<int:pk>/cycles/<int:number>/discussion/": (
        "only on a taught lesson-study cycle; the crawl opens one cycle page a pattern, the "
        "current (planned) one; fuzzed in tests/enquiry/test_cycles.py"
    ),
    "survey/<str:token>/": (
        "a staff survey link from an email; fuzzed in tests/quality/test_input.py"
    ),
    "schools/<int:urn>/review/<int:year>/peer/findings/": (
        "the peer reviewer's page: the demo's reviewer is a leader of another school, not one of "
        "the crawling roles; fuzzed in tests/quality/test_input.py"
    ),
    "schools/<int:urn>/review/<int:year>/done/": (
        "only before the self-review is done (the demo's is); no fields but the token "
        "(tests/quality/test_forms_webtest.py)"
    ),
    "schools/<int:urn>/review/<int:year>/survey/open/": (
        "only before the survey is opened (the demo's is open); no fields but the token "
        "(tests/quality/test_forms_webtest.py)"
    ),
    "schools/<int:urn>/review/<int:year>/peer/accept/": (
        "only once the reviewer submits the report (the demo's has not); no fields but the "
        "token (tests/quality/test_forms_webtest.py)"
    ),
    "schools/<int:urn>/review/<int:year>/peer/visit/": (
        "the peer reviewer's form (see above); fuzzed in tests/quality/test_input.py"
    ),
    "schools/<int:urn>/year/publish/": (
        "only on a draft year (the demo's years are published); no fields but the token and "
        "the year (tests/schoolyear/test_forms_webtest.py)"
    ),
    "sessions/<int:pk>/apologies/": "a series booked; fuzzed in tests/cpd_sessions/test_input.py",
    "sessions/<int:pk>/evaluation/": (
        "the shared summary's page, linked from its email only; no input (tests/cpd_sessions/"
        "test_evaluation_page.py)"
    ),
    "sessions/<int:pk>/will-change/": (
        "a lead's ended session (the crawl may open a future one); fuzzed in "
        "tests/cpd_sessions/test_evaluation.py"
    ),
    "sessions/<int:pk>/certificates/send/": (
        "a lead's started session; fuzzed in tests/cpd_sessions/test_input.py"
    ),
}
# POST targets not fuzzed, and why.
NOT_POSTED = {
    "accounts/logout/": "signs the fuzzing person out; no fields",
}
COMMON_PARAMS = ["q", "page", "next", "format", "sort", "hub", "area", "year", "term"]


# --- Hostile values ---------------------------------------------------------------------------

SAMPLES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "-99999999999999999999",
    "9" * 40,
    "1e308",
    "NaN",
    "inf",
    "1.5",
    "²",
    "٣",
    "\uff11\uff12",  # full-width digits
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "0000-00-00",
    "31/12/2026",
    "2026-13-01T25:61",
    "yes",
    "on",
    "true",
    "__unknown_choice__",
    "' OR 1=1 --",
    "1; DROP TABLE hubs_user; --",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}{% debug %}",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "\u202eevil\u202c",
    "\ufeff",
    "😀" * 50,
    "x" * 20_000,
    '=HYPERLINK("http://evil")',
    "javascript:alert(1)",
    "//evil.example/",
]
TEXT = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(str),
)


@st.composite
def upload(draw):
    name = draw(
        st.sampled_from(
            [
                "evidence.pdf",
                "notes.txt",
                "plan.docx",
                "x.exe",
                "photo.png",
                "..\\..\\a.pdf",
                "a\x00.pdf",
                "staff.csv",
                "schools.csv",
                "no-extension",
                "ü😀.txt",
                ".pdf",
            ]
        )
    )
    body = draw(
        st.one_of(
            st.binary(max_size=300),
            st.sampled_from(
                [
                    b"%PDF-1.4\n%fuzz\n",
                    b"PK\x03\x04" + b"\x00" * 40,
                    b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
                    b"URN,Name\n1,\x00\n",
                    b"First name,Last name,Email\nA,B,a@b\n" + b",".join([b"x"] * 500),
                    "Name,Email\nZoë,zoë@example.test\n".encode("utf-16"),
                    b"",
                ]
            ),
        )
    )
    return SimpleUploadedFile(name.replace("\x00", ""), body)


def value_for(spec: Field):
    """A strategy for one field: its own value, one of its choices, or something hostile."""
    options = [st.just(spec.default), TEXT, st.lists(TEXT, min_size=2, max_size=3)]
    if spec.choices:
        options.append(st.sampled_from(spec.choices))
        options.append(st.lists(st.sampled_from(spec.choices), max_size=3))
    if spec.kind == "file":
        options = [upload(), TEXT]
    return st.one_of(*options)


# --- Discovery --------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str = "text"
    default: str = ""
    choices: list[str] = field(default_factory=list)


@dataclass
class Target:
    role: str
    method: str
    url: str
    route: str
    fields: dict[str, Field] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.url} as {self.role}"


def all_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for item in patterns:
            if isinstance(item, URLResolver):
                yield from walk(item.url_patterns, prefix + str(item.pattern))
            elif isinstance(item, URLPattern):
                yield prefix + str(item.pattern)

    return list(walk(get_resolver().url_patterns))


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _crawlable(path: str) -> bool:
    return path.startswith("/") and not path.startswith(("//", "/static/", "/media/", "/admin/"))


def read_fields(form) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for tag in form.find_all(["input", "select", "textarea", "button"]):
        name = tag.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        spec = fields.setdefault(name, Field(name))
        if tag.name == "select":
            spec.kind = "select"
            for option in tag.find_all("option"):
                value = option.get("value", option.get_text())
                spec.choices.append(value)
                if option.has_attr("selected") or not spec.default:
                    spec.default = value if option.has_attr("selected") else spec.default or value
        elif tag.name == "textarea":
            spec.default = tag.get_text()
        else:
            kind = tag.get("type", "text").lower()
            value = tag.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind == "file":
                spec.kind = "file"
            elif kind in ("checkbox", "radio"):
                spec.kind = kind
                spec.choices.append(value)
                if tag.has_attr("checked"):
                    spec.default = value
            elif kind in ("submit", "button"):
                spec.choices.append(value)
                spec.default = spec.default or value
            else:
                spec.default = spec.default or value
    return fields


def discover(clients: dict[str, Client]):
    """The pages each role reaches and the forms it is shown: (GET targets, POST targets,
    routes reached)."""
    gets: dict[tuple[str, str], Target] = {}
    posts: dict[tuple[str, str, tuple], Target] = {}
    reached: set[str] = set()
    for role, client in clients.items():
        queue = list(START)
        seen_routes: set[str] = set()
        params: dict[str, set[str]] = defaultdict(set)
        while queue:
            url = queue.pop(0)
            path = urlsplit(url).path
            route = route_of(path)
            if route is None or route in seen_routes:
                continue
            seen_routes.add(route)
            response = client.get(path)
            REQUESTS["crawl"] += 1
            assert response.status_code < 500, (role, path)
            if response.status_code >= 400:
                continue
            reached.add(route)
            gets[(role, route)] = Target(role, "GET", path, route)
            if response.status_code != 200:
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            page = BeautifulSoup(response.content, "html.parser")
            for link in page.find_all("a", href=True):
                href = link["href"]
                if not _crawlable(href):
                    continue
                parts = urlsplit(href)
                for name, _ in parse_qsl(parts.query, keep_blank_values=True):
                    if (linked := route_of(parts.path)) is not None:
                        params[linked].add(name)
                queue.append(href)
            for form in page.find_all("form"):
                action = form.get("action") or path
                if not _crawlable(urlsplit(action).path):
                    continue
                action_path = urlsplit(action).path
                action_route = route_of(action_path)
                if action_route is None:
                    continue
                fields = read_fields(form)
                if form.get("method", "get").lower() == "post":
                    if form.find("input", {"type": "file"}) and form.get("enctype") != (
                        "multipart/form-data"
                    ):
                        raise AssertionError(f"{action_path}: a file input needs multipart")
                    key = (role, action_route, tuple(sorted(fields)))
                    posts.setdefault(key, Target(role, "POST", action_path, action_route, fields))
                    reached.add(action_route)
                else:
                    params[action_route].update(fields)
                    queue.append(action_path)
        for (target_role, route), target in gets.items():
            if target_role == role:
                names = params[route] | set(COMMON_PARAMS)
                target.fields = {name: Field(name) for name in sorted(names)}
    return list(gets.values()), list(posts.values()), reached


# --- Checking what a request left behind ------------------------------------------------------


def product_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PRODUCT_APPS
        and not model._meta.proxy
        and model._meta.managed
        and model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
    ]


def table_state(models) -> tuple:
    """Each product table's (row count, highest id), in one query."""
    parts = [
        f'(SELECT count(*) FROM "{m._meta.db_table}"), '  # noqa: S608 -- our own tables
        f'(SELECT max("{m._meta.pk.column}") FROM "{m._meta.db_table}")'
        for m in models
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


def invalid_rows(model, rows) -> list[str]:
    problems = []
    nullable = [f.attname for f in model._meta.concrete_fields if f.null]
    for row in rows:
        # A nullable field left None is a state the model means (an unanswered follow-up).
        exclude = [name for name in nullable if getattr(row, name) is None]
        try:
            row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems.append(f"{model.__name__} {row.pk}: {error.message_dict}")
    return problems


def new_rows_are_whole(models, before, after) -> list[str]:
    problems = []
    for index, model in enumerate(models):
        old_max = before[2 * index + 1] or 0
        if (after[2 * index + 1] or 0) > old_max:
            problems += invalid_rows(model, model.objects.filter(pk__gt=old_max))
    return problems


SHOWN_AGAIN = re.compile(rb'class="[^"]*\berror(list|-summary)?\b|aria-invalid="true"')


def send(client: Client, target: Target, data: dict, htmx: bool, models) -> None:
    before = table_state(models)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with transaction.atomic():  # a database error would otherwise poison every later request
        if target.method == "GET":
            response = client.get(target.url, data, **headers)
        else:
            response = client.post(target.url, data, **headers)
    REQUESTS[target.method] += 1
    status = response.status_code
    assert status < 500, (str(target), data)
    after = table_state(models)
    refused = status >= 400 or (
        target.method == "POST"
        and status == 200
        and not htmx
        and bool(SHOWN_AGAIN.search(response.content))
    )
    if refused:
        assert after == before, ("a refused request wrote rows", str(target), data, status)
    elif after != before:
        assert not new_rows_are_whole(models, before, after), (str(target), data)


# --- The tests --------------------------------------------------------------------------------


def enrich() -> None:
    """What the demo lacks for a few forms: a contact request, an invitation, a file."""
    teacher = User.objects.get(email=ROLES["teacher"])
    leader = User.objects.get(email=ROLES["leader"])
    profile = ExpertProfile.objects.get(user__email=ROLES["expert"])
    ContactRequest.objects.create(profile=profile, sender=teacher, message="Could you help?")
    Invitation.objects.create(
        email="someone@gmail.example",
        school=leader.school,
        invited_by=leader,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    entry = Entry.objects.filter(owner=teacher).first() or Entry.objects.create(
        owner=teacher, date=timezone.localdate(), kind="reading", title="Fuzz", hours=1
    )
    item = EntryAttachment(
        entry=entry, original_name="notes.txt", content_type="text/plain", size=5
    )
    item.file.save("notes.txt", ContentFile(b"notes"), save=True)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    enrich()
    clients = {}
    for role, email in ROLES.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        clients[role] = client
    return clients


FUZZ = hsettings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz(target: Target, client: Client, models, person) -> None:
    names = sorted(target.fields)
    specs = target.fields

    @FUZZ
    @given(
        values=st.fixed_dictionaries(
            {name: st.one_of(st.none(), value_for(specs[name])) for name in names}
        ),
        extra=st.dictionaries(
            st.sampled_from(["id", "pk", "user", "owner", "__x"]), TEXT, max_size=2
        ),
        htmx=st.booleans(),
    )
    def run(values, extra, htmx):
        if person is not None:
            client.force_login(person)
        data = {name: value for name, value in values.items() if value is not None}
        data.update(extra)
        send(client, target, data, htmx, models)

    run()


def order(targets: list[Target]) -> list[Target]:
    """Deletions and cancellations last, so they do not take away the rows others act on."""
    last = re.compile(r"delete|remove|withdraw|revoke|cancel|leave|membership")
    return sorted(targets, key=lambda t: (bool(last.search(t.route)), t.role, t.route))


@override_settings(CPDHUB_RATE_LIMITS={}, ACCOUNT_RATE_LIMITS=False)
def test_every_form_and_query_string_survives_hostile_input(world, capsys):
    REQUESTS.clear()
    gets, posts, reached = discover(world)

    missing = sorted(
        route
        for route in all_routes()
        if route not in reached and not route.startswith(tuple(NOT_CRAWLED))
    )
    assert not missing, f"URL patterns no role reached (link them or say why): {missing}"

    models = product_models()
    people = {role: User.objects.filter(email=email).first() for role, email in ROLES.items()}
    for target in order(gets):
        fuzz(target, world[target.role], models, people[target.role])
    for target in order(posts):
        if target.route.startswith(tuple(NOT_POSTED)):
            continue
        fuzz(target, world[target.role], models, people[target.role])

    problems = []
    for model in models:
        problems += invalid_rows(model, model.objects.all())
    assert not problems, problems

    total = REQUESTS["GET"] + REQUESTS["POST"]
    with capsys.disabled():
        print(
            f"\nfuzz: {len(gets)} GET and {len(posts)} POST targets, {EXAMPLES} examples each: "
            f"{REQUESTS['GET']} GET + {REQUESTS['POST']} POST = {total} requests "
            f"(and {REQUESTS['crawl']} to crawl), 0 x 500"
        )
    assert total >= max(MIN_REQUESTS, len(gets) + len(posts))
