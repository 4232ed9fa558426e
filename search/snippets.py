"""Snippets: where a query's terms occur in a page, and the one-line extract around the best cluster of them.

Matching is done on the page's *folded* form (:func:`ingest.text.fold`: lowercase, no marks, đ→d), which keeps
every offset of the original text, so a hit found there is marked in the original spelling. A backend that
stores the folded form beside the text (the SQLite backend does) passes it in; otherwise it is folded here.

Each positive term is one small regex of plain folded words (``tham[\\W_]+nhung\\b``): it starts with a
literal, which the ``re`` engine looks for with a fast scan, and compiles in microseconds. The terms are then
merged as one leftmost alternation would merge them (longest term first where several start at one place,
no overlaps), without paying for one: an alternation of groups opened by ``\\b`` is tried at every character
(100 µs for a 1,600-character page against 8 µs; the former per-letter classes of diacritic variants also
took 0.2–0.7 ms to compile per term, for every query).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ingest.text import fold, squash
from search.analysis import Query, Term


class Match(NamedTuple):
    start: int
    end: int
    term: int  # which positive term matched (its index in ``query.positive_terms()``)


def aligned_fold(text: str) -> str:
    """:func:`fold` that always keeps ``len(result) == len(text)`` (a few rare letters lowercase to two)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join((fold(ch) or ch)[0] for ch in text)


def _term_pattern(term: Term) -> str:
    """A regex for the term on folded text: its folded tokens with any non-word run between them (as the index
    sees them: punctuation is not a token), ending at a word's end (open when it is a prefix). The start of a
    word is checked by :func:`_next` (a leading ``\\b`` would hide the literal from the engine's fast scan)."""
    return r"[\W_]+".join(map(re.escape, term.folded)) + (r"\w*" if term.prefix else r"\b")


@dataclass(frozen=True)
class Matcher:
    """The compiled terms of a query, longest first (``(term index, pattern)``); ``key`` names it in caches."""

    terms: tuple[tuple[int, re.Pattern[str]], ...]
    key: str


def matcher(query: Query) -> Matcher:
    terms = sorted(enumerate(query.positive_terms()), key=lambda it: -len(it[1].tokens))
    compiled = tuple((n, re.compile(_term_pattern(term))) for n, term in terms)
    return Matcher(compiled, "|".join(f"{n}:{p.pattern}" for n, p in compiled))


_NONE = 1 << 62  # the start of a term that occurs no more


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches in a str pattern


def _next(pattern: re.Pattern[str], folded: str, pos: int) -> re.Match[str] | None:
    """The first match at or after ``pos`` that starts a word."""
    while (m := pattern.search(folded, pos)) is not None:
        start = m.start()
        if not start or not _is_word(folded[start - 1]):
            return m
        pos = start + 1
    return None


def find_matches(text: str, query: Query, terms: Matcher | None = None, folded: str | None = None) -> list[Match]:
    """Spans of ``text`` (NFC) where a positive term of the query occurs with any diacritics: exact and
    folded-only occurrences alike (the way the index matches), in order, never overlapping. ``folded`` is
    ``aligned_fold(text)`` when the caller has it.

    The same spans as one regex ``\\b(?:t1|t2|…)`` with the longest terms first would find: from the left, at
    the first place where any term matches, the first term in that order, then on after its end."""
    terms = terms or matcher(query)
    folded = aligned_fold(text) if folded is None else folded
    patterns = [pattern for _, pattern in terms.terms]
    ahead = [_next(pattern, folded, 0) for pattern in patterns]
    starts = [m.start() if m else _NONE for m in ahead]
    order = range(len(starts))
    out: list[Match] = []
    while True:
        first = min(order, key=starts.__getitem__)  # (ties: the earlier term, as min keeps the first)
        if starts[first] == _NONE:
            return out
        end = ahead[first].end()
        out.append(Match(starts[first], end, terms.terms[first][0]))
        for k in order:
            if starts[k] < end:  # overlaps the match taken (or is it): look again after it
                m = ahead[k] = _next(patterns[k], folded, end)
                starts[k] = m.start() if m else _NONE


def _best_window(matches: list[Match], max_chars: int) -> tuple[int, int]:
    """Indices [i, j) of the matches that fit in one window with the most distinct terms, then most hits
    (a sliding window over the matches in text order)."""
    best, best_key = (0, 1), (0, 0)
    counts: dict[int, int] = {}
    j = 0
    for i, first in enumerate(matches):
        while j < len(matches) and matches[j].end - first.start <= max_chars:
            counts[matches[j].term] = counts.get(matches[j].term, 0) + 1
            j += 1
        key = (len(counts), j - i)
        if key > best_key:
            best, best_key = (i, max(j, i + 1)), key
        if j > i:  # drop matches[i] before the window moves on
            term = first.term
            counts[term] -= 1
            if not counts[term]:
                del counts[term]
        else:
            j = i + 1
    return best


def _cut(text: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """A window [a, b) of at most ``max_chars`` around [start, end), snapped to word boundaries."""
    room = max(max_chars - (end - start), 0)
    a = max(0, start - room // 3)
    b = min(len(text), max(end, a + max_chars))
    if b - a > max_chars and end - a <= max_chars:
        b = a + max_chars
    if a > 0:
        space = text.find(" ", a, start)
        a = space + 1 if space >= 0 else a
    if b < len(text):
        space = text.rfind(" ", end, b)
        b = space if space >= 0 else b
    return a, b


Spans = Callable[[str, str], list[tuple[int, int]]]  # (text, its aligned fold) → the spans to mark in it


def highlight(text: str, query: Query, markers: tuple[str, str] = ("**", "**"), max_chars: int = 240,
              html_escape: bool = False, terms: Matcher | None = None, folded: str | None = None,
              marks: Spans | None = None) -> str:
    """A one-line snippet of ``text`` around the densest cluster of query hits, hits wrapped in ``markers``.

    With ``html_escape`` the text (never the markers) is HTML-escaped, for markers like ``<mark>``.
    White space runs become single spaces; "…" marks text cut off on either side. A caller that stored the
    page squashed (:func:`ingest.text.squash`) and its ``aligned_fold`` passes both: nothing is redone here.
    The window is chosen by every match of the query; ``marks`` (e.g. :func:`search.marking.reader_matches`
    of a query) chooses other spans to mark inside it than those matches.
    """
    if folded is None:
        text = squash(text)  # one line; offsets below are in this text
        folded = aligned_fold(text)
    matches = find_matches(text, query, terms, folded)
    escape = html.escape if html_escape else str
    if not matches:
        a, b = _cut(text, 0, 0, max_chars)
        return escape(text[a:b]) + ("…" if b < len(text) else "")
    i, j = _best_window(matches, max_chars)
    shown = matches[i:j]
    a, b = _cut(text, shown[0].start, max(m.end for m in shown), max_chars)
    pieces = ["…" if a > 0 else ""]
    pos = a
    spans = _merged(matches, text, a, b) if marks is None else \
        [(a + start, a + end) for start, end in marks(text[a:b], folded[a:b])]
    for start, end in spans:
        pieces += [escape(text[pos:start]), markers[0], escape(text[start:end]), markers[1]]
        pos = end
    pieces += [escape(text[pos:b]), "…" if b < len(text) else ""]
    return "".join(pieces)


def _merged(matches: list[Match], text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The spans inside [a, b), hits only white space apart joined ("**tham nhũng**", not two marks)."""
    spans: list[tuple[int, int]] = []
    for m in matches:
        if m.start < a or m.end > b:
            continue
        if spans and m.start <= spans[-1][1]:
            continue  # overlaps the previous hit
        if spans and text[spans[-1][1] : m.start] in ("", " "):
            spans[-1] = (spans[-1][0], m.end)
        else:
            spans.append((m.start, m.end))
    return spans
