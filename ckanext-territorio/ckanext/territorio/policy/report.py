"""Findings of the policy rules, collected per rule into a report (plain data, JSON-ready)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .document import Level, Policy

# Positions kept per rule: enough to locate the problem, bounded whatever the file's size.
MAX_EXAMPLES = 20
# Longest value quoted back in a message.
MAX_VALUE = 240


def clip(value: Any) -> str:
    """A value as shown in a message: one line, bounded, with undecodable bytes visible."""
    text = str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


@dataclass
class Finding:
    """One finding of a rule: its level, message (es/en) and where (field, row, column)."""

    rule: str
    level: Level
    message: dict[str, str]
    field: str | None = None
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON: its message and the location keys that are set."""
        data: dict[str, Any] = {"message": self.message}
        for key in ("field", "row", "column"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def text(self, lang: str = "es") -> str:
        """The finding's message in ``lang`` (English or Spanish)."""
        return self.message["en"] if lang.lower().startswith("en") else self.message["es"]


@dataclass
class RuleResult:
    """One rule's result: how many findings it counted and the first few of them."""

    rule: str
    level: Level
    title: dict[str, str]
    count: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether the rule found nothing."""
        return self.count == 0

    def as_dict(self) -> dict[str, Any]:
        """The rule's result as JSON, with its findings."""
        return {
            "rule": self.rule,
            "title": self.title,
            "level": self.level,
            "passed": self.passed,
            "count": self.count,
            "findings": [f.as_dict() for f in self.findings],
        }


class Findings:
    """Collects findings for the enabled rules; counts them all, keeps the first few."""

    def __init__(self, policy: Policy, max_examples: int = MAX_EXAMPLES) -> None:
        self.policy = policy
        self.max_examples = max_examples
        self.results: dict[str, RuleResult] = {}

    def enabled(self, rule_id: str) -> bool:
        """Whether the policy enables the rule."""
        return self.policy.rule(rule_id).enabled

    def checked(self, rule_id: str) -> RuleResult | None:
        """Mark the rule as evaluated (it then shows as passed unless findings follow)."""
        rule = self.policy.rule(rule_id)
        if not rule.enabled:
            return None
        result = self.results.get(rule_id)
        if result is None:
            result = self.results[rule_id] = RuleResult(
                rule=rule_id,
                level=rule.level,
                title={"es": rule.title.es, "en": rule.title.en or rule.title.es},
            )
        return result

    def add(
        self,
        rule_id: str,
        key: str,
        *,
        field: str | None = None,
        row: int | None = None,
        column: str | None = None,
        count: int = 1,
        **values: Any,
    ) -> Finding | None:
        """Count a finding of the rule and keep it if there is room; None if not kept."""
        result = self.checked(rule_id)
        if result is None:
            return None
        result.count += count
        if len(result.findings) >= self.max_examples:
            return None
        rule = self.policy.rule(rule_id)
        shown = {k: clip(v) if k == "value" else v for k, v in values.items()}
        shown.setdefault("row", row if row is not None else "")
        shown.setdefault("column", column if column is not None else "")
        shown.setdefault("field", field if field is not None else "")
        finding = Finding(
            rule=rule_id,
            level=rule.level,
            message={lang: rule.message(key, lang, **shown) for lang in ("es", "en")},
            field=field,
            row=row,
            column=column,
        )
        result.findings.append(finding)
        return finding

    def tally(self, rule_id: str, count: int) -> None:
        """Count findings that are not listed (the report keeps only the first positions)."""
        result = self.checked(rule_id)
        if result is not None:
            result.count += count

    def all(self) -> list[Finding]:
        """Every finding kept, of every rule."""
        return [f for result in self.results.values() for f in result.findings]

    def errors(self) -> list[Finding]:
        """The findings kept at level ``error``."""
        return [f for f in self.all() if f.level == "error"]

    def counts(self) -> dict[str, int]:
        """How many errors and warnings were counted (kept or not)."""
        totals = {"error": 0, "warning": 0}
        for result in self.results.values():
            if result.level in totals:
                totals[result.level] += result.count
        return totals

    def as_list(self) -> list[dict[str, Any]]:
        """Every evaluated rule's result as JSON."""
        return [result.as_dict() for result in self.results.values()]


def summary(rules: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Error and warning counts of a stored report's rule list."""
    totals = {"error": 0, "warning": 0}
    for rule in rules:
        if rule.get("level") in totals:
            totals[rule["level"]] += int(rule.get("count") or 0)
    return totals
