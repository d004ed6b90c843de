"""Checks for uploaded files: the type is read from the content, never trusted from the name."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from pathlib import PurePath
from typing import IO

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
XLSX = "xlsx"

TYPE_LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", XLSX: "Excel (XLSX)"}
TYPE_EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx"}


def sniff_type(file: IO[bytes]) -> str | None:
    """The file's real type from its first bytes (and, for XLSX, its zip directory); None when unknown."""
    position = file.tell()
    try:
        head = file.read(8)
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            file.seek(position)
            try:
                with zipfile.ZipFile(file) as archive:
                    names = set(archive.namelist())
            except zipfile.BadZipFile:
                return None
            if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
                return XLSX
        return None
    finally:
        file.seek(position)


# Parts of a workbook that run code or reach outside the file when it is opened: macros (VBA, and the older Excel 4
# macro sheets), links to other workbooks, and data connections to outside sources.
_ACTIVE_PARTS = (
    ("xl/vbaproject.bin", "macros"),
    ("xl/macrosheets/", "macros"),
    ("xl/externallinks/", "external_links"),
    ("xl/connections.xml", "external_links"),
)


def workbook_hazards(file: IO[bytes]) -> set[str]:
    """What in an XLSX file runs code or reaches outside it when opened: "macros", "external_links" (empty when
    neither, or when the file is not a readable zip)."""
    position = file.tell()
    try:
        with zipfile.ZipFile(file) as archive:
            names = [name.lower() for name in archive.namelist()]
    except zipfile.BadZipFile:
        return set()
    finally:
        file.seek(position)
    return {hazard for part, hazard in _ACTIVE_PARTS for name in names if name.startswith(part)}


def sha256_of(file: IO[bytes]) -> str:
    position = file.tell()
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(position)
    return digest.hexdigest()


_UNSAFE = re.compile(r"[^\w.\- ()\u0E00-\u0E7F]+")


def sanitise_filename(name: str, *, file_type: str | None = None, max_length: int = 120) -> str:
    """A display name safe to put in a Content-Disposition header: no path, no control characters.

    Thai letters are kept; the extension is made to match the real type when one is given.
    """
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "file"
    cleaned = f".{_UNSAFE.sub('', extension)[:10]}" if extension else ""
    extension = TYPE_EXTENSIONS[file_type] if file_type else cleaned
    return f"{stem[: max_length - len(extension)]}{extension}"
