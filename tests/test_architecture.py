"""
The house's floors hold (issue 12, Checks): the email ledger (notifications) imports no domain
app; no domain app imports the termly mail; hubs sits under experts, cpd_sessions and
portfolios. The contract is in pyproject.toml ([tool.importlinter]); import-linter follows
indirect imports too, so a chain through a third module is caught as well.
"""

import subprocess
import sys
from pathlib import Path

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
