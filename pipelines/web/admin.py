"""Administration: the users page (``/admin/users``): the list of users with their roles, adding one, setting
a new password, disabling one. Administrators only; every form carries the session's CSRF token.

Accounts are changed through :mod:`pipelines.services.users`, as ``minhchung users`` does. Disabling uses
the service's ``disable_user`` when it has one; until then it gives the account a random password nobody
knows, which also ends every session of it (an administrator enables it again by setting a new password).
A refused form is drawn again with the message beside its field and what was typed (never a password).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from pipelines.services import users as accounts
from pipelines.services.users import MAX_PASSWORD, MIN_PASSWORD, NAME, ROLE_VI, ROLES, User
from pipelines.web.deps import Admin, catalog, render, require

router = APIRouter()
AdminPoster = Annotated[User, Depends(require("admin", csrf=True))]
Name = Annotated[str, Form(max_length=64)]
Password = Annotated[str, Form(max_length=MAX_PASSWORD)]
DONE = {"added": "Đã thêm người dùng {name}.", "password": "Đã đặt mật khẩu mới cho {name}; các phiên cũ đã kết thúc.",
        "disabled": "Đã khóa tài khoản {name}: mọi phiên đã kết thúc, không đăng nhập được cho đến khi đặt mật "
                    "khẩu mới."}


class FormError(ValueError):
    """A form field that cannot be used: ``field`` names it, ``str()`` says why in Vietnamese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _said(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    return str(message()) if callable(message) else str(exc)


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME.match(name):
        raise FormError("name", "Tên đăng nhập gồm 1–64 chữ cái, chữ số hoặc các dấu . _ - @ (không có khoảng trắng).")
    return name


def check_password(password: str, field: str = "password") -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise FormError(field, f"Mật khẩu cần từ {MIN_PASSWORD} đến {MAX_PASSWORD} ký tự.")
    return password


def _existing(request: Request, name: str, field: str) -> str:
    name = check_name(name) if name.strip() else ""
    with catalog(request) as db:
        if not name or accounts.get_user(db, name) is None:
            raise FormError(field, f"Không có người dùng «{name[:64]}».")
    return name


def users_page(request: Request, *, errors: dict[str, str] | None = None, form: dict[str, Any] | None = None,
               done: str | None = None, status_code: int = 200) -> Response:
    with catalog(request) as db:
        people = accounts.list_users(db)
    return render(request, "admin_users.html", {
        "people": people, "roles": [(r, ROLE_VI[r]) for r in ROLES], "errors": errors or {}, "form": form or {},
        "done": done, "min_password": MIN_PASSWORD, "disabled": {u.name for u in people if _is_disabled(u)}},
        status_code=status_code)


def _is_disabled(user: User) -> bool:
    return bool(getattr(user, "disabled", False))


def _back(kind: str, name: str) -> Response:
    return RedirectResponse(f"/admin/users?done={kind}&name={quote(name)}", 303)


@router.get("/admin/users", include_in_schema=False)
def admin_users(request: Request, user: Admin, done: Annotated[str, Query(max_length=20)] = "",
                name: Annotated[str, Query(max_length=64)] = "") -> Response:
    return users_page(request, done=DONE[done].format(name=name) if done in DONE and name else None)


@router.post("/admin/users", include_in_schema=False)
def add_user(request: Request, user: AdminPoster, name: Name = "", role: Annotated[str, Form(max_length=20)] = "",
             password: Password = "") -> Response:
    form = {"name": name, "role": role}
    try:
        checked = check_name(name)
        if role not in ROLES:
            raise FormError("role", "Chọn vai trò.")
        check_password(password)
        with catalog(request) as db:
            if accounts.get_user(db, checked) is not None:
                raise FormError("name", f"Đã có người dùng «{checked}»: dùng «Đặt mật khẩu» để đổi mật khẩu.")
            accounts.add_user(db, checked, role, password)
    except FormError as exc:
        return users_page(request, errors={f"add-{exc.field}": str(exc)}, form=form, status_code=422)
    except accounts.UserError as exc:
        return users_page(request, errors={"add-name": _said(exc)}, form=form, status_code=422)
    return _back("added", checked)


@router.post("/admin/users/password", include_in_schema=False)
def reset_password(request: Request, user: AdminPoster, name: Name = "", password: Password = "") -> Response:
    try:
        checked = _existing(request, name, "reset")
        check_password(password, "reset")
        with catalog(request) as db:
            accounts.set_password(db, checked, password)
            enable = getattr(accounts, "enable_user", None)
            if callable(enable):
                enable(db, checked)
    except FormError as exc:
        return users_page(request, errors={"reset": str(exc)}, form={"target": name}, status_code=422)
    except accounts.UserError as exc:
        return users_page(request, errors={"reset": _said(exc)}, form={"target": name}, status_code=422)
    if checked == user.name:
        return RedirectResponse("/login", 303)  # the administrator's own sessions ended with the change
    return _back("password", checked)


@router.post("/admin/users/disable", include_in_schema=False)
def disable_user(request: Request, user: AdminPoster, name: Name = "") -> Response:
    try:
        checked = _existing(request, name, "disable")
        if checked == user.name:
            raise FormError("disable", "Không thể tự khóa tài khoản của mình: nhờ một quản trị viên khác.")
        with catalog(request) as db:
            disable = getattr(accounts, "disable_user", None)
            if callable(disable):
                disable(db, checked)
            else:  # a password nobody knows; set_password also ends every session of the account
                accounts.set_password(db, checked, secrets.token_urlsafe(48))
    except FormError as exc:
        return users_page(request, errors={"disable": str(exc)}, form={"target": name}, status_code=422)
    except accounts.UserError as exc:
        return users_page(request, errors={"disable": _said(exc)}, form={"target": name}, status_code=422)
    return _back("disabled", checked)
