"""What an indicator sees: the dataset, its standing reports, link checks, sensor facts, `now`.

Facts are plain values built by the caller (one dataset in a request, thousands in a batch
with bulk reads); the indicators never query anything themselves.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..policy import metadata as policy_metadata
from ..policy.document import Policy

if TYPE_CHECKING:
    from ..vocab.file_type import FileTypeTable
    from ..vocab.frequency import FrequencyTable
    from .profile import QualityFile

PERSONAL_RULE_PREFIX = "personal."
SHACL_RULE = "dcat.shacl"


@dataclass(frozen=True, slots=True)
class ContentReport:
    """A resource's standing content report, as the indicators need it."""

    resource_id: str
    status: str  # pending | running | done | failed
    passed: bool | None
    error_count: int
    accepted: bool
    personal_findings: int

    @property
    def finished(self) -> bool:
        """Whether the validation ended (done or failed)."""
        return self.status in ("done", "failed")

    @property
    def has_errors(self) -> bool:
        """Error findings that stand (a reviewer's acceptance waives them)."""
        return self.status == "done" and self.error_count > 0 and not self.accepted

    @property
    def ok(self) -> bool:
        """Whether the file passed validation, or its errors were accepted."""
        return self.status == "done" and (bool(self.passed) or self.accepted)


@dataclass(frozen=True, slots=True)
class DcatReport:
    """The latest finished SHACL validation of the dataset's DCAT (None while never run)."""

    status: str
    violations: int
    error_count: int


@dataclass(frozen=True, slots=True)
class LinkState:
    """The last check of a resource's link: the URL checked and how it answered."""

    url: str
    ok: bool
    outcome: str
    status_code: int | None


@dataclass(frozen=True)
class Environment:
    """What every dataset is scored against: the scoring file, the policy, the vocabularies."""

    quality: QualityFile
    policy: Policy
    frequencies: FrequencyTable | None = None
    file_types: FileTypeTable | None = None
    non_proprietary: frozenset[str] = field(init=False)
    machine_readable: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the format lists (file's own plus the policy's) are derived once
        formats = self.quality.formats
        open_formats = frozenset(
            f.upper() for f in self.policy.rule("formats.open_format").params["abiertos"]
        )
        object.__setattr__(
            self,
            "non_proprietary",
            formats.non_proprietary | (open_formats if formats.use_policy_non_proprietary else frozenset()),
        )
        object.__setattr__(
            self,
            "machine_readable",
            formats.machine_readable | (open_formats if formats.use_policy_machine_readable else frozenset()),
        )

    def period_hours(self, frequency: Any) -> float | None:
        """Hours between updates for a declared frequency code; None without a fixed period."""
        if self.frequencies is None or not frequency:
            return None
        code = self.frequencies.code_of(str(frequency))
        if code is None:
            return None
        period = getattr(self.frequencies.by_code[code], "period", None)
        return period.total_seconds() / 3600 if period else None

    def frequency_label(self, frequency: Any) -> dict[str, str]:
        """A frequency's label in Spanish and English (the value itself if unknown)."""
        code = self.frequencies.code_of(str(frequency)) if self.frequencies and frequency else None
        if code is None:
            return {"es": str(frequency or ""), "en": str(frequency or "")}
        label = self.frequencies.by_code[code].label  # type: ignore[union-attr]
        return {"es": label.es, "en": label.en or label.es}


@dataclass(frozen=True)
class Facts:
    """One dataset and everything stored about it.

    ``sensor`` is None when the dataset has no observations table; when sensor facts were
    not computed for this scoring (a save in a request), ``sensor_computed`` is False and the
    sensor indicators reuse ``stored`` (the previous score's indicator results).
    """

    package: Mapping[str, Any]
    now: dt.datetime
    content_reports: Mapping[str, ContentReport] = field(default_factory=dict)
    dcat: DcatReport | None = None
    metadata_errors: int = 0
    links: Mapping[str, LinkState] = field(default_factory=dict)
    sensor: Any = None
    sensor_computed: bool = True
    stored: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @functools.cached_property
    def resources(self) -> list[Mapping[str, Any]]:
        """The dataset's active resources."""
        resources = self.package.get("resources") or []
        return [r for r in resources if isinstance(r, Mapping) and r.get("state", "active") == "active"]

    @property
    def package_id(self) -> str:
        """The dataset's id."""
        return str(self.package.get("id") or "")


def content_report(row: Any) -> ContentReport:
    """A ValidationReport row (or a mapping with its columns) as a ContentReport."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name, None)
    personal = 0
    for rule in get("rules") or []:
        if str(rule.get("rule", "")).startswith(PERSONAL_RULE_PREFIX) and not rule.get("passed", True):
            personal += int(rule.get("count") or 0)
    accepted = get("accepted_at") is not None if not isinstance(row, Mapping) else bool(get("accepted"))
    return ContentReport(
        resource_id=str(get("resource_id")),
        status=str(get("status")),
        passed=get("passed"),
        error_count=int(get("error_count") or 0),
        accepted=accepted,
        personal_findings=0 if accepted else personal,
    )


def dcat_report(row: Any) -> DcatReport:
    """A finished dcat ValidationReport: violations are the SHACL rule's count, at any level."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name, None)
    violations = 0
    for rule in get("rules") or []:
        if rule.get("rule") == SHACL_RULE:
            violations += int(rule.get("count") or 0)
    return DcatReport(
        status=str(get("status")),
        violations=violations,
        error_count=int(get("error_count") or 0),
    )


def link_state(row: Any) -> LinkState:
    """A LinkState from a stored link check (a row or a mapping)."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name, None)
    return LinkState(
        url=str(get("url") or ""),
        ok=bool(get("ok")),
        outcome=str(get("outcome") or ""),
        status_code=get("status_code"),
    )


def metadata_error_count(package: Mapping[str, Any], policy: Policy, today: dt.date) -> int:
    """Error-level findings of the policy's metadata rules on the dataset as it stands."""
    findings = policy_metadata.check_metadata(package, policy, today=today)
    return sum(r.count for r in findings.results.values() if r.level == "error")


def stored_indicators(indicators: Sequence[Mapping[str, Any]] | None) -> Mapping[str, Mapping[str, Any]]:
    """A stored score's indicator list, by id (for the sensor indicators a save does not recompute)."""
    return MappingProxyType({str(i["id"]): i for i in indicators or () if isinstance(i, Mapping)})


def resources_of(packages: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """resource id → package id for every resource of the given package dicts."""
    owner: dict[str, str] = {}
    for package in packages:
        for resource in package.get("resources") or []:
            if isinstance(resource, Mapping) and resource.get("id"):
                owner[str(resource["id"])] = str(package.get("id"))
    return owner
