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
        "demo",
        "coaching",
        "enquiry",
        "courses",
        "quality",
        "training",
        "schoolyear",
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


# A module a newcomer can read in one sitting: the product's code is cut by sub-domain before any
# file passes this many lines (docs/architecture.md). Migrations are generated, so not counted.
MODULE_LINES = 600


def _lines_of_each_module() -> dict[str, int]:
    base = Path(settings.BASE_DIR)
    return {
        str(path.relative_to(base)): len(path.read_text().splitlines())
        for package in (*APPS, "cpdhub")
        for path in sorted((base / package).rglob("*.py"))
        if "migrations" not in path.relative_to(base).parts
    }


def test_no_module_of_the_product_is_longer_than_a_sitting():
    lines = _lines_of_each_module()
    too_long = {f"{path} ({n} lines)" for path, n in lines.items() if n > MODULE_LINES}
    assert not too_long, f"over {MODULE_LINES} lines, cut by sub-domain: {sorted(too_long)}"


# What an app sends is in one place: its emails.py records each email on the ledger and builds it
# when sent (registered with the ledger). A service calls emails.mail_*, never the ledger itself.
SENDERS = {"send_templated_mail", "send_templated_mail_many"}


def _sends_or_registers(tree) -> list[int]:
    """Lines that call the ledger's senders or ``registry.register`` (or import them by name)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", getattr(func, "attr", None))
            registers = (
                isinstance(func, ast.Attribute)
                and func.attr == "register"
                and getattr(func.value, "id", None) == "registry"
            )
            if name in SENDERS or registers:
                found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("notifications"):
            names = {alias.name for alias in node.names}
            if names & SENDERS or (node.module == "notifications.registry" and "register" in names):
                found.append(node.lineno)
    return found


def test_only_an_apps_emails_module_sends_or_registers_an_email():
    base = Path(settings.BASE_DIR)
    elsewhere = {
        f"{path.relative_to(base)}:{line}"
        for package in (*APPS, "cpdhub")
        if package != "notifications"
        for path in sorted((base / package).rglob("*.py"))
        if path.name != "emails.py"
        for line in _sends_or_registers(ast.parse(path.read_text(), filename=str(path)))
    }
    assert not elsewhere, f"emails sent or registered outside an emails.py: {sorted(elsewhere)}"
