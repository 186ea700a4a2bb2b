"""Word (.docx) reader: paragraphs and tables of the body, in order, fed to the document builder.

A merged cell (``gridSpan``) keeps its text in its first column and leaves the columns it covers
empty; a vertically merged cell (``vMerge``) keeps its text in its top row. That is the layout of a
table printed to text, so the parser merges header lines the same way whatever the format. A header
row repeated on each page (``tblHeader``) is stored once, so it never reaches the body; a page break
(``w:br type="page"``, ``pageBreakBefore`` or Word's ``lastRenderedPageBreak``) is a page break.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from ingestion.document import DocumentBuilder, ReportDocument
from ingestion.errors import ParseError
from ingestion.readers import Progress

_PAGE_BREAK_XPATH = './/w:br[@w:type="page"] | .//w:lastRenderedPageBreak | .//w:pageBreakBefore[not(@w:val="0")]'


def read_docx(data: bytes, name: str, progress: Progress | None = None) -> ReportDocument:
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # any broken package: python-docx, zipfile and lxml raise many kinds
        raise ParseError(name, None, "tệp Word hỏng, không mở được; hãy lưu lại tệp .docx rồi tải lên", "corrupt .docx") from exc
    builder = DocumentBuilder(name)
    blocks = list(_body_blocks(document.element.body))
    line = 0
    for done, block in enumerate(blocks, start=1):
        if block.tag == qn("w:p"):
            if _has_page_break(block):
                builder.gap()
            for text in _paragraph_text(block).split("\n"):
                line += 1
                builder.text(line, text)
        else:
            for tr in block.iter(qn("w:tr")):
                if tr.getparent() is not block:
                    continue  # a row of a table nested in a cell
                if _has_page_break(tr):
                    builder.gap()
                line += 1
                builder.row(line, _row_cells(tr))
        if progress:
            progress(done, len(blocks), "docx")
    return builder.document()


def _body_blocks(body: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in body.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_blocks(content)


def _has_page_break(element: BaseOxmlElement) -> bool:
    return bool(element.xpath(_PAGE_BREAK_XPATH))


def _paragraph_text(paragraph: BaseOxmlElement) -> str:
    """The text of a paragraph: tabs as tabs, a line break as a new line, page breaks as nothing."""
    parts: list[str] = []
    for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        elif node.get(qn("w:type")) in (None, "textWrapping") or node.tag == qn("w:cr"):
            parts.append("\n")
    return "".join(parts)


def _row_cells(tr: BaseOxmlElement) -> list[str]:
    """One text per grid column: a merged cell's text in its first column, covered columns empty."""
    cells: list[str] = [""] * _grid_before(tr)
    for tc in tr.iterchildren(qn("w:tc")):
        properties = tc.find(qn("w:tcPr"))
        span, continued = 1, False
        if properties is not None:
            grid_span = properties.find(qn("w:gridSpan"))
            if grid_span is not None:
                span = int(grid_span.get(qn("w:val"), "1"))
            v_merge = properties.find(qn("w:vMerge"))
            continued = v_merge is not None and v_merge.get(qn("w:val"), "continue") == "continue"
        text = "" if continued else _cell_text(tc)
        cells.extend([text] + [""] * (span - 1))
    return cells


def _grid_before(tr: BaseOxmlElement) -> int:
    properties = tr.find(qn("w:trPr"))
    before = properties.find(qn("w:gridBefore")) if properties is not None else None
    return int(before.get(qn("w:val"), "0")) if before is not None else 0


def _cell_text(tc: BaseOxmlElement) -> str:
    """The paragraphs of a cell joined by a space (a cell is one value however it wraps)."""
    paragraphs = [_paragraph_text(p) for p in tc.iter(qn("w:p"))]
    return " ".join(" ".join(text.split("\n")).strip() for text in paragraphs if text.strip())
