"""The core is a library: importing it pulls in neither Flask nor the database."""

import subprocess
import sys

from tests.refdata import ROOT

WEB_MODULES = ("flask", "flask_login", "sqlmodel", "sqlalchemy", "wtforms", "app")


def test_core_imports_no_web_stack():
    code = (
        "import sys, ballots, ballots.formats, voting, voting.rules, voting.cli\n"
        f"bad = [m for m in {WEB_MODULES!r} if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == ""
