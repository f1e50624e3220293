"""The web's way in, for shared deployments: sign-in, /contribute, the review queue, suggested corrections.

`register(app)` always serves the templates (/contribute/templates/<layer>.csv|.xlsx, read-only). The rest
is registered only when the contributions store has an account (or CONTRIBUTE is set): with none, the app
is read-only and serves exactly as before. Then: Flask-Login sessions (cookies HttpOnly, SameSite=Lax,
Secure when the request came over HTTPS) kept on the server too (signing out ends one for good), a CSRF
token (Flask-WTF) on every form and every request that changes state, made anew at sign-in, sign-in attempts
throttled in the contributions store (contrib.throttle), only a path of this site followed after signing in,
the role checked on the server for every write, and every action appended to the history (the audit log).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import MethodNotAllowed

from contrib import accounts, templates, throttle
from contrib.columns import LAYERS
from contrib.store import ContributionStore, configured
from webapp import caching
from webapp.attachment import disposition
from webapp.contribute import guides
from webapp.contribute.access import TEMPLATES, store

files = Blueprint("contribute_files", __name__, template_folder=str(TEMPLATES))
signin = Blueprint("signin", __name__, template_folder=str(TEMPLATES))
# After signing in, only a path of this site: one slash then no slash or backslash, no space or control character
# (a browser drops a tab or a newline, making "/\t/host" the address "//host").
SAFE_NEXT = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")
DEVICE = "border_atlas_device"  # the signed cookie of a browser where an account signed in (contrib.throttle)
DEVICE_DAYS = 365
# The contributors' door (sign-in, contribute, review, suggest): on a read-only atlas, a 404 that says why.
DOOR = re.compile(r"^/(?:sign-in|sign-out|contribute|review|suggest)(?:/|$)")
READ_ONLY = (
    "This atlas is read-only: it has no accounts, so nobody signs in, contributes or reviews here. "
    "Its data can be read, cited and downloaded from the map."
)
RESTART = (
    "The contributors' door is closed until the server starts again: accounts were added (border-atlas users add) "
    "after this server started, when it had none. Restart the server to open it."
)
TEMPLATE_FORMATS = {
    "csv": (templates.csv_text, "text/csv"),
    "xlsx": (templates.xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "zip": (templates.zip_bytes, "application/zip"),  # the CSV, an example of it and a README of its columns
}


@files.get("/contribute/templates/<layer>.<fmt>")
def template_file(layer: str, fmt: str):
    """A layer's template to fill in: CSV; the CSV zipped with an example and a README of its columns; or XLSX with
    drop-down lists and a sheet explaining the columns."""
    if layer not in LAYERS or fmt not in TEMPLATE_FORMATS:
        allowed = f"<layer>.csv, <layer>.zip or <layer>.xlsx, layer one of {', '.join(LAYERS)}"
        abort(404, f"no template {layer}.{fmt}; allowed: {allowed}")
    make, mimetype = TEMPLATE_FORMATS[fmt]
    headers = disposition(f"border-atlas-{layer}-template.{fmt}")
    return Response(make(layer), mimetype=mimetype, headers=headers)  # text/csv gets "; charset=utf-8" from Flask


@files.get("/contribute/guide", defaults={"page": ""})
@files.get("/contribute/guide/<page>")
def guide(page: str):
    """A guide of the door as a page: contributing records (docs/contributions.md), writing a guided tour
    (docs/tours.md); HTML written in them is shown as text."""
    found = guides.render(page)
    if found is None:
        abort(404, f"no guide {page[:40]!r}; allowed: {', '.join(p or '(none)' for p in guides.GUIDES)}")
    title, body = found
    return render_template("guide.html", title=title, body=body)


class User(UserMixin):
    """A signed-in account: its name and role, and its session's id (what the session cookie names: a session the
    store no longer holds signs nobody in)."""

    def __init__(self, record: dict, session_id: str):
        self.id, self.name, self.role = session_id, record["name"], record["role"]

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role}


class _Sessions(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over HTTPS (or SESSION_COOKIE_SECURE says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def register(app: Flask) -> None:
    """Serve the templates; with accounts configured, the sign-in, contribute, review and suggest pages."""
    app.register_blueprint(files)
    contributions = _configured_store(app)
    enabled = app.config.get("CONTRIBUTE")
    if enabled is None:
        enabled = contributions.configured_users()
    if not enabled:
        app.before_request(lambda: _read_only(contributions))
        return
    from flask_wtf.csrf import CSRFProtect

    from webapp.contribute import pages

    app.extensions["contributions"] = contributions
    app.config.setdefault("SECRET_KEY", None)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _secret_key(contributions)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_TIME_LIMIT=None)
    app.session_interface = _Sessions()
    CSRFProtect(app)
    logins = LoginManager(app)
    logins.login_view = "signin.sign_in"
    logins.user_loader(_load_user)
    app.register_blueprint(signin)
    app.register_blueprint(pages.bp)
    app.extensions.setdefault(caching.PRIVATE, set()).update({signin.name, pages.bp.name})  # per user: no-store
    app.extensions["suggest_urls"] = pages.suggest_urls  # the map's popups link to them
    app.extensions["account_links"] = pages.account_links  # and its links to sign in and contribute
    app.context_processor(lambda: {"contribute": {"user": current_user, "suggest": pages.suggest_url}})
    app.extensions[caching.REVIEWER] = _reviewer  # the reader marks uncited paragraphs for them (webapp.texts)


def _reviewer() -> bool:
    return bool(current_user.is_authenticated and accounts.may(current_user.role, "review"))


def _read_only(contributions: ContributionStore) -> None:
    """On a read-only atlas, a page of the contributors' door is not found, saying why: no account, or accounts
    added since the server started (the door opens when it starts again: its routes are set up at start)."""
    moved = isinstance(request.routing_exception, MethodNotAllowed)  # a page served here, asked with another method
    if request.url_rule is None and DOOR.match(request.path) and not moved:
        abort(404, RESTART if contributions.configured_users() else READ_ONLY)


def _configured_store(app: Flask) -> ContributionStore:
    where = app.config.get("CONTRIBUTIONS") or os.environ.get("BORDER_ATLAS_CONTRIBUTIONS")
    return ContributionStore(where) if where else configured(app.config.get("DATABASE"))


def _secret_key(contributions: ContributionStore) -> str:
    """BORDER_ATLAS_SECRET_KEY, else a key made once and kept beside the SQLite store (or in the PostgreSQL one)."""
    key = os.environ.get("BORDER_ATLAS_SECRET_KEY")
    if key:
        return key
    if contributions.postgres:
        return contributions.secret("session key")  # kept in the database: every worker signs with the same
    path = Path(contributions.url).with_name("secret_key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _load_user(session_id: str) -> User | None:
    account = store().session_account(session_id)
    found = store().user(account) if account else None
    return User(found, session_id) if found else None


@signin.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with a name and password (attempts throttled); then a new session and a new CSRF token."""
    if request.method == "GET":
        return _form()
    name, password = request.form.get("name", "")[:64], request.form.get("password", "")
    trusted = _device() == name
    try:
        throttle.check(store(), request.remote_addr or "-", name, trusted=trusted)
        attempt = store().attempt(request.remote_addr or "-", name, trusted=trusted)
        found = store().user(name) if accounts.NAME.match(name) else None
        with throttle.hashing():
            right = accounts.verified(found["password"] if found else None, password)
    except throttle.Throttled as exc:
        return _form(exc.why, name), exc.status, {"Retry-After": str(exc.retry_after)}
    if not right:
        store().log(name or "-", "sign-in refused")
        return _form("The name or the password is wrong.", name), 401
    store().succeeded(attempt)
    session.clear()  # nothing of the session before: a new CSRF token, and no fixation
    login_user(User(found, store().open_session(found["name"])))
    store().log(found["name"], "sign in")
    response = redirect(safe_next(request.args.get("next", "")) or url_for("contribute.home"))
    signer = URLSafeTimedSerializer(current_app.secret_key, salt=DEVICE)
    response.set_cookie(DEVICE, signer.dumps(found["name"]), max_age=DEVICE_DAYS * 86_400, path=url_for(".sign_in"),
                        secure=request.is_secure, httponly=True, samesite="Lax")  # fmt: skip
    return response


def _device() -> str | None:
    """The account this browser signed in to before (its signed cookie), or None."""
    signer = URLSafeTimedSerializer(current_app.secret_key, salt=DEVICE)
    try:
        return signer.loads(request.cookies.get(DEVICE, ""), max_age=DEVICE_DAYS * 86_400)
    except BadSignature:
        return None


def safe_next(target: str) -> str | None:
    """The page to go to after signing in, if it is a path of this site; None otherwise."""
    return target if SAFE_NEXT.fullmatch(target or "") else None


def _form(message: str | None = None, name: str = "") -> str:
    """The sign-in form; after a refusal, the message beside the password and the name typed kept."""
    return render_template("sign_in.html", title="Sign in", message=message, name=name,
                           next=safe_next(request.args.get("next", "")))  # fmt: skip


@signin.post("/sign-out")
def sign_out():
    """Sign out: the session ends on the server too (its cookie, copied or kept, signs nobody in again)."""
    if current_user.is_authenticated:
        store().close_session(current_user.get_id())
        store().log(current_user.name, "sign out")
    logout_user()
    session.clear()
    return redirect(url_for("mapview.page"))
