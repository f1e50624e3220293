"""Accounts and roles: who may do what, checked on the server for every write; passwords hashed with argon2."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("reader", "contributor", "reviewer", "admin")  # each may do what the ones before it may
# action -> the least role that may take it
NEEDS = {
    "suggest": "reader",  # a signed-in reader suggests a correction from a feature's page
    "upload": "contributor",
    "choose": "contributor",
    "submit": "contributor",
    "review": "reviewer",
    "publish": "reviewer",
    "users": "admin",
}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()


class Forbidden(PermissionError):
    """An action the user's role does not allow (HTTP 403)."""

    status = 403


def may(role: str | None, action: str) -> bool:
    """May a user of `role` (None: not signed in) take `action`?"""
    return role in ROLES and ROLES.index(role) >= ROLES.index(NEEDS[action])


def require(user: dict | None, action: str) -> None:
    """Forbidden unless the user's role allows the action."""
    role = (user or {}).get("role")
    if not may(role, action):
        who = f"{user['name']} ({role})" if user else "an anonymous reader"
        raise Forbidden(f"{who} may not {action}; allowed: a {NEEDS[action]} or above")


def check_new(name: str, role: str, password: str) -> None:
    """A new account's name, role and password are acceptable; ValueError saying what is allowed."""
    if not NAME.match(name or ""):
        raise ValueError(f"user name {name!r} is not allowed; allowed: letters, digits, . _ - (at most 64)")
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise ValueError(f"the password is too short; allowed: at least {MIN_PASSWORD} characters")


def hashed(password: str) -> str:
    return _HASHER.hash(password)


def verified(stored_hash: str | None, password: str) -> bool:
    """Does the password match the stored argon2 hash? (A missing user is checked against a dummy hash.)"""
    try:
        return _HASHER.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY = _HASHER.hash("no such user: the same time is spent")


def add_user(store, name: str, role: str, password: str, by: str) -> None:
    """Add an account to the contributions store, and say so in the history."""
    check_new(name, role, password)
    store.add_user(name, role, hashed(password))
    store.log(by, "add user", what={"user": name, "role": role})
