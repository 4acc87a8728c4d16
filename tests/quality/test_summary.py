"""territorio_quality_summary and _trend on stored scores with known numbers."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.territorio.model.quality import QualityRun, QualityScore
from ckanext.territorio.quality import summary

pytestmark = [
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

# as the engine stores them: the message comes from the file when read
FIX = {"indicator": "mqa.keyword", "gain": 30.0}


def score(name: str, org: str, points: float, max_points: float, rating: str, **values) -> None:
    defaults = {
        "regions": [], "comunas": [], "dimensions_keys": [], "fresh": None,
        "has_errors": False, "private": False, "fixes": [],
    }
    defaults.update(values)
    model.Session.add(
        QualityScore(
            package_id=f"id-{name}", name=name, title=name.title(), dataset_type="dataset",
            organization=org, profile="territorio", profile_version="2026.1",
            points=points, max_points=max_points, rating=rating,
            mqa_points=points, mqa_rating=rating, personal_findings=0,
            dimensions={}, indicators=[], **defaults,
        )
    )


@pytest.fixture
def scores(with_plugins, clean_db):
    """Four scored datasets in La Araucanía and Santiago, one of them private."""
    ckan_factories.Organization(name="muni-temuco", title="Municipalidad de Temuco")
    ckan_factories.Organization(name="muni-santiago", title="Municipalidad de Santiago")
    score("aire", "muni-temuco", 300, 400, "good", regions=["CL-AR"], comunas=["09101"],
          dimensions_keys=["medio-ambiente"], fresh=True, fixes=[FIX])
    score("buses", "muni-temuco", 100, 400, "bad", regions=["CL-AR"], comunas=["09101", "09112"],
          dimensions_keys=["movilidad", "medio-ambiente"], fresh=False, has_errors=True,
          fixes=[FIX, {**FIX, "indicator": "mqa.theme"}, {**FIX, "indicator": "mqa.rights"},
                 {**FIX, "indicator": "mqa.byte_size"}])
    score("camaras", "muni-santiago", 380, 405, "excellent", regions=["CL-RM"], comunas=["13101"],
          dimensions_keys=["seguridad"])
    score("secreto", "muni-santiago", 150, 405, "sufficient", regions=["CL-RM"], comunas=["13101"],
          dimensions_keys=["seguridad"], private=True)
    model.Session.commit()


def groups(result: dict) -> dict[str, dict]:
    return {g["key"]: g for g in result["groups"]}


@pytest.mark.usefixtures("scores")
class TestGroupings:
    def test_by_region_with_means_ratings_and_shares(self):
        result = call_action("territorio_quality_summary")

        assert (result["group_by"], result["profile"], result["max_points"]) == ("region", "territorio", 555.0)
        assert [g["key"] for g in result["groups"]] == ["CL-RM", "CL-AR"]  # north to south, as the framework
        araucania = groups(result)["CL-AR"]
        assert araucania == {
            "key": "CL-AR", "label": "La Araucanía", "datasets": 2, "mean_points": 200.0,
            "mean_percent": 50.0,
            "ratings": {"excellent": 0, "good": 1, "sufficient": 0, "bad": 1},
            "share_fresh": 0.5, "share_with_errors": 0.5,
        }
        santiago = groups(result)["CL-RM"]
        assert (santiago["datasets"], santiago["mean_percent"], santiago["share_fresh"]) == (1, 93.8, None)
        assert result["total"]["datasets"] == 3
        assert result["total"]["mean_points"] == 260.0

    def test_by_comuna_counts_a_dataset_in_each_comuna_it_names(self):
        result = call_action("territorio_quality_summary", group_by="comuna")

        by_key = groups(result)
        assert {k: g["datasets"] for k, g in by_key.items()} == {"09101": 2, "09112": 1, "13101": 1}
        assert by_key["09101"]["label"] == "Temuco"
        assert by_key["09112"]["mean_points"] == 100.0

    def test_by_dimension(self):
        result = call_action("territorio_quality_summary", group_by="dimension")

        by_key = groups(result)
        assert {k: g["datasets"] for k, g in by_key.items()} == {
            "medio-ambiente": 2, "movilidad": 1, "seguridad": 1
        }
        assert by_key["movilidad"]["mean_percent"] == 25.0
        assert by_key["seguridad"]["label"] == "Seguridad"

    def test_by_organization_with_their_titles(self):
        result = call_action("territorio_quality_summary", group_by="organization")

        assert [(g["key"], g["label"], g["datasets"]) for g in result["groups"]] == [
            ("muni-santiago", "Municipalidad de Santiago", 1),
            ("muni-temuco", "Municipalidad de Temuco", 2),
        ]

    def test_filters_combine(self):
        result = call_action(
            "territorio_quality_summary", group_by="organization", region="IX", dimension="movilidad"
        )

        assert result["filters"] == {"region": "CL-AR", "dimension": "movilidad"}
        assert result["total"]["datasets"] == 1
        assert result["total"]["ratings"]["bad"] == 1
        assert call_action("territorio_quality_summary", rating="excellent")["total"]["datasets"] == 1
        by_org = call_action("territorio_quality_summary", organization="muni-temuco", comuna="9112")
        assert (by_org["filters"]["comuna"], by_org["total"]["datasets"]) == ("09112", 1)

    def test_distribution_in_ten_point_bins(self):
        result = call_action("territorio_quality_summary")

        assert len(result["distribution"]) == 10
        assert {(b["from"], b["to"]): b["datasets"] for b in result["distribution"] if b["datasets"]} == {
            (20, 30): 1, (70, 80): 1, (90, 100): 1
        }

    def test_worst_datasets_with_their_top_fixes(self):
        result = call_action("territorio_quality_summary", worst=2)

        assert [w["name"] for w in result["worst"]] == ["buses", "aire"]
        buses = result["worst"][0]
        assert (buses["percent"], buses["rating"], buses["organization"]) == (25.0, "bad", "muni-temuco")
        assert len(buses["fixes"]) == 3
        assert buses["fixes"][0] == {
            "indicator": "mqa.keyword",
            "gain": 30.0,
            "message": "Agregue etiquetas (campo «Etiquetas») para que el conjunto se encuentre al buscar",
        }
        assert call_action("territorio_quality_summary")["worst"] == []


@pytest.mark.usefixtures("scores")
class TestPrivateDatasets:
    def test_are_left_out_for_the_public(self):
        anonymous = {"user": ""}
        assert call_auth("territorio_quality_summary", anonymous, group_by="region")
        with pytest.raises(tk.NotAuthorized):
            call_auth("territorio_quality_summary", anonymous, include_private=True)

    def test_are_counted_for_auditors(self):
        auditor = ckan_factories.User(plugin_extras={"territorio": {"auditor": True}})

        result = call_action(
            "territorio_quality_summary", context={"user": auditor["name"]}, include_private=True
        )

        santiago = groups(result)["CL-RM"]
        assert (santiago["datasets"], santiago["mean_points"], santiago["mean_percent"]) == (2, 265.0, 65.4)
        assert santiago["ratings"]["sufficient"] == 1
        assert result["filters"] == {"include_private": True}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"group_by": "provincia"}, "group_by",
         "Valor no admitido 'provincia'; use uno de: organization, region, comuna, dimension"),
        ({"rating": "great"}, "rating", "Valor no admitido 'great'; use uno de: excellent, good, sufficient, bad"),
        ({"region": "CL-XX"}, "region", "Región desconocida: 'CL-XX'"),
        ({"comuna": "99999"}, "comuna", "Comuna desconocida: '99999'"),
        ({"dimension": "turismo"}, "dimension", "Dimensión desconocida: 'turismo'"),
        ({"organization": "no-existe"}, "organization", "Organización desconocida: 'no-existe'"),
        ({"worst": 1000}, "worst", "Se pueden pedir hasta 100 conjuntos"),
    ],
)
def test_bad_parameters_are_a_validation_error_in_spanish(params: dict, field: str, message: str):
    with pytest.raises(tk.ValidationError) as caught:
        call_action("territorio_quality_summary", **params)

    assert caught.value.error_dict == {field: [message]}


def test_a_negative_worst_is_refused():
    with pytest.raises(tk.ValidationError) as caught:
        call_action("territorio_quality_summary", worst=-1)

    assert list(caught.value.error_dict) == ["worst"]


def _run(finished: dt.datetime, datasets: int, mean: float, status: str = "finished", org: dict | None = None):
    figures = {
        "datasets": datasets, "mean_points": mean, "mean_percent": round(100 * mean / 405, 1),
        "ratings": {"excellent": 0, "good": datasets, "sufficient": 0, "bad": 0},
    }
    model.Session.add(
        QualityRun(
            started=finished - dt.timedelta(minutes=5), finished=finished, status=status,
            profile_version="2026.1", datasets=datasets,
            summary={"total": figures, "organizations": org or {}, "regions": {"CL-AR": figures}},
        )
    )


def test_trend_has_one_point_per_day_from_the_last_finished_run():
    ckan_factories.Organization(name="muni-temuco")
    day = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    _run(day, 10, 200.0)
    _run(day + dt.timedelta(hours=5), 11, 210.0)
    _run(day + dt.timedelta(days=1), 12, 250.0, org={"muni-temuco": {"datasets": 3, "mean_points": 99.0}})
    _run(day + dt.timedelta(days=2), 0, 0.0, status="failed")
    model.Session.commit()

    points = call_action("territorio_quality_trend")["points"]

    assert [(p["date"], p["datasets"], p["mean_points"]) for p in points] == [
        ("2026-11-20", 11, 210.0), ("2026-11-21", 12, 250.0)
    ]
    assert points[1]["mean_percent"] == 61.7
    assert points[1]["ratings"]["good"] == 12
    temuco = call_action("territorio_quality_trend", organization="muni-temuco")["points"]
    assert [(p["date"], p["datasets"], p["mean_points"]) for p in temuco] == [("2026-11-21", 3, 99.0)]
    assert len(call_action("territorio_quality_trend", region="CL-AR")["points"]) == 2


def test_the_run_summary_keeps_the_public_aggregates(scores):
    kept = summary.run_summary()

    assert kept["total"]["datasets"] == 3
    assert kept["organizations"]["muni-santiago"]["datasets"] == 1
    assert kept["regions"]["CL-AR"]["mean_points"] == 200.0
