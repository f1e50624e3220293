"""schemathesis against /api with its default checks: no 500s, every response as the document says.

Three tests, one per kind of phase:
- `test_api_conforms`: the examples, coverage and fuzzing phases for every operation (the coverage phase
  derives its cases from the schema itself: each enum value, the bounds, missing required parameters, values
  of the wrong type, as schemathesis's CLI does with --phases=coverage);
- `TestStateful`: the stateful phase, sequences of calls that follow the OpenAPI links of the document
  (collections -> a collection -> its items -> one feature -> its collection).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from webapp import create_app
from webapp.openapi import LINKS

# /api needs no data, so the document is loaded at collection; the store is set per test below.
APP = create_app({"STORE": Path("/nonexistent/atlas.gpkg")})
schema = schemathesis.openapi.from_wsgi("/api", APP)
schema.config.phases.update(phases=["examples", "coverage", "fuzzing", "stateful"])  # all four, explicitly
# Every default check but one: the API refuses, on purpose and with a 400 naming the parameter, some values
# JSON Schema cannot rule out (a bbox whose minimum is above its maximum, an interval that ends before it
# starts), so "a schema-valid request is accepted" cannot hold for them.
EXCLUDED = [positive_data_acceptance]
STATEFUL_SCENARIOS, STATEFUL_STEPS = 25, 6


@pytest.fixture(autouse=True)
def _store(built):
    APP.config["STORE"] = built[0]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case):
    case.call_and_validate(excluded_checks=EXCLUDED)


class _Links(schema.as_state_machine()):
    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, additional_checks=additional_checks, excluded_checks=EXCLUDED)


def test_the_document_has_links():
    """The stateful phase needs links to follow: every one LINKS declares is in the document served."""
    paths = APP.test_client().get("/api").get_json()["paths"]
    for source, links in LINKS.items():
        assert set(paths[source]["get"]["responses"]["200"]["links"]) == set(links), source
    feature = paths["/collections/{collectionId}/items"]["get"]["responses"]["200"]["links"]["feature"]
    assert feature["parameters"]["featureId"] == "$response.body#/features/0/id"


TestStateful = _Links.TestCase
TestStateful.settings = settings(
    max_examples=STATEFUL_SCENARIOS,
    stateful_step_count=STATEFUL_STEPS,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
