"""Reading harvest objects: their extras, and the other objects of their job."""
from __future__ import annotations

from typing import Any

from ckan import model
from ckanext.harvest.model import HarvestObject


def object_extra(obj: Any, key: str) -> str | None:
    """The value of one of a harvest object's extras (``status``, ``content_hash``...)."""
    for extra in obj.extras:
        if extra.key == key:
            return str(extra.value)
    return None


def job_guids(obj: Any) -> set[str]:
    """The guids of every object gathered by the same job as ``obj``."""
    rows = model.Session.query(HarvestObject.guid).filter(
        HarvestObject.harvest_job_id == obj.harvest_job_id
    )
    return {row[0] for row in rows}
