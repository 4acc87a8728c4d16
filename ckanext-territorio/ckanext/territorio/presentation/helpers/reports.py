"""Template helpers of the citizens' reports: the button, the form's kinds and the notice of
open reports for the dataset's publishers."""
from __future__ import annotations

from typing import Any

from .. import reports

__all__ = [
    "territorio_report_button",
    "territorio_report_kind_label",
    "territorio_report_kinds",
    "territorio_report_notice",
]


def territorio_report_button(pkg: dict[str, Any], resource_id: str | None = None) -> dict[str, Any]:
    """The "Reportar un problema" link of a dataset or resource page: {url, logged_in}; for an
    anonymous visitor the url is the login page, back to the form."""
    form = reports.form_url(pkg, resource_id)
    if reports.logged_in():
        return {"url": form, "logged_in": True}
    return {"url": reports.login_url(form), "logged_in": False}


def territorio_report_kinds() -> list[dict[str, str]]:
    """The kinds of report: value, label and a one-line explanation."""
    return reports.kinds()


def territorio_report_kind_label(kind: str) -> str:
    """A kind's name in the page's language."""
    return reports.kind_label(kind)


def territorio_report_notice(pkg: dict[str, Any]) -> dict[str, Any] | None:
    """The dataset's open reports for its publishers ({count, reports}), or None."""
    return reports.open_for_publisher(pkg)
