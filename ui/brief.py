"""A conversation exported for keeping: a Word brief (.docx) and Markdown.

Each turn gives the question, the answer (lead, figures, details — the same sections as on screen),
the indicator's values, the result table and the cited rows (where they are in the report and their
fields, the cited cell marked). Corpus and user text is written as plain text: Word runs in the .docx,
escaped Markdown (``ui.text.md_escape``) in the .md, so an HTML fragment in a report never renders.

Example: ``conversation_docx(messages, by_id, title="…")`` → bytes of a .docx file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ui.render import answer_sections, chart_values_text, group_citations, row_fields, row_label, table_frame
from ui.text import md_block, md_escape

BRIEF_TITLE = "Bản tóm tắt hỏi đáp báo cáo"


def _turns(messages: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """(question, answer) pairs, in order; a question without an answer is left out."""
    return [
        (m.get("question") or "", m["answer"])
        for m in messages
        if m.get("role") == "assistant" and m.get("answer")
    ]


def _cited_rows(answer: Any, by_id: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(row label, [(header, value, cited)]) for every row the answer cites."""
    out = []
    for row_id, citations in group_citations(list(answer.citations or [])):
        row = by_id.get(row_id)
        columns = {c.column for c in citations if c.column}
        if row is None:
            first = citations[0]
            quotes = [(c.column or "Trích dẫn", c.quote, True) for c in citations if c.quote]
            out.append((f"{first.report} · Phụ lục {first.annex} · dòng {first.row}", quotes))
            continue
        out.append((row_label(row), [(h, v, h in columns) for h, v in row_fields(row)]))
    return out


def _answer_lines(answer: Any) -> list[str]:
    sections = answer_sections(answer)
    lines = sections.lead + sections.numbers + sections.details
    if answer.abstained and not lines:
        lines = ["Không có trong báo cáo."]
    return lines


def conversation_markdown(messages: list[dict[str, Any]], by_id: Mapping[str, Any], *, title: str) -> str:
    """The conversation as Markdown; every corpus or user text escaped."""
    out = [f"# {BRIEF_TITLE}", "", f"**{md_escape(title)}** — {datetime.now():%d/%m/%Y %H:%M}", ""]
    for n, (question, answer) in enumerate(_turns(messages), start=1):
        out += [f"## {n}. {md_escape(question)}", "", md_block("\n".join(_answer_lines(answer))), ""]
        if answer.chart:
            out += [f"*{md_escape(chart_values_text(answer.chart))}*", ""]
        frame = table_frame(answer.table)
        if frame is not None:
            out.append("| " + " | ".join(md_escape(c) for c in frame.columns) + " |")
            out.append("|" + "---|" * len(frame.columns))
            for record in frame.itertuples(index=False):
                out.append("| " + " | ".join(md_escape(" ".join(str(v).split())) for v in record) + " |")
            out.append("")
        cited = _cited_rows(answer, by_id)
        if cited:
            out += ["**Nguồn:**", ""]
            for label, fields in cited:
                out.append(f"- {md_escape(label)}")
                for header, value, is_cited in fields:
                    text = f"{md_escape(header)}: {md_escape(' '.join(value.split()))}"
                    out.append(f"    - {'**' + text + '**' if is_cited else text}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def conversation_docx(messages: list[dict[str, Any]], by_id: Mapping[str, Any], *, title: str) -> bytes:
    """The conversation as a Word brief: a heading per question, the answer, its table and cited rows."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.language = "vi-VN"
    doc.core_properties.title = BRIEF_TITLE
    doc.add_heading(BRIEF_TITLE, level=0)
    doc.add_paragraph(f"{title} — {datetime.now():%d/%m/%Y %H:%M}")
    for n, (question, answer) in enumerate(_turns(messages), start=1):
        doc.add_heading(f"{n}. {question}", level=1)
        lines = _answer_lines(answer)
        if lines:
            doc.add_paragraph().add_run(lines[0]).bold = True
        for line in lines[1:]:
            doc.add_paragraph(line)
        if answer.chart:
            doc.add_paragraph(chart_values_text(answer.chart)).runs[0].italic = True
        frame = table_frame(answer.table)
        if frame is not None:
            table = doc.add_table(rows=1, cols=len(frame.columns))
            table.style = "Table Grid"
            for cell, column in zip(table.rows[0].cells, frame.columns, strict=True):
                cell.text = str(column)
                cell.paragraphs[0].runs[0].bold = True
            for record in frame.itertuples(index=False):
                for cell, value in zip(table.add_row().cells, record, strict=True):
                    cell.text = "" if value is None else str(value)
        cited = _cited_rows(answer, by_id)
        if cited:
            doc.add_heading("Nguồn", level=2)
            for label, fields in cited:
                doc.add_paragraph(label, style="List Bullet").runs[0].bold = True
                for header, value, is_cited in fields:
                    paragraph = doc.add_paragraph(style="List Bullet 2")
                    paragraph.add_run(f"{header}: ").bold = True
                    run = paragraph.add_run(" ".join(value.split()))
                    run.bold = is_cited
                    run.font.size = Pt(10)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
