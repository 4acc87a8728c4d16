"""WSGI entry point for gunicorn: builds the CKAN app from the ini in $CKAN_INI."""
from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app
from ckan.lib.i18n import build_js_translations

_ini = os.path.abspath(os.environ["CKAN_INI"])
fileConfig(_ini, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(_ini).get_config())
# the JavaScript modules' texts ("Show more", upload and map widgets) in Spanish: `ckan run`
# builds them at start-up, gunicorn does not; without them /api/i18n/es answers {}
build_js_translations()
