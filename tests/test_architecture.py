"""The core is a library: importing it pulls in neither Flask nor the database."""

import subprocess
import sys

from tests.refdata import PB, ROOT

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


def test_a_dutch_explanation_needs_nothing_beyond_numpy_and_scipy():
    # DESIGN: voting/ may import ballots, numpy and scipy; its catalogue is read with the
    # standard library's gettext.
    code = (
        "import sys\n"
        "from ballots.formats import load\n"
        "from voting.explain import explain\n"
        "from voting.rules import tally\n"
        f"result = tally(load({str(PB / 'Netherlands_Assen_2024.pb')!r}), 'greedy')\n"
        "assert 'Winnaars:' in explain(result, language='nl')\n"
        "print(sorted(m for m in ('babel', *" + repr(WEB_MODULES) + ") if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
