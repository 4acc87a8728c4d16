"""Which harvest source publishes each series of a monitoring station (see harvesters/claims)."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class StationClaim(tk.BaseModel):  # type: ignore[misc, valid-type]
    """A sensor source's claim on one series (station, variable) of its catalogue.

    A live claim (``yielded_to`` empty) means this source harvests the series; a yielded
    one names the station of another source that publishes the same place and variable.
    ``loaded`` turns true when an import starts reading the series: from then on a source
    of higher precedence can no longer take it over (its readings are already here).
    """

    __tablename__ = "territorio_station_claim"

    source_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    station_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    variable: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    source_type: Mapped[str] = mapped_column(sa.Text, nullable=False)
    name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    lon: Mapped[float | None] = mapped_column(sa.Float)
    lat: Mapped[float | None] = mapped_column(sa.Float)
    yielded_to: Mapped[str | None] = mapped_column(sa.Text)
    loaded: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    updated: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=_now, onupdate=_now
    )
