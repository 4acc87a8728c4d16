"""The registry of which sensor source harvests each series of a place, kept atomic.

Two sources that publish the same station (SINCA and OpenAQ, which aggregates it) can
gather at the same moment, in two consumer processes. Matching is "within
``match_meters`` and most name words in common": a tolerance, not a key, so neither a
unique constraint on a normalised key nor a lock per grid cell can make it atomic (two
points 20 m apart fall in different cells, "Las Encinas Temuco" and "Estación Las
Encinas" normalise differently, and each source sets its own distance). Instead the whole
match-and-claim step runs under one PostgreSQL advisory transaction lock on the registry:
it reads the other sources' live claims, decides (``stations.settle``) and writes its own
claims in one transaction. The step takes milliseconds and runs once per gather, so one
lock for the registry costs nothing measurable; it is released on commit, rollback, or
when a killed consumer's connection closes.

The import takes the same lock to ``confirm`` the series it is about to read: a series a
stronger source took over in the meantime is skipped, the others are marked ``loaded``
and from then on stay with this source.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from ckanext.harvest.model import HarvestSource

from ckanext.territorio.model.station_claim import StationClaim

from . import stations
from .records import Station, Stream

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the registry: any bigint no other code of the portal uses
LOCK_KEY = int.from_bytes(b"t-claims", "big")


def lock(session: Any) -> None:
    """Wait for the registry's lock; it is held until the session's transaction ends."""
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _others(session: Any, source_id: str) -> list[stations.Claim]:
    rows = (
        session.query(StationClaim)
        .join(HarvestSource, HarvestSource.id == StationClaim.source_id)
        .filter(StationClaim.source_id != source_id)
        .filter(StationClaim.yielded_to.is_(None))
        .filter(HarvestSource.active == sa.true())
    )
    return [
        stations.Claim(
            source_id=row.source_id,
            source_type=row.source_type,
            station=Station(row.station_id, row.name, row.lon, row.lat),
            variable=row.variable,
            loaded=row.loaded,
        )
        for row in rows
    ]


def settle(
    session: Any,
    source_id: str,
    source_type: str,
    station_list: Sequence[Station],
    stream_list: Sequence[Stream],
    match_meters: float,
) -> stations.Settlement:
    """Match this source's catalogue against the registry and record its claims, atomically.

    Commits the session (which releases the lock). Claims of series the source no longer
    lists are dropped, so another source may take those places.
    """
    lock(session)
    settlement = stations.settle(source_type, station_list, stream_list, _others(session, source_id), match_meters)
    by_id = {station.id: station for station in station_list}
    mine = {
        (row.station_id, row.variable): row
        for row in session.query(StationClaim).filter(StationClaim.source_id == source_id)
    }
    listed: set[tuple[str, str]] = set()
    for stream in stream_list:
        key = (stream.station_id, stream.variable)
        if key in listed:
            continue
        listed.add(key)
        station = by_id.get(stream.station_id) or Station(stream.station_id, stream.station_id)
        row = mine.get(key)
        if row is None:
            row = StationClaim(source_id=source_id, station_id=key[0], variable=key[1], loaded=False)
            session.add(row)
        row.source_type = source_type
        row.name = station.name
        row.lon = station.lon
        row.lat = station.lat
        row.yielded_to = settlement.yielded.get(key)
    for key, row in mine.items():
        if key not in listed:
            session.delete(row)
    for taken, ours in settlement.taken:
        session.query(StationClaim).filter(
            StationClaim.source_id == taken.source_id,
            StationClaim.station_id == taken.station.id,
            StationClaim.variable == taken.variable,
            StationClaim.loaded == sa.false(),
        ).update({"yielded_to": ours}, synchronize_session=False)
        log.info("%s toma %s (%s) de la fuente %s", source_type, taken.station.id, taken.variable, taken.source_id)
    session.commit()
    return settlement


def confirm(session: Any, source_id: str, stream_list: Sequence[Stream]) -> tuple[list[Stream], dict[str, str]]:
    """The series this source may load now, and ``misma_que`` of the ones it yielded since its gather.

    Marks the confirmed series ``loaded``: no source takes them over any more. A series
    without a claim (gathered before the registry existed) is loaded as before.
    """
    lock(session)
    keys = {(s.station_id, s.variable) for s in stream_list}
    rows = {
        (row.station_id, row.variable): row
        for row in session.query(StationClaim).filter(StationClaim.source_id == source_id)
        if (row.station_id, row.variable) in keys
    }
    kept: list[Stream] = []
    same_as: dict[str, str] = {}
    for stream in stream_list:
        row = rows.get((stream.station_id, stream.variable))
        if row is not None and row.yielded_to is not None:
            same_as.setdefault(stream.station_id, row.yielded_to)
            continue
        if row is not None and not row.loaded:
            row.loaded = True
        kept.append(stream)
    session.commit()
    return kept, same_as
