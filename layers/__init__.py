"""Border Atlas layers: read data/sources and data/reference, validate, build GeoDataFrames.

One module per layer (layers.registry maps each collection id to its module), the common schema (schema.py),
dates, RFC 7946 encoding and the build of them all (build.py). Importing the package loads none of the layer
modules: the store reads the schema, dates and encoding without the builders.
"""

from layers.errors import DataError

__all__ = ["DataError"]
