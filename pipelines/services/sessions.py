"""Web sessions kept in the catalog: the browser's cookie carries only a random id (256 bits from
:mod:`secrets`); the user, the CSRF token and the expiry live in the ``sessions`` table
(:mod:`pipelines.catalog.sessions`), which stores the id's SHA-256, never the id.

- :func:`create` at login (and purges expired rows); :func:`lookup` per request — one primary-key read,
  joined with the user, refused when expired or when the user's password or role changed since (its
  ``users.version``); :func:`touch` slides the expiry, at most once per :data:`TOUCH_EVERY` per session, so a
  busy user costs one write every few minutes, not one per request.
- :func:`end` ends one session (logout), :func:`end_all` every session of a user ("log out everywhere");
  changing a user's password or role, or removing the user, deletes their sessions too
  (:mod:`pipelines.catalog.users`).

Being server-side, a session ends everywhere at once: in every worker process of ``minhchung serve
--workers N`` and for a stolen cookie alike.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from pipelines.catalog import sessions as stored
from pipelines.services.users import User

TOKEN_BYTES = 32  # the cookie's id: 256 random bits
MAX_TOKEN = 128  # a longer cookie value is not ours: refused without a look-up
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Session:
    id_hash: str
    user: User
    csrf: str
    seen: datetime
    expires: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def hash_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create(db: sqlite3.Connection, user: User, lifetime: timedelta, at: datetime | None = None
           ) -> tuple[str, Session]:
    """A new session of ``user``: the cookie value to hand to the browser, and the session."""
    at = at or _now()
    stored.delete_expired(db, _iso(at))
    token, csrf = secrets.token_urlsafe(TOKEN_BYTES), secrets.token_urlsafe(TOKEN_BYTES)
    expires = at + lifetime
    stored.insert(db, hash_id(token), user.name, user.version, csrf, _iso(at), _iso(expires))
    return token, Session(hash_id(token), user, csrf, at.replace(microsecond=0), expires.replace(microsecond=0))


def lookup(db: sqlite3.Connection, token: str | None, at: datetime | None = None) -> Session | None:
    """The live session a cookie value names: None when unknown, ended, expired, or its user was removed or
    had their password or role changed since the login."""
    if not token or len(token) > MAX_TOKEN:
        return None
    id_hash = hash_id(token)
    row = stored.lookup(db, id_hash)
    if row is None or not row["current"] or row["expires"] <= _iso(at or _now()):
        return None
    return Session(id_hash, User(row["user"], row["role"], row["user_version"]), row["csrf"],
                   datetime.fromisoformat(row["seen"]), datetime.fromisoformat(row["expires"]))


def touch_due(session: Session, at: datetime | None = None) -> bool:
    return (at or _now()) - session.seen >= TOUCH_EVERY


def touch(db: sqlite3.Connection, session: Session, lifetime: timedelta, at: datetime | None = None) -> Session:
    """Record activity now and let the session last ``lifetime`` from now."""
    at = (at or _now()).replace(microsecond=0)
    expires = at + lifetime
    stored.touch(db, session.id_hash, _iso(at), _iso(expires))
    return replace(session, seen=at, expires=expires)


def end(db: sqlite3.Connection, session: Session) -> None:
    stored.delete(db, session.id_hash)


def end_all(db: sqlite3.Connection, name: str) -> int:
    """End every session of the user ``name``; how many there were."""
    return stored.delete_for_user(db, name)


def purge(db: sqlite3.Connection, at: datetime | None = None) -> int:
    """Delete expired sessions (also done by every :func:`create`)."""
    return stored.delete_expired(db, _iso(at or _now()))


def count(db: sqlite3.Connection, name: str) -> int:
    return stored.count_for_user(db, name)
