"""Every test here runs on both storage engines (the GeoPackage and PostGIS), with the same expectations."""

from tests.conftest import both_engines as pytest_generate_tests

__all__ = ["pytest_generate_tests"]
