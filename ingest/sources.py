"""Find the files a clerk gave us: walk folders, open zip archives safely, sniff types by magic bytes.

Nothing here writes to disk. A zip member that must not be trusted (absolute name, ``..``, a link, an
encrypted entry, a bomb) is yielded with an ``error`` instead of content, so the caller can quarantine
it under its name; the archive itself is a source too and is kept whole. Every refusal is a
:class:`SourceError`: a message code with its parameters (the shell shows it in the user's language) and an
English ``str()``.
"""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ingest.text import nfc

SUPPORTED = ("pdf", "tiff", "jpeg", "png")
_ACCEPTED = "(accepted: PDF, TIFF, JPEG, PNG, ZIP)"
# English texts of the codes (the same as the shell's catalog, pipelines/i18n/locale/en: a test checks it).
MESSAGES = {
    "file.empty": "empty file (0 bytes)",
    "file.office": "unsupported type: an office document (Word/Excel); scan or print it to PDF first",
    "file.text": f"unsupported type: a text file {_ACCEPTED}",
    "file.unknown": f"unsupported type: unrecognised binary content {_ACCEPTED}",
    "zip.corrupt": "corrupt zip archive: {detail}",
    "zip.too_many_files": "zip archive has {count} files, more than the limit of {limit}",
    "zip.too_large": "zip archive would unpack to {total} bytes, more than the limit of {limit}",
    "zip.nested": "zip nested deeper than {limit} levels",
    "zip.refused.absolute": "zip entry refused: absolute path '{name}'",
    "zip.refused.path": "zip entry refused: path escapes the archive '{name}'",
    "zip.refused.link": "zip entry refused: symbolic link '{name}'",
    "zip.encrypted": "encrypted zip entry: needs a password",
    "zip.bomb": "zip entry refused: compression ratio {ratio}:1 looks like a zip bomb",
}


class SourceError(ValueError):
    """Why a file or a zip entry is refused: ``code`` and ``params`` (strings), ``str()`` the English reason.
    Kept on :attr:`SourceItem.error` (not raised) or returned by :func:`describe_unsupported`."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__(MESSAGES[code].format_map(self.params))

    def __reduce__(self) -> tuple:
        return (partial(SourceError, self.code, **self.params), ())


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 20_000
    max_total_bytes: int = 4 * 1024**3
    max_ratio: float = 200.0   # uncompressed / compressed size of one member
    max_depth: int = 2         # zips inside zips


@dataclass
class SourceItem:
    """One file as the clerk gave it: a path on disk or a member of an archive."""

    source: str               # display name: relative to the given path's parent, archive members under it
    location: str             # stable identity of where it came from (absolute path, "zip!member")
    unit_hint: str | None     # first folder level under the given path (for --unit-from-folder)
    size: int
    mtime: datetime
    opener: Callable[[], BinaryIO] | None = None
    error: SourceError | None = None
    is_archive: bool = False

    def open(self) -> BinaryIO:
        if self.opener is None:
            raise ValueError(f"{self.source}: no content")
        return self.opener()


def sniff(head: bytes) -> str:
    """Type from the first bytes: pdf, tiff, jpeg, png, zip, office, empty or unknown."""
    if not head:
        return "empty"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "office" if b"[Content_Types].xml" in head[:2048] or b"word/" in head[:2048] else "zip"
    if head[:1024].find(b"%PDF-") != -1:  # the PDF header may follow some junk bytes
        return "pdf"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "office"
    return "unknown"


def describe_unsupported(kind: str, head: bytes) -> SourceError:
    """Why content of this (unsupported) kind is refused."""
    if kind == "empty":
        return SourceError("file.empty")
    if kind == "office":
        return SourceError("file.office")
    sample = head[:512]
    try:
        sample.decode("utf-8")
        text = True
    except UnicodeDecodeError:
        text = False
    return SourceError("file.text" if text else "file.unknown")


def _file_opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: open(path, "rb")  # noqa: SIM115 - the caller closes it


def iter_sources(paths: list[Path], limits: ZipLimits | None = None) -> Iterator[SourceItem]:
    """Every file under ``paths`` (recursively, sorted), zip members expanded."""
    limits = limits or ZipLimits()
    for given in paths:
        given = Path(given)
        root = given if given.is_dir() else given.parent
        files = sorted(p for p in given.rglob("*") if p.is_file()) if given.is_dir() else [given]
        for path in files:
            rel = PurePosixPath(nfc(path.relative_to(root).as_posix()))
            display = nfc(f"{given.name}/{rel}") if given.is_dir() else nfc(rel.as_posix())
            unit = rel.parts[0] if given.is_dir() and len(rel.parts) > 1 else None
            st = path.stat()
            item = SourceItem(display, str(path.resolve()), unit, st.st_size,
                              datetime.fromtimestamp(st.st_mtime), _file_opener(path))
            with item.open() as fh:
                head = fh.read(2048)
            if sniff(head) == "zip":  # members first: the archive's own verdict is known after them
                item.is_archive = True
                with open(path, "rb") as fh:
                    yield from _zip_members(fh, item, unit, limits, depth=1)
            yield item


def _zip_members(fh: BinaryIO, archive: SourceItem, unit: str | None, limits: ZipLimits,
                 depth: int) -> Iterator[SourceItem]:
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError) as exc:
        archive.error = SourceError("zip.corrupt", detail=exc)
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            archive.error = SourceError("zip.too_many_files", count=len(infos), limit=limits.max_members)
            return
        total = sum(i.file_size for i in infos)
        if total > limits.max_total_bytes:
            archive.error = SourceError("zip.too_large", total=f"{total:,}", limit=f"{limits.max_total_bytes:,}")
            return
        for info in infos:
            name = nfc(info.filename.replace("\\", "/"))
            display = f"{archive.source}/{name}"
            member_unit = unit
            parts = PurePosixPath(name).parts
            if member_unit is None and len(parts) > 1:
                member_unit = parts[0]
            mtime = datetime(*info.date_time) if info.date_time[0] >= 1980 else archive.mtime
            item = SourceItem(display, f"{archive.location}!{name}", member_unit, info.file_size, mtime)
            item.error = _member_problem(info, name, limits)
            if item.error is not None:
                yield item
                continue
            item.opener = _member_opener(zf, info)
            with item.open() as mfh:
                head = mfh.read(2048)
            if sniff(head) == "zip":
                item.is_archive = True
                if depth >= limits.max_depth:
                    item.error = SourceError("zip.nested", limit=limits.max_depth)
                else:
                    with tempfile.SpooledTemporaryFile(max_size=64 * 1024**2) as spool, item.open() as mfh:
                        _copy(mfh, spool)
                        spool.seek(0)
                        yield from _zip_members(spool, item, member_unit, limits, depth + 1)  # type: ignore[arg-type]
            yield item


def _member_problem(info: zipfile.ZipInfo, name: str, limits: ZipLimits) -> SourceError | None:
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return SourceError("zip.refused.absolute", name=info.filename)
    if ".." in parts:
        return SourceError("zip.refused.path", name=info.filename)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return SourceError("zip.refused.link", name=info.filename)
    if info.flag_bits & 0x1:
        return SourceError("zip.encrypted")
    if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
        return SourceError("zip.bomb", ratio=f"{info.file_size / info.compress_size:.0f}")
    return None


def _member_opener(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
    return lambda: zf.open(info)  # type: ignore[return-value]


def _copy(src: BinaryIO, dst: BinaryIO | io.BufferedIOBase | tempfile.SpooledTemporaryFile) -> int:
    n = 0
    while chunk := src.read(1024 * 1024):
        dst.write(chunk)
        n += len(chunk)
    return n

