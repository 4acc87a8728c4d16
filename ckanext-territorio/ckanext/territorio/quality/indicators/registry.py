"""The indicator registry: outcomes, the ``indicator`` decorator and shared readers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ...policy import metadata as policy_metadata
from ..facts import Environment, Facts, LinkState

if TYPE_CHECKING:
    from ..profile import Indicator

OK, NOT_APPLICABLE, PENDING = "ok", "na", "pending"
# IANA media types (RFC 6838 top-level types), also as the IANA registry URI
MEDIA_TYPE = re.compile(
    r"(?:https?://www\.iana\.org/assignments/media-types/)?"
    r"(?:application|audio|font|example|image|message|model|multipart|text|video)/[\w.+\-]+",
    re.IGNORECASE,
)
CONTACT_FIELDS = (
    "contact_uri", "contact_name", "contact_email", "maintainer", "maintainer_email",
    "author", "author_email",
)


@dataclass(frozen=True)
class Outcome:
    """What an indicator found.

    ``share`` is the part of the points earned for dataset indicators; distribution
    indicators give ``met``/``total`` resources instead (``share`` None) and the names of
    those that fail. ``values`` fill the detail and fix texts of the file.
    """

    state: str = OK
    share: float | None = None
    met: int | None = None
    total: int | None = None
    failing: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, passed: bool, **values: Any) -> Outcome:
        """A dataset indicator's outcome: all its points if ``passed``, none otherwise."""
        return cls(share=1.0 if passed else 0.0, values=values)

    @classmethod
    def not_applicable(cls, **values: Any) -> Outcome:
        """An outcome that does not count: the indicator does not apply to this dataset."""
        return cls(state=NOT_APPLICABLE, values=values)

    @classmethod
    def pending(cls, **values: Any) -> Outcome:
        """An outcome still waiting on a check (no points yet, not a failure)."""
        return cls(state=PENDING, share=0.0, values=values)


Function = Callable[[Facts, "Indicator", Environment], Outcome]
# a parameter's type (msgspec decodes and checks the file's value against it)
ParamType = Any

REGISTRY: dict[str, Function] = {}
PARAMETERS: dict[str, Mapping[str, ParamType]] = {}


def indicator(indicator_id: str, **params: ParamType) -> Callable[[Function], Function]:
    """Register an indicator function and the parameters its entry in the file must give."""

    def register(function: Function) -> Function:
        REGISTRY[indicator_id] = function
        PARAMETERS[indicator_id] = MappingProxyType(params)
        return function

    return register


# --- helpers ----------------------------------------------------------------------------------


def blank(value: Any) -> bool:
    """Whether a field's value is empty (None, blank text, empty list)."""
    return policy_metadata.is_blank(value)


def resource_name(resource: Mapping[str, Any]) -> str:
    """A resource as a report names it: its name, else its URL or id."""
    return str(resource.get("name") or resource.get("url") or resource.get("id") or "?")


def per_resource(facts: Facts, test: Callable[[Mapping[str, Any]], bool]) -> Outcome:
    """A distribution indicator: how many of the dataset's resources pass ``test``."""
    resources = facts.resources
    failing = tuple(resource_name(r) for r in resources if not test(r))
    return Outcome(met=len(resources) - len(failing), total=len(resources), failing=failing)


def dcat_format(resource: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(dct:format, dcat:mediaType) as ckanext-dcat writes them for a resource.

    A format that looks like a media type ("text/csv") is published as dcat:mediaType, and
    a mimetype equal to the format is not repeated (euro_dcat_ap_base, "Format").
    """
    fmt = str(resource.get("format") or "").strip() or None
    mimetype = str(resource.get("mimetype") or "").strip() or None
    if fmt and (not mimetype or mimetype == fmt):
        if "iana.org/assignments/media-types" in fmt or (not fmt.startswith("http") and "/" in fmt):
            return None, fmt
        return fmt, None
    return fmt, mimetype


def format_name(resource: Mapping[str, Any]) -> str:
    """A resource's format normalised as the policy does (from its format or URL)."""
    return policy_metadata.normalise_format(resource.get("format"), resource.get("url"))


def link_ok(facts: Facts, resource: Mapping[str, Any], url: str, unchecked: str) -> bool:
    """Whether ``url`` answered 200–399 at its last check (an upload is served by CKAN)."""
    if not url:
        return False
    check: LinkState | None = facts.links.get(str(resource.get("id") or ""))
    if check is not None and check.url == url:
        return check.ok
    if resource.get("url_type") == "upload" and url == resource.get("url"):
        return True
    return unchecked == "otorgar"


def duration(hours: float) -> dict[str, str]:
    """A span as people read it: minutes, hours or days, in both languages."""
    if hours < 1:
        minutes = max(1, round(hours * 60))
        return {"es": f"{minutes} min", "en": f"{minutes} min"}
    if hours < 48:
        value = f"{round(hours, 1):g}"
        return {"es": f"{value.replace('.', ',')} h", "en": f"{value} h"}
    days = f"{round(hours / 24, 1):g}"
    return {"es": f"{days.replace('.', ',')} días", "en": f"{days} days"}


def as_datetime(value: Any) -> dt.datetime | None:
    """A stored timestamp (ISO text or datetime) as an aware datetime, or None."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    # CKAN stores naive UTC timestamps
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)

