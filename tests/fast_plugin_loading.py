"""CKAN's plugin loading, made cheap enough to repeat around every test (same results).

CKAN's ``with_plugins`` loads every plugin before a test and unloads them after it, and each
time every plugin's ``update_config`` runs again. Two steps of that are slow only by accident,
and under pytest's deep stacks most of all:

- ``toolkit.add_template_directory``/``add_public_directory``/``add_resource`` find the calling
  plugin's folder with ``inspect.stack()``, which reads the source file of every frame on the
  stack (about half of a reload here); the caller's file is ``sys._getframe(n)``'s, the same
  frame ``inspect.stack()[n]`` names;
- ``_get_service`` scans the entry points of every installed distribution for each plugin;
  they do not change during a test run, so one scan per name is kept;
- the config declaration reads CKAN's own ``config_declaration.yaml`` (some 1,500 lines of
  YAML, parsed in pure Python) again each time: it is parsed once, and each load gets a copy.

And CKAN hashes each new user's password with 25,000 PBKDF2 rounds; the factories' users
are hashed with 1,000 (a password is still checked against whatever rounds its hash says).

Imported by tests/conftest.py before CKAN loads any plugin.
"""
from __future__ import annotations

import copy
import functools
import os
import pathlib
import sys
from typing import Any

import ckan.model.user as user_model
import ckan.plugins.core as plugins_core
import ckan.plugins.toolkit as toolkit
import msgspec
from ckan.config.declaration import load as declaration_load
from ckan.lib import webassets_tools
from passlib.hash import pbkdf2_sha512

_CORE_DECLARATION = pathlib.Path(declaration_load.__file__).parent / ".." / "config_declaration.yaml"


def _add_served_directory(config_: Any, relative_path: str, config_var: str) -> str:
    # CKAN's own, with the caller of add_template_directory/add_public_directory two frames up
    assert config_var in ("plugin_template_paths", "plugin_public_paths")
    absolute_path = os.path.join(os.path.dirname(sys._getframe(2).f_code.co_filename), relative_path)
    if absolute_path not in config_.get(config_var, []):
        if config_var in config_:
            config_[config_var] = [absolute_path] + config_[config_var]
        else:
            config_[config_var] = [absolute_path]
    return absolute_path


def _add_resource(path: str, name: str) -> None:
    # CKAN's own, with the caller one frame up
    absolute_path = os.path.join(os.path.dirname(sys._getframe(1).f_code.co_filename), path)
    webassets_tools.create_library(name, absolute_path)


@functools.cache
def _core_declaration() -> Any:
    return msgspec.yaml.decode(_CORE_DECLARATION.read_bytes())


def _load_core(declaration: Any) -> None:
    # CKAN's own load_core, from the file parsed once
    declaration_load.load_dict(declaration, copy.deepcopy(_core_declaration()))


def install() -> None:
    """Replace the slow steps (idempotent)."""
    toolkit._add_served_directory = _add_served_directory  # type: ignore[assignment]
    toolkit.add_resource = _add_resource  # type: ignore[assignment]
    if not hasattr(plugins_core.entry_points, "cache_info"):
        plugins_core.entry_points = functools.cache(plugins_core.entry_points)  # type: ignore[assignment]
    declaration_load.handler.register("core")(_load_core)
    user_model.pbkdf2_sha512 = pbkdf2_sha512.using(rounds=1000)  # type: ignore[assignment]
