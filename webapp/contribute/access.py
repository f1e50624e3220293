"""Who may do what at the contributors' door: the app's contributions store, and `needs(action)`, the role checked
on the server for every view that writes (or reads another's submissions)."""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from contrib import accounts
from contrib.store import ContributionStore

TEMPLATES = Path(__file__).parent / "templates"
PAGES = {"review": "The review queue", "upload": "Uploading", "publish": "Publishing"}  # a refused page, in words


def store() -> ContributionStore:
    """The app's contributions store."""
    return current_app.extensions["contributions"]


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
                if request.method in ("GET", "HEAD") and accounts.may(current_user.role, "suggest"):
                    flash(f"{PAGES.get(action, 'That page')} is for a {accounts.NEEDS[action]} or above; you are "
                          f"signed in as {current_user.name}, a {current_user.role}.")  # fmt: skip
                    return redirect(url_for("contribute.home"))
                abort(403, f"{current_user.name} ({current_user.role}) may not {action}; allowed: a "
                      f"{accounts.NEEDS[action]} or above")  # fmt: skip
            return view(*args, **kwargs)

        return guarded

    return wrap
