"""datafiles.py: every data file refuses unknown keys, wrong types and bad values with file,
line and a Spanish message; the reload-on-change cache rebuilds only after an edit."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from ckanext.territorio.datafiles import DataFileError, FileCache, read
from ckanext.territorio.policy.document import load_policy
from ckanext.territorio.quality import sensor_ranges
from ckanext.territorio.quality.profile import load_quality
from ckanext.territorio.vocab import default_schemas_dir, framework, load_framework
from ckanext.territorio.vocab.data_theme import load_data_themes
from ckanext.territorio.vocab.file_type import load_file_types
from ckanext.territorio.vocab.frequency import load_frequencies
from ckanext.territorio.vocab.harvest_mapping import load_mapping

LOADERS: dict[str, Callable[[Path], object]] = {
    "vocab/dimensiones.yaml": load_framework,
    "vocab/regiones.yaml": load_framework,
    "vocab/comunas.yaml": load_framework,
    "vocab/asignaciones.yaml": load_framework,
    "vocab/iniciativas.yaml": load_framework,
    "vocab/frecuencias.yaml": load_frequencies,
    "vocab/formatos.yaml": load_file_types,
    "vocab/temas_ue.yaml": load_data_themes,
    "policy.yaml": lambda root: load_policy(root / "policy.yaml"),
    "quality.yaml": lambda root: load_quality(root / "quality.yaml"),
    "sensor_ranges.yaml": lambda root: sensor_ranges.load_ranges(
        root / "sensor_ranges.yaml", load_policy(root / "policy.yaml")
    ),
    "harvest.yaml": load_mapping,
}


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    """A writable copy of the repository's schemas/."""
    shutil.copytree(default_schemas_dir(), tmp_path / "schemas")
    return tmp_path / "schemas"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line_of(path: Path, anchor: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, anchor
    return text[: text.index(anchor)].count("\n") + 1


CASES = [
    # (file, old text, new text, text on the reported line, message)
    ("vocab/dimensiones.yaml", "    transversal: true\n", "    transversal: true\n    peso: 3\n",
     "    peso: 3", "clave desconocida 'peso' (se admiten: descripcion, etiqueta, slug, "
     "subdimensiones, transversal)"),
    ("vocab/dimensiones.yaml", "    transversal: true\n", "    transversal: quizas\n",
     "quizas", "se esperaba true o false, no 'quizas'"),
    ("vocab/dimensiones.yaml", "- slug: telemedicina\n", "- slug: Tele_Medicina\n",
     "Tele_Medicina", "slug inválido 'Tele_Medicina' (solo a-z, 0-9 y guiones, hasta 100)"),
    ("vocab/regiones.yaml", "    nombre_oficial: Región de Ñuble\n",
     "    nombre_oficial: Región de Ñuble\n    poblacion: 500000\n",
     "poblacion", "clave desconocida 'poblacion'"),
    ("vocab/regiones.yaml", "  regiones: 16\n", "  regiones: [16]\n",
     "[16]", "se esperaba un número entero, no una lista"),
    ("vocab/regiones.yaml", "  regiones: 16\n", "  regiones: -16\n",
     "-16", "se esperaba un número no negativo, no '-16'"),
    ("vocab/comunas.yaml", 'provincia: "124", region: CL-MA}',
     'provincia: "124", region: CL-MA, zona: austral}', "zona: austral",
     "clave desconocida 'zona'"),
    ("vocab/comunas.yaml", 'nombre: "Torres del Paine"', "nombre: [Torres, Paine]",
     "[Torres, Paine]", "se esperaba un texto, no una lista"),
    ("vocab/comunas.yaml", 'cut: "12402"', 'cut: "1240"',
     '"1240"', "cut inválido '1240' (código CUT de 5 dígitos)"),
    ("vocab/comunas.yaml", "vigente_desde: 2018-09-06", "vigente_desde: 2018-13-06",
     "2018-13-06", "fecha inválida '2018-13-06' (formato AAAA-MM-DD)"),
    ("vocab/asignaciones.yaml", "    subdimensiones: [seguridad-digital]\n",
     "    subdimensiones: [seguridad-digital]\n    prioridad: alta\n",
     "    prioridad: alta", "clave desconocida 'prioridad'"),
    ("vocab/asignaciones.yaml", "subdimensiones: [seguridad-digital]",
     "subdimensiones: seguridad-digital", "subdimensiones: seguridad-digital",
     "se esperaba una lista, no 'seguridad-digital'"),
    ("vocab/iniciativas.yaml", 'titulo: "SéSantiago", region: CL-RM, dimension: gobierno}',
     'titulo: "SéSantiago", region: CL-RM, dimension: gobierno, presupuesto: 10}',
     "presupuesto", "clave desconocida 'presupuesto'"),
    ("vocab/iniciativas.yaml", 'titulo: "SéSantiago"', "titulo: {es: SéSantiago}",
     "{es: SéSantiago}", "se esperaba un texto, no un mapeo (clave: valor)"),
    ("vocab/iniciativas.yaml", "{slug: rm-sesantiago,", "{slug: rm_sesantiago,",
     "rm_sesantiago", "slug inválido 'rm_sesantiago'"),
    ("vocab/frecuencias.yaml", "{codigo: HOURLY, periodo: PT1H,",
     "{codigo: HOURLY, periodo: PT1H, dias: 1,", "dias: 1", "clave desconocida 'dias'"),
    ("vocab/frecuencias.yaml", "etiqueta: {es: Cada hora, en: Hourly}", "etiqueta: Cada hora",
     "etiqueta: Cada hora", "se esperaba un mapeo (clave: valor), no 'Cada hora'"),
    ("vocab/frecuencias.yaml", "{codigo: HOURLY,", "{codigo: hourly,",
     "{codigo: hourly,", "codigo inválido 'hourly' (mayúsculas, dígitos y _)"),
    ("vocab/formatos.yaml", "{codigo: CSV, formato: CSV}",
     "{codigo: CSV, formato: CSV, mime: text/csv}", "mime", "clave desconocida 'mime'"),
    ("vocab/formatos.yaml", "{codigo: CSV, formato: CSV}", "{codigo: CSV, formato: [CSV]}",
     "[CSV]", "se esperaba un texto, no una lista"),
    ("vocab/formatos.yaml", "uri_base: http://publications.europa.eu/resource/authority/file-type/",
     "uri_base: publications.europa.eu", "uri_base: publications.europa.eu\n",
     "uri_base inválido 'publications.europa.eu' (http(s)://... terminado en /)"),
    ("vocab/temas_ue.yaml", "{es: Medio ambiente, en: Environment}",
     "{es: Medio ambiente, en: Environment, fr: Environnement}", "Environnement",
     "clave desconocida 'fr' (se admiten: en, es)"),
    ("vocab/temas_ue.yaml", "{es: Medio ambiente, en: Environment}", "{es: '', en: Environment}",
     "{es: '', en: Environment}", "el texto está vacío"),
    ("vocab/temas_ue.yaml", "{codigo: ENVI,", "{codigo: EN-VI,", "EN-VI", "codigo inválido 'EN-VI'"),
    ("policy.yaml", "      dias_futuro: 366\n", "      dias_futuro: 366\n      dias_pasado: 3\n",
     "dias_pasado", "clave desconocida 'dias_pasado' (se admiten: desde, dias_futuro, fin, "
     "inicio, tipos)"),
    ("policy.yaml", "      retener_cosechados: true\n", "      retener_cosechados: siempre\n",
     "retener_cosechados: siempre", "se esperaba true o false, no 'siempre'"),
    ("policy.yaml", "      dias_futuro: 366\n", "      dias_futuro: -1\n",
     "dias_futuro: -1", "se esperaba un número no negativo, no '-1'"),
    ("policy.yaml", "      proporcion_columna: 0.5\n      columnas: [rut,",
     "      proporcion_columna: 1.5\n      columnas: [rut,", "1.5",
     "se esperaba un número menor o igual que 1, no '1.5'"),
    ("quality.yaml", "    parametros: {minimo: 0.9}", "    parametros: {minimo: 0.9, maximo: 1}",
     "maximo: 1}", "clave desconocida 'maximo' (se admiten: minimo)"),
    ("quality.yaml", "      good: 221\n", "      good: [221]\n",
     "[221]", "se esperaba un número, no una lista"),
    ("quality.yaml", "    parametros: {minimo: 0.9}", "    parametros: {minimo: 1.2}",
     "1.2", "se esperaba un número menor o igual que 1, no '1.2'"),
    ("sensor_ranges.yaml", "    fuente: bam-1020\n  pm1:\n",
     "    fuente: bam-1020\n    precision: 0.1\n  pm1:\n", "precision",
     "clave desconocida 'precision'"),
    ("sensor_ranges.yaml", "  pm25:\n    rango: {ug/m3: [0, 1000]}\n",
     "  pm25:\n    rango: {ug/m3: 1000}\n", "rango: {ug/m3: 1000}",
     "se esperaba una lista, no '1000'"),
    ("sensor_ranges.yaml", "  pm25:\n    rango: {ug/m3: [0, 1000]}\n",
     "  pm25:\n    rango: {ug/m3: [0, 1000, 5]}\n", "[0, 1000, 5]",
     "ug/m3: se esperaba una lista de 2 elementos ([mínimo, máximo]"),
    ("harvest.yaml", "    frecuencia: 15MIN\n", "    frecuencia: 15MIN\n    color: rojo\n",
     "color", "clave desconocida 'color'"),
    ("harvest.yaml", "  no2: {familia: aire,", "  no2: {familia: [aire],",
     "[aire]", "se esperaba un texto, no una lista"),
    ("harvest.yaml", "  no2: {familia: aire,", "  No2: {familia: aire,",
     "No2", "valor inválido 'No2' (a-z, 0-9, - y _)"),
]


@pytest.mark.parametrize(("name", "old", "new", "anchor", "message"), CASES)
def test_a_bad_entry_is_refused_with_file_line_and_spanish_message(
    schemas: Path, name: str, old: str, new: str, anchor: str, message: str
) -> None:
    path = schemas / name
    _edit(path, old, new)

    with pytest.raises(DataFileError) as caught:
        LOADERS[name](schemas)

    error = caught.value
    assert (error.path.name, error.line) == (path.name, _line_of(path, anchor))
    assert message in error.message
    assert f"{path.name}, línea {error.line}: {error.message}" in str(error)


def test_a_duplicate_key_is_refused_at_its_second_occurrence(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")

    with pytest.raises(DataFileError) as caught:
        read(path, dict[str, int])

    assert (caught.value.line, caught.value.message) == (3, "clave duplicada 'a'")


def test_scalars_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("version: 2026.10\ncut: 01\nn: 7\nvacio: ~\n", encoding="utf-8")

    value = read(path, dict[str, str | None]).value

    assert value == {"version": "2026.10", "cut": "01", "n": "7", "vacio": None}


def test_the_cache_reads_a_file_once_until_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text("n: 1\n", encoding="utf-8")
    reads: list[int] = []

    def build(p: Path) -> int:
        value = read(p, dict[str, int]).value["n"]
        reads.append(value)
        return value

    cache: FileCache[Path, int] = FileCache(build, lambda p: [p])

    assert [cache(path), cache(path)] == [1, 1]
    assert reads == [1]
    path.write_text("n: 22\n", encoding="utf-8")
    assert [cache(path), cache(path)] == [22, 22]
    assert reads == [1, 22]
    # same size, new modification time: read again
    path.write_text("n: 33\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert cache(path) == 33
    assert reads == [1, 22, 33]


def test_concurrent_first_calls_build_once(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text("n: 5\n", encoding="utf-8")
    builds: list[Path] = []
    start = threading.Barrier(8)

    def build(p: Path) -> int:
        builds.append(p)
        return read(p, dict[str, int]).value["n"]

    cache: FileCache[Path, int] = FileCache(build, lambda p: [p])
    results: list[int] = []

    def call() -> None:
        start.wait()
        results.append(cache(path))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [5] * 8
    assert builds == [path]


def test_the_framework_follows_edits_of_its_files(schemas: Path) -> None:
    before = framework(schemas)
    assert framework(schemas) is before

    _edit(schemas / "vocab/dimensiones.yaml", "{es: Telemedicina,", "{es: Salud a distancia,")

    after = framework(schemas)
    assert after is not before
    assert after.subdimension_by_slug["telemedicina"].label.es == "Salud a distancia"
    assert before.subdimension_by_slug["telemedicina"].label.es == "Telemedicina"
