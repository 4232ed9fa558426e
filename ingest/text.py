"""Text normalisation shared by every stage: NFC everywhere."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Search/matching form: NFC, lowercase, tone and vowel marks removed, đ→d ("Đắk Lắk" → "dak lak").

    Length is preserved character for character (every Vietnamese letter folds to one ASCII letter), so
    offsets found in the folded text are valid in the NFC text.
    """
    text = nfc(text).lower()
    return text if text.isascii() else text.translate(_FOLD)


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x1EFA):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base.isascii() and base.isalpha() and base != ch:
            table[code] = base.lower()
    return table


_FOLD = _fold_table()


def fold_variants() -> dict[str, str]:
    """For each base letter, the lowercase letters that :func:`fold` maps to it, in code point order
    ("a" → "àáâãäå…ạảấ…"; "d" → "đ")."""
    found: dict[str, str] = {}
    for code, base in sorted(_FOLD.items()):
        ch = chr(code)
        if ch == ch.lower():
            found[base] = found.get(base, "") + ch
    return found


def squash(text: str) -> str:
    """NFC with every run of white space made one space (the form CER is measured on)."""
    return " ".join(nfc(text).split())


def cer(truth: str, hypothesis: str) -> float:
    """Character error rate: Levenshtein distance over the truth's length, on squashed NFC text."""
    from rapidfuzz.distance import Levenshtein

    t, h = squash(truth), squash(hypothesis)
    return Levenshtein.distance(t, h) / max(len(t), 1)


def cer_any_order(truth_lines: list[str], hypothesis: str) -> float:
    """CER that does not charge for reading order between lines.

    Two-column parts of a page (header, signature block) have no single right reading order, so each
    truth line is matched to its most similar unused OCR line; the matched lines, in truth order, with
    any unmatched OCR lines after them, are compared to the truth by plain :func:`cer`.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    pool = [squash(line) for line in hypothesis.splitlines() if line.strip()]
    used = [False] * len(pool)
    ordered = []
    for line in truth_lines:
        target = squash(line)
        choices = {i: text for i, text in enumerate(pool) if not used[i]}
        best = process.extractOne(target, choices, scorer=Levenshtein.normalized_similarity)
        if best and best[1] >= 0.5:
            used[best[2]] = True
            ordered.append(best[0])
    ordered += [text for i, text in enumerate(pool) if not used[i]]
    return cer(" ".join(truth_lines), " ".join(ordered))
