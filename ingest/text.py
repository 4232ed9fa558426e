"""Text normalisation shared by every stage: NFC everywhere."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC with every run of white space made one space (the form CER is measured on)."""
    return " ".join(nfc(text).split())
