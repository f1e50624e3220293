"""Yearly figures that are aggregates (never points): gangs, deportations, detentions, deaths."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from layers import NotFound
from webapp import params
from webapp.store import get_store

bp = Blueprint("statistics", __name__)


@bp.get("/statistics")
def statistics_page():
    """The table of yearly statistics with their scope and sources (HTML or f=json)."""
    params.check_known(request.args, {"f"})
    rows = get_store().meta("statistics")
    if rows is None:
        raise NotFound("this build has no statistics: run `make data`")
    if not params.wants_html():
        return jsonify(rows)
    return render_template(
        "statistics.html", title="Yearly figures", rows=rows, json_url=url_for("statistics.statistics_page", f="json")
    )
