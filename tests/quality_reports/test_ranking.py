"""The ranking of comunas: index = mean quality × share up to date, so stale data cannot come
first; better mean quality, then more datasets break ties; equal on all three share the place;
comunas without scored datasets stay out."""
from __future__ import annotations

from ckanext.territorio import current
from ckanext.territorio.presentation.quality.scoreboard import rank_comunas


def group(cut: str, datasets: int, mean: float | None, fresh: float | None = 0.5) -> dict:
    return {"key": cut, "datasets": datasets, "mean_percent": mean, "share_fresh": fresh}


def test_highest_index_first_then_better_quality_then_more_datasets_then_shared_places():
    ranking = rank_comunas(
        [
            group("09101", 2, 61.5),  # Temuco: index 30.75
            group("13101", 5, 70.0),  # Santiago: index 35
            group("08101", 4, 61.5),  # Concepción: ties Temuco on index and quality, more datasets
            group("16101", 2, 61.5),  # Chillán: equal to Temuco on all three
            group("07101", 1, 41.0, fresh=0.75),  # Talca: index 30.75 too, lower quality
            group("05101", 0, None),  # Valparaíso: nothing scored
            group("CL", 3, 80.0),  # not a comuna
        ],
        current.framework(),
    )

    assert [(c.rank, c.name, c.index) for c in ranking] == [
        (1, "Santiago", 35.0),
        (2, "Concepción", 30.8),
        (3, "Chillán", 30.8),
        (3, "Temuco", 30.8),
        (5, "Talca", 30.8),
    ]
    assert ranking[0].region == "CL-RM" and ranking[0].region_name == "Metropolitana de Santiago"
    assert ranking[1].quality.scored == 4


def test_a_comuna_with_stale_data_cannot_come_first_however_good_its_metadata():
    ranking = rank_comunas(
        [
            group("13101", 6, 95.0, fresh=0.0),  # Santiago: excellent metadata, nothing up to date
            group("09101", 2, 40.0, fresh=1.0),  # Temuco: modest metadata, all up to date
            group("08101", 3, 90.0, fresh=None),  # Concepción: no dataset declares a frequency
        ],
        current.framework(),
    )

    assert [(c.name, c.index) for c in ranking] == [("Temuco", 40.0), ("Santiago", 0.0), ("Concepción", 0.0)]
    assert ranking[0].rank == 1 and ranking[1].rank == 2


def test_no_scored_comunas_no_ranking():
    assert rank_comunas([], current.framework()) == []
