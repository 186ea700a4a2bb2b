"""The one result type every path returns; the UI, CLI and eval only render or score it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.plan import ClarifyOption

Route = Literal["table", "retrieval", "table+retrieval", "none", "help", "clarify"]


#: ``Citation.row`` of a citation of an annex's legend or title rather than of one of its rows.
ANNEX_PARTS = ("Ghi chú", "Tiêu đề")


class Citation(BaseModel):
    """Where a statement can be checked: report, annex, row and the cell or passage used."""

    model_config = ConfigDict(extra="forbid")

    row_id: str = Field(description="Row id, e.g. '320/BC-UBND:III:20'")
    report: str
    annex: str
    row: str
    printed: str | None = Field(default=None, description="The row's label as the report prints it, when the id's "
                                                          "differs (a total row: 'TỔNG CỘNG (A+B)')")
    annex_title: str = ""
    column: str | None = Field(default=None, description="Column header of the cell used, if a cell")
    quote: str = Field(default="", description="The cell text or passage quoted as evidence")


class Answer(BaseModel):
    """What ``assistant.answer(question, history)`` returns."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    text: str = Field(description="Vietnamese answer text (plain text, never HTML)")
    citations: list[Citation] = Field(default_factory=list)
    route: Route = "none"
    table: list[dict[str, Any]] | None = Field(default=None, description="Result rows for lists/counts/ranks")
    chart: dict[str, Any] | None = Field(default=None, description="Indicator values for a small chart")
    abstained: bool = Field(default=False, description="True when the corpus has no answer")
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    suggestions: list[Citation] = Field(default_factory=list, description="Related rows when abstaining")
    notices: list[str] = Field(default_factory=list, description="Warnings shown to the user (cut input, fallback…)")
    computed_values: list[str] = Field(
        default_factory=list, description="Numbers computed by code (counts), not copied from a cell"
    )
    intent: str = ""
    latency_ms: float = 0.0
    clarify: list[ClarifyOption] = Field(default_factory=list, description="Readings to choose from (buttons in the chat)")
    state: dict[str, Any] | None = Field(default=None, description="Dialogue state after this answer (for the next turn)")
    plan: dict[str, Any] | None = Field(default=None, description="The plan that was executed (shown under 'Chi tiết')")
