"""The vocabulary between understanding and execution: a typed :class:`Plan`, and the dialogue state.

A plan says what to do (``op``), on which rows (``targets``) or which set (``filters``), what is asked of
them (``measure``: a column role or fact), for which period and report. Plans are executed only through
the fixed table tools in ``structured/``; nothing in a plan is code.

Example::

    Plan(op="count", filters=Filters(report="320/BC-UBND", annexes=["III"], marker="*", kind="project"))
    Plan(op="lookup", targets=["320/BC-UBND:III:20"], measure="disbursed")
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from structured.models import RowFilter

Op = Literal["lookup", "compare", "list", "count", "rank", "total", "legend", "overview", "structure", "clarify", "none"]


Filters = RowFilter  # a plan's set conditions are the table tools' own filter (one type)


class ClarifyOption(BaseModel):
    """One reading offered back to the user: a label, and the question that asks it unambiguously."""

    label: str
    question: str
    row_id: str | None = None


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    op: Op
    targets: list[str] = Field(default_factory=list, description="Row ids the question is about")
    filters: Filters = Field(default_factory=Filters)
    measure: str | None = Field(default=None, description="What is asked: a measure of the lexicon")
    more_measures: list[str] = Field(default_factory=list, description="Further things asked of the same rows")
    more_markers: list[str] = Field(default_factory=list, description="Further markers asked of ('1 sao với 2 sao')")
    units: list[list[str]] = Field(default_factory=list, description="What a number is asked of, folded ('bao nhiêu ha')")
    against: Literal["target", "previous", "both"] | None = None
    order: Literal["asc", "desc", "both"] | None = Field(default=None, description="'both': the highest and the lowest")
    limit: int | None = None
    period: int | None = Field(default=None, description="The year asked for, if any")
    report: str | None = None
    yes_no: bool = False
    number_asked: bool = Field(default=False, description="'bao nhiêu', 'mấy', '%': a figure is asked")
    figures: int = Field(default=1, description="How many figures one question asks ('được bao nhiêu tiền, giải ngân bao "
                         "nhiêu'): as many sentences of a status are quoted")
    contrast: bool = Field(default=False, description="Two rows compared on one figure ('nơi nào nhiều hơn'): "
                           "their difference is computed")
    unmatched: list[str] = Field(default_factory=list, description="Words of the question nothing accounted for")
    words: list[str] = Field(default_factory=list, description="Informative words the row's name does not hold "
                             "(they pick the status sentences to quote)")
    written: list[str] = Field(default_factory=list, description="The words of ``words`` typed with diacritics, as "
                               "typed: 'phạt' never picks a column saying 'phát'")
    name_words: list[str] = Field(default_factory=list, description="Question words the row's name holds (they weigh "
                                  "less when picking status sentences)")
    missing: str | None = Field(default=None, description="Why the report cannot answer (for the refusal)")
    options: list[ClarifyOption] = Field(default_factory=list)
    confidence: float = 1.0
    features: dict[str, float | str] | None = Field(default=None, description="The link features the confidence came from")
    reason: str = Field(default="", description="How the plan was reached (shown under 'Chi tiết')")
    source: Literal["rules", "llm"] = "rules"


class DialogueState(BaseModel):
    """What the conversation is about after an answer; the next turn starts from it."""

    model_config = ConfigDict(extra="forbid")

    focus: list[str] = Field(default_factory=list, description="Row ids the last answer was about")
    earlier: list[str] = Field(default_factory=list, description="Row ids the answer before it was about (two rows "
                               "asked in turn: 'vậy cái nào … nhiều hơn?' compares them)")
    op: str | None = None
    measure: str | None = None
    filters: Filters | None = Field(default=None, description="The last set's conditions (for 'trong đó …')")
    set_ids: list[str] = Field(default_factory=list, description="Row ids of the last list/count")
    period: int | None = None
    report: str | None = None
    against: Literal["target", "previous", "both"] | None = None
    options: list[str] = Field(default_factory=list, description="The questions a clarifying reply offered ('1', '2' picks one)")
    words: list[str] = Field(default_factory=list, description="What the last lookup asked besides the row's name: the "
                             "column or sentences ('nhà ở riêng lẻ'); 'còn X thì sao?' asks it of X")
