"""Template helpers for the data-use policy's reports and the auditor role."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ... import auditors
from ...policy import checks as policy_checks
from ...policy import store as policy_store

__all__ = [
    "territorio_checks_notice",
    "territorio_is_auditor",
    "territorio_validation_badge",
    "territorio_validation_report",
]

# report state → (badge label es/en, Bootstrap colour)
BADGES = {
    "passed": ({"es": "Cumple la política de datos", "en": "Meets the data policy"}, "success"),
    "warnings": ({"es": "Cumple, con advertencias", "en": "Meets it, with warnings"}, "warning"),
    "errors": ({"es": "No cumple la política de datos", "en": "Does not meet the data policy"}, "danger"),
    "pending": ({"es": "Validación en curso", "en": "Validation in progress"}, "secondary"),
    "failed": ({"es": "La validación no pudo terminar", "en": "Validation could not finish"}, "secondary"),
}


def territorio_validation_report(resource_id: str) -> dict[str, Any] | None:
    """The resource's latest content report (as territorio_validation_show returns it)."""
    report = policy_store.latest(resource_id)
    return policy_store.as_dict(report) if report is not None else None


def territorio_checks_notice(pkg: dict[str, Any]) -> dict[str, Any] | None:
    """The dataset page's notice while its deferred checks run (None once they finished)."""
    if not pkg.get("id"):
        return None
    summary = policy_checks.summary(str(pkg["id"]), private=bool(pkg.get("private")))
    if summary["status"] != policy_checks.PENDING:
        return None
    return {"message": summary["mensaje"], "held": summary["publicacion"] == "retenida"}


def territorio_validation_badge(report: dict[str, Any] | None, lang: str = "es") -> dict[str, str]:
    """Label and colour of a report's badge: passed, warnings, errors, pending or failed."""
    if report is None:
        return {}
    if report["status"] in ("pending", "running"):
        state = "pending"
    elif report["status"] == "failed":
        state = "failed"
    elif report["error_count"]:
        state = "errors"
    elif report["warning_count"]:
        state = "warnings"
    else:
        state = "passed"
    label, colour = BADGES[state]
    return {
        "state": state,
        "label": label["en"] if lang.lower().startswith("en") else label["es"],
        "colour": colour,
    }


def territorio_is_auditor() -> bool:
    """Template helper: whether the logged-in user is a sysadmin or an auditor."""
    try:
        user = tk.current_user
        name = getattr(user, "name", None)
    except (RuntimeError, AttributeError):  # outside a request
        return False
    if not name:
        return False
    return auditors.is_auditor_or_sysadmin({"user": name})
