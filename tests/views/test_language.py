"""Spanish everywhere on the Spanish site, English everywhere on /en/: every page of ours (each
GET page our blueprints register, with real slugs, codes and names) and ckanext-harvest's
pages, read as a person reads them, hold no tell-tale word of the other language. Proper
names and the catalogue's own content (titles, descriptions: data, not interface) are allowed."""
from __future__ import annotations

import json
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import territorial_schemas
from language_pages import other_language, spoken_text

from ckanext.territorio import current

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
]

# Our GET endpoints that answer something other than an HTML page.
NOT_PAGES = {
    "territorio_developers.openapi_json",
    "territorio_timeseries.readings_csv",
    "territorio_timeseries.stream",
    "territorio_quality.region_pdf",
    "territorio_scoreboard.badge",
    "territorio_framework.concept_scheme",
}
HARVEST_PAGES = (
    "/harvest",
    "/harvest/new",
    "/harvest/{source}",
    "/harvest/about/{source}",
    "/harvest/admin/{source}",
    "/harvest/edit/{source}",
    "/harvest/{source}/job",
    "/harvest/{source}/job/last",
)
# CKAN pages of ours through scheming and our templates: search, dataset, resource, initiative.
CORE_PAGES = (
    "/",
    "/about",
    "/dataset",
    "/dataset/aire-temuco",
    "/dataset/{resource_page}",
    "/datastore/api_info/{resource_id}",  # the resource's "API de datos" dialog
    "/dataset/new",
    "/dataset/edit/aire-temuco",
    "/iniciativa",
    "/iniciativa/rm-bicicletas-compartidas",
    "/organization",
    "/organization/municipalidad-de-temuco",
)
ALWAYS_ALLOWED = (
    "Territorio Inteligente",
    "CKAN Association",
    "CKAN",
    "DCAT",
    "español",
    "English",
    "Open Data",  # the Open Definition badge in the footer
    "Open Data Commons Public Domain Dedication and Licence (PDDL)",  # a licence's name
)


@pytest.fixture
def site(app, catalog) -> dict[str, Any]:
    """The page catalogue plus a sysadmin and a harvest source with one finished job."""
    from ckanext.harvest.model import HarvestJob, HarvestSource

    admin = factories.Sysadmin(name="admin-portal")
    temuco = call_action("organization_show", id="municipalidad-de-temuco")
    source = call_action(
        "harvest_source_create",
        context={"user": admin["name"]},
        name="catalogo-temuco",
        title="Catálogo municipal de Temuco",
        url="http://catalogo.temuco.example/",
        source_type="ckan",
        owner_org=temuco["id"],
        config=json.dumps({"region": ["CL-AR"], "comuna": ["09101"]}),
    )
    HarvestJob(source=HarvestSource.get(source["id"]), status="Finished").save()
    dataset = call_action("package_show", id="aire-temuco")
    resource_id = dataset["resources"][0]["id"]
    call_action(
        "datastore_create", context={"user": admin["name"]}, resource_id=resource_id, force=True,
        fields=[{"id": "comuna", "type": "text"}, {"id": "mp25", "type": "numeric"}],
        records=[{"comuna": "Temuco", "mp25": 41.5}],
    )
    # a data request (/solicitudes/<id>) addressed to Temuco, with a comment
    data_request = call_action(
        "territorio_request_create", context={"user": admin["name"]},
        title="Ciclovías de Temuco", description="Trazado y estado.",
        organization="municipalidad-de-temuco", dimension=["movilidad"], region=["CL-AR"],
    )
    call_action("territorio_request_comment", context={"user": admin["name"]},
                id=data_request["id"], text="Muy útil.")
    return {
        "headers": {"Authorization": factories.APIToken(user=admin["name"])["token"]},
        "request_id": data_request["id"],
        "source": source,
        "resource_page": f"aire-temuco/resource/{resource_id}",
        "resource_id": resource_id,
        "allowed": _allowed_names(admin),
    }


def _allowed_names(admin: dict[str, Any]) -> list[str]:
    """Proper names and the catalogue's content: what no catalogue translates."""
    fw = current.framework()
    names = [*ALWAYS_ALLOWED, admin["name"], admin.get("fullname") or ""]
    for region in fw.regions:
        names += [region.name, region.official_name, region.capital, *(p.name for p in region.provinces)]
    names += [comuna.name for comuna in fw.comunas]
    for kind in ("package_search",):
        for dataset in call_action(kind, q="*:*", rows=1000, include_private=True,
                                   fq="dataset_type:(dataset OR iniciativa)")["results"]:
            names += [dataset["title"], dataset.get("notes") or "", dataset.get("contact_name") or ""]
            names += list(dataset.get("partners") or [])
            names += [r.get("name") or "" for r in dataset.get("resources", [])]
            names += [(dataset.get("organization") or {}).get("title", "")]
    for org in call_action("organization_list", all_fields=True):
        names += [org["title"], org.get("description") or ""]
    # licence titles are the licences' own names (CKAN translates the generic ones)
    names += [licence["title"] for licence in call_action("license_list")]
    names += ["Catálogo municipal de Temuco", "catalogo-temuco"]
    names += ["Ciclovías de Temuco", "Trazado y estado.", "Muy útil."]  # the data request's texts
    return names


def our_pages(app, site) -> list[str]:
    """Every GET page our blueprints register, with real values for its parameters."""
    fw = current.framework()
    values = {
        "slug": [d.slug for d in fw.dimensions if not d.cross_cutting],
        "iso": [r.iso for r in fw.regions],
        "name": ["municipalidad-de-temuco"],
        "dataset_id": ["aire-temuco"],  # the report form (/dataset/<dataset_id>/reportar)
        # the SKOS concept pages (/framework/<kind>/<value>)
        "path": ["dimension/movilidad", "region/CL-AR", "tipo/iniciativa"],
        # a data request (/solicitudes/<id>)
        "id": [site["request_id"]],
    }
    pages = []
    for rule in app.flask_app.url_map.iter_rules():
        if not rule.endpoint.startswith("territorio_") or "GET" not in rule.methods:
            continue
        if rule.endpoint in NOT_PAGES:
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"{rule.rule}: no test value for {unknown} (add it, or to NOT_PAGES)"
        if not rule.arguments:
            pages.append(rule.rule)
            continue
        (argument,) = rule.arguments
        placeholder = next(part for part in ("<path:path>", f"<{argument}>") if part in rule.rule)
        pages += [rule.rule.replace(placeholder, value) for value in values[argument]]
    pages += [page.format(resource_page=site["resource_page"], resource_id=site["resource_id"]) for page in CORE_PAGES]
    pages += [page.format(source=site["source"]["name"]) for page in HARVEST_PAGES]
    return sorted(set(pages))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_page_speaks_the_sites_language(app, site, lang):
    problems = {}
    prefix = "" if lang == "es" else "/en"
    for page in our_pages(app, site):
        response = app.get(prefix + page, headers=site["headers"], status=None)
        if response.status_code != 200:
            problems[prefix + page] = [f"status {response.status_code}"]
            continue
        found = other_language(spoken_text(response.body, lang), lang, site["allowed"])
        if found:
            problems[prefix + page] = found
    assert not problems, "\n".join(f"{page}: {found}" for page, each in problems.items() for found in each)


def test_the_walk_covers_our_pages_and_the_harvest_pages(app, site):
    pages = our_pages(app, site)
    assert {"/tablero", "/matriz", "/dimension/movilidad", "/region/CL-AR", "/calidad"} <= set(pages)
    assert {"/solicitudes", "/solicitudes/nueva", "/solicitudes/bandeja", f"/solicitudes/{site['request_id']}"} <= set(pages)
    assert "/harvest/catalogo-temuco" in pages and "/harvest/new" in pages
    assert len([p for p in pages if p.startswith("/region/")]) == 16
