"""schemathesis against /api with its default checks: no 500s, every response as the document says."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from webapp import create_app

# /api needs no data, so the document is loaded at collection; the store is set per test below.
APP = create_app({"STORE": Path("/nonexistent/atlas.gpkg")})
schema = schemathesis.openapi.from_wsgi("/api", APP)


@pytest.fixture(autouse=True)
def _store(built):
    APP.config["STORE"] = built[0]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case):
    case.call_and_validate()
