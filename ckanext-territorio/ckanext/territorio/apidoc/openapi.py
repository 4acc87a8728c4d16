"""The OpenAPI 3.1 document of the portal's own actions, built from ``schemas/openapi.yaml``.

Each entry of the file's ``actions`` becomes ``POST /api/3/action/<name>`` (a JSON body) and,
for reads, ``GET`` with the same parameters in the query string, both answering CKAN's
envelope. Free of Flask and of the action layer: the view passes the site's address.
"""
from __future__ import annotations

import copy
import functools
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

FILE = "openapi.yaml"
ACTION_PATH = "/api/3/action/{name}"
# CKAN's answers to a call of an action, besides the success
ERROR_RESPONSES = {
    "400": "BadRequest",
    "403": "NotAuthorized",
    "404": "NotFound",
    "409": "ValidationError",
}


class SourceError(ValueError):
    """schemas/openapi.yaml is not what the builder reads (names the file and the entry)."""


def _version() -> str:
    try:
        return metadata.version("ckanext-territorio")
    except metadata.PackageNotFoundError:
        return "0"


@functools.lru_cache(maxsize=4)
def _source(path: Path, mtime: float) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("actions"), dict):
        raise SourceError(f"{path}: falta la sección 'actions'")
    for name, action in data["actions"].items():
        if not isinstance(action, dict) or not isinstance(action.get("parameters", {}), dict):
            raise SourceError(f"{path}: la acción {name} no tiene 'parameters' como mapa")
        unknown = set(action.get("required", ())) - set(action.get("parameters", {}))
        if unknown:
            raise SourceError(f"{path}: la acción {name} exige parámetros que no declara: {sorted(unknown)}")
    return data


def source(schemas_dir: Path) -> dict[str, Any]:
    """The parsed source file (re-read when it changes)."""
    path = Path(schemas_dir) / FILE
    return _source(path, path.stat().st_mtime)


def _envelope(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["success", "result"],
        "properties": {
            "help": {"type": "string", "description": "The address of the action's help."},
            "success": {"const": True},
            "result": result,
        },
    }


def _responses(result: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "The action's result in CKAN's envelope.",
            "content": {"application/json": {"schema": _envelope(result)}},
        }
    }
    for status, name in ERROR_RESPONSES.items():
        responses[status] = {"$ref": f"#/components/responses/{name}"}
    return responses


def _query_parameter(name: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    description = schema.pop("description", None)
    schema.pop("examples", None)
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": required, "schema": schema}
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    if description:
        parameter["description"] = description
    return parameter


def _operations(name: str, action: dict[str, Any]) -> dict[str, Any]:
    parameters = action.get("parameters") or {}
    required = list(action.get("required") or ())
    common = {
        "tags": [action["tag"]] if action.get("tag") else [],
        "summary": action.get("summary", name),
        "description": action.get("description", ""),
        "responses": _responses(action.get("result") or {"type": "object"}),
        "x-territorio-auth": action.get("auth", "public"),
    }
    if action.get("auth", "public") != "public":
        common["security"] = [{"apiToken": []}]
    else:
        common["security"] = [{}, {"apiToken": []}]
    body_schema: dict[str, Any] = {
        "type": "object",
        "properties": copy.deepcopy(parameters),
    }
    if required:
        body_schema["required"] = required
    item: dict[str, Any] = {
        "post": {
            **copy.deepcopy(common),
            "operationId": f"{name}_post" if action.get("read") else name,
            "requestBody": {
                "required": bool(required),
                "content": {"application/json": {"schema": body_schema}},
            },
        }
    }
    if action.get("read"):
        item["get"] = {
            **copy.deepcopy(common),
            "operationId": name,
            "parameters": [
                _query_parameter(key, schema, key in required) for key, schema in parameters.items()
            ],
        }
    return item


def document(schemas_dir: Path, site_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, its server the portal at ``site_url``."""
    data = source(schemas_dir)
    paths: dict[str, Any] = {}
    for name in sorted(data["actions"]):
        paths[ACTION_PATH.format(name=name)] = _operations(name, data["actions"][name])
    paths.update(copy.deepcopy(data.get("paths") or {}))
    info = {**copy.deepcopy(data.get("info") or {}), "version": _version()}
    info.setdefault("title", "Territorio Inteligente")
    return {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": site_url.rstrip("/") or "/", "description": "This portal"}],
        "tags": copy.deepcopy(data.get("tags") or []),
        "paths": paths,
        "components": copy.deepcopy(data.get("components") or {}),
    }


def documented_actions(schemas_dir: Path) -> list[str]:
    """The names of the actions the source file describes."""
    return sorted(source(schemas_dir)["actions"])
