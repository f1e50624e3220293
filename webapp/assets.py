"""Front-end assets installed from the npm registry at set-up, served by the app itself."""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory

from store.errors import NotFound

bp = Blueprint("assets", __name__)

# URL prefix -> directory under node_modules. Only these are served.
VENDOR = {
    "leaflet": "leaflet/dist",
    "markercluster": "leaflet.markercluster/dist",
    "heat": "leaflet.heat/dist",
}


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """A file of an installed front-end package."""
    if package not in VENDOR:
        raise NotFound(f"no vendor package {package!r}; available: {sorted(VENDOR)}")
    directory = current_app.config["ASSETS"] / VENDOR[package]
    if not directory.is_dir():
        raise NotFound(f"{directory} is missing: run `make setup` (npm ci) to install the front-end assets")
    return send_from_directory(directory, filename, max_age=86400)
