"""The web's way in, for shared deployments: sign-in, /contribute, the review queue, suggested corrections.

`register(app)` always serves the templates (/contribute/templates/<layer>.csv|.xlsx, read-only). The rest
is registered only when the contributions store has an account (or CONTRIBUTE is set): with none, the app
is read-only and serves exactly as before. Then: Flask-Login sessions (cookies HttpOnly, SameSite=Lax,
Secure when the request came over HTTPS), a CSRF token (Flask-WTF) on every form and every request that
changes state, sign-in attempts throttled (Flask-Limiter, in memory), the role checked on the server for
every write, and every action appended to the history (the audit log).
"""

from __future__ import annotations

import os
import re
import secrets
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from contrib import accounts, templates
from contrib.columns import LAYERS
from contrib.store import ContributionStore, configured
from webapp import caching

TEMPLATES = Path(__file__).parent / "templates"
files = Blueprint("contribute_files", __name__)
signin = Blueprint("signin", __name__, template_folder=str(TEMPLATES))
SIGN_IN_LIMIT = "10 per minute"
# The contributors' door (sign-in, contribute, review, suggest): on a read-only atlas, a 404 that says why.
DOOR = re.compile(r"^/(?:sign-in|sign-out|contribute|review|suggest)(?:/|$)")
READ_ONLY = (
    "This atlas is read-only: it has no accounts, so nobody signs in, contributes or reviews here. "
    "Its data can be read, cited and downloaded from the map."
)
TEMPLATE_FORMATS = {
    "csv": (templates.csv_text, "text/csv"),
    "xlsx": (templates.xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@files.get("/contribute/templates/<layer>.<fmt>")
def template_file(layer: str, fmt: str):
    """A layer's template to fill in: CSV, or XLSX with drop-down lists and a sheet explaining the columns."""
    if layer not in LAYERS or fmt not in TEMPLATE_FORMATS:
        abort(404, f"no template {layer}.{fmt}; allowed: <layer>.csv or <layer>.xlsx, layer one of {', '.join(LAYERS)}")
    make, mimetype = TEMPLATE_FORMATS[fmt]
    headers = {"Content-Disposition": f'attachment; filename="border-atlas-{layer}-template.{fmt}"'}
    return Response(make(layer), mimetype=mimetype, headers=headers)  # text/csv gets "; charset=utf-8" from Flask


class User(UserMixin):
    """A signed-in account: its name and role."""

    def __init__(self, record: dict):
        self.id, self.name, self.role = record["name"], record["name"], record["role"]

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role}


class _Sessions(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over HTTPS (or SESSION_COOKIE_SECURE says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def store() -> ContributionStore:
    """The app's contributions store."""
    return current_app.extensions["contributions"]


def register(app: Flask) -> None:
    """Serve the templates; with accounts configured, the sign-in, contribute, review and suggest pages."""
    app.register_blueprint(files)
    contributions = _configured_store(app)
    enabled = app.config.get("CONTRIBUTE")
    if enabled is None:
        enabled = contributions.configured_users()
    if not enabled:
        app.before_request(_read_only)
        return
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from flask_wtf.csrf import CSRFProtect

    from contrib import pages

    app.extensions["contributions"] = contributions
    app.config.setdefault("SECRET_KEY", None)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _secret_key(contributions)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_TIME_LIMIT=None)
    app.session_interface = _Sessions()
    CSRFProtect(app)
    logins = LoginManager(app)
    logins.login_view = "signin.sign_in"
    logins.user_loader(_load_user)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[])
    limiter.limit(SIGN_IN_LIMIT, methods=["POST"])(signin)
    app.register_blueprint(signin)
    app.register_blueprint(pages.bp)
    app.extensions.setdefault(caching.PRIVATE, set()).update({signin.name, pages.bp.name})  # per user: no-store
    app.extensions["suggest_urls"] = pages.suggest_urls  # the map's popups link to them
    app.context_processor(lambda: {"contribute": {"user": current_user, "suggest": pages.suggest_url}})
    app.extensions[caching.REVIEWER] = _reviewer  # the reader marks uncited paragraphs for them (webapp.texts)


def _reviewer() -> bool:
    return bool(current_user.is_authenticated and accounts.may(current_user.role, "review"))


def _read_only() -> None:
    """On a read-only atlas, a page of the contributors' door is not found, saying why."""
    if request.url_rule is None and DOOR.match(request.path):
        abort(404, READ_ONLY)


def _configured_store(app: Flask) -> ContributionStore:
    where = app.config.get("CONTRIBUTIONS") or os.environ.get("BORDER_ATLAS_CONTRIBUTIONS")
    return ContributionStore(where) if where else configured(app.config.get("DATABASE"))


def _secret_key(contributions: ContributionStore) -> str:
    """BORDER_ATLAS_SECRET_KEY, else a key made once and kept beside the SQLite store (or made per process)."""
    key = os.environ.get("BORDER_ATLAS_SECRET_KEY")
    if key:
        return key
    if contributions.postgres:
        return secrets.token_hex(32)  # a deployment on PostgreSQL should set BORDER_ATLAS_SECRET_KEY
    path = Path(contributions.url).with_name("secret_key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _load_user(name: str) -> User | None:
    found = store().user(name)
    return User(found) if found else None


def needs(action: str):
    """A view that only a signed-in user whose role allows `action` may use (checked on the server)."""

    def wrap(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.method in ("GET", "HEAD"):
                    return redirect(url_for("signin.sign_in", next=request.path))
                abort(401, "sign in first")
            if not accounts.may(current_user.role, action):
                store().log(current_user.name, "refused", None, {"action": action, "path": request.path})
                abort(403, f"{current_user.name} ({current_user.role}) may not {action}; allowed: a "
                      f"{accounts.NEEDS[action]} or above")  # fmt: skip
            return view(*args, **kwargs)

        return guarded

    return wrap


@signin.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with a name and password (attempts throttled)."""
    if request.method == "GET":
        return _form()
    name, password = request.form.get("name", ""), request.form.get("password", "")
    found = store().user(name) if accounts.NAME.match(name) else None
    if not accounts.verified(found["password"] if found else None, password):
        store().log(name[:64] or "-", "sign-in refused")
        return _form("The name or the password is wrong."), 401
    login_user(User(found))
    store().log(found["name"], "sign in")
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("contribute.home"))


def _form(message: str | None = None) -> str:
    return render_template("sign_in.html", title="Sign in", message=message, next=request.args.get("next", ""))


@signin.post("/sign-out")
def sign_out():
    """Sign out."""
    if current_user.is_authenticated:
        store().log(current_user.name, "sign out")
    logout_user()
    return redirect(url_for("mapview.page"))
