"""Yearly figures that are aggregates (never points): gangs, deportations, detentions, deaths."""

from __future__ import annotations

from flask import Blueprint

from webapp.store import meta_view

bp = Blueprint("statistics", __name__)


@bp.get("/statistics")
def statistics_page():
    """The table of yearly statistics with their scope and sources (HTML or f=json)."""
    return meta_view("statistics", "statistics.html", "Yearly figures", "statistics.statistics_page", "rows")
