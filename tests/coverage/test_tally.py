"""Counting datasets and initiatives by key and crossing two list fields, as plain Python."""
from __future__ import annotations

from ckanext.territorio.coverage import Counts, counts_by_key, tally_records
from ckanext.territorio.coverage.search import filter_query


def test_counts_by_key_keeps_the_order_and_fills_missing_keys_with_zero():
    counts = counts_by_key({"salud": 3}, {"salud": 1, "gobierno": 2}, ["gobierno", "salud", "movilidad"])

    assert list(counts) == ["gobierno", "salud", "movilidad"]
    assert counts["salud"] == Counts(3, 1)
    assert counts["gobierno"] == Counts(0, 2)
    assert not counts["movilidad"] and counts["movilidad"].total == 0


def test_tally_counts_a_record_once_per_cell_and_once_per_value():
    records = [
        {"dimension": ["movilidad", "seguridad"], "region": ["CL-RM", "CL-AR"]},
        {"dimension": '["movilidad"]', "region": "CL-RM"},
        {"dimension": ["movilidad", "movilidad"], "region": []},
    ]

    cells, rows, columns = tally_records(records, "dimension", "region")

    assert cells[("movilidad", "CL-RM")] == 2
    assert cells[("seguridad", "CL-AR")] == 1
    assert rows["movilidad"] == 3
    assert columns == {"CL-RM": 2, "CL-AR": 1}


def test_filter_query_quotes_values_and_fixes_the_type():
    assert filter_query("dataset", {"dimension": "medio-ambiente", "region": 'CL"RM'}) == (
        '+dataset_type:dataset +dimension:"medio-ambiente" +region:"CL\\"RM"'
    )
