"""Readers: a report file of any accepted format → one :class:`~ingestion.document.ReportDocument`.

The format is sniffed from the bytes, never from the file name: a zip holding ``word/document.xml``
is Word, one holding ``xl/workbook.xml`` is Excel, ``%PDF`` opens a PDF, anything else is the
tab-separated text layout. Every reader feeds the same :class:`~ingestion.document.DocumentBuilder`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from ingestion.document import ReportDocument
from ingestion.errors import ParseError

Progress = Callable[[int, int, str], None]  # (done, total, what) for long files
REPORT_SUFFIXES = (".txt", ".docx", ".xlsx", ".pdf")  # the formats a report can come as
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls and password-protected .docx/.xlsx
ENCRYPTED_OFFICE_MARK = "EncryptedPackage".encode("utf-16-le")  # stream name of an encrypted Office file
ASK_DIGITAL = "hãy tải lên tệp Word (.docx), Excel (.xlsx) hoặc PDF xuất trực tiếp từ Word"


def report_files(folder: Path) -> list[Path]:
    """The report files of a folder (every accepted format), sorted by name."""
    return sorted(path for path in folder.glob("*") if path.suffix.lower() in REPORT_SUFFIXES and path.is_file())


def sniff_format(data: bytes) -> str:
    """``"docx"``, ``"xlsx"``, ``"pdf"``, ``"ole"`` (legacy or encrypted Office), ``"zip"`` or ``"txt"``."""
    head = data[:1024]
    if head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF"):
        return "pdf"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(b"PK"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    return "txt"


def read_document(data: bytes, name: str, progress: Progress | None = None) -> ReportDocument | None:
    """The document of a Word, Excel or PDF file; ``None`` for text (the caller decodes it).

    Refuses, with a Vietnamese :class:`ParseError` saying what to upload instead, a password-protected
    file, a legacy .doc/.xls, a PDF without a text layer and any other zip.
    """
    kind = sniff_format(data)
    if kind == "docx":
        from ingestion.readers.word import read_docx

        return read_docx(data, name, progress)
    if kind == "xlsx":
        from ingestion.readers.excel import read_xlsx

        return read_xlsx(data, name, progress)
    if kind == "pdf":
        from ingestion.readers.pdf import read_pdf

        return read_pdf(data, name, progress)
    if kind == "ole":
        if ENCRYPTED_OFFICE_MARK in data:
            raise ParseError(
                name, None,
                f"tệp được đặt mật khẩu nên không đọc được; hãy gỡ mật khẩu (lưu lại không có mật khẩu) rồi tải lên lại, hoặc {ASK_DIGITAL}",
                "password-protected file",
            )
        raise ParseError(
            name, None,
            "tệp Word/Excel định dạng cũ (.doc/.xls); hãy lưu lại thành .docx hoặc .xlsx rồi tải lên",
            "legacy .doc/.xls file",
        )
    if kind == "zip":
        raise ParseError(name, None, f"tệp nén ZIP không phải Word hay Excel; {ASK_DIGITAL}", "zip file that is not .docx/.xlsx")
    return None
