"""
The house's floors hold: the email ledger (notifications) imports no domain app; no domain app
imports the termly mail; the apps stand in one strict order (coordination and privacy on top,
then termly, portfolios, cpd_sessions, experts, hubs, notifications), so no import cycle joins
two apps. The contracts are in pyproject.toml ([tool.importlinter]); import-linter follows
indirect imports too, so a chain through a third module is caught as well. Every app of the
product is under these checks: a new app that is not fails here.
"""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings


def test_the_import_layers_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [str(lint_imports), "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _our_apps() -> tuple[str, ...]:
    """The product's own apps: those whose code lives in this repository."""
    base = Path(settings.BASE_DIR).resolve()
    return tuple(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base
    )


APPS = _our_apps()


def _importlinter() -> dict:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]


def test_every_product_app_is_found():
    assert set(APPS) == {
        "hubs",
        "experts",
        "cpd_sessions",
        "portfolios",
        "notifications",
        "termly",
        "coordination",
        "privacy",
        "coaching",
    }, "a new app: add it to pyproject's [tool.importlinter] and to the set above"


def test_every_app_is_a_root_package_and_stands_on_a_layer():
    config = _importlinter()
    assert set(APPS) <= set(config["root_packages"])
    layered = {
        app.strip()
        for contract in config["contracts"]
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for app in layer.split("|")
    }
    assert set(APPS) <= layered, f"apps on no layer: {sorted(set(APPS) - layered)}"


def _modules(name: str):
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob(name)):
            yield path, ast.parse(path.read_text(), filename=str(path))


def _refusals_written_in(tree) -> list[int]:
    """Lines that raise PermissionDenied(...) themselves rather than through a permissions rule."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and getattr(node.exc.func, "id", getattr(node.exc.func, "attr", None)) == "PermissionDenied"
    ]


def test_views_and_services_refuse_only_through_permissions_modules():
    """Each rule and its sentence are written once, in the app's permissions.py
    (``require_*``); views and services call it instead of restating it."""
    written = {
        f"{path.relative_to(settings.BASE_DIR)}:{line}"
        for pattern in ("views.py", "services.py")
        for path, tree in _modules(pattern)
        for line in _refusals_written_in(tree)
    }
    assert not written, f"PermissionDenied raised outside permissions.py: {sorted(written)}"


def test_one_way_of_asking_whether_someone_is_a_coordinator():
    """``user.is_coordinator`` (loaded with the user), never a second function."""
    calls = {
        f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}"
        for path, tree in _modules("*.py")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "is_coordinator"
    }
    assert not calls, f"is_coordinator called as a function: {sorted(calls)}"


def test_every_tests_folder_is_a_package():
    """Each tests/<app>/ alike: a package, so two apps may each have a test_forms_webtest.py."""
    tests = Path(settings.BASE_DIR) / "tests"
    folders = {path.parent for path in tests.rglob("test_*.py")}
    missing = sorted(str(f.relative_to(tests)) for f in folders if not (f / "__init__.py").exists())
    assert not missing, f"tests folders without __init__.py: {missing}"
    assert set(APPS) <= {f.name for f in folders}, "an app without its tests folder"
