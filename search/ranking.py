"""What puts a document first, for every backend: its heading and its số ký hiệu.

A query typed by an inspector is most often the trích yếu of the document wanted ("kê khai tài sản, thu
nhập năm 2024"), its type and subject ("kế hoạch kê khai tài sản"), its number and symbol in some spelling
("245/KH-UBND", "245 KH UBND", "số 245/kh-ubnd") or its signer. The same words also fill the bodies of
many other documents (a report quotes the plan it reports on, a plan cites the one it carries out), and
BM25 over page text ranks a page that repeats them above the one that states them once in its header.

So two tiers are put above the body ranking (the exact-diacritics tier, :data:`search.model.EXACT_TIER`,
stays inside them):

* **symbol** (:data:`SYMBOL_TIER`): the query, read as one số ký hiệu (:func:`query_symbol_key`), is the
  document's own symbol (:func:`symbol_key`: folded, punctuation and spaces dropped, so every spelling
  above gives ``245khubnd``);
* **heading** (:data:`TITLE_TIER`): the whole query (every clause, none of its exclusions) matches the
  document's heading (:func:`heading`: type name, symbol, trích yếu, signer), in the form the query was
  typed (with its diacritics when it has any, else folded, as for pages).

Only pages that match the query at all are reordered: the tiers never add a page to the results, so
totals and facets are those of the body match.
"""

from __future__ import annotations

from ingest.text import fold
from search.analysis import Query, tokens
from search.model import PageRecord

SYMBOL_TIER = 4000.0  # added to the score of pages of the document whose symbol the query is
TITLE_TIER = 2000.0  # added to the score of pages of documents whose heading matches the whole query
MAX_SYMBOL_TOKENS = 8  # "1520/BC-CAT-PC03" is 5 tokens; a longer query is words, not a symbol
_SO = ("so",)  # "số 245/KH-UBND": the word "số" before a symbol is not part of it


def heading(page: PageRecord) -> str:
    """The text the heading tier matches: type name, số ký hiệu, trích yếu and signer, one per line."""
    return "\n".join(v for v in (page.doc_type_name, page.symbol, page.subject, page.signer) if v)


def symbol_key(symbol: str | None) -> str:
    """A symbol without case, marks, punctuation or spaces ("245/KH-UBND" → "245khubnd"); "" for none."""
    return "".join(fold(t) for t in tokens(symbol or ""))


def query_symbol_key(query: Query) -> str | None:
    """The query as a symbol key when it can be one: only plain words (no OR, prefix or exclusion), at
    least one with a digit and one with a letter, at most :data:`MAX_SYMBOL_TOKENS`; a leading "số" is
    dropped. None otherwise."""
    if query.excluded or any(len(clause) != 1 or clause[0].prefix for clause in query.clauses):
        return None
    words = [fold(t) for clause in query.clauses for t in clause[0].tokens]
    if words[:1] == list(_SO):
        words = words[1:]
    if not words or len(words) > MAX_SYMBOL_TOKENS:
        return None
    text = "".join(words)
    if not any(ch.isdigit() for ch in text) or not any(ch.isalpha() for ch in text):
        return None
    return text
