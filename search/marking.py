"""Phrase-first marking: which spans of a text a *reader* should see marked for a query.

The index finds a page by any form of each word (:func:`search.snippets.find_matches`); a reader wants to see
why the page is relevant: "kê khai tài sản" marked where the words stand together, not every "khai" of
"triển khai" and every "tại" of a page that has the phrase. The search page's snippets (through
``SearchRequest.reader_marks``), the document page's text and the boxes drawn on its scan all mark these spans.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.analysis import Query, Term, is_accented, tokens
from search.snippets import Matcher, Spans, aligned_fold, find_matches, matcher

MAX_RUN = 8  # longer runs of words are tried in parts of at most this many words


def _typed(found: str, term: Term) -> bool:
    """Is the text ``found`` (a match of ``term``) in the form typed: each accented word exactly as typed?"""
    seen = tokens(found)
    return len(seen) == len(term.tokens) and all(
        not is_accented(want) or got == want or (term.prefix and i == len(seen) - 1 and got.startswith(want))
        for i, (got, want) in enumerate(zip(seen, term.tokens, strict=True)))


def _runs(query: Query) -> list[list[Term]]:
    """Runs of terms typed one after another without OR or quotes around them (each run is tried as a phrase);
    every other term is a run of its own."""
    runs: list[list[Term]] = [[]]
    for clause in query.clauses:
        if len(clause) == 1 and not clause[0].prefix and not clause[0].is_phrase:
            runs[-1].append(clause[0])
        else:
            runs += [[term] for term in clause] + [[]]
    return [run for run in runs if run]


@dataclass(frozen=True)
class ReaderTerms:
    """What :func:`reader_matches` looks for, compiled once per query (a results page marks many snippets):
    per run, its parts in the order tried — phrases of the run's words, longest first, then each word —
    as (the word indices in the run, the one-term query, its matcher). ``key`` names it in caches."""

    runs: tuple[tuple[tuple[tuple[int, ...], Query, Matcher], ...], ...]
    key: str


def reader_terms(query: Query) -> ReaderTerms:
    runs = []
    for run in _runs(query):
        parts = [tuple(range(first, first + size)) for size in range(min(len(run), MAX_RUN), 1, -1)
                 for first in range(len(run) - size + 1)] + [(n,) for n in range(len(run))]
        compiled = []
        for part in parts:
            alone = Query(((Term(tuple(tok for n in part for tok in run[n].tokens), run[part[-1]].prefix),),))
            compiled.append((part, alone, matcher(alone)))
        runs.append(tuple(compiled))
    # (the key holds the words as typed: "tham nhung" marks "tham những", "tham nhũng" does not where it is)
    return ReaderTerms(tuple(runs), "/".join(",".join(_spelled(alone) for _, alone, _ in run) for run in runs))


def _spelled(alone: Query) -> str:
    term = alone.clauses[0][0]
    return " ".join(term.tokens) + ("*" if term.prefix else "")


def reader_matches(text: str, query: Query | ReaderTerms, folded: str | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` to mark for a reader, in order, never overlapping (a subset of ``find_matches``);
    ``folded`` is ``aligned_fold(text)`` when the caller has it.

    A run of words ("kê khai tài sản") is marked where it stands whole, then where its longest parts do
    ("kê khai", "tài sản"); a word of the run alone only when no part holding it is in the text. Each is
    marked in the form typed when that form is in the text ("tài", not "tại"), else in any form (an OCR
    slip, a query typed without diacritics)."""
    prepared = query if isinstance(query, ReaderTerms) else reader_terms(query)
    taken: list[tuple[int, int]] = []
    folded = aligned_fold(text) if folded is None else folded  # (once: every part of every run looks in it)
    for run in prepared.runs:
        covered: set[int] = set()
        for part, alone, terms in run:
            if len(part) == 1 and part[0] in covered:
                continue
            spans = [(m.start, m.end) for m in find_matches(text, alone, terms, folded)
                     if not any(m.start < end and start < m.end for start, end in taken)]
            if not spans:
                continue
            term = alone.clauses[0][0]
            typed = [s for s in spans if _typed(text[s[0]:s[1]], term)]
            taken.extend(typed or spans)
            if len(part) > 1:
                covered.update(part)
    return sorted(taken)


def snippet_marks(query: Query, reader: bool) -> tuple[Spans | None, str]:
    """What :func:`search.snippets.highlight` marks for a request, and a key naming it in caches: with ``reader``
    (``SearchRequest.reader_marks``) the reader's spans, the query's parts compiled once for every snippet (the
    key tells "kê khai" from "kê OR khai", which have the same terms); else (None, "") — every match."""
    if not reader:
        return None, ""
    prepared = reader_terms(query)
    return (lambda text, folded: reader_matches(text, prepared, folded)), prepared.key
