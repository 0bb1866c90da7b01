"""Reading a .pb file and counting it by equal shares never imports SciPy (0.15 s)."""

import subprocess
import sys

from tests.refdata import PB, ROOT


def test_pb_tally_by_mes_plain_does_not_import_scipy():
    code = (
        "import sys, ballots.formats, voting.rules\n"
        "from voting.result import canonical_json\n"
        f"election = ballots.formats.load({str(PB / 'Poland_Czestochowa_2020_Grabowka.pb')!r})\n"
        "result = voting.rules.tally(election, 'mes-plain', seed=0)\n"
        "assert result.winners and canonical_json(result)\n"
        "print(sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_reading_the_matrix_still_gives_scipy():
    code = (
        "import sys, ballots.formats\n"
        f"election = ballots.formats.load({str(PB / 'Poland_Czestochowa_2020_Grabowka.pb')!r})\n"
        "assert 'scipy.sparse' not in sys.modules\n"
        "from scipy import sparse\n"
        "print(sparse.issparse(election.profile.matrix), election.profile.matrix.format)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["True", "csr"]
