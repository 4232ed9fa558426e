"""Users of the web interface and their roles, kept in the catalog (table ``users``, created on demand).

Passwords are hashed with Argon2id (argon2-cffi's defaults: 64 MiB, 3 passes); the hash carries its own
salt and parameters, so raising them later re-hashes each password at its owner's next login. ``version``
goes up when a password or role changes; the user's sessions (:mod:`pipelines.services.sessions`) are
deleted then, and a session made under another version is refused anyway.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipelines.catalog import users
from pipelines.i18n.errors import CodedError

ROLES = ("clerk", "inspector", "reviewer", "admin")
ROLE_VI = {"clerk": "Văn thư", "inspector": "Thanh tra viên", "reviewer": "Người rà soát", "admin": "Quản trị"}
# read: search, documents, page images, downloads, gaps; upload: intake; correct: review; admin: everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "clerk": frozenset({"read", "upload"}),
    "inspector": frozenset({"read"}),
    "reviewer": frozenset({"read", "correct"}),
    "admin": frozenset({"read", "upload", "correct", "admin"}),
}
NAME = re.compile(r"^[\w.@-]{1,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

class UserError(CodedError, ValueError):
    """A user cannot be created or changed: a ``users.*`` code of the message catalog says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    version: int

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def role_vi(self) -> str:
        return ROLE_VI.get(self.role, self.role)


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name takes as long as a wrong password."""
    return _hasher().hash("minhchung-no-such-user")


def ensure_table(db: sqlite3.Connection) -> None:
    """Kept for callers from before the migrations: the table is made by :mod:`pipelines.catalog.migrations`."""


def _check(name: str, role: str | None, password: str | None) -> None:
    if not NAME.match(name):
        raise UserError("users.invalid_name", name=name)
    if role is not None and role not in ROLES:
        raise UserError("users.unknown_role", role=role, roles=", ".join(ROLES))
    if password is not None and not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError("users.password_length", min=MIN_PASSWORD, max=MAX_PASSWORD)


def _row_user(row: sqlite3.Row | None) -> User | None:
    return User(row["name"], row["role"], row["version"]) if row else None


def get_user(db: sqlite3.Connection, name: str) -> User | None:
    return _row_user(users.user_row(db, name))


def list_users(db: sqlite3.Connection) -> list[User]:
    return [User(r["name"], r["role"], r["version"]) for r in users.user_rows(db)]


def add_user(db: sqlite3.Connection, name: str, role: str, password: str, *, update: bool = False) -> User:
    """Create a user; with ``update`` an existing one gets the new role and password instead of an error."""
    _check(name, role, password)
    if not users.upsert_user(db, name, role, _hasher().hash(password), update=update):
        raise UserError("users.exists", name=name)
    user = get_user(db, name)
    assert user is not None
    return user


def set_password(db: sqlite3.Connection, name: str, password: str) -> None:
    _check(name, None, password)
    if not users.set_digest(db, name, _hasher().hash(password)):
        raise UserError("users.unknown", name=name)


def remove_user(db: sqlite3.Connection, name: str) -> None:
    if not users.delete_user(db, name):
        raise UserError("users.unknown", name=name)


def authenticate(db: sqlite3.Connection, name: str, password: str) -> User | None:
    """The user when the password matches, else None (same work whether or not the name exists)."""
    row = users.user_row(db, name)
    digest = row["password"] if row else _dummy_hash()
    try:
        _hasher().verify(digest, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher().check_needs_rehash(digest):
        users.set_digest(db, name, _hasher().hash(password), new_version=False)
    return _row_user(row)
