"""Errors that carry a message code, and stored error texts turned back into messages.

Every coded error, the shell's (:class:`CodedError`) and the libraries' (``ingest.pages.PageError``,
``ingest.sources.SourceError``, ``ingest.ocr.OcrError``, ``search.analysis.QueryError``, which must not import
the shell), has a ``code`` and ``params`` and an English ``str()`` for logs. A front end shows
:func:`message_of` in the user's language.

The catalog stores an error as its English text beside its code (``files.error`` + ``files.error_code`` …).
:func:`stored_message` shows it in another language: the parameters are read back from the English text
with the code's English template (``page {page}: {reason}`` → ``page=…, reason=…``); a text stored without a
code is recognised by the template that makes it. A text that does not read back (a reworded template, a
free text) is shown as stored.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from pipelines.i18n.catalog import CODE, DEFAULT_LANG, PLACEHOLDER, Msg, template, texts, translate


class CodedError(Exception):
    """An error with a message code and named parameters; ``str()`` is the English text (for logs), and
    :meth:`message` the text in a language."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, object] = dict(params)

    def __str__(self) -> str:
        return translate(self.code, "en", **self.params)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return translate(self.code, lang, **self.params)

    def msg(self) -> Msg:
        return Msg(self.code, self.params)

    def __reduce__(self) -> tuple:
        return (functools.partial(type(self), self.code, **self.params), ())


def code_of(exc: BaseException) -> str | None:
    """The message code an exception carries (shell or library error), else None."""
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and CODE.fullmatch(code) else None


def params_of(exc: BaseException) -> dict[str, object]:
    params = getattr(exc, "params", None)
    return dict(params) if isinstance(params, Mapping) else {}


def as_msg(exc: BaseException) -> Msg | None:
    code = code_of(exc)
    return Msg(code, params_of(exc)) if code else None


def message_of(exc: BaseException, lang: str = DEFAULT_LANG) -> str:
    """What to show a user for ``exc``: its coded message in ``lang``, else its own text."""
    code = code_of(exc)
    if code is None or template(code, lang) is None:
        return str(exc)
    return translate(code, lang, **params_of(exc))


@functools.cache
def _pattern(code: str) -> re.Pattern[str] | None:
    english = template(code, "en")
    if english is None:
        return None
    out, seen, pos = [], set(), 0
    for match in PLACEHOLDER.finditer(english):
        out.append(re.escape(english[pos:match.start()]))
        name = match.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        pos = match.end()
    out.append(re.escape(english[pos:]))
    return re.compile("".join(out), re.DOTALL)


def read_back(code: str, text: str) -> dict[str, str] | None:
    """The parameters that make ``code``'s English text equal ``text``; None when no parameters do."""
    pattern = _pattern(code)
    match = pattern.fullmatch(text) if pattern else None
    if match is None:
        return None
    params = match.groupdict()
    return params if translate(code, "en", **params) == text else None


MIN_LITERAL = 8  # a template recognised in a text without a code needs this many characters of its own
# The help screens' texts (pipelines/cli/helptext.py: cli.<command>.help, .opt.<option>, .arg.<argument>,
# cli.words.*) are never a stored reason: not tried (they were 129 of 325 templates to try on each such text).
HELP_TEXT = re.compile(r"cli\.(?:words\.\w+|[\w.]+\.help|[\w.]+\.(?:opt|arg)\.\w+)")


@functools.cache
def _recognisable() -> tuple[str, ...]:
    """Codes whose English template says enough to be told apart from any other text."""
    english = texts("en")
    return tuple(code for code, text in english.items()
                 if len(PLACEHOLDER.sub("", text).strip(" :;,.()'«»")) >= MIN_LITERAL and not HELP_TEXT.fullmatch(code))


def recognise(text: str) -> tuple[str, dict[str, str]] | None:
    """The code (and parameters) whose English template makes ``text``: for reasons stored without a code
    (a catalog written before codes, a table whose code column a writer does not fill yet)."""
    for code in _recognisable():
        params = read_back(code, text)
        if params is not None:
            return code, params
    return None


def stored_message(code: str | None, text: str | None, lang: str = DEFAULT_LANG,
                   **known: object) -> str | None:
    """A stored error (English ``text`` + ``code``) in ``lang``; ``known`` parameters win over read-back
    ones (e.g. a composed ``pages`` list). Without a code, a text that one code's English template makes is
    translated as that code. The stored text when it cannot be read back."""
    if text is None and not known:
        return None
    if not code:
        found = recognise(text or "")
        return translate(found[0], lang, **found[1]) if found else text
    params = read_back(code, text or "") if not known else {}
    if params is None:
        return text
    return translate(code, lang, **{**params, **known})
