"""Where the policy tests find the repository's schemas and their sample files."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
DATA = REPO / "tests" / "data" / "policy"
