"""GeoDataFrames as RFC 7946 GeoJSON (the encoding lives in layers.geojson, shared with the build)."""

from layers.geojson import DECIMALS, feature, feature_text, features, rfc7946_geometry

__all__ = ["DECIMALS", "feature", "feature_text", "features", "rfc7946_geometry"]
