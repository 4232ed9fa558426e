"""The one message catalog: gettext domain ``minhchung`` in ``locale/{vi,en}/LC_MESSAGES/minhchung.po``.

A message id is a stable machine code (``pdf.encrypted``, ``query.unbalanced_quote``); its text has named
parameters in braces (``{page}``). The ``.po`` files are the only source: each is compiled in memory the
first time a language is used (Babel's ``read_po`` then ``write_mo`` into a :class:`gettext.GNUTranslations`),
so no ``.mo`` file is built or kept. Vietnamese is the default language; a code missing in Vietnamese falls
back to English, and an unknown code is shown as itself.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "minhchung"
LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
CODE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")  # a message code: dotted lowercase words
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Msg:
    """A message not yet in a language: a code and its parameters (which may be messages themselves, e.g. the
    reason inside ``page.failed``). :func:`translate` renders nested messages in the same language."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return translate(self.code, lang, **self.params)


def po_path(lang: str) -> resources.abc.Traversable:
    return resources.files("pipelines.i18n") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The compiled catalog of ``lang`` (compiled once per process, from the ``.po`` file)."""
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def texts(lang: str) -> dict[str, str]:
    """Every code of ``lang``'s ``.po`` file with its text (for checks and listings)."""
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in catalog if m.id}


def lang_or_none(value: str | None) -> str | None:
    """``vi``, ``vi-VN``, ``EN_us`` … → a language of :data:`LANGS`; None for anything else."""
    primary = re.split(r"[-_]", (value or "").strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGS else None


def template(code: str, lang: str = DEFAULT_LANG) -> str | None:
    """The text of ``code`` in ``lang`` (English when ``lang`` lacks it); None for an unknown code."""
    for candidate in dict.fromkeys((lang_or_none(lang) or DEFAULT_LANG, "en")):
        text = translations(candidate).gettext(code)
        if text != code:
            return text
    return None


def translate(code: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text of ``code`` in ``lang`` with its parameters filled in (a :class:`Msg` parameter is translated
    too, a list of values is joined with "; "). A parameter the text does not name is ignored; one it names
    but not given stays ``{name}``."""
    text = template(code, lang)
    if text is None:
        return code
    return fill(text, params, lang)


def fill(text: str, params: Mapping[str, object], lang: str = DEFAULT_LANG) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            return match.group(0)
        return _render(params[name], lang)

    return PLACEHOLDER.sub(value, text)


def _render(value: object, lang: str) -> str:
    """A parameter's text: a message translated, a list or tuple of values joined with "; "."""
    if isinstance(value, Msg):
        return value.text(lang)
    if isinstance(value, list | tuple):
        return "; ".join(_render(v, lang) for v in value)
    return str(value)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def negotiate(accept_language: str | None) -> str:
    """The language of :data:`LANGS` a browser prefers most (its ``Accept-Language`` header); Vietnamese when
    it names none of them. ``q`` weights count; among equal weights the first named wins."""
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((accept_language or "").split(",")):
        tag, *opts = [p.strip() for p in part.split(";")]
        lang = lang_or_none(tag)
        q = 1.0
        for opt in opts:
            key, _, number = opt.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(number)
                except ValueError:
                    q = 0.0
        if lang is None or not 0 < q <= 1:
            continue
        if best is None or (-q, i) < (-best[0], best[1]):
            best = (q, i, lang)
    return best[2] if best else DEFAULT_LANG
