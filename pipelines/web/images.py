"""Page images for the browser and the OCR word boxes drawn over them.

Words were found on the *cleaned* image (deskewed, cropped); the page's 3×3 ``matrix`` maps the original
raster to it. A box is mapped back with the inverse matrix (its four corners, then their bounding box) into
the original raster of the page at the file's dpi, then scaled to the served image, which is that raster
resized to :data:`DISPLAY_WIDTH` pixels wide (never enlarged). Served images are cached under
``cache/web/`` of the data home (JPEG; rendering a PDF page takes ~0.3 s).
"""

from __future__ import annotations

import html
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from markupsafe import Markup
from PIL import Image, ImageOps
from pypdf import PdfReader

from ingest.pages import raster
from search.analysis import Query, Term, is_accented, tokens
from search.snippets import Matcher, aligned_fold, find_matches, matcher

DISPLAY_WIDTH = 1100
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Box:
    """A word's box in the served image's pixels."""

    text: str
    left: float
    top: float
    width: float
    height: float
    hit: bool


def raster_size(path: Path, kind: str, n: int, dpi: int) -> tuple[int, int]:
    """(width, height) of page ``n`` as :func:`ingest.pages.raster` renders it, without rendering it."""
    return raster_sizes(path, kind, [n], dpi)[0]


def raster_sizes(path: Path, kind: str, pages: list[int], dpi: int) -> list[tuple[int, int]]:
    """:func:`raster_size` of several pages of one file, opening (and, for a PDF, parsing) the file once."""
    if kind == "pdf":
        reader = PdfReader(str(path))
        sizes = []
        for n in pages:
            page = reader.pages[n - 1]
            w, h = float(page.cropbox.width), float(page.cropbox.height)
            if page.rotation % 180 == 90:
                w, h = h, w
            sizes.append((math.ceil(w * dpi / 72 - 1e-6), math.ceil(h * dpi / 72 - 1e-6)))
        return sizes
    with Image.open(path) as img:
        sizes = []
        for n in pages:
            img.seek(n - 1)
            w, h = img.size
            if kind == "jpeg" and img.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                w, h = h, w
            sizes.append((w, h))
        return sizes


def display_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, DISPLAY_WIDTH / w)
    return max(1, round(w * scale)), max(1, round(h * scale))


def page_image(cache: Path, blob: Path, sha256: str, kind: str, n: int, dpi: int) -> Path:
    """The cached JPEG of page ``n`` at display size (rendered on first use)."""
    original = raster_size(blob, kind, n, dpi)
    size = display_size(original)
    target = cache / sha256[:2] / f"{sha256}-{n}-{size[0]}.jpg"
    if target.exists():
        return target
    render_dpi = dpi
    if kind == "pdf":  # render near the display size: much faster than the OCR resolution
        render_dpi = max(36, math.ceil(dpi * size[0] / original[0]) + 1)
    image = Image.fromarray(raster(blob, kind, n, render_dpi))
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.{id(image)}.tmp")
    ImageOps.exif_transpose(image).convert("RGB").save(tmp, "JPEG", quality=JPEG_QUALITY, optimize=True)
    os.replace(tmp, target)
    return target


def hit_words(words: list[list], query: Query | None) -> list[bool]:
    """For each OCR word, whether it is part of a hit of the query (phrases may run across lines)."""
    if query is None or not words:
        return [False] * len(words)
    starts, pieces, pos = [], [], 0
    for w in words:
        starts.append(pos)
        pieces.append(str(w[0]))
        pos += len(str(w[0])) + 1
    text = " ".join(pieces)
    flags = [False] * len(words)
    for m_start, m_end in reader_matches(text, query):
        for i, start in enumerate(starts):
            end = start + len(str(words[i][0]))
            if start < m_end and m_start < end:
                flags[i] = True
    return flags


def word_boxes(words: list[list], matrix: list[list[float]] | None, original: tuple[int, int],
               query: Query | None, hits_only: bool = True) -> list[Box]:
    """Boxes of the words (``[text, conf, left, top, width, height, line]`` in cleaned-image pixels) in the
    served image's pixels."""
    inverse = np.linalg.inv(np.array(matrix, dtype=float)) if matrix else np.eye(3)
    scale = display_size(original)[0] / original[0]
    out = []
    for word, hit in zip(words, hit_words(words, query), strict=True):
        if hits_only and not hit:
            continue
        _, _, left, top, width, height, _ = word
        corners = np.array([[left, top, 1], [left + width, top, 1], [left, top + height, 1],
                            [left + width, top + height, 1]], dtype=float).T
        xs, ys, ws = inverse @ corners
        xs, ys = xs / ws, ys / ws  # a perspective-corrected photo's matrix is a homography
        out.append(Box(str(word[0]), round(xs.min() * scale, 1), round(ys.min() * scale, 1),
                       round((xs.max() - xs.min()) * scale, 1), round((ys.max() - ys.min()) * scale, 1), hit))
    return out


def marked_text(text: str, query: Query | ReaderTerms | None) -> Markup:
    """The page text HTML-escaped, hits wrapped in ``<mark>``."""
    if query is None:
        return Markup(html.escape(text))
    pieces, pos = [], 0
    for start, end in reader_matches(text, query):
        pieces += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    pieces.append(html.escape(text[pos:]))
    return Markup("".join(pieces))


def remarked_snippet(snippet_html: str, query: Query | ReaderTerms | None) -> Markup:
    """A search backend's snippet (HTML, hits in ``<mark>``) marked again as :func:`marked_text` marks a page."""
    text = html.unescape(_MARK.sub("", snippet_html))
    return marked_text(text, query) if query else Markup(snippet_html)


# --- phrase-first marking -------------------------------------------------------------------------------
# The index finds a page by any form of each word (find_matches); a reader wants to see why the page is
# relevant: "kê khai tài sản" marked where the words stand together, not every "khai" of "triển khai" and
# every "tại" of a page that has the phrase.

_MARK = re.compile(r"</?mark>")
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
    as (the word indices in the run, the term, its matcher)."""

    runs: tuple[tuple[tuple[tuple[int, ...], Term, Matcher], ...], ...]


def reader_terms(query: Query) -> ReaderTerms:
    runs = []
    for run in _runs(query):
        parts = [tuple(range(first, first + size)) for size in range(min(len(run), MAX_RUN), 1, -1)
                 for first in range(len(run) - size + 1)] + [(n,) for n in range(len(run))]
        compiled = []
        for part in parts:
            term = Term(tuple(tok for n in part for tok in run[n].tokens), run[part[-1]].prefix)
            compiled.append((part, term, matcher(Query(((term,),)))))
        runs.append(tuple(compiled))
    return ReaderTerms(tuple(runs))


def reader_matches(text: str, query: Query | ReaderTerms) -> list[tuple[int, int]]:
    """Spans of ``text`` to mark for a reader, in order, never overlapping (a subset of ``find_matches``).

    A run of words ("kê khai tài sản") is marked where it stands whole, then where its longest parts do
    ("kê khai", "tài sản"); a word of the run alone only when no part holding it is in the text. Each is
    marked in the form typed when that form is in the text ("tài", not "tại"), else in any form (an OCR
    slip, a query typed without diacritics)."""
    prepared = query if isinstance(query, ReaderTerms) else reader_terms(query)
    taken: list[tuple[int, int]] = []
    folded = aligned_fold(text)  # (once: every part of every run is looked up in it)
    for run in prepared.runs:
        covered: set[int] = set()
        for part, term, terms in run:
            if len(part) == 1 and part[0] in covered:
                continue
            spans = [(m.start, m.end) for m in find_matches(text, Query(((term,),)), terms, folded)
                     if not any(m.start < end and start < m.end for start, end in taken)]
            typed = [s for s in spans if _typed(text[s[0]:s[1]], term)]
            taken.extend(typed or spans)
            if spans and len(part) > 1:
                covered.update(part)
    return sorted(taken)
