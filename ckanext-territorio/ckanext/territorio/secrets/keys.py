"""Which config keys are secrets, and the config without them (plain Python, no CKAN).

A key is secret when it is ``api_key``/``apikey`` or its name says so: ``password``,
``passwd``, ``token``, ``secret``, or it ends in ``_key``. A request that writes the
config may send a secret's new value, the mask (keep the stored one) or an empty value
(remove it); a key left out keeps the stored one.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

MASK = "configurada"
_SECRET_NAME = re.compile(r"(password|passwd|token|secret)|(_key|^apikey)$", re.IGNORECASE)


def is_secret(name: str) -> bool:
    """Whether a config key holds a secret (by its name)."""
    return bool(_SECRET_NAME.search(name))


def load(config_text: Any) -> dict[str, Any] | None:
    """The config as a dict, or None when it is not a JSON object (left to the validators)."""
    if not isinstance(config_text, str) or not config_text.strip():
        return None
    try:
        raw = json.loads(config_text)
    except ValueError:
        return None
    return raw if isinstance(raw, dict) else None


def split(config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str | None]]:
    """The public config and the secret changes (``None`` = remove; a mask changes nothing).

    ValueError (Spanish) when a secret is not a text.
    """
    public: dict[str, Any] = {}
    changes: dict[str, str | None] = {}
    for name, value in config.items():
        if not is_secret(name):
            public[name] = value
        elif value is None or (isinstance(value, str) and not value.strip()):
            changes[name] = None
        elif not isinstance(value, str):
            raise ValueError(f"'{name}': la clave secreta debe ser un texto")
        elif value.strip() != MASK:
            changes[name] = value.strip()
    return public, changes


def has_secrets(config: dict[str, Any]) -> bool:
    """Whether a config holds any secret-named key."""
    return any(is_secret(name) for name in config)


def masked(config_text: Any, stored: Iterable[str] = ()) -> Any:
    """The config text with every secret shown as the mask, and the stored ones added.

    A config that is not a JSON object is returned as it is.
    """
    config = load(config_text)
    names = set(stored)
    if config is None:
        if not names:
            return config_text
        config = {}
    shown = {name: (MASK if is_secret(name) else value) for name, value in config.items()}
    shown.update({name: MASK for name in sorted(names)})
    if shown == config:
        return config_text
    return json.dumps(shown, ensure_ascii=False)
