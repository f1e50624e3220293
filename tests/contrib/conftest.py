"""Fixtures of the contributions tests: the atlas's context on the session's build, and downloads of it."""

from __future__ import annotations

import pytest

from contrib.context import Context
from layers import GeoPackageStore


@pytest.fixture(scope="session")
def context(built):
    """What the checks know of the atlas, read from the session's build."""
    return Context(GeoPackageStore(built[0]))


@pytest.fixture(scope="session")
def download(app, tmp_path_factory):
    """download(collection, format) -> the path of that download of the session's build."""
    folder = tmp_path_factory.mktemp("downloads")
    client = app.test_client()

    def get(collection: str, fmt: str):
        extension = {"csv": "csv.zip", "lpf": "lpf.json"}.get(fmt, fmt)
        path = folder / f"{collection}.{extension}"
        if not path.exists():
            url = f"/collections/{collection}/" + ("lpf" if fmt == "lpf" else f"download?format={fmt}")
            response = client.get(url)
            assert response.status_code == 200, response.data[:200]
            path.write_bytes(response.data)
        return path

    return get
