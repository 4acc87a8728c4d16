"""bench/search.py --side-by-side sends both portals the same requests over the same corpus.

The benchmark itself is not a test; this checks that the ten-query mix asks only for stock
CKAN fields (so the peer answers the very same requests) and that the peer's datasets keep our
territorial fields as extras.
"""
from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
spec = importlib.util.spec_from_file_location("bench_pgsearch_peer", ROOT / "bench" / "pgsearch_peer.py")
assert spec is not None and spec.loader is not None
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)
import corpus  # noqa: E402

STOCK_FIELDS = {"organization", "tags", "res_format", "license_id"}


def test_the_mix_is_ten_queries_on_stock_fields():
    mix = corpus.ten_query_mix("bench-muni-07")
    assert len(mix) == 10
    assert all(set(json.loads(p["facet.field"])) == STOCK_FIELDS for p in mix)
    filtered = {p["fq"].split(":")[0] for p in mix if "fq" in p}
    assert filtered <= STOCK_FIELDS
    assert sum(1 for p in mix if "q" in p) == 6 and sum(1 for p in mix if "q" not in p and "fq" not in p) == 1


def test_the_peer_gets_the_same_dataset_with_our_fields_as_extras():
    orgs = [{"id": f"org-{i}", "title": title} for i, (_, title) in enumerate(corpus.organization_names(3))]
    ours = corpus.dataset(5, random.Random(1), orgs)
    theirs = peer.stock_dataset(5, random.Random(1), orgs)
    assert theirs["title"] == ours["title"] and theirs["tags"] == ours["tags"]
    assert theirs["resources"] == ours["resources"]
    extras = {e["key"]: e["value"] for e in theirs["extras"]}
    assert extras["region"] == ",".join(ours["region"]) and extras["frequency"] == ours["frequency"]
    assert not {"dimension", "region", "comuna", "frequency", "personal_data"} & set(theirs)


def test_the_peer_database_is_ours_renamed():
    url = "postgresql://ckan_default:secreto@127.0.0.1:5432/ckan_bench_search"
    assert peer.database_url(url) == "postgresql://ckan_default:secreto@127.0.0.1:5432/ckan_bench_pgsearch"
