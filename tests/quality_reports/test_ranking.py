"""The ranking of comunas: best mean quality first, more datasets break ties, equal on both
share the place; comunas without scored datasets stay out."""
from __future__ import annotations

from ckanext.territorio import current
from ckanext.territorio.presentation.quality.scoreboard import rank_comunas


def group(cut: str, datasets: int, mean: float | None) -> dict:
    return {"key": cut, "datasets": datasets, "mean_percent": mean, "share_fresh": 0.5}


def test_best_mean_first_then_more_datasets_then_shared_places():
    ranking = rank_comunas(
        [
            group("09101", 2, 61.5),  # Temuco
            group("13101", 5, 70.0),  # Santiago
            group("08101", 4, 61.5),  # Concepción: ties Temuco on quality, more datasets
            group("16101", 2, 61.5),  # Chillán: equal to Temuco on both
            group("05101", 0, None),  # Valparaíso: nothing scored
            group("CL", 3, 80.0),  # not a comuna
        ],
        current.framework(),
    )

    assert [(c.rank, c.name) for c in ranking] == [
        (1, "Santiago"),
        (2, "Concepción"),
        (3, "Chillán"),
        (3, "Temuco"),
    ]
    assert ranking[0].region == "CL-RM" and ranking[0].region_name == "Metropolitana de Santiago"
    assert ranking[1].quality.scored == 4


def test_no_scored_comunas_no_ranking():
    assert rank_comunas([], current.framework()) == []
