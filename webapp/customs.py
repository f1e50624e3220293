"""The 1923 customs tariff for goods crossing the Turkestan–China border (seed 001), as a page."""

from __future__ import annotations

from flask import Blueprint

from webapp.store import meta_view

bp = Blueprint("customs", __name__)


@bp.get("/customs/tariff-1923")
def tariff_1923():
    """The eight articles of the 1923 tariff: goods, duty, unit, with the quoted rows of 001."""
    return meta_view("tariff_1923", "tariff.html", "Customs tariff of 1923", "customs.tariff_1923", "t")
