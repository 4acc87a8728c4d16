"""The JSON configuration of a harvest source, checked with navl schemas.

Common keys (every source type): the territorial defaults ``dimension``, ``subdimension``,
``region``, ``comuna``, ``license_id`` and the dataset's ``title``, ``notes``, ``tags``,
``frequency``, ``contact_name``, ``contact_email``; ``api_key`` for APIs that need one (a
secret: stored apart from the config, merged back by ``with_secrets`` when the source runs);
run bounds ``max_pages``, ``max_megabytes``, ``timeout``, ``run_deadline``. Sensor types add the first-run
window (``start`` or ``backfill_days``), ``overlap_hours`` and ``page_size``; each type adds
its own keys (see ``SENSOR_SCHEMAS``). Unknown keys are refused (a typo would silently do
nothing), except on catalogue types, whose stock harvesters read keys of their own.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import validate

from ckanext.territorio import current, vocab
from ckanext.territorio.model import source_secret

Validator = Callable[..., Any]


def _invalid(message: str) -> tk.Invalid:
    return tk.Invalid(message)


def text(value: Any) -> str:
    """A non-empty text, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise _invalid("se esperaba un texto no vacío")
    return value.strip()


def text_list(value: Any) -> list[str]:
    """A list of non-empty texts, stripped (a single text becomes a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _invalid("se esperaba una lista de textos")
    return [v.strip() for v in value]


def region_list(value: Any) -> list[str]:
    """The region codes of a list, normalised against the framework."""
    result = []
    for item in text_list(value):
        try:
            result.append(vocab.normalise_region_code(item, fw=_framework()))
        except ValueError as exc:
            raise _invalid(str(exc)) from None
    return result


def comuna_list(value: Any) -> list[str]:
    """The comuna codes (CUT) of a list, normalised; an unknown comuna is refused."""
    result = []
    fw = _framework()
    for item in text_list(value):
        try:
            code = vocab.normalise_comuna_code(item, fw=fw)
        except (ValueError, KeyError):
            raise _invalid(f"comuna desconocida: '{item}'") from None
        if code not in fw.comuna_by_cut:
            raise _invalid(f"comuna desconocida: '{item}'")
        result.append(code)
    return result


def dimension_list(value: Any) -> list[str]:
    """The list of dimension slugs, each one known to the framework."""
    fw = _framework()
    items = text_list(value)
    for item in items:
        if item not in fw.dimension_by_slug:
            raise _invalid(f"dimensión desconocida: '{item}'")
    return items


def subdimension_list(value: Any) -> list[str]:
    """The list of sub-dimension slugs, each one known to the framework."""
    fw = _framework()
    items = text_list(value)
    for item in items:
        if item not in fw.subdimension_by_slug:
            raise _invalid(f"subdimensión desconocida: '{item}'")
    return items


def frequency_code(value: Any) -> str:
    """The code of a frequency from the frequency vocabulary (given by code or label)."""
    code = current.frequency_table().code_of(text(value))
    if code is None:
        raise _invalid(f"frecuencia desconocida: '{value}'")
    return code


def int_range(low: int, high: int) -> Validator:
    """A validator accepting an integer (not a boolean) between ``low`` and ``high``."""
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _invalid(f"se esperaba un número entero entre {low} y {high}")
        return value

    return check


def share(value: Any) -> float:
    """A proportion between 0 and 1, as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise _invalid("se esperaba una proporción entre 0 y 1 (p. ej. 0.2)")
    return float(value)


def bbox(value: Any) -> list[float]:
    """A bounding box ``[west, south, east, north]`` in degrees, checked for order."""
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        raise _invalid("se esperaba [oeste, sur, este, norte] en grados")
    west, south, east, north = (float(v) for v in value)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise _invalid("caja inválida: oeste < este y sur < norte, en grados")
    return [west, south, east, north]


def moment(value: Any) -> str:
    """An ISO 8601 date or date-time; a date-time without offset is taken as UTC."""
    item = text(value)
    try:
        parsed = dt.datetime.fromisoformat(item.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid("se esperaba una fecha ISO 8601 (AAAA-MM-DD o AAAA-MM-DDTHH:MM:SSZ)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.isoformat()


def choice(*options: str) -> Validator:
    """A validator accepting only one of ``options``."""
    def check(value: Any) -> str:
        if value not in options:
            raise _invalid(f"se esperaba uno de: {', '.join(options)}")
        return str(value)

    return check


def iso_country(value: Any) -> str:
    """An ISO 3166-1 two-letter country code, upper case."""
    item = text(value).upper()
    if len(item) != 2 or not item.isalpha():
        raise _invalid("se esperaba un código de país ISO 3166-1 de dos letras (p. ej. CL)")
    return item


def url(value: Any) -> str:
    """An http(s) address."""
    item = text(value)
    if not item.startswith(("http://", "https://")):
        raise _invalid("se esperaba una dirección http(s)")
    return item


def utc_offset(value: Any) -> str:
    """A UTC offset written ``±HH:MM`` (e.g. ``-04:00``)."""
    item = text(value)
    if len(item) != 6 or item[0] not in "+-" or item[3] != ":" or not (item[1:3] + item[4:]).isdigit():
        raise _invalid("se esperaba un desfase como -04:00")
    return item


def temporal_choice(value: Any) -> str:
    """``auto``, ``yes`` or ``no`` (JSON ``true``/``false`` read as yes/no)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return choice("auto", "yes", "no")(value)


def topic_filters(value: Any) -> list[str]:
    """A list of MQTT topic filters (``+`` a whole level, ``#`` only the last one)."""
    items = text_list(value)
    if not 1 <= len(items) <= 50:
        raise _invalid("se esperaba una lista de 1 a 50 filtros de tema MQTT")
    for item in items:
        if len(item.encode("utf-8")) > 1024 or "\x00" in item:
            raise _invalid(f"filtro de tema inválido: '{item[:80]}' (demasiado largo o con caracteres nulos)")
        levels = item.split("/")
        for position, level in enumerate(levels):
            if ("+" in level and level != "+") or ("#" in level and (level != "#" or position != len(levels) - 1)):
                raise _invalid(
                    f"filtro de tema inválido: '{item}' ('+' ocupa un nivel entero y '#' solo el último)"
                )
    return list(dict.fromkeys(items))


def datastream_map(value: Any) -> dict[str, dict[str, Any]]:
    """SensorThings Datastream ids to ``{"station", "variable", "unit", "name", "lat", "lon"}``."""
    if not isinstance(value, dict) or len(value) > 10_000:
        raise _invalid("se esperaba un objeto {\"<id del Datastream>\": {\"station\": ..., \"variable\": ...}}")
    allowed = {"station", "variable", "unit", "name", "lat", "lon"}
    mapping = current.harvest_mapping()
    for key, item in value.items():
        if not isinstance(item, dict) or not isinstance(item.get("station"), str) or not item["station"].strip():
            raise _invalid(f"Datastream {key}: se esperaba un objeto con 'station' y 'variable'")
        unknown = sorted(set(item) - allowed)
        if unknown:
            raise _invalid(f"Datastream {key}: clave desconocida '{unknown[0]}'")
        if mapping.variable(str(item.get("variable") or "")) is None:
            raise _invalid(f"Datastream {key}: variable desconocida '{item.get('variable')}'")
    return {str(k): dict(v) for k, v in value.items()}


def _framework() -> vocab.Framework:
    return current.framework()


def _reject_unknown(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
    extras = data.pop(key, None) or {}
    for name in sorted(extras):
        errors.setdefault((name,), []).append("clave desconocida")


def _optional(*validators: Validator) -> list[Validator]:
    return [tk.get_validator("ignore_missing"), *validators]


def territorial_schema() -> dict[str, list[Validator]]:
    """The schema of the keys every source type accepts (territorial defaults, run bounds)."""
    return {
        "dimension": _optional(dimension_list),
        "subdimension": _optional(subdimension_list),
        "region": _optional(region_list),
        "comuna": _optional(comuna_list),
        "license_id": _optional(text),
        "title": _optional(text),
        "notes": _optional(text),
        "tags": _optional(text_list),
        "frequency": _optional(frequency_code),
        "contact_name": _optional(text),
        "contact_email": _optional(text),
        "api_key": _optional(text),
        "max_pages": _optional(int_range(1, 1_000_000)),
        "max_megabytes": _optional(int_range(1, 100_000)),
        "timeout": _optional(int_range(1, 600)),
        "run_deadline": _optional(int_range(1, 86400)),
    }


def sensor_schema() -> dict[str, list[Validator]]:
    """The schema of sensor sources: the common keys, a required region, the run window."""
    schema = territorial_schema()
    schema.update(
        {
            "region": [tk.get_validator("not_missing"), region_list],
            "start": _optional(moment),
            "backfill_days": _optional(int_range(0, 3660)),
            "overlap_hours": _optional(int_range(0, 24 * 90)),
            "page_size": _optional(int_range(1, 10_000)),
            "match_meters": _optional(int_range(0, 5000)),
            "__extras": [_reject_unknown],
        }
    )
    return schema


SENSOR_SCHEMAS: dict[str, dict[str, list[Validator]]] = {
    "openaq": {
        "iso": _optional(iso_country),
        "bbox": _optional(bbox),
        "parameters": _optional(text_list),
    },
    "sensorthings": {
        "things_filter": _optional(text),
        "observed_properties": _optional(text_list),
    },
    "ngsi-ld": {
        "entity_types": _optional(text_list),
        "context": _optional(url),
        "tenant": _optional(text),
        "temporal": _optional(temporal_choice),
    },
    "mqtt": {
        "topics": [tk.get_validator("not_missing"), topic_filters],
        "format": [tk.get_validator("not_missing"), choice("sensorthings", "ngsi-ld", "json")],
        "username": _optional(text),
        "password": _optional(text),
        "datastreams": _optional(datastream_map),
    },
    "sinca": {
        "stations": _optional(text_list),
        "parameters": _optional(text_list),
        "utc_offset": _optional(utc_offset),
        "export_url": _optional(url),
    },
}


def catalog_schema() -> dict[str, list[Validator]]:
    """The schema of catalogue sources: the common keys and the withdrawal settings."""
    schema = territorial_schema()
    schema.update(
        {
            "withdraw": _optional(choice("delete", "private", "none")),
            "withdraw_max_share": _optional(share),
        }
    )
    return schema


class ConfigError(ValueError):
    """A config with problems: the message lists them all, ``fields`` holds them by key."""

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


def parse(config_text: str | None, schema: Mapping[str, list[Validator]], *, keep_unknown: bool = False) -> dict[str, Any]:
    """The validated config as a dict; ValueError with every problem (Spanish) otherwise."""
    if not config_text or not config_text.strip():
        raw: Any = {}
    else:
        try:
            raw = json.loads(config_text)
        except ValueError as exc:
            raise ConfigError(f"la configuración no es JSON válido ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError("la configuración debe ser un objeto JSON ({\"clave\": valor})")
    data, errors = validate(dict(raw), dict(schema), {})
    if errors:
        problems = []
        fields: dict[str, list[str]] = {}
        for key in sorted(errors):
            for message in errors[key] if isinstance(errors[key], list) else [errors[key]]:
                shown = "falta (obligatoria)" if message == "Missing value" else message
                problems.append(f"'{key}': {shown}")
                fields.setdefault(str(key), []).append(shown)
        raise ConfigError("; ".join(problems), fields)
    if keep_unknown:
        data = {**raw, **data}
    return data


def with_secrets(settings: dict[str, Any], source_id: str | None) -> dict[str, Any]:
    """The settings with the source's stored secrets (``api_key``...) merged, read at run time."""
    return {**settings, **source_secret.secrets_of(source_id)}
