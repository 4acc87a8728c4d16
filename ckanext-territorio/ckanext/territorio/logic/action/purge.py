"""dataset_purge, chained: what our tables hold about the dataset goes with it."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

from ...model import notify_secret, source_secret, stream_dead_letter
from ...policy import store as policy_store
from ...quality import store as quality_store

__all__ = ["dataset_purge"]


@tk.chained_action
def dataset_purge(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Purge a dataset (core's action), then its validation reports, publication hold,
    quality score, score history, link checks and (a harvest source's) stored secrets.

    :param id: the name or id of the dataset to be purged
    :type id: string
    """
    # the id is read first: core's action accepts a name and the row is gone afterwards
    package = model.Package.get(str(data_dict.get("id") or ""))
    package_id = package.id if package is not None else None
    result = up_func(context, data_dict)
    if package_id:
        policy_store.purge(package_id)
        quality_store.purge(package_id)
        source_secret.forget(package_id)
        stream_dead_letter.forget(model.Session, package_id)
        notify_secret.forget(model.Session, package_id)
        model.Session.commit()
    return result
