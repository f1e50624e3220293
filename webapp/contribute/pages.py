"""The pages of a shared deployment: contribute (upload, report, choose, preview, submit), review, suggest.

Every write is a POST carrying the CSRF token, guarded by `needs(action)` (the role, on the server), and
appended to the history by contrib.workflow. Text from files and from data enters the pages through Jinja's
autoescaping only; the staged preview is GeoJSON the map draws with textContent. A submission one may not read
is answered as one that does not exist, and a new one's name has a random part: names cannot be probed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from contrib import accounts, choices, publishing, tours, workflow
from contrib.columns import LAYERS
from contrib.context import Context
from contrib.limits import LIMITS, ReadError, check_name, megabytes
from contrib.reconcile import Gazetteer
from contrib.store import StoreError
from layers.schema import YEARS
from webapp.contribute.access import TEMPLATES, needs, store
from webapp.contribute.preview import staged_features, staged_years
from webapp.store import get_store, per_build

bp = Blueprint("contribute", __name__, template_folder=str(TEMPLATES))
FORM_ERRORS = (ValueError, StoreError, ReadError, accounts.Forbidden)


def _context() -> tuple[Context, Gazetteer]:
    """The atlas the checks read, and its gazetteer: made once per data build."""
    return per_build("contrib_context", lambda atlas: _made(Context(atlas)))


def _made(context: Context) -> tuple[Context, Gazetteer]:
    return context, Gazetteer.of(context)


def _visible(name: str) -> dict:
    """A submission the signed-in user may see: their own, or any for a reviewer. One they may not see is not found,
    as one that does not exist (its name is not confirmed)."""
    sub = store().get(name)
    if sub is None or (sub["contributor"] != current_user.name and not accounts.may(current_user.role, "review")):
        abort(404, f"no submission {name!r}")
    return sub


@bp.get("/contribute")
@needs("suggest")
def home():
    """Upload a file; the user's submissions (all of them for a reviewer)."""
    return _home()


def _home(errors: dict | None = None, status: int = 200):
    """The contribute page; after a refused upload, the form again with the message beside its field and what was
    typed kept."""
    mine = None if accounts.may(current_user.role, "review") else current_user.name
    submissions = [s | {"publication_words": _publication(s)} for s in store().submissions(contributor=mine)]
    page = render_template("contribute.html", title="Contribute records", layers=list(LAYERS),
                           submissions=submissions, limit=megabytes(LIMITS["file_bytes"]),
                           may_upload=accounts.may(current_user.role, "upload"), errors=errors or {},
                           typed=request.form)  # fmt: skip
    return page, status


def _publication(sub: dict) -> str | None:
    return publishing.state(sub, Path(current_app.config["STORE"]))


def _uploaded() -> tuple[bytes, str]:
    """The file a form sent (its bytes, its name), within the limit; FormError otherwise."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise FormError("no file: choose a CSV, XLSX, GeoJSON, GeoPackage or LPF file")
    data = sent.stream.read(LIMITS["file_bytes"] + 1)
    if len(data) > LIMITS["file_bytes"]:
        most = megabytes(LIMITS["file_bytes"])
        raise FormError(f"{sent.filename[:60]}: the file is larger than {most}; allowed: a file of at most {most}", 413)
    check_name(sent.filename)
    return data, sent.filename


class FormError(ValueError):
    """A form that cannot be carried out, said beside its field: the message and the status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# The words a refusal starts with -> the field of the upload form it is about (else the file).
UPLOAD_FIELDS = {"layer ": "layer", "submission name": "name"}


@bp.post("/contribute")
@needs("upload")
def upload():
    """Keep an uploaded file as a submission and check it (read in a bounded child process: contrib.sandbox)."""
    try:
        data, file_name = _uploaded()
        context, gazetteer = _context()
        stem = request.form.get("name") or Path(file_name).name.split(".")[0]
        name = workflow.private_name(store(), stem)
        workflow.import_file(store(), data, file_name, layer=request.form.get("layer", ""), name=name,
                             contributor=current_user.name, context=context, gazetteer=gazetteer)  # fmt: skip
    except FORM_ERRORS as exc:
        field = next((f for words, f in UPLOAD_FIELDS.items() if str(exc).startswith(words)), "file")
        return _home({field: str(exc)}, _status(exc))
    return redirect(url_for("contribute.submission", name=name))


def _status(exc: Exception) -> int:
    return getattr(exc, "status", 400)


@bp.get("/contribute/<name>")
@needs("suggest")
def submission(name: str):
    """A submission: its check report, the names to choose, a preview on the map, and submit."""
    return _submission(name)


def _submission(name: str, errors: dict | None = None, status: int = 200):
    """The submission's page; after a refused form, with the message beside that form and what was typed kept."""
    sub = _visible(name)
    may_review = accounts.may(current_user.role, "review")
    out = Path(current_app.config["STORE"])
    override = sub["contributor"] == current_user.name and current_user.role == "admin"
    page = render_template("submission.html", title=f"Submission {name}", sub=sub, report=sub["report"] or {},
                           history=store().history(name), may_review=may_review, override=override,
                           publication=publishing.state(sub, out), retriable=publishing.retriable(sub, out),
                           versions=store().versions(name), errors=errors or {}, typed=request.form,
                           preview=_preview_url(sub), failed=workflow.failed(sub), steps=_steps(sub),
                           made=_choices_made(sub), published=_published_url(sub, out))  # fmt: skip
    return page, status


def _choices_made(sub: dict) -> list[dict]:
    """The places the contributor chose: each name, its row and field, and the place it now means, in words."""
    made = sub["choices"] or {}
    return [m | {"means": choices.described(m["chosen"])} for m in (sub["report"] or {}).get("matches", [])
            if m["chosen"] and f"{m['row']}:{m['field']}" in made]  # fmt: skip


def _preview_url(sub: dict) -> str:
    """The map with the submission's staged records, opened on their years."""
    years = staged_years(sub, YEARS)
    return url_for("mapview.page", staged=sub["name"]) + (f"#year={years}" if years else "")


def _steps(sub: dict) -> list[dict] | None:
    """A tour's steps, as its file has them (contrib.tours.outline); None for a file of records."""
    return tours.outline(store().file(sub["name"])) if sub["layer"] == tours.LAYER else None


def _published_url(sub: dict, out: Path) -> str | None:
    """Once published, the map on the submission's years with its first record open (None before)."""
    own = [r["record"]["id"] for r in sub["records"] or [] if r["layer"] == sub["layer"]]
    if not own or not (publishing.state(sub, out) or "").startswith("published"):
        return None
    years = staged_years(sub, YEARS)
    return url_for("mapview.page") + "#" + (f"year={years}&" if years else "") + "sel=" + quote(own[0], safe="")


@bp.post("/contribute/<name>/choose")
@needs("choose")
def choose(name: str):
    """Keep a choice for a name in the file (coordinates and an area each from their own input), then check the
    submission again."""
    form = request.form
    choice = form.get("choice", "")
    if choice in ("lonlat", "area"):
        choice = f"{choice}:{form.get(choice, form.get('value', '')).strip()}"

    def chosen():
        workflow.choose(store(), name, row=int(form.get("row", "0")), field=form.get("field", ""), text=choice,
                        basis=form.get("basis"), who=current_user.name)  # fmt: skip
        workflow.check(store(), name, *_context(), current_user.name)

    return _act(name, f"choose {form.get('row')} {form.get('field')}", chosen)


@bp.post("/contribute/<name>/submit")
@needs("submit")
def submit(name: str):
    """Send a checked submission to the reviewers."""
    return _act(name, "submit", lambda: workflow.submit(store(), name, current_user.name))


@bp.post("/contribute/<name>/replace")
@needs("upload")
def replace(name: str):
    """Replace the file with a fixed one: a new version of the submission, checked again (choices kept)."""

    def replaced():
        data, file_name = _uploaded()
        context, gazetteer = _context()
        workflow.new_version(store(), name, data, file_name, who=current_user.name, context=context,
                             gazetteer=gazetteer)  # fmt: skip

    return _act(name, "replace", replaced)


@bp.post("/contribute/<name>/withdraw")
@needs("upload")
def withdraw(name: str):
    """Withdraw a submission not yet accepted, with a reason (in the history)."""
    reason = request.form.get("reason", "")
    return _act(name, "withdraw", lambda: workflow.withdraw(store(), name, current_user.name, reason))


def _act(name: str, form: str, do):
    """A form of a submission's page, by its contributor: done, then the page; or the page again with the message
    beside the form and what was typed kept."""
    _own(name)
    try:
        do()
    except FORM_ERRORS as exc:
        return _submission(name, {form: str(exc)}, _status(exc))
    return redirect(url_for("contribute.submission", name=name))


def _own(name: str) -> dict:
    sub = _visible(name)
    if sub["contributor"] != current_user.name:
        abort(403, "only its contributor may change a submission")
    return sub


@bp.get("/contribute/<name>/staged.geojson")
@needs("suggest")
def staged(name: str):
    """The submission's staged records as the map draws them (the "staged" layer)."""
    sub = _visible(name)
    context, _ = _context()
    response = jsonify(staged_features(sub, context))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/contribute/<name>/publication.json")
@needs("suggest")
def publication(name: str):
    """Where the submission's publication is (the pages poll it while a build runs: static/contribute/progress.js)."""
    response = jsonify(publishing.progress(_visible(name), Path(current_app.config["STORE"])))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/review")
@needs("review")
def queue():
    """The review queue: submitted contributions and suggested corrections, oldest first, each with accept and reject;
    the decided ones, with where an accepted one's publication is (and "Publish again" when a build failed)."""
    return _queue()


def _queue(errors: dict | None = None, status: int = 200):
    waiting = sorted(store().submissions(status="submitted"), key=lambda s: s["updated"])
    decided = store().submissions(status="accepted") + store().submissions(status="rejected")
    decided = [s | {"publication_words": _publication(s)} for s in decided]
    retry = any(publishing.retriable(s, Path(current_app.config["STORE"])) for s in decided)
    page = render_template("review.html", title="Review queue", waiting=waiting, decided=decided, retry=retry,
                           errors=errors or {}, typed=request.form)  # fmt: skip
    return page, status


@bp.post("/review/<name>")
@needs("review")
def decide(name: str):
    """Accept or reject with a comment; an acceptance is published (the store rebuilt) in the background. Nobody
    accepts their own submission but an admin who says so (`override`)."""
    _visible(name)
    try:
        workflow.review(store(), name, current_user.as_dict(), request.form.get("decision", ""),
                        request.form.get("comment"), override=request.form.get("override") == "yes")  # fmt: skip
    except FORM_ERRORS as exc:
        if request.form.get("back") == "queue":
            return _queue({name: str(exc)}, _status(exc))
        return _submission(name, {"review": str(exc)}, _status(exc))
    if request.form.get("decision") == "accept":
        _publish_in_background(current_user.name, "--pending")
    return redirect(url_for("contribute.queue"))


@bp.post("/review/publish")
@needs("publish")
def publish_again():
    """Build again with every accepted submission (after a build that failed or stopped)."""
    store().log(current_user.name, "publish again")
    _publish_in_background(current_user.name)
    return redirect(url_for("contribute.queue"))


def _publish_in_background(who: str, *options: str) -> None:
    """`border-atlas publish` in its own process: the build takes longer than a request may (one build at a time:
    with --pending, it leaves the submission to a build running, which takes it next)."""
    config = current_app.config
    command = [sys.executable, "-m", "pipeline", "--contributions", store().url, "--store", str(config["STORE"]),
               "--by", who]  # fmt: skip
    command += [f"--{key.lower()}={config[key]}" for key in ("SOURCES", "REFERENCE") if config.get(key)]
    log = Path(config["STORE"]).with_name("publish.log").open("ab")
    subprocess.Popen([*command, "publish", *options], stdout=log, stderr=log, start_new_session=True,  # noqa: S603
                     cwd=Path(__file__).parents[2])  # fmt: skip


def suggest_url(collection: str, feature: str) -> str | None:
    """The page to suggest a correction of a feature, for a layer that takes contributions."""
    layer = next((name for name, spec in LAYERS.items() if spec.collection == collection), None)
    return url_for("contribute.suggest", layer=layer, feature=feature) if layer else None


def account_links() -> dict[str, str]:
    """The map's link to the contributors' door (a deployment with accounts): Contribute, which asks a reader signed
    out to sign in first. The map page is one for every reader (built once per build), so it names no account and
    offers no "Sign in" to a reader already signed in."""
    return {"Contribute": url_for("contribute.home")}


def suggest_urls() -> dict[str, str]:
    """{collection: the suggest page of its feature FID} for the map's popups (webapp/mapview.py's config)."""
    return {spec.collection: url_for("contribute.suggest", layer=name, feature="FID") for name, spec in LAYERS.items()}


@bp.route("/suggest/<layer>/<feature>", methods=["GET", "POST"])
@needs("suggest")
def suggest(layer: str, feature: str):
    """Suggest a correction of one feature: a field, its new value, why, and the source; into the queue."""
    if layer not in LAYERS:
        abort(404, f"no layer {layer!r}; allowed: {', '.join(LAYERS)}")
    spec = LAYERS[layer]
    if request.method == "GET":
        return _suggest_form(layer, feature)
    form = request.form
    changes = {form.get("field", ""): form.get("value", "")}
    changes |= {k: form[k] for k in ("cite_archive", "cite_document", "cite_locator", "cite_quote") if form.get(k)}
    try:
        get_store().get(spec.collection, feature)
        name, report = workflow.suggest(store(), *_context(), layer=layer, feature=feature, changes=changes,
                                        reason=form.get("reason", ""), user=current_user.as_dict())  # fmt: skip
        if report.ok and report.records:
            workflow.submit(store(), name, current_user.name)
    except FORM_ERRORS as exc:
        return _suggest_form(layer, feature, str(exc), _status(exc))
    return redirect(url_for("contribute.submission", name=name))


def _suggest_form(layer: str, feature: str, error: str | None = None, status: int = 200):
    columns = [c for c in LAYERS[layer].columns if c.template and c.path != "id"]
    page = render_template("suggest.html", title="Suggest a correction", layer=layer, feature=feature,
                           columns=columns, error=error, typed=request.form)  # fmt: skip
    return page, status
