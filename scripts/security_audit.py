"""
The security scanners CI runs, against a reviewed allow-list (security/allowlist.toml).

    .venv/bin/python scripts/security_audit.py

- bandit over the product's code (not tests, benchmarks or migrations: their asserts, fixed
  passwords and random data are test inputs);
- pip-audit over exactly the versions uv.lock pins (every group), through PyPI's advisory data.

Exits 1 when a finding is not explained in the allow-list, or an allow-list entry matches
nothing any more (so excuses do not outlive the code they excuse), or a scanner cannot run.
"""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APPS = [
    "cpdhub", "hubs", "experts", "cpd_sessions", "portfolios", "notifications", "termly", "demo",
    "coaching", "enquiry", "courses", "quality", "training", "schoolyear", "coordination",
    "privacy",
]  # fmt: skip


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _matches(entry: dict, finding: dict) -> bool:
    return (
        finding["test_id"] in _as_list(entry["test"])
        and any(fnmatch.fnmatch(finding["filename"], p) for p in _as_list(entry["paths"]))
        and entry.get("code", "") in finding["code"]
    )


def bandit_findings() -> list[dict]:
    apps = [a for a in APPS if (ROOT / a).is_dir()]
    run = subprocess.run(  # noqa: S603 -- our own fixed arguments
        [str(BIN / "bandit"), "-q", "-r", *apps, "-x", "*/migrations/*", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1):  # 1 = findings
        sys.exit(f"bandit could not run:\n{run.stderr}")
    report = json.loads(run.stdout)
    if report.get("errors"):
        sys.exit(f"bandit could not read some files: {report['errors']}")
    return [
        {
            "test_id": r["test_id"],
            "filename": r["filename"].removeprefix("./"),
            "line": r["line_number"],
            "code": r["code"],
            "text": r["issue_text"],
            "severity": r["issue_severity"],
        }
        for r in report["results"]
    ]


def audit_findings() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        pins = Path(tmp) / "requirements.txt"
        subprocess.run(  # noqa: S603 -- our own fixed arguments
            [
                str(BIN / "uv"),
                "export",
                "--frozen",
                "--all-groups",
                "--no-emit-project",
                "--format",
                "requirements-txt",
                "--quiet",
                "-o",
                str(pins),
            ],
            cwd=ROOT,
            check=True,
        )
        out = Path(tmp) / "audit.json"
        run = subprocess.run(  # noqa: S603 -- our own fixed arguments
            [
                str(BIN / "pip-audit"),
                "-r",
                str(pins),
                "--require-hashes",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "-f",
                "json",
                "-o",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not out.exists():
            sys.exit(f"pip-audit could not run:\n{run.stderr}")
        report = json.loads(out.read_text())
    return [
        {"id": v["id"], "aliases": v.get("aliases", []), "package": d["name"], **d, **v}
        for d in report["dependencies"]
        for v in d.get("vulns", [])
    ]


def main() -> int:
    allow = tomllib.loads((ROOT / "security" / "allowlist.toml").read_text())
    failed = False

    bandit_allow = allow.get("bandit", [])
    used = set()
    for finding in bandit_findings():
        hits = [i for i, entry in enumerate(bandit_allow) if _matches(entry, finding)]
        used.update(hits)
        if not hits:
            failed = True
            print(
                f"bandit {finding['test_id']} ({finding['severity']}) "
                f"{finding['filename']}:{finding['line']}: {finding['text']}"
            )
    for i, entry in enumerate(bandit_allow):
        if i not in used:
            failed = True
            print(f"allow-list entry matches nothing now (remove it): bandit {entry}")

    audit_allow = {entry["id"]: entry for entry in allow.get("pip-audit", [])}
    seen = set()
    for vuln in audit_findings():
        ids = {vuln["id"], *vuln["aliases"]}
        known = ids & audit_allow.keys()
        seen |= known
        if not known:
            failed = True
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            print(f"pip-audit {vuln['package']} {vuln['version']}: {vuln['id']} (fixed in {fixes})")
    for vuln_id in audit_allow.keys() - seen:
        failed = True
        print(f"allow-list entry matches nothing now (remove it): pip-audit {vuln_id}")

    print("security audit:", "FAILED" if failed else "clean (bandit, pip-audit against uv.lock)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
