"""The portal's own signals, declared once (CKAN's ``tk.signals.ckanext`` namespace).

They say "after X" where plugin order cannot: the quality score reads the policy's reports,
so it listens to the policy's signals instead of racing it on ``action_succeeded``.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

# sender: the dataset id; kwargs: context. Sent after a dataset save committed and the policy
# recorded its metadata report and queued its checks (also when it had nothing to check).
DATASET_CHECKED = tk.signals.ckanext.signal("territorio_dataset_checked")

# sender: the dataset id. Sent once the background DCAT-AP validation stored its report.
DCAT_VALIDATED = tk.signals.ckanext.signal("territorio_dcat_validated")
