"""Shared pieces of the quality tests: a dataset that earns every MQA point, the environment."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from ckanext.territorio.policy import document
from ckanext.territorio.quality import engine
from ckanext.territorio.quality.facts import DcatReport, Environment, Facts, LinkState
from ckanext.territorio.quality.profile import load_quality
from ckanext.territorio.vocab.file_type import file_types
from ckanext.territorio.vocab.frequency import frequencies

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
QUALITY_FILE = SCHEMAS / "quality.yaml"
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
URL = "http://datos.temuco.example/mp25.csv"


def environment(path: Path = QUALITY_FILE) -> Environment:
    return Environment(
        quality=load_quality(path),
        policy=document.policy(SCHEMAS / "policy.yaml"),
        frequencies=frequencies(SCHEMAS),
        file_types=file_types(SCHEMAS),
    )


def perfect_package() -> dict[str, Any]:
    """A dataset as package_show returns it, meeting every MQA indicator."""
    return copy.deepcopy(
        {
            "id": "pkg-1",
            "name": "calidad-aire-temuco",
            "title": "Calidad del aire en Temuco",
            "type": "dataset",
            "state": "active",
            "private": False,
            "owner_org": "org-1",
            "organization": {"id": "org-1", "name": "municipalidad-temuco"},
            "tags": [{"name": "aire"}],
            "dimension": ["medio-ambiente"],
            "region": ["CL-AR"],
            "comuna": ["09101"],
            "temporal_start": "2023-01-01",
            "temporal_end": "2023-12-31",
            "frequency": "DAILY",
            "license_id": "cc-by",
            "access_rights": "PUBLIC",
            "personal_data": "none",
            "contact_name": "Unidad de Medio Ambiente",
            "contact_email": "datos@temuco.example",
            "notes": "Concentraciones horarias de MP2,5.",
            "metadata_created": "2026-01-01T00:00:00",
            "metadata_modified": "2026-11-20T10:00:00",
            "resources": [
                {
                    "id": "res-1",
                    "name": "Mediciones horarias",
                    "url": URL,
                    "download_url": URL,
                    "format": "CSV",
                    "mimetype": "text/csv",
                    "rights": "Uso libre citando la fuente",
                    "size": 2048,
                    "created": "2026-01-01T00:00:00",
                    "metadata_modified": "2026-11-20T10:00:00",
                    "state": "active",
                }
            ],
        }
    )


def ok_links(package: dict[str, Any]) -> dict[str, LinkState]:
    return {
        r["id"]: LinkState(url=r["url"], ok=True, outcome="ok", status_code=200)
        for r in package["resources"]
    }


def facts(package: dict[str, Any] | None = None, **overrides: Any) -> Facts:
    package = package if package is not None else perfect_package()
    values: dict[str, Any] = {
        "package": package,
        "now": NOW,
        "dcat": DcatReport(status="done", violations=0, error_count=0),
        "links": ok_links(package),
    }
    values.update(overrides)
    return Facts(**values)


def indicator(score: engine.Score, indicator_id: str) -> engine.IndicatorResult:
    return next(r for r in score.indicators if r.id == indicator_id)
