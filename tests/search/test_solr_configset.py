"""The Solr 9 configset in deploy/solr keeps CKAN's schema and analyses Spanish.

No Solr can be installed where these tests run, so they check statically what
Solr and CKAN check when a core loads; the last test runs the text analysis
chain through Lucene itself when Debian's Lucene jars are installed.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as ET
import pytest
from ckan.lib.search import SUPPORTED_SCHEMA_VERSIONS

from ckanext.territorio.search import analysis

_SOLR_DIR = Path(__file__).resolve().parents[2] / "deploy" / "solr"
_CONF = _SOLR_DIR / "configsets" / "territorio" / "conf"
_TEXT_TYPES = ("text", "text_general")
_SPANISH_CHAIN = [
    "solr.LowerCaseFilterFactory",
    "solr.ASCIIFoldingFilterFactory",
    "solr.StopFilterFactory",
    "solr.SpanishLightStemFilterFactory",
]
_LIST_FIELDS = ("dimension", "subdimension", "region", "comuna")
_SINGLE_FIELDS = ("frequency", "personal_data")


def _parse(path: Path) -> Element:
    root = ET.parse(path).getroot()
    assert root is not None, f"{path} is empty"
    return root


@functools.cache
def _schema() -> Element:
    return _parse(_CONF / "schema.xml")


@functools.cache
def _ckan_schema() -> Element:
    text = resources.files("ckan").joinpath("config/solr/schema.xml").read_bytes()
    return ET.fromstring(text)


@functools.cache
def _solrconfig() -> Element:
    return _parse(_CONF / "solrconfig.xml")


def _declared(root: Element, tag: str) -> dict[str, Element]:
    return {el.attrib["name"]: el for el in root.iter(tag)}


def _field_types(root: Element) -> dict[str, Element]:
    # Solr accepts both spellings; CKAN's schema uses both.
    return _declared(root, "fieldType") | _declared(root, "fieldtype")


def _copy_fields(root: Element) -> set[tuple[str, str]]:
    return {(el.attrib["source"], el.attrib["dest"]) for el in root.iter("copyField")}


def _analyzer(field_type: Element, kind: str) -> Element:
    """The analyzer Solr uses at ``kind`` ("index"/"query") time."""
    analyzers = field_type.findall("analyzer")
    typed = [a for a in analyzers if a.get("type") == kind]
    shared = [a for a in analyzers if a.get("type") is None]
    found = typed or shared
    assert len(found) == 1, f"{field_type.get('name')} has no single {kind} analyzer"
    return found[0]


def _property_default(value: str) -> str:
    """``${solr.autoCommit.maxTime:15000}`` -> ``15000``."""
    match = re.fullmatch(r"\$\{[^:}]+:([^}]*)\}", value.strip())
    return match.group(1) if match else value.strip()


def _snowball_words(path: Path) -> list[str]:
    """Words of a Snowball-format list: ``|`` starts a comment."""
    words: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        words.extend(line.split("|", 1)[0].split())
    return words


def _matches(pattern: str, name: str) -> bool:
    """Solr's dynamicField glob: one leading or trailing ``*``."""
    if pattern.startswith("*"):
        return name.endswith(pattern[1:])
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return name == pattern


def test_schema_name_is_the_ckan_version_check_accepts() -> None:
    name = _schema().attrib["name"]

    assert name == _ckan_schema().attrib["name"] == "ckan-2.12"
    assert name.split("-", 1)[1] in SUPPORTED_SCHEMA_VERSIONS


def test_unique_key_is_ckan_index_id() -> None:
    unique_key = _schema().find("uniqueKey")

    assert unique_key is not None
    assert unique_key.text == "index_id"
    assert _declared(_schema(), "field")["index_id"].get("required") == "true"


def test_every_field_of_ckan_schema_keeps_its_name_and_type() -> None:
    for tag in ("field", "dynamicField"):
        ours = _declared(_schema(), tag)
        for name, ckan_field in _declared(_ckan_schema(), tag).items():
            assert name in ours, f"{tag} {name} of CKAN's schema is missing"
            assert ours[name].get("type") == ckan_field.get("type"), name
            assert ours[name].get("multiValued") == ckan_field.get("multiValued"), name


def test_every_copy_field_of_ckan_schema_is_kept() -> None:
    missing = _copy_fields(_ckan_schema()) - _copy_fields(_schema())

    assert not missing
    assert ("notes", "text") in _copy_fields(_schema())


def test_every_referenced_type_and_copy_destination_exists() -> None:
    """What Solr checks when it loads the core, or it refuses to start it."""
    schema = _schema()
    types = _field_types(schema)
    fields = _declared(schema, "field")
    dynamic = _declared(schema, "dynamicField")

    for name, field in (fields | dynamic).items():
        assert field.get("type") in types, f"{name} uses an undefined type"
    for source, dest in _copy_fields(schema):
        assert dest in fields or any(_matches(p, dest) for p in dynamic if p != "*"), (
            f"copyField {source} -> {dest} has no destination field"
        )


@pytest.mark.parametrize("type_name", _TEXT_TYPES)
@pytest.mark.parametrize("kind", ["index", "query"])
def test_text_types_fold_drop_stop_words_and_stem_spanish(
    type_name: str, kind: str
) -> None:
    analyzer = _analyzer(_field_types(_schema())[type_name], kind)
    tokenizer = analyzer.find("tokenizer")
    filters = analyzer.findall("filter")
    by_class = {f.attrib["class"]: f for f in filters}

    assert tokenizer is not None
    assert tokenizer.get("class") == "solr.StandardTokenizerFactory"
    # Order matters: stop words are listed folded, and the stemmer sees no accents.
    assert [f.attrib["class"] for f in filters] == _SPANISH_CHAIN
    assert by_class["solr.ASCIIFoldingFilterFactory"].get("preserveOriginal") == "false"
    stop = by_class["solr.StopFilterFactory"]
    assert stop.get("words") == "stopwords_es.txt"
    assert stop.get("format") == "snowball"
    assert "de" in _snowball_words(_CONF / stop.attrib["words"])


def test_text_types_use_one_chain_at_index_and_query_time() -> None:
    for type_name in _TEXT_TYPES:
        field_type = _field_types(_schema())[type_name]
        index, query = _analyzer(field_type, "index"), _analyzer(field_type, "query")

        assert ET.tostring(index) == ET.tostring(query)
        assert "Porter" not in ET.tostring(index, encoding="unicode")


def test_spanish_stop_words_are_those_of_the_postgres_backend() -> None:
    words = _snowball_words(_CONF / "stopwords_es.txt")

    assert set(words) == analysis.stopwords()
    assert len(words) == len(set(words))
    assert {"de", "la", "que", "mas", "esta"} <= set(words)
    # They are matched after ASCII folding, so an accented entry never would be.
    assert all(w.isascii() and w == w.lower() for w in words)


@pytest.mark.parametrize("name", _LIST_FIELDS + _SINGLE_FIELDS)
def test_territorial_field_is_an_indexed_stored_string(name: str) -> None:
    field = _declared(_schema(), "field")[name]

    assert field.get("type") == "string"
    assert field.get("indexed") == "true"
    assert field.get("stored") == "true"
    expected = "true" if name in _LIST_FIELDS else "false"
    assert field.get("multiValued") == expected


def test_spatial_geom_is_a_jts_prefix_tree_field() -> None:
    field = _declared(_schema(), "field")["spatial_geom"]
    field_type = _field_types(_schema())[field.attrib["type"]]

    assert field.get("indexed") == "true"
    # ckanext-spatial sends a list of WKT shapes for a GeometryCollection.
    assert field.get("multiValued") == "true"
    assert field_type.get("class") == "solr.SpatialRecursivePrefixTreeFieldType"
    assert field_type.get("spatialContextFactory") == "JTS"


def test_solrconfig_targets_solr_9_with_the_classic_schema() -> None:
    config = _solrconfig()
    schema_factory = config.find("schemaFactory")

    assert (config.findtext("luceneMatchVersion") or "").startswith("9.")
    assert schema_factory is not None
    assert schema_factory.get("class") == "ClassicIndexSchemaFactory"
    assert (_CONF / "schema.xml").is_file()
    assert not list(_CONF.glob("managed-schema*"))
    assert config.find("lib") is None


def test_solrconfig_select_searches_ckan_text_and_update_is_declared() -> None:
    handlers = _declared(_solrconfig(), "requestHandler")
    select = handlers["/select"]
    defaults = {
        el.get("name"): el.text for el in select.iterfind("./lst[@name='defaults']/*")
    }

    assert select.get("class") == "solr.SearchHandler"
    assert defaults["df"] == "text"
    assert handlers["/update"].get("class") == "solr.UpdateRequestHandler"


def test_solrconfig_commits_hard_every_15s_and_soft_every_second() -> None:
    handler = _solrconfig().find("updateHandler")
    assert handler is not None

    hard = handler.find("autoCommit")
    soft = handler.find("autoSoftCommit")
    assert hard is not None and soft is not None
    assert _property_default(hard.findtext("maxTime", "")) == "15000"
    assert hard.findtext("openSearcher") == "false"
    assert _property_default(soft.findtext("maxTime", "")) == "1000"


_LUCENE_JARS = [
    sorted(Path("/usr/share/java").glob(pattern))
    for pattern in ("lucene-core-[0-9]*.jar", "lucene-analyzers-common-[0-9]*.jar")
]

# Domain phrases on which both engines must agree term for term.
_PHRASES = [
    "Contaminación del aire en Ñuble",
    "Calidad del Aire y CONTAMINACIONES en la Región del Biobío",
    "Gestión de residuos, reciclaje y economía circular en Concepción",
    "Telegestión de luminarias: más luces, menos consumo",
    "Listas de espera y cobertura de especialistas en Chillán",
    "Transporte público integrado y electromovilidad en Santiago 13101",
    "Campamentos y tomas; vivienda, áreas verdes y espacios públicos",
    "Participación ciudadana y datos abiertos del gobierno regional",
]


@pytest.mark.skipif(
    shutil.which("javac") is None or not all(_LUCENE_JARS),
    reason="needs a JDK and Debian's liblucene8-java (apt-get install liblucene8-java)",
)
def test_lucene_analyses_text_like_the_postgres_backend() -> None:
    analyzer = _analyzer(_field_types(_schema())["text"], "query")
    spec = []
    for el in analyzer:
        name = re.sub(
            r"(Tokenizer|Filter)Factory$", "", el.attrib["class"].removeprefix("solr.")
        )
        params = [f"{k}={v}" for k, v in el.attrib.items() if k != "class"]
        spec.append(":".join([el.tag, name, *params]))
    classpath = ":".join(str(jars[-1]) for jars in _LUCENE_JARS)

    result = subprocess.run(
        [
            "java",
            "-cp",
            classpath,
            str(_SOLR_DIR / "tools" / "LuceneAnalyze.java"),
            str(_CONF),
            *spec,
        ],
        input="\n".join(_PHRASES) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    lucene = [line.split() for line in result.stdout.splitlines()]

    assert lucene[0] == ["contaminacion", "aire", "nubl"]
    assert lucene == [analysis.analyze(phrase) for phrase in _PHRASES]
