"""The JavaScript of the views is the npm registry's, at the locked versions, with its licence:
each copy in assets/vendor matches package-lock.json, and every asset bundle names real files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "ckanext-territorio" / "ckanext" / "territorio" / "assets"
LOCK = json.loads((REPO / "package-lock.json").read_text())
DECLARED = json.loads((REPO / "package.json").read_text())["dependencies"]


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_vendored_copy_is_the_locked_version_with_its_licence(name):
    locked = LOCK["packages"][f"node_modules/{name}"]
    vendored = json.loads((ASSETS / "vendor" / name / "package.json").read_text())
    assert vendored["name"] == name
    assert vendored["version"] == locked["version"] == DECLARED[name]  # exact pins only
    assert locked["integrity"].startswith("sha512-")
    licence = (ASSETS / "vendor" / name / "LICENSE").read_text()
    assert vendored["license"] in {"BSD-2-Clause", "MIT"}
    assert ("The MIT License" if vendored["license"] == "MIT" else "BSD 2-Clause License") in licence


def test_every_bundle_names_existing_files():
    bundles = yaml.safe_load((ASSETS / "webassets.yml").read_text())
    missing = [
        f"{name}: {item}"
        for name, bundle in bundles.items()
        for item in bundle["contents"]
        if not (ASSETS / item).is_file()
    ]
    assert missing == []
    assert not any(
        "//" in item for bundle in bundles.values() for item in bundle["contents"]
    ), "un paquete de assets apunta fuera del portal"
