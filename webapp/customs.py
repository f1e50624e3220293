"""The 1923 customs tariff for goods crossing the Turkestan–China border (seed 001), as a page."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from layers import NotFound
from webapp import params
from webapp.store import get_store

bp = Blueprint("customs", __name__)


@bp.get("/customs/tariff-1923")
def tariff_1923():
    """The eight articles of the 1923 tariff: goods, duty, unit, with the quoted rows of 001."""
    params.check_known(request.args, {"f"})
    tariff = get_store().meta("tariff_1923")
    if tariff is None:
        raise NotFound("this build has no tariff: run `make data`")
    if not params.wants_html():
        return jsonify(tariff)
    return render_template(
        "tariff.html", title="Customs tariff of 1923", t=tariff, json_url=url_for("customs.tariff_1923", f="json")
    )
