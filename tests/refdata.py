"""Where the shared reference election files live: ../shared/refdata beside the checkout."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFDATA = Path(os.environ.get("WIJKSTEM_REFDATA", ROOT.parent / "shared" / "refdata"))
PB = REFDATA / "pb"
RANKED = REFDATA / "ranked"
