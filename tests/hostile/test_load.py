"""A short load test (10 s, 20 clients; `make bench` runs 60 s): no 5xx and no wrong answer while the store is
replaced under the server."""

from __future__ import annotations

from tests.bench import load


def test_load_with_a_store_replaced_halfway(built, hostile_store, tmp_path):
    figures = load.run(built[0], hostile_store, tmp_path, seconds=10, clients=20)
    print(load.report(figures, 10, 20))
    assert figures["errors"] == []
    assert figures["wrong"] == []
    assert len(figures["versions"]) == 2, "both builds were served"
