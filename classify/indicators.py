"""Tag a document with the index-set indicators it is evidence for, and say why.

Matching runs on folded text (``ingest.text.fold``: no case, no tone or vowel marks, đ→d), split into words, so
wrong tone marks, missing diacritics, lost commas and line breaks inside a phrase do not matter. Exact matches are
found by looking each folded word up among the phrases' first words (:class:`_PhraseIndex`); phrases of three
or more words that were not found exactly get a fuzzy second chance (rapidfuzz alignment, then a word-level
check) for OCR letter errors and words run together or split.

Scoring, per evidence signature of an indicator (the indicator takes its best signature):

* a phrase in the subject (trích yếu) gives ``SUBJECT_HIT``, each further distinct phrase there ``SUBJECT_MORE``;
  when the subject is unknown, the title area (the text before the first citation, "Kính gửi", "I." or "Điều 1",
  at most ``HEAD_MAX_CHARS``) stands in for it with ``HEAD_HIT``;
* phrases only in the body give ``BODY_FIRST`` + ``BODY_MORE`` per further distinct phrase, up to ``BODY_MAX``;
* a phrase found only in "Căn cứ …" / "Thực hiện … số …" / "Theo đề nghị …" citations gives ``CITATION_ONLY``
  (almost every evidence document cites the anti-corruption law, so citing is not being about it);
* with no phrase at all the signature scores 0, whatever the type;
* the document type in the signature's ``doc_types`` adds ``DOC_TYPE_MATCH``; a known type outside it multiplies
  the phrase score by ``DOC_TYPE_MISMATCH_FACTOR`` (so only overwhelming wording can still pass: the lists are
  reconstructed and may miss a type, but a central decree on discipline is not a unit's disciplinary decision);
  a matching issuer kind adds ``ISSUER_MATCH``; a fuzzy phrase hit counts ``FUZZY_WEIGHT`` of an exact one.

A text that reports on a document rather than being one (news, an article quoting a plan, a portal report:
``reports_on_document``) has its scores multiplied by ``REPORTED_FACTOR``.

The score is clamped to [0, 1] and only tags with score ≥ ``THRESHOLD`` are returned. In practice a subject hit
with the right type scores 0.8–1.0 (the document is *about* the indicator); the title area without a known subject
0.7–0.8; body phrases alone need three independent phrases and the right type to pass (0.55–0.75: e.g. a periodic
or self-assessment report with a section on the indicator). Mentions of a measure in passing stay below.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from classify.indexset import Evidence, IndexSet, Indicator, SubItem
from classify.indicators_reported import reports_on_document
from classify.layout import purpose_clause
from ingest.text import fold, nfc

THRESHOLD = 0.5
SUBJECT_HIT = 0.55
SUBJECT_MORE = 0.05
SUBJECT_MORE_MAX = 0.1
HEAD_HIT = 0.45
HEAD_MAX_CHARS = 800
BODY_FIRST = 0.1
BODY_MORE = 0.1
BODY_MAX = 0.4
CITATION_ONLY = 0.05
DOC_TYPE_MATCH = 0.25
DOC_TYPE_MISMATCH_FACTOR = 0.5
ISSUER_MATCH = 0.05
CENTRAL_FACTOR = 0.5  # a central body's document (Government, Prime Minister, a ministry) is not a unit's evidence
REPORTED_FACTOR = 0.4  # a text that reports on a document (news, an article, a portal post) is not the document
FUZZY_CUTOFF = 90
FUZZY_MIN_WORDS = 3
FUZZY_WEIGHT = 0.85
FUZZY_EDIT_EVERY = 12  # one edit allowed per 12 characters of the phrase, at least one

_WORD = re.compile(r"\w+")
_BREAK = "¦"  # token between text pieces that must not be matched across (never produced by _WORD)
# Sentences that cite other documents rather than state the document's own content.
_CITATION_START = re.compile(
    r"(?:^|(?<=[;:.]))[ \t\-–•*]*(?:can\s+cu|thuc\s+hien|theo\s+de\s+nghi|xet\s+de\s+nghi|xet\s+to\s+trinh)\b",
    re.MULTILINE)
_CITATION_END = re.compile(r"[;:](?=\s|$)|\.(?=\s|$)")
_DOC_NUMBER = re.compile(r"\bso\s+\d|\b\d+\s*/\s*(?:\d{4}\s*/\s*)?[a-z]+\s*-")
_HEAD_END = re.compile(r"^[ \t]*(?:kinh\s+gui|i\s*[.:/]\s|1\s*[.:/]\s|dieu\s+1\b|chuong\s+i\b)", re.MULTILINE)
_CITATION_MAX_CHARS = 600
_ZONE_LABELS = {"subject": "trích yếu", "head": "phần tiêu đề", "purpose": "câu nêu văn bản ban hành gì (… như sau:)",
                "body": "nội dung", "citation": "phần căn cứ/viện dẫn"}
_TITLE_ZONES = ("subject", "head", "purpose")  # where a phrase says what the document is


@dataclass(frozen=True)
class IndicatorTag:
    id: str
    score: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class _Phrase:
    key: str  # folded words joined by one space
    words: tuple[str, ...]
    text: str  # as written in the index set


@dataclass(frozen=True)
class _Zone:
    """One part of the document as folded words, with what is needed to report and fuzzy-match in it."""

    name: str
    words: tuple[str, ...]
    shown: tuple[str, ...]  # the same words as they were written (NFC)
    joined: str  # folded words joined by single spaces
    starts: tuple[int, ...]  # offset of each word in ``joined``


@dataclass(frozen=True)
class _Hit:
    key: str
    zone: str
    start: int  # word span in the zone
    end: int
    fuzzy: int | None  # similarity 90–100 for a fuzzy hit, None for an exact one
    found: str  # the text as it appears in the document


def in_period(issued: date | None, index_set: IndexSet) -> bool | None:
    """Was the document issued within the assessment period? None when the date is unknown."""
    if issued is None:
        return None
    return index_set.period_from <= issued <= index_set.period_to


def tag(text: str, *, doc_type: str | None, subject: str | None, issuer_kind: str | None,
        index_set: IndexSet) -> list[IndicatorTag]:
    """One-off tagging; for many documents build a :class:`Tagger` once and call its ``tag``."""
    return Tagger(index_set).tag(text, doc_type=doc_type, subject=subject, issuer_kind=issuer_kind)


class _PhraseIndex:
    """Exact phrase matching over a list of words: each phrase filed under its first word, so a text of n words
    costs n dictionary look-ups plus one slice comparison per phrase that starts with the word there.

    (spaCy's ``PhraseMatcher`` did this before; importing spaCy took 0.86 s of CPU in every ingest, more than
    a 13-page document's tagging, for a look-up a dictionary does: BENCHMARKS.md "OCR speed, third round".)"""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}

    def add(self, key: str, words: tuple[str, ...]) -> None:
        if words:
            self._by_first.setdefault(words[0], []).append((key, words))

    def find(self, words: Sequence[str]) -> list[tuple[str, int, int]]:
        """Every (key, start, end) where a phrase's words are ``words[start:end]``, overlaps included, by start
        and then end."""
        found = []
        for start, word in enumerate(words):
            for key, phrase in self._by_first.get(word, ()):
                end = start + len(phrase)
                if tuple(words[start:end]) == phrase:
                    found.append((start, end, key))
        found.sort()
        return [(key, start, end) for start, end, key in found]


class Tagger:
    """Compiled matcher for one index set; cheap to call, build it once per index set."""

    def __init__(self, index_set: IndexSet, *, threshold: float = THRESHOLD) -> None:
        self.index_set = index_set
        self.threshold = threshold
        self._index = _PhraseIndex()
        self._phrases: dict[str, _Phrase] = {}
        self._signatures: list[tuple[Indicator, Evidence, SubItem | None, tuple[str, ...], frozenset[str],
                                     frozenset[str]]] = []
        for indicator in index_set.indicators():
            for evidence, item in indicator.signatures():
                keys = tuple(dict.fromkeys(self._add_phrase(p) for p in evidence.phrases))
                unless = frozenset(self._add_phrase(p) for p in evidence.unless)
                requires = frozenset(self._add_phrase(p) for p in evidence.requires)
                self._signatures.append((indicator, evidence, item, keys, unless, requires))

    def _add_phrase(self, phrase: str) -> str:
        words = tuple(_WORD.findall(fold(phrase)))
        key = " ".join(words)
        if key not in self._phrases:
            self._phrases[key] = _Phrase(key, words, nfc(phrase))
            self._index.add(key, words)
        return key

    def tag(self, text: str, *, doc_type: str | None, subject: str | None,
            issuer_kind: str | None) -> list[IndicatorTag]:
        """Indicators this document is evidence for, best first, each with a score in [0, 1] and reasons."""
        text = nfc(text or "")
        body_pieces, citation_pieces = _split_citations(text)
        head_pieces: list[str] = []
        purpose_pieces: list[str] = []
        if not subject and body_pieces:
            head, rest = _split_head(body_pieces[0])
            head_pieces, body_pieces = [head], [rest, *body_pieces[1:]]
            folded = fold(text)
            purpose = purpose_clause(folded) if len(folded) == len(text) else None
            purpose_pieces = [text[purpose[0]:purpose[1]]] if purpose else []
        zones = [_zone("subject", [nfc(subject)] if subject else []), _zone("head", head_pieces),
                 _zone("purpose", purpose_pieces), _zone("body", body_pieces), _zone("citation", citation_pieces)]
        hits = [hit for zone in zones for hit in self._find(zone, fuzzy=zone.name != "citation")]
        titled = {h.key for h in hits if h.zone in _TITLE_ZONES}
        own = {h.key for h in hits if h.zone != "citation"}
        code = nfc(doc_type) if doc_type else None  # canonical ND 30 codes: HĐ (hợp đồng) is not HD (hướng dẫn)
        reported = reports_on_document(text)
        tags = []
        for order, (indicator, evidence, item, keys, unless, requires) in enumerate(self._signatures):
            if unless & titled:
                continue  # the title says the document is about something else ("kế hoạch đánh giá công tác PCTN")
            if requires and not requires & own:
                continue  # e.g. a judgment that names no corruption crime is not evidence of handling corruption
            score, why = self._score(evidence, [h for h in hits if h.key in keys], code, issuer_kind, reported)
            if item is not None and score:
                why = (f"mục {item.id}: {item.name}", *why)
            if score >= self.threshold:
                tags.append((score, order, indicator.id, why))
        best: dict[str, tuple[float, int, str, tuple[str, ...]]] = {}
        for item in tags:
            if item[2] not in best or item[0] > best[item[2]][0]:
                best[item[2]] = item
        ranked = sorted(best.values(), key=lambda item: (-item[0], item[1]))
        return [IndicatorTag(ident, score, why) for score, _, ident, why in ranked]

    def _find(self, zone: _Zone, *, fuzzy: bool) -> list[_Hit]:
        if not zone.words:
            return []
        hits = [_Hit(key, zone.name, start, end, None, " ".join(zone.shown[start:end]))
                for key, start, end in self._index.find(zone.words)]
        if not fuzzy:
            return hits
        found = {h.key for h in hits}
        present = set(zone.words)
        for phrase in self._phrases.values():
            if phrase.key in found or len(phrase.words) < FUZZY_MIN_WORDS or len(zone.joined) < len(phrase.key):
                continue
            if sum(w in present for w in set(phrase.words)) < math.ceil(len(set(phrase.words)) / 2):
                continue  # cheap filter: an OCR-damaged phrase still has most of its words intact
            hit = _fuzzy_hit(phrase, zone)
            if hit:
                hits.append(hit)
        return hits

    def _score(self, evidence: Evidence, hits: list[_Hit], doc_type: str | None,
               issuer_kind: str | None, reported: bool = False) -> tuple[float, tuple[str, ...]]:
        kept = _distinct(hits)
        subject = [h for h in kept if h.zone in _TITLE_ZONES]
        body = [h for h in kept if h.zone == "body" and h.key not in {s.key for s in subject}]
        seen = {h.key for h in subject} | {h.key for h in body}
        citation = [h for h in kept if h.zone == "citation" and h.key not in seen]
        score = 0.0
        if subject:
            strong = any(h.zone != "head" for h in subject)  # the subject, or the document's own "… như sau:"
            score += (SUBJECT_HIT if strong else HEAD_HIT) * max(_weight(h) for h in subject)
            score += min(SUBJECT_MORE_MAX, SUBJECT_MORE * (_independent(subject) - 1))
        if body:
            score += min(BODY_MAX, BODY_FIRST * max(_weight(h) for h in body)
                         + BODY_MORE * (_independent(body) - 1))
        if subject or body:
            citation = []
        elif citation:
            score += CITATION_ONLY
        else:
            return 0.0, ()
        why = [self._reason(h) for h in _first_per_key(subject + body + citation)]
        if doc_type:
            if doc_type in evidence.doc_types:
                score += DOC_TYPE_MATCH
                why.append(f"loại văn bản {doc_type} khớp")
            else:
                score *= DOC_TYPE_MISMATCH_FACTOR
                why.append(f"loại văn bản {doc_type} không thuộc {', '.join(evidence.doc_types)}")
        if issuer_kind and issuer_kind in evidence.issuer_kinds:
            score += ISSUER_MATCH
            why.append(f"cơ quan ban hành ({issuer_kind}) khớp")
        elif issuer_kind == "CENTRAL":
            score *= CENTRAL_FACTOR
            why.append("văn bản của cơ quan trung ương, không phải minh chứng của đơn vị")
        if reported:
            score = min(1.0, score) * REPORTED_FACTOR  # never reaches the threshold, however strong the wording
            why.append("bài viết, tin tức thuật lại văn bản hoặc sự việc (không có quốc hiệu, không có căn cứ), "
                       "không phải bản thân văn bản")
        return round(min(1.0, max(0.0, score)), 3), tuple(why)

    def _reason(self, hit: _Hit) -> str:
        phrase = self._phrases[hit.key].text
        where = _ZONE_LABELS[hit.zone]
        if hit.fuzzy is not None:
            return f'fuzzy {hit.fuzzy}: "{hit.found}" ≈ "{phrase}" trong {where}'
        if hit.zone == "citation":
            return f'cụm từ "{phrase}" chỉ có trong {where}'
        return f'cụm từ "{phrase}" trong {where}'


def _weight(hit: _Hit) -> float:
    return 1.0 if hit.fuzzy is None else FUZZY_WEIGHT


def _distinct(hits: list[_Hit]) -> list[_Hit]:
    """Drop hits that overlap a longer one in the same zone ("kê khai tài sản" inside "kê khai, công khai …")."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.fuzzy is not None, h.start)):
        if not any(k.zone == hit.zone and k.start < hit.end and hit.start < k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.zone, h.start))


def _independent(hits: list[_Hit]) -> int:
    """Number of distinct phrases found, not counting one that is part of another found phrase."""
    keys = {h.key for h in hits}
    return sum(not any(k != other and f" {k} " in f" {other} " for other in keys) for k in keys)


def _first_per_key(hits: list[_Hit]) -> list[_Hit]:
    seen: set[str] = set()
    out = []
    for hit in hits:
        if hit.key not in seen:
            seen.add(hit.key)
            out.append(hit)
    return out


def _fuzzy_hit(phrase: _Phrase, zone: _Zone) -> _Hit | None:
    """Best approximate occurrence of the phrase, checked on whole words.

    OCR damage is a letter or two ("rn" for "m", words run together or split), not other words: the occurrence,
    widened to whole words, must be ``FUZZY_CUTOFF`` similar, within a small edit budget, and contain every word of
    one or two letters exactly ("tự đánh giá" must not match "phục vụ đánh giá").
    """
    alignment = fuzz.partial_ratio_alignment(phrase.key, zone.joined, score_cutoff=FUZZY_CUTOFF)
    if alignment is None:
        return None
    start = bisect.bisect_right(zone.starts, alignment.dest_start) - 1
    end = bisect.bisect_left(zone.starts, alignment.dest_end)
    words = zone.words[start:end]
    candidate = " ".join(words)
    score = round(fuzz.ratio(phrase.key, candidate))
    budget = max(1, len(phrase.key) // FUZZY_EDIT_EVERY)
    if (score < FUZZY_CUTOFF or _BREAK in words or Levenshtein.distance(phrase.key, candidate) > budget
            or any(len(w) <= 2 and w not in words for w in phrase.words) or _other_word(phrase.words, words)):
        return None
    return _Hit(phrase.key, zone.name, start, end, score, " ".join(zone.shown[start:end]))


def _other_word(wanted: tuple[str, ...], found: tuple[str, ...]) -> bool:
    """Whether a fuzzy occurrence replaces a word by another one rather than damaging its letters: word for word,
    more than one edit per three letters ("tỉnh" read where the text says "thành" is another place, not OCR)."""
    return len(wanted) == len(found) and any(
        Levenshtein.distance(w, f) > max(1, len(w) // 3) for w, f in zip(wanted, found, strict=True))


def _zone(name: str, pieces: list[str]) -> _Zone:
    words: list[str] = []
    shown: list[str] = []
    for piece in pieces:
        folded = fold(piece)
        same_length = len(folded) == len(piece)
        if words:
            words.append(_BREAK)
            shown.append(_BREAK)
        for match in _WORD.finditer(folded):
            words.append(match.group())
            shown.append(piece[match.start():match.end()] if same_length else match.group())
    starts, offset = [], 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    return _Zone(name, tuple(words), tuple(shown), " ".join(words), tuple(starts))


def _split_head(text: str) -> tuple[str, str]:
    """The title area at the top of the text (used only when the subject is unknown) and the rest."""
    match = _HEAD_END.search(fold(text), 0, HEAD_MAX_CHARS)
    end = match.start() if match else min(len(text), HEAD_MAX_CHARS)
    while 0 < end < len(text) and not text[end - 1].isspace() and not text[end].isspace():
        end -= 1  # do not cut a word
    return text[:end], text[end:]


def _split_citations(text: str) -> tuple[list[str], list[str]]:
    """Split the body into its own content and the sentences that cite other documents.

    A citation starts a line or follows ``;`` ``:`` ``.`` with "Căn cứ", "Theo đề nghị", "Xét đề nghị", "Xét tờ
    trình", or "Thực hiện" followed by a document number; it runs to the next ``;``, ``:`` or ``.`` (at most
    ``_CITATION_MAX_CHARS``). Line breaks inside the opening words are allowed ("Căn\\ncứ").
    """
    folded = fold(text)
    if len(folded) != len(text):  # offsets would not carry over; keep everything as body
        return [text], []
    body, citations, pos = [], [], 0
    for match in _CITATION_START.finditer(folded):
        if match.start() < pos:
            continue
        end_match = _CITATION_END.search(folded, match.end(), match.start() + _CITATION_MAX_CHARS)
        end = end_match.end() if end_match else min(len(text), match.start() + _CITATION_MAX_CHARS)
        if match.group().strip(" \t-–•*").startswith("thuc") and not _DOC_NUMBER.search(folded, match.end(), end):
            continue  # "Thực hiện …" without a document number is the document's own content
        body.append(text[pos:match.start()])
        citations.append(text[match.start():end])
        pos = end
    body.append(text[pos:])
    return [piece for piece in body if piece.strip()], citations
