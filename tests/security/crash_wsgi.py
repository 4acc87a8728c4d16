"""deploy/wsgi.py for the crash test: the same application, where the save of a dataset named
``cae-*`` stops right after its commit, in the policy listener, until the test kills the worker.

The window the finding hit by chance (a gunicorn worker killed with ``kill -9`` after
``package_create`` committed and before its after-commit checks ran) is made certain: the
worker writes its pid to ``$TERRITORIO_CRASH_DIR/<name>`` and waits there for the kill.
Nothing else is changed: the datasets of the burst go through the normal path.
"""
from __future__ import annotations

import os
import runpy
import time
from pathlib import Path
from typing import Any

STALL_PREFIX = "cae-"
application = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "wsgi.py"))["application"]

from ckan import model  # noqa: E402  (once the app has loaded the config and plugins)

from ckanext.territorio.policy import jobs as policy_jobs  # noqa: E402

# the after-commit work of a save, run in the request (the test ini does not defer the checks)
_checked = policy_jobs.checked


def _checked_or_stall(package_id: str, context: Any, inline: bool = False) -> None:
    package = model.Package.get(package_id)
    if package is not None and package.name.startswith(STALL_PREFIX):
        Path(os.environ["TERRITORIO_CRASH_DIR"], package.name).write_text(str(os.getpid()))
        time.sleep(600)  # the test kills this worker long before
    _checked(package_id, context, inline)


policy_jobs.checked = _checked_or_stall
