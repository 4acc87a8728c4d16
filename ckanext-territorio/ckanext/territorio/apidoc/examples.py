"""The developer guide's examples (curl, ckanapi, Python, JavaScript) for a given portal.

Plain text built from the names the view found in the catalogue (``ex``): the same commands
on the Spanish and the English page, which only differ in their prose.
"""
from __future__ import annotations

import shlex
from typing import Any


def _q(value: str) -> str:
    return shlex.quote(value)


def snippets(ex: dict[str, Any]) -> dict[str, str]:
    """Every example of the guide by key, ready for a ``<pre>`` block."""
    site, api = ex["site_url"], ex["api"]
    dataset, org, sensor = ex["dataset"], ex["organization"], ex["sensor"]
    region, comuna, dimension, resource = ex["region"], ex["comuna"], ex["dimension"], ex["resource_id"]
    return {
        "status": f"curl {_q(api + '/status_show')}",
        "search_curl": "\n".join([
            f"curl -G {_q(api + '/package_search')} \\",
            f"  --data-urlencode {_q('fq=region:' + region + ' AND dimension:' + dimension)} \\",
            "  --data-urlencode 'facet.field=[\"region\",\"comuna\",\"dimension\",\"subdimension\"]' \\",
            "  --data-urlencode 'rows=10' --data-urlencode 'start=0'",
        ]),
        "search_comuna": "\n".join([
            f"curl -G {_q(api + '/package_search')} \\",
            f"  --data-urlencode {_q('q=calidad del aire')} \\",
            f"  --data-urlencode {_q('fq=comuna:' + comuna)} \\",
            "  --data-urlencode 'sort=metadata_modified desc'",
        ]),
        "search_ckanapi": "\n".join([
            f"ckanapi action package_search -r {_q(site)} \\",
            f"  {_q('fq=region:' + region)} rows:10 \\",
            "  'facet.field:[\"region\",\"comuna\",\"dimension\"]'",
        ]),
        "search_python": "\n".join([
            "from ckanapi import RemoteCKAN",
            "",
            f'portal = RemoteCKAN("{site}", user_agent="mi-app/1.0")',
            "result = portal.call_action(\"package_search\", {",
            f'    "fq": "region:{region} AND dimension:{dimension}",',
            '    "facet.field": ["region", "comuna", "dimension"],',
            '    "rows": 100, "start": 0,',
            "})",
            'print(result["count"], [d["name"] for d in result["results"]])',
            'print(result["search_facets"]["comuna"]["items"][:5])',
        ]),
        "search_paging": "\n".join([
            "start = 0",
            "while True:",
            "    page = portal.call_action(\"package_search\", {",
            f'        "fq": "region:{region}", "rows": 100, "start": start,',
            '        "sort": "name asc",',
            "    })",
            '    for dataset in page["results"]:',
            '        print(dataset["name"])',
            "    start += 100",
            '    if start >= page["count"]:',
            "        break",
        ]),
        "dataset_show": f"ckanapi action package_show -r {_q(site)} id={_q(dataset)}",
        "organization": f"curl -G {_q(api + '/organization_show')} -d id={_q(org)} -d include_datasets=true",
        "datastore_curl": "\n".join([
            f"curl -G {_q(api + '/datastore_search')} \\",
            f"  --data-urlencode {_q('resource_id=' + resource)} \\",
            "  --data-urlencode 'limit=5' --data-urlencode 'offset=0'",
        ]),
        "datastore_filters": "\n".join([
            f"curl -X POST {_q(api + '/datastore_search')} \\",
            "  -H 'Content-Type: application/json' \\",
            f"  -d '{{\"resource_id\": \"{resource}\", \"q\": \"Temuco\", \"sort\": \"_id desc\", \"limit\": 100}}'",
        ]),
        "datastore_ckanapi": (
            f"ckanapi action datastore_search -r {_q(site)} resource_id={_q(resource)} limit:100"
        ),
        "framework": f"curl -G {_q(api + '/territorio_framework_show')} -d region={_q(region)} -d include_comunas=false",
        "framework_ckanapi": f"ckanapi action territorio_framework_show -r {_q(site)} dimension={_q(dimension)}",
        "plan": f"curl -G {_q(api + '/territorio_plan_show')} -d region={_q(region)}",
        "quality_show": f"curl -G {_q(api + '/territorio_quality_show')} -d id={_q(dataset)}",
        "quality_summary": "\n".join([
            f"curl -G {_q(api + '/territorio_quality_summary')} \\",
            f"  -d group_by=comuna -d region={_q(region)} -d worst=5",
        ]),
        "quality_trend": f"ckanapi action territorio_quality_trend -r {_q(site)} organization={_q(org)}",
        "validation_show": f"curl -G {_q(api + '/territorio_validation_show')} -d package_id={_q(dataset)}",
        "validation_run": "\n".join([
            f"curl -X POST {_q(api + '/territorio_validation_run')} \\",
            "  -H \"Authorization: $CKAN_API_TOKEN\" -H 'Content-Type: application/json' \\",
            f"  -d '{{\"resource_id\": \"{resource}\"}}'",
        ]),
        "readings": "\n".join([
            f"curl -G {_q(api + '/territorio_readings')} \\",
            f"  -d id={_q(sensor)} -d from=2026-11-01 -d to=2026-11-08 \\",
            "  -d aggregate=hour -d limit=1000",
        ]),
        "readings_next": "\n".join([
            "cursor = None",
            "while True:",
            f'    page = portal.call_action("territorio_readings", {{"id": "{sensor}", "aggregate": "day",',
            '                                  **({"cursor": cursor} if cursor else {})})',
            '    for reading in page["records"]:',
            '        print(reading["station"], reading["variable"], reading["observed_at"], reading["value"])',
            '    cursor = page["next"]',
            "    if cursor is None:",
            "        break",
        ]),
        "latest": f"curl -G {_q(api + '/territorio_latest')} -d region={_q(region)} -d format=geojson",
        "readings_csv": "\n".join([
            "curl -sS -D headers.txt -o mediciones.csv \\",
            f"  {_q(site + '/api/territorio/readings.csv?id=' + sensor + '&aggregate=day&limit=10000')}",
            "grep -i '^link:' headers.txt   # la página siguiente / the next page: rel=\"next\"",
        ]),
        "stream_curl": f"curl -N {_q(site + '/api/territorio/stream/' + sensor)}",
        "stream_js": "\n".join([
            f'const source = new EventSource("{site}/api/territorio/stream/{sensor}");',
            "source.onmessage = (event) => {",
            "  const reading = JSON.parse(event.data);",
            "  console.log(reading.station, reading.variable, reading.value);",
            "};",
            "// EventSource reconnects by itself and sends Last-Event-ID",
        ]),
        "dcat_catalog": f"curl -sS {_q(site + '/catalog.ttl?page=1')}",
        "dcat_paging": "\n".join([
            f"curl -sS {_q(site + '/catalog.jsonld?page=2')}",
            f"curl -sS {_q(site + '/catalog.ttl?modified_since=2026-01-01&q=region:' + region)}",
        ]),
        "dcat_dataset": f"curl -sS {_q(site + '/dataset/' + dataset + '.ttl')}",
        "dcat_negotiation": f"curl -sS -H 'Accept: text/turtle' {_q(site + '/dataset/' + dataset)}",
        "dcat_concept": "\n".join([
            f"curl -sS -H 'Accept: text/turtle' {_q(site + '/framework/dimension/' + dimension)}",
            f"curl -sS {_q(site + '/framework/tipo/iniciativa.jsonld')}",
        ]),
        "openapi": f"curl -sS {_q(ex['openapi_url'])} | python3 -m json.tool | head",
        "token": "\n".join([
            "export CKAN_API_TOKEN=...   # " + "/user/<usuario>/api-tokens",
            f"curl -X POST {_q(api + '/package_patch')} \\",
            "  -H \"Authorization: $CKAN_API_TOKEN\" -H 'Content-Type: application/json' \\",
            f"  -d '{{\"id\": \"{dataset}\", \"frequency\": \"MONTHLY\"}}'",
        ]),
    }
