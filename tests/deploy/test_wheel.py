"""A plain (non-editable) install: the wheel carries the schemas and every data file loads
from site-packages, with nothing of the checkout on the path."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONSTRAINTS = REPO / "deploy" / "constraints.txt"

# Loads each data file through the engines' own readers (no CKAN, no configuration) and
# says where the schemas were found and what they hold.
LOAD_EVERY_FILE = """
import json, sys
from ckanext.territorio.vocab import default_schemas_dir, framework
from ckanext.territorio.vocab.data_theme import data_themes
from ckanext.territorio.vocab.file_type import file_types
from ckanext.territorio.vocab.frequency import frequencies
from ckanext.territorio.policy.document import policy
from ckanext.territorio.quality.profile import quality_file
from ckanext.territorio.quality.sensor_ranges import ranges

schemas = default_schemas_dir()
fw = framework(schemas)
rules = policy(schemas / "policy.yaml")
json.dump({
    "schemas": str(schemas),
    "regions": len(fw.regions),
    "comunas": len(fw.comunas),
    "dimensions": len(fw.dimensions),
    "frequencies": len(frequencies(schemas).frequencies),
    "file_types": bool(file_types(schemas)),
    "data_themes": bool(data_themes(schemas)),
    "policy": rules.version,
    "quality": quality_file(schemas / "quality.yaml").version,
    "ranges": bool(ranges(schemas, rules)),
    "shapes": (schemas / "shacl" / "dcat-ap-3.0.0-SHACL.ttl").is_file(),
    "modules": sorted(m for m in sys.modules if m.startswith(("ckan.", "flask"))),
}, sys.stdout)
"""


def run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
        "--wheel-dir", out, REPO, cwd=out)
    (built,) = out.glob("ckanext_territorio-*.whl")
    return built


def test_the_wheel_carries_the_schemas_and_no_checkout_paths(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()

    assert "ckanext/territorio/schemas/policy.yaml" in names
    assert "ckanext/territorio/schemas/vocab/comunas.yaml" in names
    assert "ckanext/territorio/schemas/shacl/dcat-ap-3.0.0-SHACL.ttl" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "deploy/"))]


def test_every_data_file_loads_from_a_fresh_virtualenv(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", wheel, cwd=tmp_path)
    # only what the file readers need: the engines load without CKAN or Flask
    run(python, "-m", "pip", "install", "--quiet", "msgspec", "PyYAML", "-c", CONSTRAINTS,
        cwd=tmp_path)

    loaded = json.loads(run(python, "-c", LOAD_EVERY_FILE, cwd=tmp_path))

    assert loaded["schemas"].startswith(str(venv)), loaded["schemas"]
    assert (loaded["regions"], loaded["comunas"], loaded["dimensions"]) == (16, 346, 8)
    assert loaded["frequencies"] > 10 and loaded["file_types"] and loaded["data_themes"]
    assert loaded["policy"] and loaded["quality"] and loaded["ranges"] and loaded["shapes"]
    assert loaded["modules"] == []
