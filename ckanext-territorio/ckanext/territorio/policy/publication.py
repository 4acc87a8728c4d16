"""Whether a dataset may be public, given the standing content reports of its resources."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .document import Policy

RULE = "publication.findings"


@dataclass(frozen=True)
class StandingReport:
    """The latest content report of one resource, as the publication rule needs it."""

    resource_id: str
    resource_name: str
    status: str
    rules: Sequence[Mapping[str, Any]]
    accepted: bool = False


@dataclass(frozen=True)
class Block:
    """One reason the dataset cannot be public, in both languages."""

    rule: str
    resource_id: str
    message: dict[str, str]

    def text(self, lang: str = "es") -> str:
        """The reason in ``lang`` (English or Spanish)."""
        return self.message["en"] if lang.lower().startswith("en") else self.message["es"]


def _where(finding: Mapping[str, Any], lang: str) -> str:
    parts = []
    if finding.get("row") is not None:
        parts.append(("row" if lang == "en" else "fila") + f" {finding['row']}")
    if finding.get("column"):
        parts.append(("column" if lang == "en" else "columna") + f" '{finding['column']}'")
    if finding.get("field"):
        parts.append(("field" if lang == "en" else "campo") + f" '{finding['field']}'")
    return ", ".join(parts) or ("whole file" if lang == "en" else "todo el archivo")


def blocks(
    reports: Iterable[StandingReport], personal_data: str | None, policy: Policy
) -> list[Block]:
    """Error findings that keep the dataset from being public; empty when it may be.

    Personal-data findings a reviewer accepted do not block a dataset declared ``anonymized``;
    every other error finding does until a new file (or a new policy) clears it.
    """
    rule = policy.rule(RULE)
    if not rule.enabled:
        return []
    acceptable = set(rule.params["aceptables"])
    found: list[Block] = []
    for report in reports:
        for result in report.rules:
            if result.get("level") != "error" or not result.get("count"):
                continue
            rule_id = str(result.get("rule"))
            if rule_id in acceptable and personal_data == "anonymized" and report.accepted:
                continue
            first = (result.get("findings") or [{}])[0]
            detail = first.get("message") or {}
            found.append(
                Block(
                    rule=rule_id,
                    resource_id=report.resource_id,
                    message={
                        lang: rule.message(
                            "blocked",
                            lang,
                            rule=rule_id,
                            resource=report.resource_name,
                            where=_where(first, lang),
                            detail=detail.get(lang, ""),
                        )
                        for lang in ("es", "en")
                    },
                )
            )
    return found

