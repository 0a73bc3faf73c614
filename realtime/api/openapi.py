"""GET /api/v1/openapi.json: OpenAPI 3.1 built from the mounted routes and their pydantic models."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from realtime.api.core import API_CACHE, API_PREFIX, API_ROUTES, ApiRoute, ApiRoutes, json_ok
from realtime.api.schemas import ErrorOut

routes = ApiRoutes(tag="meta")
_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{(\w+)}")


def _models(specs: list[ApiRoute]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(ErrorOut, "serialization"): None}
    for spec in specs:
        for model, mode in ((spec.body, "validation"), (spec.query, "validation"),
                            (spec.response, "serialization")):
            if model is not None:
                wanted[(model, mode)] = None  # type: ignore[index]
    return list(wanted)


def _query_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: drop the null branch of optionals."""
    schema = {k: v for k, v in schema.items() if not (k == "default" and v is None)}
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if "anyOf" in schema and len(options) == 1:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**options[0], **rest}
    return schema


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": _REF.format(model="ErrorOut")}}}}


def _operation(spec: ApiRoute, refs: dict[Any, Any], components: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
        for name in _PATH_PARAM.findall(spec.path)]
    if spec.query is not None:
        query_def = components[refs[(spec.query, "validation")]["$ref"].rsplit("/", 1)[1]]
        required = set(query_def.get("required", []))
        for name, schema in query_def.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "required": name in required,
                               "schema": _query_schema(schema)})
    success: dict[str, Any] = {"description": "success"}
    if spec.response is not None:
        success["content"] = {"application/json": {"schema": refs[(spec.response,
                                                                   "serialization")]}}
    responses: dict[str, Any] = {str(spec.status): success, "400": _error("invalid input"),
                                 "404": _error("not found"), "429": _error("rate limited")}
    if spec.auth != "none":
        responses["401"] = _error("missing or invalid bearer token")
        responses["403"] = _error("not allowed, or the account is banned")
    if spec.method != "GET":
        responses["409"] = _error("conflict or invalid state transition")
    operation: dict[str, Any] = {
        "operationId": f"{spec.tag}_{spec.handler.__name__}", "summary": spec.summary,
        "tags": [spec.tag], "parameters": parameters, "responses": responses}
    if spec.body is not None:
        responses["413"] = _error("body too large")
        operation["requestBody"] = {"required": spec.body_required, "content": {
            "application/json": {"schema": refs[(spec.body, "validation")]}}}
    if spec.auth == "required":
        operation["security"] = [{"bearerAuth": []}]
    elif spec.auth == "optional":
        operation["security"] = [{}, {"bearerAuth": []}]
    return operation


def build_openapi(specs: list[ApiRoute]) -> dict[str, Any]:
    refs, top = models_json_schema(_models(specs), ref_template=_REF)
    components = top.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "OpenChance API", "version": "1.0.0",
                 "description": "Challenges, applications, escrow, conversations, moderation. "
                                "Money is {amount, currency} in minor units; times are UTC."},
        "servers": [{"url": API_PREFIX}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"}}},
    }


@routes.get("/openapi.json", auth="none")
async def openapi_json(request: web.Request) -> web.Response:
    """This API described in OpenAPI 3.1."""
    api = request.app
    cache = api[API_CACHE]
    if "openapi" not in cache:  # built on first use, once every module has added its routes
        cache["openapi"] = build_openapi(api[API_ROUTES])
    return json_ok(cache["openapi"])
