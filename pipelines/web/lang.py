"""The language of a request: ``?lang=vi|en`` when given, else the browser's ``Accept-Language`` (Vietnamese
when it names neither). Routes take it as the :data:`Lang` dependency; the error handlers and the templates'
``t(code, **params)`` and ``stored(code, text)`` globals call :func:`request_lang`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jinja2 import pass_context
from jinja2.runtime import Context

from pipelines.i18n import DEFAULT_LANG, lang_or_none, negotiate, stored_message, translate

QUERY_PARAM = "lang"


def request_lang(request: Request) -> str:
    """``vi`` or ``en`` for this request (worked out once, kept on ``request.state.lang``)."""
    known = getattr(request.state, "lang", None)
    if known:
        return known
    lang = lang_or_none(request.query_params.get(QUERY_PARAM)) or negotiate(request.headers.get("accept-language"))
    request.state.lang = lang
    return lang


# A route's language: ``def page(request: Request, lang: Lang) -> …``.
Lang = Annotated[str, Depends(request_lang)]


def _context_lang(context: Context) -> str:
    request = context.get("request")
    return request_lang(request) if isinstance(request, Request) else DEFAULT_LANG


@pass_context
def t(context: Context, code: str, **params: object) -> str:
    """Template global: ``{{ t('upload.no_files') }}`` in the request's language."""
    return translate(code, _context_lang(context), **params)


@pass_context
def stored(context: Context, code: str | None, text: str | None) -> str:
    """Template global: an error the catalog stored (``error_code``, English ``error``) in the request's
    language, e.g. ``{{ stored(p.error_code, p.error) }}``."""
    return stored_message(code, text, _context_lang(context)) or ""
