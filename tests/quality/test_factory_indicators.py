"""The metadata indicators on datasets created through the API (tests/factories.py).

Each pair of datasets differs in one field; the stored scores differ by that indicator's
points and nothing else. (test_indicators.py covers every indicator, and the fields the
API does not let a dataset lose, on the engine directly.)
"""
from __future__ import annotations

from typing import Any

import pytest
from ckan import model
from ckan.tests.factories import Sysadmin
from factories import TerritorialDataset, territorial_schemas

from ckanext.territorio.model.quality import QualityScore

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]

CSV = {"url": "http://datos.temuco.example/mp25.csv", "format": "CSV", "name": "Mediciones horarias"}


def resources(**fields: Any) -> list[dict[str, Any]]:
    return [{**CSV, **fields}]


# indicator → (fields of the dataset that earns it, of the one that loses it, points lost)
PAIRS: dict[str, tuple[dict[str, Any], dict[str, Any], float]] = {
    "mqa.keyword": ({"tag_string": "aire,temuco"}, {}, 30),
    "mqa.temporal": ({}, {"temporal_start": "", "temporal_end": ""}, 20),
    "mqa.contact_point": ({}, {"contact_name": "", "contact_email": ""}, 20),
    "mqa.media_type": ({"resources": resources(mimetype="text/csv")}, {"resources": resources()}, 10),
    "mqa.download_url": (
        {"resources": resources(download_url="http://datos.temuco.example/mp25.csv")},
        {"resources": resources()},
        20,
    ),
    "mqa.rights": ({"resources": resources(rights="Uso libre citando la fuente")}, {"resources": resources()}, 5),
    "mqa.byte_size": ({"resources": resources(size=2048)}, {"resources": resources()}, 5),
    # a second resource in PDF: half the resources are not machine readable
    "mqa.machine_readable": (
        {},
        {"resources": [CSV, {**CSV, "url": "http://datos.temuco.example/informe.pdf", "format": "PDF", "name": "Informe"}]},
        10,
    ),
}


def stored(dataset: dict[str, Any]) -> QualityScore:
    model.Session.expire_all()
    row = model.Session.get(QualityScore, dataset["id"])
    assert row is not None
    return row


def points(row: QualityScore, indicator_id: str) -> float:
    return next(i["points"] for i in row.indicators if i["id"] == indicator_id)


@pytest.mark.parametrize("indicator_id", sorted(PAIRS))
def test_a_field_earns_its_indicator_and_its_absence_loses_it(indicator_id: str):
    earning, losing, lost = PAIRS[indicator_id]

    good = stored(TerritorialDataset(**earning))
    good_points, good_indicator = good.mqa_points, points(good, indicator_id)
    bad = stored(TerritorialDataset(**losing))

    assert good_indicator - points(bad, indicator_id) == lost
    if indicator_id != "mqa.machine_readable":
        assert good_indicator == max(i["max"] for i in good.indicators if i["id"] == indicator_id)
    # only that indicator moved (a second resource also halves the other per-resource ones)
    if indicator_id != "mqa.machine_readable":
        assert good_points - bad.mqa_points == lost
    assert any(f["indicator"] == indicator_id for f in bad.fixes)


def test_an_uploaded_file_earns_the_download_url_points(create_with_upload):
    dataset = TerritorialDataset(resources=[])
    create_with_upload(
        b"fecha,valor\n2024-05-01,12\n",
        "mp25.csv",
        context={"user": Sysadmin()["name"]},
        package_id=dataset["id"],
        format="CSV",
    )

    row = stored(dataset)
    assert points(row, "mqa.download_url") == 20
    assert points(row, "mqa.download_url_status") == 30
