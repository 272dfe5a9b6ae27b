"""
The documentation a person who clones the project reads: a short README, every link in it and in
docs/ pointing at something in the repository, nothing pointing outside it, and no issue numbers
anywhere in the code, tests or docs (a name says what a thing does, not who asked for it).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
DOCS = [BASE / "README.md", *sorted((BASE / "docs").glob("*.md"))]
# Installed, generated or vendored: not ours to word.
SKIPPED_DIRS = {".venv", ".git", "var", "media", "staticfiles", "test-results", "vendor", "out"}
SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".yml"}
NAMES = {"Makefile", "Dockerfile", "run"}
ISSUE_NUMBER = re.compile(r"\bissues? #?\d+", re.IGNORECASE)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings."""
    found = set()
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def _our_files():
    for directory, subdirectories, files in os.walk(BASE):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_DIRS]
        for name in files:
            path = Path(directory) / name
            if path.suffix in SUFFIXES or name in NAMES:
                yield path.relative_to(BASE)


def test_the_readme_fits_on_a_screen_or_two():
    lines = (BASE / "README.md").read_text().splitlines()
    assert len(lines) <= 120
    readme = "\n".join(lines)
    for must in ("make run", "make test", "cpd-demo-2026", "docs/architecture.md"):
        assert must in readme
    for login in ("coordinator", "leader", "teacher", "expert"):
        assert f"{login}@demo.test" in readme


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_link_stays_in_the_repository_and_resolves(doc):
    text = doc.read_text()
    assert "../shared" not in text
    broken = []
    for link in LINK.findall(text):
        if link.startswith(("http://", "https://", "mailto:")):
            continue
        target, _, anchor = link.partition("#")
        path = (doc.parent / target).resolve() if target else doc
        if BASE.resolve() not in path.parents and path != BASE.resolve():
            broken.append(f"{link} (outside the repository)")
        elif not path.exists():
            broken.append(f"{link} (no such file)")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{link} (no such heading)")
    assert not broken, f"{doc.name}: {broken}"


def test_no_issue_numbers_in_code_tests_or_docs():
    found = [
        f"{relative}:{number}: {line.strip()}"
        for relative in _our_files()
        for number, line in enumerate((BASE / relative).read_text(errors="ignore").splitlines(), 1)
        if ISSUE_NUMBER.search(line)
    ]
    assert not found, "\n".join(found)
