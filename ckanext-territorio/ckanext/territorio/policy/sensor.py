"""Sensor time series: ISO 8601 timestamps with offset, positions in Chile, variables, units."""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

from .document import Policy, Variable
from .personal import name_matches, normalise_name
from .report import Findings

# Date, time and an explicit UTC offset ("Z" or ±hh:mm): local times without offset are
# ambiguous twice a year in Chile (and differ between the mainland, Magallanes and Rapa Nui).
TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)"
)
SENSOR_RULES = ("sensor.timestamp", "sensor.coordinates", "sensor.variables", "sensor.units")


def is_timestamp(value: str) -> bool:
    """ISO 8601 extended date and time with an offset (2024-05-01T08:00:00-04:00, ...Z)."""
    if len(value) < 17 or value[4] != "-" or value[10] not in "T ":
        return False
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return parsed.tzinfo is not None and TIMESTAMP.fullmatch(value) is not None


def parse_units(value: str | None) -> tuple[str | None, dict[str, str]]:
    """The resource's Unit field: one unit for every variable, or ``var=unit; var=unit``."""
    if not value or not value.strip():
        return None, {}
    single: str | None = None
    per_variable: dict[str, str] = {}
    for part in re.split(r"[;,]", value):
        part = part.strip()
        if not part:
            continue
        separator = "=" if "=" in part else (":" if ":" in part else None)
        if separator:
            name, unit = part.split(separator, 1)
            per_variable[name.strip().lower()] = unit.strip()
        else:
            single = part
    return single, per_variable


def is_time_series(header: Sequence[str], policy: Policy, declared_variable: str | None) -> bool:
    """Whether the table looks like a time series: a timestamp column or a declared variable."""
    names = {normalise_name(h) for h in header}
    columns = set(policy.rule("sensor.timestamp").params["columnas"])
    return bool(names & columns) or bool(declared_variable and declared_variable.strip())


class SensorScanner:
    """Checks a time-series table row by row; set up from its header and the resource fields."""

    def __init__(
        self,
        policy: Policy,
        findings: Findings,
        header: Sequence[str],
        *,
        variable: str | None = None,
        unit: str | None = None,
    ) -> None:
        self.findings = findings
        self.header = [str(h) for h in header]
        names = [normalise_name(h) for h in self.header]
        for rule_id in SENSOR_RULES:
            findings.checked(rule_id)
        ts_names = policy.rule("sensor.timestamp").params["columnas"]
        coords = policy.rule("sensor.coordinates").params
        self.time_columns = [i for i, n in enumerate(names) if n in ts_names]
        self.lat = next((i for i, n in enumerate(names) if n in coords["latitud"]), None)
        self.lon = next((i for i, n in enumerate(names) if n in coords["longitud"]), None)
        self.box = (coords["oeste"], coords["este"], coords["sur"], coords["norte"])
        self.time_on = findings.enabled("sensor.timestamp") and bool(self.time_columns)
        self.coords_on = (
            findings.enabled("sensor.coordinates") and self.lat is not None and self.lon is not None
        )
        self._check_variables(policy, names, variable, unit)

    def _check_variables(
        self, policy: Policy, names: list[str], declared: str | None, unit: str | None
    ) -> None:
        auxiliary = set(policy.rule("sensor.variables").params["auxiliares"])
        coords = policy.rule("sensor.coordinates").params
        structural = set(self.time_columns) | {self.lat, self.lon}
        allowed = ", ".join(v.name for v in policy.variables[:10]) + "…"
        variables: dict[str, Variable] = {}
        for index, name in enumerate(names):
            if index in structural or not name or name_matches(name, [*auxiliary]):
                continue
            if name in coords["latitud"] or name in coords["longitud"]:
                continue
            variable = policy.variable(self.header[index]) or policy.variable(name)
            if variable is None:
                self.findings.add(
                    "sensor.variables",
                    "unknown",
                    row=1,
                    column=self.header[index],
                    value=self.header[index],
                    allowed=allowed,
                )
            else:
                variables[self.header[index]] = variable
        if declared and declared.strip():
            variable = policy.variable(declared)
            if variable is None:
                self.findings.add(
                    "sensor.variables", "resource", field="variable", value=declared, allowed=allowed
                )
            elif not variables:
                variables[declared.strip()] = variable
        single, per_variable = parse_units(unit)
        for column, variable in variables.items():
            given = (
                per_variable.get(column.lower())
                or per_variable.get(variable.name.lower())
                or single
            )
            if given is None:
                self.findings.add("sensor.units", "missing", field="unit", column=column)
            elif given not in variable.units:
                self.findings.add(
                    "sensor.units",
                    "invalid",
                    field="unit",
                    column=column,
                    value=given,
                    allowed=", ".join(variable.units),
                )

    def row(self, line: int, cells: Sequence[str]) -> None:
        """Check one row's timestamps and coordinates."""
        if self.time_on:
            for index in self.time_columns:
                if index < len(cells) and not is_timestamp(cells[index]):
                    self.findings.add(
                        "sensor.timestamp",
                        "invalid",
                        row=line,
                        column=self.header[index],
                        value=cells[index],
                    )
        if self.coords_on:
            self._position(line, cells)

    def _position(self, line: int, cells: Sequence[str]) -> None:
        lat_index, lon_index = self.lat, self.lon
        assert lat_index is not None and lon_index is not None
        if lat_index >= len(cells) or lon_index >= len(cells):
            return
        try:
            lat = float(cells[lat_index])
        except ValueError:
            lat = math.nan
        try:
            lon = float(cells[lon_index])
        except ValueError:
            lon = math.nan
        west, east, south, north = self.box
        if west <= lon <= east and south <= lat <= north:
            return
        for index, number in ((lat_index, lat), (lon_index, lon)):
            if not math.isfinite(number):
                self.findings.add(
                    "sensor.coordinates",
                    "invalid",
                    row=line,
                    column=self.header[index],
                    value=cells[index],
                )
                return
        self.findings.add("sensor.coordinates", "outside", row=line, value=f"{lat}, {lon}")

    def finish(self) -> None:
        """Nothing left to report once the rows are read."""
        return None

