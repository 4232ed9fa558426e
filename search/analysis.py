"""Text analysis shared by every search backend: tokens and the query language (snippets: :mod:`search.snippets`).

Two forms of every word are indexed:

* the *exact* form — NFC, lowercase, diacritics kept ("bàn");
* the *folded* form — :func:`ingest.text.fold`: no tone or vowel marks, đ→d ("ban").

A word is a run of letters and digits, so "10/CT-TTg" is the three tokens "10", "ct", "ttg" and a query
word like "10/CT-TTg" becomes the phrase of those three tokens.

Query language (:func:`parse_query`)::

    tham nhũng              both words (AND is the default)
    "kê khai tài sản"       a phrase: the words next to each other, in order
    kế hoạch OR "chương trình"   either side (OR binds tighter than AND: ``a b OR c`` is a AND (b OR c))
    -"báo cáo" -dự          exclusion of a word or a phrase
    nhũ*  "tham nhũ*"       prefix (of the last word of a phrase); at least three letters before the *

Matching always uses the folded form, so "dak lak" finds "Đắk Lắk" and OCR slips like "tham những" are
still found by "tham nhũng". When the query itself carries diacritics (any of its words), the exact form
of each word is searched as well and scores on top, so pages with the diacritics the user typed rank
first ("bàn" above "bán"), and exclusions then remove only the exact form the user typed. A query typed
without any diacritics says nothing about them, so it is matched on the folded form alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from ingest.text import fold, nfc

_WORD = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
# A shorter prefix ("tr*") expands to hundreds of syllables: SQLite FTS5 merges every one of their
# posting lists (805 ms for "thanh tr*" on 100,000 pages) and the hits are noise anyway.
MIN_PREFIX = 3


# English texts of the codes (the same as the shell's catalog, pipelines/i18n/locale/en: a test checks it).
MESSAGES = {
    "query.lone_minus": 'a lone "-" at position {position}: write -word or -"phrase" to exclude',
    "query.unbalanced_quote": 'unbalanced quote at position {position}: close the phrase with another "',
    "query.empty_phrase": "empty phrase at position {position}",
    "query.star_too_early": '"*" at position {position} must follow at least {min} letters',
    "query.prefix_too_short": 'prefix "{prefix}*" is too short: give at least {min} letters before the *',
    "query.or_without_left": "OR at position {position} needs a term before it",
    "query.excluded_in_or": "an excluded term cannot be part of OR (position {position})",
    "query.or_at_end": "OR at the end of the query needs a term after it",
    "query.only_excluded": "the query only excludes: add at least one word or phrase to search for",
    "query.empty": "empty query: type at least one word",
}


class QueryError(ValueError):
    """The query text cannot be understood: ``code`` and ``params`` (strings, for the shell's translations),
    ``str()`` says why in English words an inspector can act on."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__(MESSAGES[code].format_map(self.params))

    def __reduce__(self) -> tuple:
        return (partial(QueryError, self.code, **self.params), ())


# --- tokens -------------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFC, lowercase: the exact form of a text."""
    return nfc(text).lower()


def tokens(text: str) -> list[str]:
    """Exact-form tokens (NFC, lowercase) of a text."""
    return _WORD.findall(normalize(text))


def index_forms(text: str) -> tuple[str, str]:
    """The two strings a backend indexes for a page: exact tokens and folded tokens, space separated.

    Both have the same number of tokens in the same order, so phrase positions agree between them.
    """
    exact = tokens(text)
    return " ".join(exact), fold(" ".join(exact))


def is_accented(word: str) -> bool:
    return fold(word) != normalize(word)


# --- the query AST ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase: its tokens must occur next to each other, in order.

    ``prefix`` makes the last token a prefix (``nhũ*`` matches nhũng, nhụng, nhưng...).
    """

    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.tokens)

    @property
    def is_phrase(self) -> bool:
        return len(self.tokens) > 1

    def __str__(self) -> str:
        body = " ".join(self.tokens) + ("*" if self.prefix else "")
        return f'"{body}"' if self.is_phrase else body


@dataclass(frozen=True)
class Query:
    """AND of clauses; a clause is an OR of terms; ``excluded`` terms must not occur."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()
    accented: bool = False
    text: str = ""

    def positive_terms(self) -> Iterator[Term]:
        for clause in self.clauses:
            yield from clause

    def __str__(self) -> str:
        parts = [" OR ".join(map(str, clause)) for clause in self.clauses]
        parts += [f"-{term}" for term in self.excluded]
        return " ".join(parts)


@dataclass(frozen=True)
class _Lexeme:
    kind: str          # "term" | "or"
    text: str = ""
    quoted: bool = False
    negated: bool = False
    pos: int = 0


def _lex(text: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        negated = False
        if ch == "-":
            negated = True
            i += 1
            if i >= n or text[i].isspace():
                raise QueryError("query.lone_minus", position=start + 1)
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("query.unbalanced_quote", position=i + 1)
            body = text[i + 1 : end]
            i = end + 1
            if i < n and text[i] == "*":  # "tham nhũ"* is the same as "tham nhũ*"
                body += "*"
                i += 1
            out.append(_Lexeme("term", body, quoted=True, negated=negated, pos=start))
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] != '"':
            end += 1
        word = text[i:end]
        i = end
        if word == "OR" and not negated:
            out.append(_Lexeme("or", pos=start))
        else:
            out.append(_Lexeme("term", word, negated=negated, pos=start))
    return out


def _term(lexeme: _Lexeme) -> Term | None:
    body = lexeme.text.strip()
    prefix = body.endswith("*")
    if prefix:
        body = body.rstrip("*")
    toks = tuple(tokens(body))
    if not toks:
        if lexeme.quoted:
            raise QueryError("query.empty_phrase", position=lexeme.pos + 1)
        if prefix:
            raise QueryError("query.star_too_early", position=lexeme.pos + 1, min=MIN_PREFIX)
        return None  # punctuation only ("," or "–"): nothing to search for
    if prefix and len(fold(toks[-1])) < MIN_PREFIX:
        raise QueryError("query.prefix_too_short", prefix=toks[-1], min=MIN_PREFIX)
    return Term(toks, prefix)


def parse_query(text: str) -> Query:
    """Parse the inspector's query (see the module docstring); raise :class:`QueryError` when it is malformed."""
    text = nfc(text or "").translate(_QUOTES)
    lexemes = _lex(text)
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    previous: _Lexeme | None = None
    for lexeme in lexemes:
        if lexeme.kind == "or":
            if previous is None or previous.kind == "or" or previous.negated or not clauses:
                raise QueryError("query.or_without_left", position=lexeme.pos + 1)
            pending_or = True
            previous = lexeme
            continue
        term = _term(lexeme)
        if term is None:
            continue
        if lexeme.negated:
            if pending_or:
                raise QueryError("query.excluded_in_or", position=lexeme.pos + 1)
            excluded.append(term)
        elif pending_or:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        pending_or = False
        previous = lexeme
    if pending_or:
        raise QueryError("query.or_at_end")
    if not clauses:
        if excluded:
            raise QueryError("query.only_excluded")
        raise QueryError("query.empty")
    every = [tok for clause in clauses for term in clause for tok in term.tokens]
    every += [tok for term in excluded for tok in term.tokens]
    return Query(tuple(tuple(dict.fromkeys(c)) for c in clauses), tuple(dict.fromkeys(excluded)),
                 accented=any(is_accented(tok) for tok in every), text=text)
