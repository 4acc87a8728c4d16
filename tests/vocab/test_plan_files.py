"""schemas/plan/ and the sub-dimension provenance against the plan itself (the seed): every
quote is the plan's own text, each region's priority order and the assignment table with its
criteria marks are the plan's, there are 20 recommendations; bad files name file and line."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ckanext.territorio.datafiles import DataFileError
from ckanext.territorio.vocab import (
    CRITERIA,
    Framework,
    Plan,
    default_schemas_dir,
    load_framework,
    load_plan,
)

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


def _normal(text: str) -> str:
    """Whitespace collapsed, the seed's markdown emphasis (*) dropped."""
    return " ".join(text.replace("*", "").split())


@pytest.fixture(scope="module")
def seed() -> str:
    """The plan's text, as the project received it (shared/seeds/)."""
    files = sorted(SEEDS.glob("000_*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"no está el plan en {SEEDS} (shared/ junto al repositorio)")
    return _normal(files[0].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fw() -> Framework:
    """The framework as shipped."""
    return load_framework()


@pytest.fixture(scope="module")
def plan(fw: Framework) -> Plan:
    """The plan's files as shipped."""
    return load_plan(fw=fw)


def _quotes(plan: Plan, fw: Framework) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the files present as the plan's own words."""
    for actor in plan.actors:
        for p in actor.priorities:
            yield f"actor {actor.slug} / {p.dimension}", p.quote
    for region in plan.regions:
        at = f"región {region.region}"
        yield at, region.summary
        for p in region.priorities:
            yield f"{at} / {p.dimension}", p.quote
        for kind, texts in (("necesidad", region.needs), ("fortaleza", region.strengths),
                            ("nota", region.notes)):
            for text in texts:
                yield f"{at} / {kind}", text
        for gap in region.gaps:
            yield f"{at} / brecha", gap.quote
        for doc in region.documents:
            yield f"{at} / {doc.name}", doc.quote
            for line in doc.lines:
                yield f"{at} / {doc.name}", line
        for figure in region.figures:
            yield f"{at} / cifra", figure.quote
    for option in plan.options:
        yield f"opción {option.slug}", option.description.es
        for text in (*option.pros, *option.cons):
            yield f"opción {option.slug}", text
    yield "estrategia", plan.strategy.title
    yield "estrategia", plan.strategy.objective
    for text in (*plan.strategy.attributes, *plan.assignment_grounds, *plan.replication,
                 *plan.findings, plan.caveat, plan.framework_text.es, plan.dimensions_text.es):
        yield "estrategia", text
    for criterion in plan.criteria:
        yield f"criterio {criterion.slug}", criterion.label.es
        yield f"criterio {criterion.slug}", criterion.description
    for rec in plan.recommendations:
        yield f"recomendación {rec.slug}", rec.text
    for sub in fw.subdimensions:
        if sub.provenance.quote:
            yield f"subdimensión {sub.slug}", sub.provenance.quote
    for a in fw.assignments:
        yield f"asignación {a.region} / {a.dimension}", a.quote
        if a.shared:
            yield f"asignación {a.region} / {a.dimension}", a.shared.quote


def test_every_quote_is_the_plans_own_text(seed: str, plan: Plan, fw: Framework) -> None:
    missing = [(where, text) for where, text in _quotes(plan, fw) if _normal(text) not in seed]
    assert missing == []
    assert sum(1 for _ in _quotes(plan, fw)) > 280


def _order(priorities) -> dict[str, int | str]:
    return {p.dimension: p.rank if p.rank is not None else p.standing for p in priorities}


def test_national_priorities_by_actor_are_the_plans(plan: Plan) -> None:
    actors = {a.slug: _order(a.priorities) for a in plan.actors}
    assert actors == {
        "ciudadania": {"medio-ambiente": 1, "movilidad": 2, "salud": 3, "seguridad": 6,
                       "gobierno": 7},
        "expertos": {"movilidad": 1, "seguridad": "destacada"},
        "referentes": {"movilidad": 1, "seguridad": "secundaria"},
        "referentes-latam": {"gobierno": 1, "seguridad": "destacada"},
    }


def test_each_studied_regions_priority_order_is_the_plans(plan: Plan) -> None:
    regions = {r.region: _order(r.priorities) for r in plan.regions}
    assert regions == {
        "CL-RM": {"movilidad": "destacada", "medio-ambiente": "destacada",
                  "seguridad": "destacada"},
        "CL-AR": {"medio-ambiente": 1, "movilidad": 2, "planificacion-urbana": 3, "gobierno": 3},
        "CL-BI": {"medio-ambiente": 1, "salud": 2, "movilidad": 3},
        "CL-NB": {"medio-ambiente": 1, "planificacion-urbana": 2, "salud": 3,
                  "fomento-productivo": 3},
        "CL-AN": {"movilidad": 1, "medio-ambiente": 2, "salud": 3},
        "CL-VS": {"medio-ambiente": 1, "planificacion-urbana": "destacada",
                  "fomento-productivo": "destacada", "seguridad": "destacada"},
    }
    bio_bio = {p.dimension: p.figure for p in plan.region_by_iso["CL-BI"].priorities}
    assert (bio_bio["medio-ambiente"], bio_bio["salud"]) == ("23 %", "17 %")
    # Medio Ambiente first in 5 of the 6 regions, all but Antofagasta (where Movilidad is)
    first = [r.region for r in plan.regions
             if any(p.dimension == "medio-ambiente" and p.rank == 1 for p in r.priorities)]
    assert sorted(first) == ["CL-AR", "CL-BI", "CL-NB", "CL-VS"]


def test_enabling_gaps_are_energy_in_araucania_and_telecoms_in_nuble(plan: Plan) -> None:
    gaps = {r.region: [g.subdimension for g in r.gaps] for r in plan.regions if r.gaps}
    assert gaps == {"CL-AR": ["energia"], "CL-NB": ["telecomunicaciones"]}
    assert "zonas rurales" in plan.region_by_iso["CL-NB"].gaps[0].quote


def test_the_assignment_table_with_its_criteria_marks(fw: Framework) -> None:
    table = {
        (a.region, a.dimension): (a.subdimensions, a.criteria, a.shared is not None)
        for a in fw.assignments
    }
    three = ("necesidades", "activos", "focos")
    assert table == {
        ("CL-RM", "seguridad"): (("seguridad-fisica",), CRITERIA, False),
        ("CL-RM", "movilidad"): (("movilidad-sostenible", "transporte-publico-integrado"),
                                 CRITERIA, False),
        ("CL-AR", "movilidad"): ((), CRITERIA, False),
        ("CL-BI", "medio-ambiente"): ((), three, False),
        ("CL-BI", "fomento-productivo"): (("capital-humano",), three, False),
        ("CL-NB", "fomento-productivo"): (("turismo",), three, True),
        ("CL-NB", "salud"): (("cobertura-de-especialistas",), three, False),
        ("CL-AN", "planificacion-urbana"): ((), three, True),
        ("CL-VS", "fomento-productivo"): (
            ("capital-humano", "turismo", "innovacion", "productividad"), CRITERIA, True),
        ("CL-VS", "seguridad"): (("seguridad-digital",), CRITERIA, False),
    }
    with_fourth = sorted({a.region for a in fw.assignments if "avances" in a.criteria})
    assert with_fourth == ["CL-AR", "CL-RM", "CL-VS"]
    leads = {iso: sum(1 for a in fw.assignments if a.region == iso) for iso in
             {a.region for a in fw.assignments}}
    assert sorted(leads.values()) == [1, 1, 2, 2, 2, 2]  # four of the six lead two


def test_bio_bio_leads_the_whole_environment_dimension(fw: Framework) -> None:
    lead = next(a for a in fw.assignments if (a.region, a.dimension) == ("CL-BI", "medio-ambiente"))
    assert lead.subdimensions == ()
    assert lead.emphasis == ("economia-circular", "gestion-de-residuos")


def test_modernizacion_and_inclusion_are_under_fomento_productivo(fw: Framework) -> None:
    assert fw.subdimension_by_slug["modernizacion"].dimension == "fomento-productivo"
    assert fw.subdimension_by_slug["inclusion"].dimension == "fomento-productivo"
    # the former slug still resolves, to the sub-dimension in force
    assert fw.subdimension_by_slug["modernizacion-del-estado"].slug == "modernizacion"
    assert fw.subdimension_alias["modernizacion-del-estado"].dimension == "gobierno"
    assert "modernizacion-del-estado" not in {s.slug for s in fw.subdimensions}


def test_every_subdimension_says_where_it_comes_from(fw: Framework) -> None:
    kinds = {s.slug: s.provenance.kind for s in fw.subdimensions}
    assert [slug for slug, kind in kinds.items() if kind == "sin_base"] == [
        "telemedicina", "transparencia"]
    assert sum(1 for k in kinds.values() if k == "plan") == 25
    assert sum(1 for k in kinds.values() if k == "inferida") == 27
    for sub in fw.subdimensions:
        if sub.provenance.kind == "inferida":
            assert sub.provenance.note, sub.slug


def test_twenty_recommendations_in_four_groups(plan: Plan) -> None:
    groups = [r.group for r in plan.recommendations]
    assert len(plan.recommendations) == 20
    assert {g: groups.count(g) for g in dict.fromkeys(groups)} == {
        "generales": 3, "proceso": 5, "expertos": 5, "casos": 7}
    assert plan.status_counts() == {"implementada": 3, "parcial": 9, "pendiente": 8}
    assert plan.recommendations[13].slug == "datos-abiertos"


def test_three_strategy_options_and_the_chosen_one(plan: Plan) -> None:
    assert [o.slug for o in plan.options] == ["transversal", "intermedia", "local"]
    assert [len(o.pros) for o in plan.options] == [5, 6, 5]
    assert [len(o.cons) for o in plan.options] == [4, 3, 4]
    assert plan.strategy.option == "intermedia"
    assert "no nombra" in plan.strategy.option_note.es
    assert len(plan.findings) == 11
    assert [o.slug for o in plan.objectives] == [
        "calidad-de-vida", "sostenibilidad", "desarrollo-economico"]


# --- bad files --------------------------------------------------------------------------------


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    """A writable copy of the repository's schemas/."""
    shutil.copytree(default_schemas_dir(), tmp_path / "schemas")
    return tmp_path / "schemas"


BAD = [
    # (file, old, new, text on the reported line, message)
    ("plan/diagnostico.yaml", "        posicion: 6\n", "        posicion: 9\n", "posicion: 9",
     "se esperaba un número menor o igual que 7, no '9'"),
    ("plan/diagnostico.yaml", "      - dimension: gobierno\n        posicion: 7\n",
     "      - dimension: gobernanza\n        posicion: 7\n", "dimension: gobernanza",
     "dimensión desconocida 'gobernanza'"),
    ("plan/diagnostico.yaml", "      - subdimension: energia\n",
     "      - subdimension: turismo\n", "subdimension: turismo",
     "'turismo' no es un elemento habilitante"),
    ("plan/diagnostico.yaml", "        posicion: 7\n", "        posicion: 7\n        valor: destacada\n",
     "      - dimension: gobierno\n        posicion: 7", "posicion o valor"),
    ("plan/estrategia.yaml", "  opcion: intermedia\n", "  opcion: mixta\n", "opcion: mixta",
     "opción desconocida 'mixta'"),
    ("plan/estrategia.yaml", "  - slug: avances\n", "  - slug: plazos\n", "slug: plazos",
     "slug inválido 'plazos'"),
    ("plan/recomendaciones.yaml", "    estado: pendiente\n  - slug: articular-iniciativas",
     "    estado: lista\n  - slug: articular-iniciativas", "estado: lista",
     "estado inválido 'lista' (se admiten: implementada, parcial, pendiente)"),
    ("plan/recomendaciones.yaml", "      - {pagina: /tablero, etiqueta: {es: Tablero territorial, "
     "en: Territorial scoreboard}}\n  - slug: sociedad-civil",
     "      - {pagina: tablero, etiqueta: {es: Tablero territorial, "
     "en: Territorial scoreboard}}\n  - slug: sociedad-civil", "pagina: tablero",
     "pagina inválido 'tablero'"),
    ("plan/recomendaciones.yaml", "    grupo: casos\n    texto: \"Fomentar activamente la "
     "participación de startups", "    grupo: otros\n    texto: \"Fomentar activamente la "
     "participación de startups", "grupo: otros", "grupo desconocido 'otros'"),
    ("vocab/dimensiones.yaml", "          tipo: sin_base\n          nota: \"El plan no la nombra. "
     "Se conserva para no dejar huérfanas", "          tipo: plan\n          nota: \"El plan no la "
     "nombra. Se conserva para no dejar huérfanas", "tipo: plan\n          nota:",
     "falta la cita del plan (tipo plan)"),
    ("vocab/dimensiones.yaml", "tipo: sin_base\n          nota: \"El plan no la nombra. Se "
     "conserva para no dejar huérfanos", "tipo: supuesta\n          nota: \"El plan no la "
     "nombra. Se conserva para no dejar huérfanos", "tipo: supuesta",
     "tipo inválido 'supuesta' (se admiten: plan, inferida, sin_base)"),
    ("vocab/dimensiones.yaml", "{slug: modernizacion-del-estado, dimension: gobierno}",
     "{slug: modernizacion-del-estado, dimension: estado}", "dimension: estado}",
     "dimensión desconocida 'estado' en el alias"),
    ("vocab/asignaciones.yaml", "    criterios: [necesidades, activos, focos]\n    cita: \"Medio",
     "    criterios: [necesidades, activos, plazos]\n    cita: \"Medio", "plazos",
     "inválido 'plazos' (se admiten: necesidades, activos, focos, avances)"),
    ("vocab/asignaciones.yaml", "    enfasis: [economia-circular, gestion-de-residuos]\n",
     "    enfasis: [economia-circular, turismo]\n", "enfasis: [economia-circular, turismo]",
     "'turismo' no es una subdimensión de 'medio-ambiente'"),
]


def _line_of(path: Path, anchor: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, anchor
    return text[: text.index(anchor)].count("\n") + 1


@pytest.mark.parametrize(("name", "old", "new", "anchor", "message"), BAD)
def test_a_bad_plan_entry_is_refused_with_file_and_line(
    schemas: Path, name: str, old: str, new: str, anchor: str, message: str
) -> None:
    path = schemas / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")

    with pytest.raises(DataFileError) as caught:
        load_plan(schemas, fw=load_framework(schemas))

    error = caught.value
    assert message in error.message
    assert (error.path.name, error.line) == (path.name, _line_of(path, anchor))
