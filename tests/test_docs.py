"""
The documentation a person who clones the project reads: a short README, every link in it and in
docs/ pointing at something in the repository, nothing pointing outside it, every file and every
function or class it names in backticks still there under that name, and no issue numbers
anywhere in the code, tests or docs (a name says what a thing does, not who asked for it).
"""

import functools
import importlib
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
DOCS = [BASE / "README.md", *sorted((BASE / "docs").glob("*.md"))]
# Installed, generated or vendored: not ours to word.
SKIPPED_DIRS = {".venv", ".git", "var", "media", "staticfiles", "test-results", "vendor", "out"}
SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".yml"}
NAMES = {"Makefile", "Dockerfile", "run"}
ISSUE_NUMBER = re.compile(r"\bissues? #?\d+", re.IGNORECASE)
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
BACKTICKED = re.compile(r"`([^`\n]+)`")
# A file of the repository named in the docs: a relative path with a folder, ending in one of
# these, or a folder ending in "/".
PATH = re.compile(r"^[\w.-]+(/[\w.-]+)*(\.(py|html|txt|toml|md|yml|tsv)|/)$")
# `app.module.name`, `app.Model` (a model label), or `app/module.py name` (also `:` or `::`).
DOTTED = re.compile(r"^[a-z_]+(\.[A-Za-z_]\w*)+$")
FILE_NAME = re.compile(r"\.(py|html|txt|toml|md|yml|tsv|json|zip|csv|ics)$")
PATH_AND_NAME = re.compile(r"^(?P<path>[\w/]+\.py)(?: +|::?)(?P<name>[A-Za-z_][\w.]*)$")


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


def _our_packages() -> set[str]:
    base = BASE.resolve()
    found = {"cpdhub"}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base in path.parents:
            found.add(config.name.split(".")[0])
    return found


def _backticked(doc: Path) -> list[str]:
    """Each inline code span of a document, outside fenced blocks (shell sessions, diagrams)."""
    text = FENCED.sub("", doc.read_text())
    return [span.strip().removesuffix("()") for span in BACKTICKED.findall(text)]


@functools.cache
def _task_names() -> frozenset[str]:
    from cpdhub.celery import app as celery  # noqa: PLC0415 -- the task registry, once Django is set up

    celery.loader.import_default_modules()  # Celery's discovery of every app's tasks.py
    return frozenset(celery.tasks)


def _resolves(dotted: str) -> bool:
    """
    Imports the longest module the name starts with, then follows the rest as attributes; an
    `app.Model` label names a model, and a Celery task is also named as it is registered (the beat
    schedule's `app.task_name`).
    """
    if dotted in _task_names():
        return True
    parts = dotted.split(".")
    labels = {config.label for config in apps.get_app_configs()}
    if len(parts) == 2 and parts[1][:1].isupper() and parts[0] in labels:
        try:
            apps.get_model(parts[0], parts[1])
            return True
        except LookupError:
            pass
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_path_the_docs_name_is_in_the_repository(doc):
    generated = {"var", "media", "staticfiles", "test-results", ".venv"}
    missing = []
    for span in _backticked(doc):
        if not PATH.match(span) or "/" not in span or span.split("/")[0] in generated:
            continue
        # A template is named as Django finds it, so it may be written from inside templates/.
        if not any((root / span).exists() for root in (BASE, BASE / "templates")):
            missing.append(span)
    assert not missing, f"{doc.name} names files that are not in the repository: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_function_class_and_module_the_docs_name_imports(doc):
    ours = _our_packages()
    broken = []
    for span in _backticked(doc):
        named = PATH_AND_NAME.match(span)
        if named:
            path = named["path"]
            module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            if path.split("/")[0] in ours and not _resolves(f"{module}.{named['name']}"):
                broken.append(span)
        elif (
            DOTTED.match(span)
            and not FILE_NAME.search(span)
            and span.split(".")[0] in ours
            and not _resolves(span)
        ):
            broken.append(span)
    assert not broken, f"{doc.name} names what the code does not have: {broken}"


def test_no_issue_numbers_in_code_tests_or_docs():
    found = [
        f"{relative}:{number}: {line.strip()}"
        for relative in _our_files()
        for number, line in enumerate((BASE / relative).read_text(errors="ignore").splitlines(), 1)
        if ISSUE_NUMBER.search(line)
    ]
    assert not found, "\n".join(found)
