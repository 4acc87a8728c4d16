"""The served portal's API and where the browser tests leave their screenshots."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def api(portal_url: str, action: str, **params: Any) -> Any:
    """An action of the served portal, as any API client calls it (GET, JSON)."""
    query = urllib.parse.urlencode(
        {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
    )
    with urllib.request.urlopen(f"{portal_url}/api/3/action/{action}?{query}", timeout=30) as r:
        return json.load(r)["result"]
