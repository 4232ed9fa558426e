"""Names of downloaded files: the Content-Disposition header and a safe file name for a document."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from pipelines.services.documents import DocFile

MEDIA = {"pdf": "application/pdf", "tiff": "image/tiff", "jpeg": "image/jpeg", "png": "image/png"}
EXT = {"pdf": ".pdf", "tiff": ".tif", "jpeg": ".jpg", "png": ".png"}


def attachment(name: str) -> str:
    """A Content-Disposition for a download (RFC 6266: an ASCII name and the UTF-8 one)."""
    plain = name.encode("ascii", "ignore").decode().replace('"', "") or "tai-ve"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def download_name(doc: DocFile, suffix: str) -> str:
    """The received file's name (made safe, at most 100 characters) with ``suffix``; the id without one."""
    stem = Path(doc.source or doc.id).stem
    stem = re.sub(r"[^\w.\- ]+", "_", stem).strip(" ._")[:100] or doc.id
    return f"{stem}{suffix}"
