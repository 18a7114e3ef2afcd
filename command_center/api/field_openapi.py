"""The OpenAPI 3 description of the field endpoints (served at ``/field/v1/openapi.json``)."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "description": "错误 / error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
}
_TIME = {"type": "string", "format": "date-time", "example": "2026-12-06T08:30:00+08:00"}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "网格员移动端接口 / Grid workers' field endpoints",
        "version": "1",
        "description": (
            "A grid worker's phone sends daily check-ins (报平安), patrols (巡查) and reports "
            "(上报事件). Each request carries the worker's token (Authorization: Bearer ccf_…, "
            "issued by `command-center fieldtoken issue CODE`). Every record has a client_id the "
            "phone chooses (a UUID): send it again after a timeout and it is answered "
            "`duplicate`, never stored twice. Records may be sent late (up to 365 days) and in "
            "any order; one a day counts as a check-in. A request is all-or-nothing: one bad "
            "record refuses it (400) and nothing is stored. Errors are "
            '[{"code": 400, "description": "中文 / English"}].'
        ),
    },
    "servers": [{"url": "/field/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "integer"},
                        "description": {"type": "string"},
                    },
                },
            },
            "CheckIn": {
                "type": "object",
                "required": ["type", "client_id", "at"],
                "properties": {
                    "type": {"type": "string", "enum": ["check_in"]},
                    "client_id": {
                        "type": "string",
                        "pattern": "^[A-Za-z0-9][A-Za-z0-9_.:-]{7,63}$",
                    },
                    "at": _TIME,
                    "lon": {"type": "number", "description": "GCJ-02"},
                    "lat": {"type": "number", "description": "GCJ-02"},
                    "note": {"type": "string", "maxLength": 500},
                },
            },
            "Patrol": {
                "type": "object",
                "required": ["type", "client_id", "started_at"],
                "properties": {
                    "type": {"type": "string", "enum": ["patrol"]},
                    "client_id": {"type": "string"},
                    "started_at": _TIME,
                    "ended_at": _TIME,
                    "distance_km": {"type": "number", "minimum": 0, "maximum": 500},
                    "track": {
                        "type": "array",
                        "maxItems": 5000,
                        "items": {"type": "array", "items": {"type": "number"}, "minItems": 2},
                    },
                    "findings": {"type": "integer", "minimum": 0},
                    "note": {"type": "string", "maxLength": 500},
                },
            },
            "Report": {
                "type": "object",
                "required": ["type", "client_id", "at"],
                "properties": {
                    "type": {"type": "string", "enum": ["report"]},
                    "client_id": {"type": "string"},
                    "at": _TIME,
                    "category_code": {"type": "string"},
                    "title": {"type": "string", "maxLength": 200},
                    "description": {"type": "string", "maxLength": 4000},
                    "address": {"type": "string", "maxLength": 200},
                    "lon": {"type": "number"},
                    "lat": {"type": "number"},
                },
            },
            "Record": {
                "oneOf": [
                    {"$ref": "#/components/schemas/CheckIn"},
                    {"$ref": "#/components/schemas/Patrol"},
                    {"$ref": "#/components/schemas/Report"},
                ],
                "discriminator": {"propertyName": "type"},
            },
            "Answer": {
                "type": "object",
                "properties": {
                    "stored": {"type": "integer"},
                    "duplicates": {"type": "integer"},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "client_id": {"type": "string"},
                                "type": {"type": "string"},
                                "status": {"type": "string", "enum": ["stored", "duplicate"]},
                                "number": {"type": "string", "description": "incident number"},
                            },
                        },
                    },
                },
            },
        },
    },
    "security": [{"bearer": []}],
    "paths": {
        "/records": {
            "post": {
                "summary": "Send one record, an array, or {records: [...]} (≤ 1000, ≤ 1 MiB)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/Record"},
                                    {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Record"},
                                    },
                                    {
                                        "type": "object",
                                        "properties": {
                                            "records": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Record"},
                                            }
                                        },
                                    },
                                ]
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "stored (or already stored)",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Answer"}}
                        },
                    },
                    **{str(c): _ERROR for c in (400, 401, 409, 411, 413, 415, 429, 503)},
                },
            }
        },
        "/me": {
            "get": {
                "summary": "Who the token stands for",
                "responses": {"200": {"description": "the worker"}, "401": _ERROR},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI"}},
            }
        },
    },
}
