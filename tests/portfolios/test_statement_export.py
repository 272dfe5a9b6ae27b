"""The end-of-year statement, and the portfolio that goes with me (JSON and print)."""

import datetime
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cpdhub.academic_year import current_academic_year, year_label
from experts.models import ExpertiseArea
from portfolios.models import ImpactFollowUp, Statement

from .factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_cpd(personas):
    goal = GoalFactory(owner=personas.owner, title="Questioning for all")
    goal.areas.set([ExpertiseArea.objects.get(slug="questioning")])
    today = timezone.localdate()
    first = EntryFactory(
        owner=personas.owner,
        title="Hinge question twilight",
        date=today,
        hours=Decimal("1.5"),
        kind="session_attended",
        impact_pupils="More pupils answered.",
        will_try="Mini-whiteboards",
    )
    first.goals.add(goal)
    second = EntryFactory(
        owner=personas.owner, title="Observed Grace", date=today, hours=Decimal(2), kind="visit"
    )
    ImpactFollowUp.objects.filter(pk=follow_up_for(second).pk).update(
        answered_at=timezone.now(), level="pupils", what_happened="Quiz scores rose", tried=True
    )
    return goal


def test_the_statement_is_drafted_from_the_years_portfolio(client, personas, year_of_cpd):
    client.force_login(personas.owner)
    year = current_academic_year()
    response = client.get(f"/portfolio/statement/{year}/")
    text = response.context["text"]
    assert text.startswith(f"End-of-year statement {year_label(year)}: Sam Whitfield")
    assert (
        "This year I developed my questioning by doing a session and a visit to another school, "
        "3.5 hours in all; it has made impact: more pupils answered." in text
    )
    assert "\n\nQuestioning for all (active). Success for pupils:" in text
    assert "Hinge question twilight (session attended, 1.5 hours)" in text
    assert "I set out to try: mini-whiteboards." in text
    assert "Six weeks on (pupil outcomes): Quiz scores rose." in text
    # Printed without the site's chrome: the rules are in the stylesheet (no inline style: CSP).
    stylesheet = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert re.search(r"@media print \{[^}]*\.no-print[^}]*\}\s*\.statement-text \{", stylesheet)
    # It reads as a document: a title, headings, paragraphs; no text block with dashes.
    document = response.content.decode().split('id="statement-text">')[1].split("</article>")[0]
    assert document.startswith(f"<h2>End-of-year statement {year_label(year)}: Sam Whitfield</h2>")
    assert "<h3>My goals</h3>" in document
    assert "<h3>What I did</h3>" in document
    assert "<h3>The impact</h3>" in document
    assert "<p>Questioning for all (active). Success for pupils:" in document
    assert "- " not in document
    assert client.get("/portfolio/statement/").url == f"/portfolio/statement/{year}/"


def test_my_own_words_are_escaped_and_laid_out(client, personas):
    client.force_login(personas.owner)
    url = f"/portfolio/statement/{current_academic_year()}/"
    words = "My year\n\nSummary\n\n- <b>coaching</b>\n- reading\n\nA paragraph.\nSecond line."
    client.post(url, {"text": words})
    page = client.get(url).content.decode()
    document = page.split('id="statement-text">')[1].split("</article>")[0]
    assert document == (
        "<h2>My year</h2>\n<h3>Summary</h3>\n"
        "<ul><li>&lt;b&gt;coaching&lt;/b&gt;</li><li>reading</li></ul>\n"
        "<p>A paragraph.<br>Second line.</p>"
    )


def test_a_year_with_nothing_logged_still_drafts(client, personas):
    client.force_login(personas.owner)
    text = client.get(f"/portfolio/statement/{current_academic_year()}/").context["text"]
    assert f"Nothing is logged for {year_label(current_academic_year())} yet." in text


def test_edit_the_statement_then_redraft_it(client, personas, year_of_cpd):
    client.force_login(personas.owner)
    url = f"/portfolio/statement/{current_academic_year()}/"
    assert client.post(url, {"text": "My own words."}).status_code == 302
    assert Statement.objects.get(owner=personas.owner).text == "My own words."
    assert client.get(url).context["text"] == "My own words."

    assert client.post(url, {"text": "   "}).status_code == 400
    assert Statement.objects.get(owner=personas.owner).text == "My own words."

    client.post(url, {"redraft": "1"})
    assert not Statement.objects.exists()
    assert "This year I developed my questioning" in client.get(url).context["text"]


def test_statements_are_my_own(client, personas, year_of_cpd):
    Statement.objects.create(
        owner=personas.owner, academic_year=current_academic_year(), text="Sam's"
    )
    client.force_login(personas.leader)
    page = client.get(f"/portfolio/statement/{current_academic_year()}/").content.decode()
    assert "Sam&#x27;s" not in page
    assert "Hinge question twilight" not in page
    client.post(f"/portfolio/statement/{current_academic_year()}/", {"redraft": "1"})
    assert Statement.objects.filter(owner=personas.owner).exists()


@pytest.mark.parametrize("year", [1999, current_academic_year() + 2, 9999])
def test_statement_for_an_impossible_year_is_not_found(client, personas, year):
    client.force_login(personas.owner)
    assert client.get(f"/portfolio/statement/{year}/").status_code == 404


def test_last_years_entries_stay_in_last_years_statement(client, personas):
    last_year = current_academic_year() - 1
    EntryFactory(
        owner=personas.owner,
        title="Old course",
        date=datetime.date(last_year + 1, 3, 1),
    )
    client.force_login(personas.owner)
    assert "Old course" in client.get(f"/portfolio/statement/{last_year}/").context["text"]
    this_year = client.get(f"/portfolio/statement/{current_academic_year()}/")
    assert "Old course" not in this_year.context["text"]


def test_the_json_export_has_my_whole_portfolio_and_nothing_of_anyone_elses(
    client, personas, year_of_cpd
):
    NeedFactory(owner=personas.owner, description="My need")
    GoalFactory(owner=personas.colleague, title="Colleague's goal").shared_with.add(personas.owner)
    EntryFactory(owner=personas.colleague, title="Colleague's entry")
    NeedFactory(owner=personas.colleague, description="Colleague's need")
    client.force_login(personas.owner)

    response = client.get("/portfolio/export.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "cpdhub-portfolio"
    assert data["owner"]["email"] == personas.owner.email
    assert [g["title"] for g in data["goals"]] == ["Questioning for all"]
    assert data["goals"][0]["areas"] == ["Questioning"]
    assert sorted(e["title"] for e in data["entries"]) == [
        "Hinge question twilight",
        "Observed Grace",
    ]
    hinge = next(e for e in data["entries"] if e["title"] == "Hinge question twilight")
    assert hinge["goals"] == [year_of_cpd.pk]
    assert hinge["hours"] == "1.50"
    observed = next(e for e in data["entries"] if e["title"] == "Observed Grace")
    assert observed["follow_up"]["what_happened"] == "Quiz scores rose"
    assert [n["description"] for n in data["needs"]] == ["My need"]
    assert "Colleague" not in response.content.decode()


def test_the_printable_portfolio(client, personas, year_of_cpd):
    client.force_login(personas.owner)
    page = client.get("/portfolio/print/").content.decode()
    assert "Questioning for all" in page
    assert "Hinge question twilight" in page
    assert "More pupils answered." in page


def test_hours_this_academic_year_on_my_portfolio(client, personas, year_of_cpd):
    EntryFactory(
        owner=personas.owner, date=datetime.date(current_academic_year(), 7, 1), hours=10
    )  # last academic year: not counted
    client.force_login(personas.owner)
    response = client.get("/portfolio/")
    assert response.context["portfolio"].hours == Decimal("3.5")
    assert "<strong>3.5</strong> hours of CPD" in response.content.decode()


def test_the_zip_goes_with_me_json_evidence_files_and_a_printable_copy(
    client, personas, year_of_cpd
):
    from django.core.files.base import ContentFile  # noqa: PLC0415 -- this test only

    from portfolios.models import Entry, EntryAttachment  # noqa: PLC0415 -- this test only

    entry = Entry.objects.get(title="Hinge question twilight")
    pdf = b"%PDF-1.4 my slides"
    for name in ("Slides.pdf", "Slides.pdf"):  # the same name twice stays two files
        attachment = EntryAttachment(
            entry=entry, original_name=name, content_type="application/pdf", size=len(pdf)
        )
        attachment.file.save(name, ContentFile(pdf), save=False)
        attachment.save()
    EntryFactory(owner=personas.colleague, title="Colleague's entry")
    client.force_login(personas.owner)
    response = client.get("/portfolio/export.zip")
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    data = json.loads(archive.read("cpd-portfolio/portfolio.json"))
    hinge = next(e for e in data["entries"] if e["title"] == "Hinge question twilight")
    files = [a["file"] for a in hinge["attachments"]]
    assert len(set(files)) == 2
    for path in files:
        assert f"cpd-portfolio/{path}" in names
        assert archive.read(f"cpd-portfolio/{path}") == pdf
    html = archive.read("cpd-portfolio/portfolio.html").decode()
    assert "Questioning for all" in html
    assert f'href="{files[0]}"' in html
    assert "Colleague" not in html + json.dumps(data)


def test_the_zip_is_mine_only(client, personas):
    response = client.get("/portfolio/export.zip")
    assert response.status_code == 302  # signed out: to the sign-in page


def test_the_statement_document_escapes_what_the_person_wrote():
    from portfolios.templatetags.portfolio import as_document  # noqa: PLC0415

    html = as_document(
        "My year <script>x</script>\n\nShort <b>head</b>\n\n"
        "- a <i>b</i>\n- c\n\nA paragraph with <img src=x onerror=y>.\nAnd a second line."
    )
    for raw in ("<script>", "<b>", "<i>", "<img"):
        assert raw not in html
    assert "&lt;script&gt;" in html
    assert "<p>A paragraph with &lt;img src=x onerror=y&gt;.<br>And a second line.</p>" in html
