"""Where the schemas and vocabularies come from, and start-up stopping on a bad file."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import pytest
from ckan.common import config_declaration
from ckan.config.declaration import Key
from ckan.tests.helpers import call_action
from factories import territorial_schemas

from ckanext.territorio import config
from ckanext.territorio.vocab import VocabError

REPO_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.fixture
def schemas_copy(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    shutil.copytree(REPO_SCHEMAS, target)
    return target


@pytest.mark.usefixtures("with_plugins")
def test_scheming_defaults_point_at_our_schema_files():
    default = config_declaration[Key.from_string("scheming.dataset_schemas")].default
    assert default == config.default_dataset_schemas()
    assert [Path(url.removeprefix("file://")).name for url in default.split()] == [
        "dataset.yaml",
        "iniciativa.yaml",
    ]
    assert all(Path(url.removeprefix("file://")).is_file() for url in default.split())
    presets = config_declaration[Key.from_string("scheming.presets")].default
    assert presets.split()[0] == "ckanext.scheming:presets.json"
    assert presets.split()[1].endswith("/schemas/presets.yaml")


@pytest.mark.usefixtures("with_plugins")
class TestLoadedSchemas:
    pytestmark = territorial_schemas

    def test_dataset_and_iniciativa_types(self):
        assert sorted(call_action("scheming_dataset_schema_list")) == ["dataset", "iniciativa"]

    def test_fields_carry_spanish_and_english_labels(self):
        schema = call_action("scheming_dataset_schema_show", type="dataset")
        fields = {f["field_name"]: f for f in schema["dataset_fields"]}
        assert fields["dimension"]["label"] == {"es": "Dimensión", "en": "Dimension"}
        assert fields["region"]["required"] is True
        assert fields["comuna"]["choices_helper"] == "territorio_comuna_choices"
        assert {"variable", "unit", "format", "description"} <= {
            f["field_name"] for f in schema["resource_fields"]
        }

    def test_choices_come_from_the_vocabularies(self):
        h = tk.h
        assert len(h.territorio_dimension_choices({})) == 7
        assert len(h.territorio_region_choices({})) == 17
        assert len(h.territorio_comuna_choices({})) == 346
        daily = next(c for c in h.territorio_frequency_choices({}) if c["value"] == "DAILY")
        assert daily["label"] == {"es": "Diaria", "en": "Daily"}

    def test_facet_label_helper(self):
        label = tk.h.territorio_facet_label
        assert label("region", "CL-AR") == "La Araucanía"
        assert label("comuna", "16101") == "Chillán"
        assert label("dimension", "medio-ambiente", "en") == "Environment"
        assert label("region", "CL") == "Chile"
        assert label("region", "CL-XX") == "CL-XX"


@pytest.mark.usefixtures("with_plugins")
class TestBadVocabularyStopsStartUp:
    def test_bad_frequency_file_names_file_and_line(self, schemas_copy, ckan_config):
        path = schemas_copy / "vocab" / "frecuencias.yaml"
        lines = path.read_text(encoding="utf-8").splitlines()
        daily = next(i for i, line in enumerate(lines) if "codigo: DAILY," in line)
        lines.append(lines[daily])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ckan_config["ckanext.territorio.schemas_dir"] = str(schemas_copy)
        with pytest.raises(VocabError) as excinfo:
            plugins.get_plugin("territorio").configure(tk.config)
        assert excinfo.value.path.name == "frecuencias.yaml"
        assert excinfo.value.line == len(lines)
        assert "DAILY" in str(excinfo.value)

    def test_bad_framework_file_names_file_and_line(self, schemas_copy, ckan_config):
        path = schemas_copy / "vocab" / "dimensiones.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("slug: telemedicina", "slug: Telemedicina"), encoding="utf-8")
        ckan_config["ckanext.territorio.schemas_dir"] = str(schemas_copy)
        with pytest.raises(VocabError) as excinfo:
            plugins.get_plugin("territorio").configure(tk.config)
        assert excinfo.value.path.name == "dimensiones.yaml"
        assert excinfo.value.line == text.splitlines().index(
            next(line for line in text.splitlines() if "slug: telemedicina" in line)
        ) + 1

    def test_bad_plan_file_names_file_and_line(self, schemas_copy, ckan_config):
        path = schemas_copy / "plan" / "recomendaciones.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("estado: implementada", "estado: lista", 1), encoding="utf-8")
        ckan_config["ckanext.territorio.schemas_dir"] = str(schemas_copy)
        with pytest.raises(VocabError) as excinfo:
            plugins.get_plugin("territorio").configure(tk.config)
        assert excinfo.value.path.name == "recomendaciones.yaml"
        assert excinfo.value.line == text.splitlines().index(
            next(line for line in text.splitlines() if "estado: implementada" in line)
        ) + 1
        assert "estado inválido 'lista'" in excinfo.value.message

    def test_ckan_command_refuses_to_start(self, schemas_copy, tmp_path):
        (schemas_copy / "vocab" / "comunas.yaml").write_text("comunas: [\n", encoding="utf-8")
        ini = tmp_path / "broken.ini"
        ini.write_text(
            "[app:main]\n"
            f"use = config:{tk.config['__file__']}\n"
            f"ckanext.territorio.schemas_dir = {schemas_copy}\n",
            encoding="utf-8",
        )
        ckan = Path(sys.executable).parent / "ckan"
        result = subprocess.run(
            [str(ckan), "-c", str(ini), "config", "search", "ckanext.territorio"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        assert "comunas.yaml, línea 2" in result.stderr
