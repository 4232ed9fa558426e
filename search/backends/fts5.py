"""Pure builders for the SQLite backend: FTS5 MATCH text and the SQL conditions for filters.

Two columns are indexed per page (see :mod:`search.backends.sqlite`): ``exact`` and ``folded``.

* ``folded_expression`` — what a page must match: every term on the folded column, exclusions on the
  exact column when the query carries diacritics (the user said which form to drop), else folded.
* ``exact_expression`` — the same query with every term on the exact column: the pages that match it
  form the first tier of the ranking when the query carries diacritics ("bàn" before "bán").
"""

from __future__ import annotations

from search.analysis import Query, Term
from search.model import Filters

SEP = "\x1f"  # between the indicator ids in a facet cell's key


def _phrase(tokens: tuple[str, ...], prefix: bool) -> str:
    # Tokens are runs of letters and digits (never a quote), so quoting each phrase is safe.
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


def _column_term(term: Term, column: str) -> str:
    tokens = term.tokens if column == "exact" else term.folded
    return f"{column} : {_phrase(tokens, term.prefix)}"


def _expression(query: Query, column: str) -> str:
    clauses = []
    for clause in query.clauses:
        alts = [_column_term(term, column) for term in clause]
        clauses.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    expr = " AND ".join(clauses)
    drop = "exact" if query.accented else "folded"
    for term in query.excluded:
        expr = f"({expr}) NOT {_column_term(term, drop)}"
    return expr


def folded_expression(query: Query) -> str:
    """The MATCH text deciding which pages match at all."""
    return _expression(query, "folded")


def exact_expression(query: Query) -> str:
    """The MATCH text of the first ranking tier (only meaningful for a query with diacritics)."""
    return _expression(query, "exact")


def _in(column: str, values: tuple[str, ...], args: list) -> str:
    args.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def filter_sql(filters: Filters, args: list) -> str:
    """A WHERE condition over ``p`` (search_pages); appends its parameters to ``args``.

    Unit, type and indicator filters select facet cells (a small table), the rest are page columns.
    """
    cells = []
    if filters.units:
        cells.append(_in("c.unit", filters.units, args))
    if filters.doc_types:
        cells.append(_in("c.doc_type", filters.doc_types, args))
    if filters.indicators:
        inner = _in("i.indicator", filters.indicators, args)
        cells.append(f"c.id IN (SELECT i.cell FROM search_cell_indicators i WHERE {inner})")
    cond = [f"p.cell IN (SELECT c.id FROM search_cells c WHERE {' AND '.join(cells)})"] if cells else []
    if filters.issued_from:
        cond.append("p.issued >= ?")
        args.append(filters.issued_from.isoformat())
    if filters.issued_to:
        cond.append("p.issued <= ?")
        args.append(filters.issued_to.isoformat())
    if filters.in_period is not None:
        cond.append("p.in_period = ?")
        args.append(int(filters.in_period))
    if filters.method:
        cond.append("p.method = ?")
        args.append(filters.method)
    if filters.min_confidence is not None:
        cond.append("COALESCE(p.confidence, 100.0) >= ?")
        args.append(float(filters.min_confidence))
    return " AND ".join(cond)


def cell_indicators(indicators: tuple[str, ...]) -> str:
    """A cell's indicator set as part of its unique key: the sorted ids joined by SEP."""
    return SEP.join(sorted(set(indicators)))
