"""schemathesis against /api with its default checks: no 500s, every response as the document says."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

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
    # Every default check but one: the API refuses, on purpose and with a 400 naming the parameter,
    # some values JSON Schema cannot rule out (a bbox whose minimum is above its maximum, an interval
    # that ends before it starts), so "a schema-valid request is accepted" cannot hold for them.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
