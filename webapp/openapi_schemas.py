"""The schemas the OpenAPI document's answers refer to (`#/components/schemas/...`)."""

SCHEMAS = {
    "exception": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {
            "code": {"type": "string"},
            "description": {"type": "string"},
            "parameter": {"type": "string"},
        },
    },
    "conformance": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "collections": {
        "type": "object",
        "required": ["collections", "links"],
        "properties": {
            "collections": {"type": "array", "items": {"$ref": "#/components/schemas/collection"}},
            "links": {"type": "array"},
        },
    },
    "collection": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "extent": {"type": "object"},
            "crs": {"type": "array", "items": {"type": "string", "format": "uri"}},
            "links": {"type": "array"},
        },
    },
    "featureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"$ref": "#/components/schemas/feature"}},
            "numberMatched": {"type": "integer"},
            "numberReturned": {"type": "integer"},
            "links": {"type": "array"},
        },
    },
    "countGrid": {
        "type": "object",
        "required": ["collection", "bbox", "cells", "numberMatched", "grid"],
        "properties": {
            "collection": {"type": "string"},
            "bbox": {"type": "array", "items": {"type": "number"}},
            "cells": {"type": "integer"},
            "numberMatched": {"type": "integer"},
            "grid": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["column", "row", "count", "bbox"],
                    "properties": {
                        "column": {"type": "integer"},
                        "row": {"type": "integer"},
                        "count": {"type": "integer"},
                        "bbox": {"type": "array", "items": {"type": "number"}},
                    },
                },
            },
        },
    },
    "feature": {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"nullable": True, "type": "object"},
            "properties": {
                "type": "object",
                "properties": {
                    "when": {
                        "type": "string",
                        "nullable": True,
                        "description": "the dates as EDTF (1930/1933, [1930..1933] once within, [..1935] by 1935, "
                        "1927-22 summer); null: undated",
                    },
                    "bounds": {
                        "type": "object",
                        "description": "earliest and latest start and end (ISO days; null: no limit; end null: open)",
                    },
                    "certainty": {
                        "type": "string",
                        "enum": ["certain", "possible"],
                        "description": "with a datetime query: whether the feature is certainly or only possibly "
                        "within the period",
                    },
                },
            },
        },
    },
    "queryables": {
        "type": "object",
        "required": ["$schema", "$id", "type", "properties"],
        "properties": {
            "$schema": {"type": "string"},
            "$id": {"type": "string", "format": "uri"},
            "type": {"type": "string", "enum": ["object"]},
            "title": {"type": "string"},
            "properties": {"type": "object"},
            "additionalProperties": {"type": "boolean"},
        },
    },
}
