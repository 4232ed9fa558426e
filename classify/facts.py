"""All facts of one logical document, as the export contract names them (docs/export-contract.md).

Input: the texts of the document's pages and the attachments the splitter found; output: a plain dict.
The indicator tagger is optional and passed in (it is built once per index set by the caller).
"""

from __future__ import annotations

from typing import Protocol

from classify.doctype import classify_type
from classify.issuers import issuer_kind
from classify.metadata import extract, find_symbol
from classify.segment import Attachment

CLASSIFIER_VERSION = "c1"


class TaggerLike(Protocol):
    def tag(self, text: str, *, doc_type: str | None, subject: str | None, issuer_kind: str | None) -> list: ...


def document_facts(pages: list[str], first_page: int = 1, attachments: tuple[Attachment, ...] = (),
                   tagger: TaggerLike | None = None) -> dict:
    """Facts of the document whose pages (texts, in order) start at ``first_page`` of the file."""
    main = _main_lines(pages, first_page, attachments)
    found = find_symbol(main)
    kind = classify_type(main, found[1])
    meta = extract(main, kind.title_line, kind.subject_on_title, found)
    facts: dict = {
        "doc_type": kind.code, "doc_type_name": kind.name, "doc_type_confidence": kind.confidence,
        "doc_type_why": list(kind.why), "number": meta.number, "symbol": meta.symbol,
        "issued": meta.issued.isoformat() if meta.issued else None, "place": meta.place,
        "issuer": meta.issuer, "parent_issuer": meta.parent_issuer, "subject": meta.subject,
        "signer": meta.signer, "signer_title": meta.signer_title, "authority": meta.authority,
        "recipients": list(meta.recipients), "party": meta.party,
        "issuer_kind": issuer_kind(meta.issuer, meta.parent_issuer),
        "attachments": _attachments(attachments, first_page + len(pages) - 1),
        "indicators": [], "classifier": CLASSIFIER_VERSION,
    }
    if tagger is not None:
        tags = tagger.tag("\n".join(pages), doc_type=kind.code, subject=meta.subject,
                          issuer_kind=facts["issuer_kind"])
        facts["indicators"] = [{"id": t.id, "score": round(t.score, 2), "why": list(t.why)} for t in tags]
    return facts


def _main_lines(pages: list[str], first_page: int, attachments: tuple[Attachment, ...]) -> list[str]:
    """The document's lines without its attachments (their header and signature would mislead)."""
    lines: list[str] = []
    cut = attachments[0] if attachments else None
    for n, text in enumerate(pages, first_page):
        page_lines = (text or "").splitlines()
        if cut and n == cut.first_page:
            lines += page_lines[:cut.line]
            break
        lines += page_lines
    return lines


def _attachments(attachments: tuple[Attachment, ...], last_page: int) -> list[dict]:
    out = []
    for k, a in enumerate(attachments):
        end = attachments[k + 1].first_page if k + 1 < len(attachments) else last_page
        out.append({"type": a.code, "title": a.title, "source_pages": [a.first_page, max(a.first_page, end)]})
    return out
