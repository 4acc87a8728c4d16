"""Which source harvests a series of a place two sources publish (plain functions, no CKAN)."""
from __future__ import annotations

from ckanext.territorio_harvesters.records import Station, Stream
from ckanext.territorio_harvesters.stations import Claim, same_place, settle

ENCINAS_SINCA = Station("sinca:RIX/901", "Las Encinas Temuco", -72.6371, -38.7480)
ENCINAS_OPENAQ = Station("openaq:2178", "Las Encinas Temuco", -72.6372, -38.7481)
PADRE_LAS_CASAS = Station("openaq:9001", "Padre Las Casas II", -72.5934, -38.7653)


def stream(station: Station, variable: str) -> Stream:
    return Stream(f"{station.id}/{variable}", station.id, variable, "µg/m³", "aire")


def claim(source_type: str, station: Station, variable: str, loaded: bool = False) -> Claim:
    return Claim(f"fuente-{source_type}", source_type, station, variable, loaded)


def test_the_same_place_needs_both_distance_and_name():
    assert same_place(ENCINAS_SINCA, ENCINAS_OPENAQ, 300)
    assert not same_place(ENCINAS_SINCA, PADRE_LAS_CASAS, 300)  # 4.5 km away
    renamed = Station("openaq:2178", "Museo Ferroviario", -72.6372, -38.7481)
    assert not same_place(ENCINAS_SINCA, renamed, 300)
    assert not same_place(ENCINAS_SINCA, Station("x", "Las Encinas Temuco"), 300)  # no coordinates


def test_the_aggregator_yields_what_the_official_source_claims_and_keeps_the_rest():
    result = settle(
        "openaq",
        [ENCINAS_OPENAQ, PADRE_LAS_CASAS],
        [stream(ENCINAS_OPENAQ, "pm25"), stream(ENCINAS_OPENAQ, "pm10"), stream(PADRE_LAS_CASAS, "pm25")],
        [claim("sinca", ENCINAS_SINCA, "pm25"), claim("sinca", ENCINAS_SINCA, "no2")],
    )
    assert [(s.station_id, s.variable) for s in result.kept] == [("openaq:2178", "pm10"), ("openaq:9001", "pm25")]
    assert result.yielded == {("openaq:2178", "pm25"): "sinca:RIX/901"}
    assert result.same_as == {"openaq:2178": "sinca:RIX/901"}
    assert result.taken == []


def test_the_official_source_takes_over_a_series_the_aggregator_has_not_loaded():
    openaq_claim = claim("openaq", ENCINAS_OPENAQ, "pm25")
    result = settle("sinca", [ENCINAS_SINCA], [stream(ENCINAS_SINCA, "pm25")], [openaq_claim])
    assert [s.variable for s in result.kept] == ["pm25"]
    assert result.taken == [(openaq_claim, "sinca:RIX/901")]
    assert result.yielded == {}


def test_a_series_the_aggregator_already_loads_stays_with_it():
    result = settle(
        "sinca", [ENCINAS_SINCA], [stream(ENCINAS_SINCA, "pm25")], [claim("openaq", ENCINAS_OPENAQ, "pm25", loaded=True)]
    )
    assert result.kept == [] and result.taken == []
    assert result.yielded == {("sinca:RIX/901", "pm25"): "openaq:2178"}


def test_sources_of_the_same_type_are_not_compared():
    result = settle("openaq", [ENCINAS_OPENAQ], [stream(ENCINAS_OPENAQ, "pm25")], [claim("openaq", ENCINAS_OPENAQ, "pm25")])
    assert [s.variable for s in result.kept] == ["pm25"]
    assert result.taken == [] and result.yielded == {}
