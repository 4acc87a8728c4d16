"""What the consumer and the ``mqtt`` harvester share: the catalogue of an MQTT source."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from ..records import Catalog, Page, Station, Stream

SOURCE_TYPE = "mqtt"


class SeenAdapter:
    """The catalogue of an MQTT source: the stations and series its messages named so far."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def catalog(self) -> Catalog:
        """The stations and series seen (stored ones plus those of the latest messages)."""
        return self._catalog

    def pages(self, stream: Stream, since: dt.datetime | None) -> Iterator[Page]:
        """Nothing: readings arrive through the broker, written by the stream consumer."""
        return iter(())


def known_catalog(source_id: str) -> Catalog:
    """The stations and series of the source's current datasets (their harvest objects)."""
    from ckan import model
    from ckanext.harvest.model import HarvestObject

    catalog = Catalog()
    stations: dict[str, Station] = {}
    streams: dict[str, Stream] = {}
    rows = (
        model.Session.query(HarvestObject.content)
        .filter(HarvestObject.harvest_source_id == source_id)
        .filter(HarvestObject.current.is_(True))
    )
    for (content,) in rows:
        data = json.loads(content or "{}")
        for item in data.get("stations", []):
            station = Station.from_dict(item)
            stations[station.id] = station
        for item in data.get("streams", []):
            stream = Stream.from_dict(item)
            streams[stream.key] = stream
    catalog.stations = [stations[k] for k in sorted(stations)]
    catalog.streams = [streams[k] for k in sorted(streams)]
    return catalog


def merged(known: Catalog, stations: dict[str, Station], streams: dict[str, Stream]) -> Catalog:
    """The known catalogue with new stations and series (a station that gained a position wins)."""
    by_id = {s.id: s for s in known.stations}
    for station in stations.values():
        old = by_id.get(station.id)
        if old is None or (station.lat is not None and (old.lat, old.lon) != (station.lat, station.lon)):
            by_id[station.id] = station
    by_key = {s.key: s for s in known.streams}
    for stream in streams.values():
        by_key.setdefault(stream.key, stream)
    return Catalog(stations=[by_id[k] for k in sorted(by_id)], streams=[by_key[k] for k in sorted(by_key)])
