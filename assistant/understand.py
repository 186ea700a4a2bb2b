"""Question + dialogue state + semantic layer → a typed :class:`~assistant.plan.Plan` (no LLM).

One pass, not a cascade of cue tables:

1. ``prepare`` tags every word (operation, measure, kind, period, verdict, dialogue, politeness…; the
   longest phrase wins) and reads the slots (annex, marker, report, years, agencies, group, row reference).
2. Candidate rows come from the indexes; ``link`` scores them on the free words, field by field. Cue
   words that the best row's own name holds belong to the name ("Chương trình mục tiêu quốc gia" is a
   name, not a question about a target).
3. The plan is assembled from what was found: a set description (kind with "các/những/nào", annex,
   marker or its legend words, verdict, agency, group, topic words) makes a list / count / rank / total; a
   row makes a lookup / compare; a marker with "nghĩa là gì" a legend; a field or group with "thế nào"
   an overview; a topic in several annexes every row that carries it.
4. The dialogue state fills what the turn leaves out: a pronoun or a bare measure keeps the row, "còn X"
   keeps the question for a new row, "trong đó" refines the last set, "năm trước" shifts the period.
5. Every free word must be accounted for. A word nothing explains makes the plan ``none`` with the
   reason; two close readings of a number make it ``clarify``.

Example::

    plan = understand("PL III có bao nhiêu dự án đang thi công (*)?", DialogueState(), ctx)
    plan.op, plan.filters.annexes, plan.filters.marker       # ('count', ['III'], '*')
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from assistant.confidence import CLOSE_MARGIN, LinkFeatures, confidence, cutoffs
from assistant.linking import Link, candidate_ids, contradicts, identifier_parts, link, word_in_field
from assistant.plan import ClarifyOption, DialogueState, Filters, Plan
from assistant.question import (
    DIRECTION_OF,
    Question,
    agency_type_words,
    one_choice_of,
    place_noun_ends,
    prepare,
    proper_names,
    unknown_places,
    why_phrases,
)
from ingestion.columns import header_leaf
from ingestion.models import Row
from retrieval.abbreviations import readings, split_abbreviation_pairs
from retrieval.passages import sentences as passage_sentences
from retrieval.passages import states_number_of
from structured.agency import agency_key
from structured.lexicon import PhraseHit, cased_tokens, find_phrases, fold, fold_tokens, lexicon, tokens
from structured.models import NumberCondition
from structured.semantic import SemanticLayer, annex_matches
from structured.tables import dates_in
from structured.tools import (
    COLUMN_MEASURE,
    TIME_MEASURES,
    column_number,
    group_total,
    measure_number,
    measure_roles,
    role_texts,
    row_states,
    says_verdict,
)

Search = Callable[[str, int, list[str]], dict[str, int]]  # (text, k, reports) → {row id: rank}

# Measures that only say "a value" / "how is it going": any more specific measure of the question wins.
GENERIC_MEASURES = ("estimate", "status", "time", "actual", "verdict", "rate")
RATIO_OF = {"vs_target_pct": ("target", "estimate", "actual"), "vs_prev_pct": ("actual_prev", "estimate", "actual")}  # a ratio and its terms
_RATIO_OF_COMPARISON = {"compare_target": "vs_target_pct", "compare_prev": "vs_prev_pct"}  # "tỷ lệ … so với KH": its printed %
NUMERIC_MEASURES = frozenset(lexicon().section("numeric_measures"))
MONEY_MEASURES = frozenset(lexicon().section("money_measures"))
SALIENT_WEIGHT = 2.0  # an unaccounted word weighing this much (idf) or more is a condition we did not understand
SEARCH_K = 20  # candidate rows asked of the retriever
INFORMATIVE_WEIGHT = 0.5  # words rarer than this (idf) pick status sentences; commoner ones say nothing
SET_CONFIDENCE = 0.9  # a set described by understood conditions (every word accounted for)
GROUP_TITLE_MIN_COVER = 0.25  # …or a quarter of it, when no other group's title holds the words at all
GROUP_TITLE_COVER = 0.5  # a group is named when the question holds half its title's weight ("chỉ tiêu xã hội")
MULTI_ROW_SHARE = 0.75  # rows scoring this share of the best are named too when several annexes are asked
PER_ANNEX_COVER_GAP = 0.1  # a row of another annex is the same project only when its name holds as many of the words
CROSS_ANNEX_LINKS = 8  # candidate rows looked at for the other annexes of a cross-annex question
CROSS_NAMED_SPECIFICITY = 0.5  # …a row whose own name the question says at least half of is named by it
CROSS_NAMED_COVER = 0.25  # …and that holds a quarter of the question's words
ASKED_ANNEX_COVER = 0.6  # "PL III và PL V nói gì": the best row of each annex named, when its name holds most words
FOLLOWUP_COVERAGE = 0.9  # the previous row explains this share of a turn's words: the turn is about it
FOLLOWUP_MARGIN = 0.2  # …or explains this much more of the turn than any other row, none named confidently
ASPECT_COVERAGE = 0.5  # …"còn <aspect>?" naming no other row: this share, found in the row's own text, is enough
NAMING_SPECIFICITY = 0.1  # "còn đoạn còn lại …": a word that names this little of a row's name ("giai đoạn") names no new row
PRESENCE_TAGS = ("function", "frame")  # the words of "không ghi", "chưa có" before a measure
PASSAGE_ROWS = 8  # candidate rows whose sentences are read for a number of the noun asked
PASSAGE_COVER = 0.75  # …the sentence and the row's name hold this share of the question's words
PASSAGE_SENTENCE_SHARE = 0.3  # …of which the sentence itself holds this share (it is about the thing asked)
PASSAGE_TIE = 0.05  # …two rows this close: not one answer
PASSAGE_CONFIDENCE = 0.8  # a quoted sentence stating the asked number answers, shown with the sentence
_MONEY_WORDS = {"von", "tien", "phi"}  # "tổng số vốn", "tổng kinh phí": a total said of money
MONEY_UNITS = ("trieu", "ty", "nghin")  # "bao nhiêu tiền": an amount in these ("đồng" alone is also "đồng bào")
PAIRS_MARGIN = 1  # a reading's corpus word pairs within this of the best reading's: no clear winner by pairs
CLIPPED_MIN = 2  # a typed word this long missing only its last letter ("chứ" for "chức") is that legend word


@dataclass
class Context:
    layer: SemanticLayer
    search: Search | None = None
    notes: list[str] = field(default_factory=list)
    features: dict[str, float] | None = None  # of the best link of the last plan (for fitting the confidence)


def understand(text: str, state: DialogueState | None, ctx: Context) -> Plan:
    """The best plan over the readings of the question (an ambiguous abbreviation gives several)."""
    state = state or DialogueState()
    text = split_abbreviation_pairs(text)
    options = readings(text)
    plans = []
    for reading in options:
        ctx.features = None
        q = prepare(text, ctx.layer, reading)
        plan = _as_of_printed(q, _plan(q, state, ctx), ctx.layer)
        plan.features = ctx.features
        known = sum(1 for w in q.words if w.tag in ("verdict", "legend")) if len(options) > 1 else 0
        plans.append((_corpus_pairs(reading, ctx.layer) if len(options) > 1 else 0, known, plan))
    # a reading whose expansion joins its neighbours as the corpus writes them clearly more often ("giao KH vốn"
    # → "giao kế hoạch vốn", not "khoa học"); then one that answers; then one whose expansion a judgment reads
    # ("không đạt KH": the verdict "không đạt kế hoạch", not the words "khoa học" of some row's name); then
    # the surer plan; then the lexicon's first meaning ("ds các dự án": "danh sách" before "dân số")
    most = max(pairs for pairs, _, _ in plans)
    order = {id(plan): -i for i, (_, _, plan) in enumerate(plans)}
    return max(plans, key=lambda sp: (sp[0] >= most - PAIRS_MARGIN, sp[2].op not in ("none", "clarify"), sp[1],
                                      sp[2].confidence, order[id(sp[2])]))[2]


UNTIL_WORDS = frozenset({"den", "toi", "het"})  # "(tính) đến / tới / hết 30/11/2025": the day a figure is counted to


def _as_of_printed(q: Question, plan: Plan, layer: SemanticLayer) -> Plan:
    """A figure asked as of a day ("giải ngân tính đến 30/11/2025") of a row whose table counts its figures to
    other days ("Giải ngân đến 31/10/2025") and whose texts never name that day: the report has no such
    figure, so nothing is stated (the figure of another day would answer another question)."""
    if plan.op not in ("lookup", "compare", "total") or not plan.report:
        return plan
    asked: set[tuple[int, int, int]] = set()
    for i, w in enumerate(q.words):
        if w.tag == "date" and i and q.words[i - 1].folded in UNTIL_WORDS:
            asked |= dates_in(w.text)
    if not asked:
        return plan
    rows = [layer.rows[t] for t in plan.targets if t in layer.rows]
    annexes = {(r.report, r.annex) for r in rows} or {key for key in layer.annexes if key[0] == plan.report and (
        not plan.filters or not plan.filters.annexes or any(annex_matches(key[1], a) for a in plan.filters.annexes))}
    headers = [h for key in annexes if (annex := layer.annexes.get(key)) for h in annex.columns]
    as_of = [str(f.get("as_of") or "") for r in rows for f in r.facts.values()
             if isinstance(f, dict)]  # "Đã giải ngân đến ngày 18/10/2024 …" read from a status text
    printed = {d for header in [*headers, *(h for r in rows for h in r.cells), *as_of] for d in dates_in(header)}
    texts = [r.text for r in rows] or [r.text for r in layer.rows_of(plan.report) if (r.report, r.annex) in annexes]
    if not printed or asked & printed or any(asked & dates_in(text) for text in texts):
        return plan
    return Plan(op="none", report=plan.report, unmatched=[rows[0].name] if rows else [], missing="as_of",
                confidence=plan.confidence, reason="bảng không có số liệu tính đến ngày được hỏi")


def _corpus_pairs(reading: str, layer: SemanticLayer) -> int:
    """How many adjacent word pairs of a reading the loaded reports (or the lexicon) also write."""
    words = fold_tokens(reading)
    return sum(1 for pair in zip(words, words[1:], strict=False) if layer.bigrams.get(pair, 0) > 0)


# ---------------------------------------------------------------------------------------------
# Slots


def _reports(q: Question, state: DialogueState, layer: SemanticLayer) -> list[str]:
    """Reports a question is about, newest first: named ones (by number or place), else the conversation's
    report, else the newest covering a named year, else all (the newest report that has the row answers)."""
    if q.reports:
        return q.reports
    every = [r.number for r in layer.reports]
    if q.has("operations", "cross_report"):
        return every
    if state.report and state.report in every:
        return [state.report]  # a conversation stays on its report until another one is named
    at_level = _reports_at_level(q, layer) or every
    years = [y for y in q.years if y not in q.base_years]  # "so với năm 2024" picks no report of 2024
    covering = [r for r in every if any(r in layer.reports_covering(y) for y in years)]  # newest first
    if covering and len(every) > 1:  # "năm 2025", "mùa khô 2024 - 2025": the reports that report on those years
        return [r for r in covering if r in at_level] or at_level
    return at_level


def _reports_at_level(q: Question, layer: SemanticLayer) -> list[str]:
    """ "của tỉnh", "toàn thành phố" said of no named place: the reports whose issuer is of that level (a
    province's report, not a city's); none when the question says no level or every report is of it."""
    levels = {hit.key for hit in find_phrases(q.folded, lexicon().phrase_index("report_levels"))
              if all(w.tag in (None, "frame") for w in q.words[hit.start : hit.end])
              and (hit.end == len(q.words) or q.words[hit.end].tag not in (None, "report"))  # "TP Vĩnh Long" names a place
              and not (hit.start and q.folded[hit.start - 1] in place_noun_ends())}  # "huyện, thị xã, TP": agencies' levels
    if len(levels) != 1:
        return []
    words = lexicon().phrases("report_levels")[next(iter(levels))]
    kept = [r.number for r in layer.reports
            if any(f" {' '.join(fold_tokens(w))} " in f" {' '.join(fold_tokens(r.issuer or ''))} " for w in words)]
    return kept if len(kept) < len(layer.reports) else []


def _legend_report_first(q: Question, state: DialogueState, reports: list[str], layer: SemanticLayer) -> list[str]:
    """An unnamed question quoting a legend ("dự án đang thi công") that only an older report's annexes
    print goes to that report, not to the newest one where the words mean nothing."""
    if q.reports or state.report or len(reports) < 2:
        return reports
    newest = layer.report(reports[0])
    titles = f" {' '.join(fold_tokens(' '.join(a.title for a in newest.annexes)))} " if newest else ""
    quoted = set()
    for section, hit in q.hits:
        report, annex, marker = hit.key.split("|") if section == "legend" else ("", "", "")
        if f" {' '.join(q.folded[hit.start : hit.end])} " in titles:
            continue  # "giải ngân vốn đầu tư công": words the newest report's own titles say, not a quote of another legend
        if report and (not q.annexes or any(annex_matches(annex, a) for a in q.annexes)) and q.marker in (None, marker):
            quoted.add(report)  # the annex and marker asked, when the question names them
    if not quoted or reports[0] in quoted:
        return reports
    return [r for r in reports if r in quoted] + [r for r in reports if r not in quoted]


def _annexes(q: Question, report: str | None, layer: SemanticLayer) -> list[str]:
    view = layer.report(report) if report else None
    if view is None:
        return []
    if q.annex_words:
        titled = annex_by_title([q.words[i] for i in q.annex_words], view, layer)
        return [titled] if titled else []
    if not q.annexes:
        return []
    return [a.annex for a in view.annexes if any(annex_matches(a.annex, asked) for asked in q.annexes)]


COMPOUND_MIN_COUNT = 2  # a word pair seen fewer times in the corpus is not one of its compounds
UNMATCHED_GATE = 0.25  # this share of the question's salient weight unexplained by the row: a near miss, not an answer
CLARIFY_PAIRS = 0.5  # each reading offered must hold the question's word pairs, not scattered words ("dân … số")
TARGET_BONUS = 0.3  # × the best score: "có đạt không" asks of a row that has something to reach
COMPARED_COVER_GAP = 0.05  # …only for rows holding (nearly) as much of the question as the best-covering row
COMPARED_FACTS = {"compare_target": ("target", "verdict"), "compare_prev": ("actual_prev", "vs_prev_pct")}  # what each compares
FAMILY_BONUS = 0.5  # × the best score: a row next to the one being talked about wins a close call
COMPARED_PARTS = 6  # at most this many sub-lines of a row are compared side by side ("so sánh các hợp phần của X")
TIED_SCORE = 0.98  # two link scores this close are a tie
PAIR_EDGE = 0.2  # a reading keeping this much more of the question's word pairs (or of its own name) is the one meant
ENTITY_TIE = 0.7  # a second project / task holding every word and scoring this close to the best is a second reading
ORDERED_IN_TEXT = 10  # items of a whole order asked written out in the answer (a longer one is left to its table)
MAX_TWIN_OPTIONS = 5  # sub-lines of one name offered at most (the items of a table break down into a handful of lines)
MARGIN_SCALE = 5.0  # a best score below this is weak evidence: its lead over the runner-up counts proportionally less
WHOLE_NAME = 0.9  # a row whose name the question says (nearly) whole: "Huyện Long Hồ" in "… cấp ở huyện Long Hồ"
WHOLE_READING_LINKS = 8  # candidates looked at for a row that explains every word of the question
NEAR_MISS_SHARE = 0.5  # …the near misses ranked above it then score at most this share of it
ANNEX_TITLE_COVER = 0.6  # share of the words' weight an annex title must hold to be the annex they name


def annex_by_title(words: list, view, layer: SemanticLayer) -> str | None:  # noqa: ANN001
    """The annex of a report whose title holds the given words best (None when none holds most of them)."""
    wanted = [w for w in words if w.folded not in ("cac", "nhung")]
    total = sum(layer.weight(w.repaired or w.folded) for w in wanted) or 1.0
    best, best_cover = None, 0.0
    for annex in view.annexes:
        title = set(fold_tokens(annex.title))
        cover = sum(layer.weight(w.repaired or w.folded) for w in wanted if _said_in(w, title)) / total
        if cover > best_cover:
            best, best_cover = annex.annex, cover
    return best if best_cover >= ANNEX_TITLE_COVER else None


_NOT_TITLE_MEASURES = ("lead", "coordinating", "agencies", "estimate", "status", "rate")  # asked of rows, not titles


def _annex_said_by_kind_and_measure(q: Question, layer: SemanticLayer, report: str | None) -> str | None:
    """The one annex whose title holds every word of the kind and the measure the question says together ("dự án GPMB
    trọng điểm" → "Tiến độ … giải phóng mặt bằng các dự án trọng điểm"); None when no annex or several do."""
    words = [w for w in q.words if (w.tag == "kind" or (w.tag == "measure" and w.key not in _NOT_TITLE_MEASURES))
             and w.folded not in ("cac", "nhung")]
    view = layer.report(report) if report else None
    if view is None or not any(w.tag == "kind" for w in words) or not any(w.tag == "measure" for w in words):
        return None
    holding = [a.annex for a in view.annexes if all(_said_in(w, set(fold_tokens(a.title))) for w in words)]
    return holding[0] if len(holding) == 1 else None


def _measure(q: Question, dropped: set[int] = frozenset()) -> str | None:
    """The measure asked: the most specific one of the question; "tỷ lệ" with a money measure its rate."""
    found = [hit.key for section, hit in q.hits if section == "measures" and not set(range(hit.start, hit.end)) <= dropped]
    if "compare_rows" in q.keys("operations"):  # "vốn ODA với vốn NSTW, nguồn nào giải ngân tốt hơn": "nguồn nào" picks
        picking = [h.key for s, h in q.hits if s == "measures" and h.phrase.split()[-1:] == ["nao"]]  # one of the two
        found = [m for m in found if m not in picking] or found
    rate = "rate" in found
    found = [m for m in found if m not in ("rate", "lower_is_better")]
    if "coordinating" in found and "lead" in found:  # "sở nào chủ trì, phối hợp với ai?": both columns
        found = ["agencies"] + [m for m in found if m not in ("lead", "coordinating")]
    if any(s == "measures" and h.key == "status" and fold(h.phrase) in why_phrases() and not set(range(h.start, h.end)) <= dropped
           for s, h in q.hits):
        return "status"  # "vì sao giải ngân chậm?": a reason, told by the status text
    specific = [m for m in found if m not in GENERIC_MEASURES]
    hits = [h for s, h in q.hits if s == "measures"]
    if any(h.key == "target" and any(n.start == h.end and n.key in MONEY_MEASURES for n in hits) for h in hits):
        specific = [m for m in specific if m != "target"]  # "được giao KH vốn": the money plan is what was given
    if "documents" in specific:  # "… vướng mặt bằng, UBND tỉnh đã ra quyết định gì?": the document is what is asked
        specific = ["documents"] + [m for m in specific if m != "documents"]
    ranked = any(k in ("rank_desc", "rank_asc") for k in q.keys("operations"))
    if ranked:  # "quy mô tổng mức đầu tư lớn nhất": a ranking is by the measure that is a number
        specific = sorted(specific, key=lambda m: m not in NUMERIC_MEASURES)
    measure = (specific or found or [None])[0]
    ratio = [h.key for s, h in q.hits if s in ("measures", "header") and h.key in RATIO_OF
             and not set(range(h.start, h.end)) <= dropped]
    if ratio and (rate or ranked or any(w.text == "%" for w in q.words)):  # "tỷ lệ … so với chỉ tiêu giao", "so với dự toán mấy %"
        return ratio[0]
    compared = [k for k in q.keys("operations") if k in _RATIO_OF_COMPARISON]
    if rate and ranked and len(set(compared)) == 1:  # "tỷ lệ thực hiện so với kế hoạch cao nhất": that printed ratio
        return _RATIO_OF_COMPARISON[compared[0]]
    if rate:
        measure = lexicon().section("rate_of").get(measure, measure)
        if measure is None and "compare_target" in q.keys("operations"):
            measure = "vs_target_pct"
    if ranked and measure in (None, "estimate", "actual") and "compare_prev" in q.keys("operations"):
        measure = "vs_prev_pct"  # "chỉ tiêu nào có (tỷ lệ / mức tăng) … so với năm 2023 cao nhất": the printed ratio
    if measure == "time":  # "bao giờ thì xong": the time of the event said, when one kind of time is said
        said = f" {' '.join(q.folded)} "
        kinds = [k for k, phrases in lexicon().section("time_words").items()
                 if k != "time" and any(f" {' '.join(fold_tokens(p))} " in said for p in phrases)]
        measure = kinds[0] if len(kinds) == 1 else measure
    return measure


_WHO_AND_WHEN = ("lead", "coordinating", "agencies", "deadline")  # asked with "tới đâu rồi", the status is asked too


def _more_measures(q: Question, measure: str | None, row: Row | None = None) -> list[str]:
    """Other specific things the same question asks ("ai chủ trì, hạn khi nào?": lead, then deadline); "…, vốn bao
    nhiêu?" of a project asked something else first: its total investment."""
    found = [hit.key for section, hit in q.hits if section == "measures"]
    nouns = lexicon().words("money_nouns")
    money_asked = any(w.tag is None and w.folded in nouns and any(s == "measures" and h.key == "estimate" and h.start == i + 1
                                                                   for s, h in q.hits) for i, w in enumerate(q.words))
    if money_asked and row is not None and row.kind == "project" and measure not in MONEY_MEASURES \
            and "total_investment" in row.facts:
        found.append("total_investment")
    return [m for m in dict.fromkeys(found)
            if m != measure and (m not in GENERIC_MEASURES or (m == "time" and measure not in TIME_MEASURES)
                                 or (m == "status" and measure in _WHO_AND_WHEN))  # "ai chủ trì, hạn khi nào, tới đâu rồi?"
            and m not in ("rate", "lower_is_better")
            and m not in RATIO_OF.get(measure or "", ())
            and not (measure == "agencies" and m in ("lead", "coordinating"))]


def _verdicts(q: Question) -> tuple[list[str], bool]:
    """Verdict classes asked, and whether they are exact ("Đạt NQ (không tính Vượt)")."""
    classes = list(dict.fromkeys(q.keys("verdict_questions")))
    excluded = set(q.keys("verdict_excluded"))
    exact = bool(excluded) or bool(re.search(r"\b(chi|vua)\s+dat\b", " ".join(q.folded)))
    includes = lexicon().section("verdict_includes")
    out: list[str] = []
    for cls in classes:
        for member in ([cls] if exact else includes.get(cls, [cls])):
            if member not in out and member not in excluded:
                out.append(member)
    return out, exact


def _kind(q: Question) -> str | None:
    kinds = [k for k in q.keys("kinds") if k != "part"]
    return kinds[0] if kinds else None


def _period(q: Question, report: str | None, layer: SemanticLayer) -> int | None:
    if q.years:
        return q.years[0]
    view = layer.report(report) if report else None
    base = view.year if view else None
    for key in q.keys("periods"):
        if base is None:
            return None
        return {"this": base, "previous": base - 1, "next": base + 1}[key]
    return None


def _annex_states(layer: SemanticLayer, report: str, annex: str, measure: str) -> bool:
    """Whether some row of the annex states the measure (a column or a fact of its status text)."""
    roles = set(measure_roles(measure))
    return any(r.annex == annex and (roles & set(r.roles.values()) or roles & set(r.facts))
               for r in layer.rows_of(report))


def _marker_from_legend(q: Question, layer: SemanticLayer, report: str, annexes: list[str]) -> tuple[str | None, list[str]]:
    """Words of an annex legend in the question ("đang triển khai thi công") → that annex's marker."""
    read_as_measure = {(h.start, h.end): h.key for s, h in q.hits if s == "measures"}
    read_as_verdict = {(h.start, h.end) for s, h in q.hits if s == "verdict_questions"}
    for section, hit in q.hits:
        if section != "legend":
            continue
        rep, annex, marker = hit.key.split("|")
        if rep != report or (annexes and annex not in annexes):
            continue
        kind, annex_kind = _kind(q), layer.annex_kind(report, annex)
        if kind not in (None, "part") and annex_kind and (kind == "indicator") != (annex_kind == "indicator"):
            continue  # "các dự án …" never reads the legend of an annex of indicators (tasks and projects mix)
        # the legend reading, or the same words read as a measure no annex asked about has ("đã thực hiện")
        measure = read_as_measure.get((hit.start, hit.end))
        verdict = (hit.start, hit.end) in read_as_verdict and not _has_verdicts(layer, Filters(report=report, annexes=[annex]))
        stated_elsewhere = measure and any(_annex_states(layer, report, a, measure) for (r, a) in layer.annexes
                                           if r == report and (not annexes or a in annexes))
        if q.words[hit.start].tag == "legend" or verdict or (measure and not stated_elsewhere):
            return marker, [annex]
    return None, annexes


def _agency_filter(q: Question) -> str | None:
    """A named agency, or a class of agencies ("các Bộ Trung ương") as the word its names start with."""
    folded = " ".join(q.folded)
    classes = lexicon().section("agency_types").items()
    if q.agencies and not any(len(p.split()) >= CLASS_OF_AGENCIES_WORDS and f" {fold(p)} " in f" {folded} "
                              for _, phrases in classes for p in phrases):
        return q.agencies[0]  # a named agency, unless a class is said in full ("UBND huyện, thị xã, TP")
    for kind, phrases in classes:
        for phrase in sorted(phrases, key=len, reverse=True):
            if re.search(rf"\b{re.escape(fold(phrase))}\b.*\b(chu tri|phu trach|thuc hien|chu dau tu)\b|\b(do|cua)\s+{re.escape(fold(phrase))}\b", folded) \
                    and _spelled_as(q, phrase):
                _consume(q, fold(phrase))
                return f"{kind}*"
    return None


CLASS_OF_AGENCIES_WORDS = 5  # a class of agencies said in this many words ("ủy ban nhân dân cấp huyện") is no one agency


def _spelled_as(q: Question, phrase: str) -> bool:
    """Some place where the question says ``phrase`` with no word typed in another tone ("số" is not "sở") and
    no word another phrase accounts for ("tiến độ so với kế hoạch" of a legend is no "do Sở")."""
    wanted = tokens(phrase)
    for i in range(len(q.words) - len(wanted) + 1):
        run = q.words[i : i + len(wanted)]
        if [w.folded for w in run] == [fold(t) for t in wanted] and all(
                (not w.accented or w.text == t) and w.tag in (None, "agency", "function", "frame") for w, t in zip(run, wanted, strict=True)):
            return True
    return False


def _consume(q: Question, phrase: str) -> None:
    """Tag the words that say ``phrase`` (an agency's key) as the agency: the phrase whole, else the run of
    words that says it shortened ("ban quản lý dự án giao thông tỉnh")."""
    words = phrase.split()
    spans = [(start, start + len(words)) for start in range(len(q.words) - len(words) + 1)
             if q.folded[start : start + len(words)] == words]
    if not spans:
        spans = [_shortened_run(q.folded, words)] if words else []
    for start, end in spans:
        if end - start <= 0:
            continue
        for word in q.words[start:end]:
            word.tag = word.tag or "agency"
        if start and q.folded[start - 1] in _ASSIGNS and q.words[start - 1].tag is None:
            q.words[start - 1].tag = "agency"  # "giao Sở Công Thương chủ trì": who it is given to


def _shortened_run(folded: list[str], phrase: list[str]) -> tuple[int, int]:
    """The longest run of ``folded`` starting with the phrase's first word whose words are, in order, words of
    the phrase; (0, 0) when none is longer than the first word."""
    best = (0, 0)
    for start, word in enumerate(folded):
        if word != phrase[0]:
            continue
        end, at = start + 1, 1
        while end < len(folded) and folded[end] in phrase[at:]:
            at = phrase.index(folded[end], at) + 1
            end += 1
        if end - start > 1 and end - start > best[1] - best[0]:
            best = (start, end)
    return best


def _measure_before(q: Question, condition: int) -> str | None:
    """The numeric measure whose words come last before the ``condition``-th condition's words, if any."""
    starts = [i for i, w in enumerate(q.words) if w.tag == "condition" and (i == 0 or q.words[i - 1].tag != "condition")]
    if condition >= len(starts):
        return None
    before = [w for w in q.words[: starts[condition]] if w.tag == "measure"]
    return before[-1].key if before and before[-1].key in NUMERIC_MEASURES else None


_NEGATION = "khong"  # "không do Sở XD chủ trì" (or an exclusion word of the lexicon, "ngoài Sở XD"): others lead
_NEGATION_GAP = ("do", "phai", "thuoc", "duoc", "giao", "cho", "la")  # words between the negation and the agency
_NEGATION_REACH = 3  # at most this many words between them


def _group_by_number(q: Question, layer: SemanticLayer, report: str | None) -> None:
    """ "PL V mục 2 gồm những việc gì?": a number that names only a group heading names the group (its rows), not
    one row."""
    if not q.row_ref or q.group_ref or report is None:
        return
    named = [r for r in layer.rows_of(report) if (q.row_ref in r.row_numbers or r.row == q.row_ref)
             and (not q.annexes or any(annex_matches(r.annex, a) for a in q.annexes))]
    if named and all(r.kind == "group" for r in named) and len({r.annex for r in named}) == 1:
        q.group_ref, q.row_ref = q.row_ref.upper(), None
        q.annexes = q.annexes or [named[0].annex]


def _agency_negated(q: Question, agency: str) -> bool:
    """The agency named is negated: "những nhiệm vụ nào không do Sở Xây dựng chủ trì?", "ngoài Sở XD" (not
    the "ngoại" of "Sở Ngoại vụ")."""
    own = set(fold_tokens(agency))
    starts = [i for i, w in enumerate(q.words) if w.tag == "agency" and (i == 0 or q.words[i - 1].tag != "agency")]
    for first in starts:
        for at in range(first - 1, max(first - _NEGATION_REACH - 2, -1), -1):
            negation = q.words[at].folded == _NEGATION or q.words[at].tag == "exclusion"
            if negation and q.words[at].folded not in own:
                return True
            if q.words[at].folded not in _NEGATION_GAP:
                break
    return False


_ASSIGNS = ("giao",)  # a verb right before an agency that says the agency is the one given the task


# ---------------------------------------------------------------------------------------------
# The plan


def _plan(q: Question, state: DialogueState, ctx: Context) -> Plan:
    layer = ctx.layer
    reports = _legend_report_first(q, state, _reports(q, state, layer), layer)
    primary = reports[0] if reports else None
    ops = q.keys("operations")
    # "trong đó …", "cái nào …", or a bare "liệt kê" after a set: the previous set, refined
    pronoun = q.has("dialogue", "pronouns")
    # …but "vướng mắc của dự án đó là gì?" after one row asks about that row, not a list
    bare_list = "list" in q.keys("operations") and not q.free() and not (pronoun and state.op not in SET_OPS)
    refine = (q.has("dialogue", "refine") or bare_list) and state.filters is not None
    what_about = q.has("dialogue", "what_about")
    _group_by_number(q, layer, primary)
    period = _period(q, primary, layer)
    agency = _agency_filter(q)
    for name in q.agencies:  # the agency's words are accounted for by the agency
        _consume(q, agency_key(name))

    places = unknown_places(q.original, layer)
    if places:  # "huyện Cầu Kè cấp bao nhiêu giấy phép?": a place no loaded report speaks of
        return Plan(op="none", report=primary, unmatched=places, confidence=1.0, reason="địa danh không có trong báo cáo")

    # What the report (or one annex) is made of: "báo cáo có mấy phụ lục?", "PL V gồm những nhóm nào?"
    structure = _structure_plan(q, ops, layer, primary)
    if structure is not None:
        return structure

    # "còn X thì sao?" after a set: the same question about the set X names instead.
    if what_about and state.filters is not None and state.op in SET_OPS and not q.reports and not q.row_ref:
        swapped = _swapped_set(q, state, agency)
        plan = _collection_plan(q, state.op, swapped, layer, reports, [], 0.0, agency, _measure(q, set()) or state.measure)
        if plan is not None and plan.op != "none":
            return _without_talked_about(q, plan, state)

    # "đứng thứ 2 là ai?" after a ranking: the row at that place of it.
    place = _place_asked(q) if state.op == "rank" and state.set_ids else None
    if place is not None and place <= len(state.set_ids):
        column = (state.measure or "").removeprefix(COLUMN_MEASURE) if (state.measure or "").startswith(COLUMN_MEASURE) else ""
        plan = _row_plan(q, [state.set_ids[place - 1]], "estimate" if column else state.measure, state.period, [], layer,
                         cutoffs()[0], f"vị trí thứ {place} của bảng xếp hạng vừa nêu")
        words = fold_tokens(column)  # the column ranked, named by its header's words (the place words ask none)
        return plan.model_copy(update={"words": words, "written": [t for t in tokens(column) if t != fold(t)]})

    # "đến nay giải ngân được bao nhiêu?" after a total: another money figure of the same set.
    asked = _measure(q, set())
    if state.op == "total" and state.filters is not None and asked in MONEY_MEASURES | {"disbursement_rate"} \
            and asked != state.measure and not q.free() and not q.keys("kinds") and not q.reports and not q.annexes:
        plan = _collection_plan(q, "total", state, layer, reports, [], 0.0, agency, asked)
        if plan is not None and plan.op != "none":
            return plan

    # A set: list, count, rank, total (before the legend: "các nhiệm vụ (***) là gì" lists rows).
    collection = _collection_op(q, ops, refine, agency, layer, primary)
    if "total" in ops and collection in ("total", "count", None) and (listed := _rows_listed(q, layer, ctx, reports)) is not None:
        return _sum_of(q, listed, _measure(q, set()), layer, "tổng của các dòng được liệt kê")  # "… của 3 DA: A, B và C"
    asked_again = refine and collection == "list" and state.op in ("total", "count") and q.has("dialogue", "what_about_tail")
    if asked_again and not q.listing and not set(ops) & {"list", "count", "total"}:
        collection = state.op  # "trong đó riêng vốn ODA thì sao?" after a total: the same figure of the part
    if q.row_ref and not q.annexes and state.report in (None, primary):  # "còn cái 8.1 …": a row of the annex talked about
        q.annexes = _annexes_talked_about(state, layer)
    family = _family(state.focus, layer)
    links, features = _links(q, layer, ctx, reports, soft_as_free=what_about and not q.row_ref,
                             extra=(state.focus if not what_about else []) + sorted(family), family=family)
    best = links[0] if links else None
    p_best = confidence(features) if features else 0.0
    answer_at, clarify_at = cutoffs()
    near_miss = features is not None and (
        features.unmatched >= UNMATCHED_GATE or (best is not None and contradicts(q, best.row, layer)))
    if near_miss:  # a salient word nothing explains ("tính ra USD"), or the row names the opposite ("xuất" for "nhập")
        p_best = min(p_best, answer_at - 0.01)
    ctx.features = {**asdict(features), "best_row": best.row.id} if features and best else None  # type: ignore[dict-item]
    parts_named = _parts_named(q, best, layer) if best is not None and p_best >= clarify_at else set()
    dropped = (best.in_name & _cue_positions(q)) | parts_named if best is not None and p_best >= clarify_at else set()
    # (a measure naming a part is no measure at all: "phần đền bù … với phần xây đường … giải ngân": disbursement only)
    q.hits = [(s, h) for s, h in q.hits if not (s == "measures" and set(range(h.start, h.end)) <= parts_named)]
    measure = _measure(q, dropped)
    rate_of = lexicon().section("rate_of")
    if measure in (None, "estimate") and state.focus and state.measure in rate_of and q.has("dialogue", "pronouns") and (
            q.has("measures", "rate") or any(w.text == "%" for w in q.words)):
        measure = rate_of[state.measure]  # "giải ngân tới đâu?" → "vốn ĐTPT của nó đạt bao nhiêu %?": the rate of it
    unprinted = _role_not_printed(q, layer, reports, best)
    if unprinted:  # "nhà thầu thi công ĐT 921 là ai?": a name the reports do not give
        return Plan(op="none", report=primary, unmatched=unprinted, missing="role", confidence=p_best,
                    reason="báo cáo không nêu tên " + " ".join(unprinted))

    # "Tổng số vụ vi phạm phát hiện toàn tỉnh?": a column of a table whose printed total row answers.
    # (after a row, "đã xử lý mấy vụ?" asks that row's cell, unless a total is said)
    elsewhere = best is not None and best.row.report != primary  # the best row is of an older report: not a reading
    if {"count", "total"} & set(ops) and (p_best < answer_at or elsewhere) and primary is not None and collection != "count" \
            and ("total" in ops or not state.focus):
        column_total = _column_total_plan(q, layer, primary)
        if column_total is not None:
            return column_total

    if "compare_rows" in ops and primary is not None:  # "nhóm chuyển tiếp với nhóm khởi công mới, nhóm nào … hơn?"
        groups = _split_groups(q, layer, primary)
        if groups is not None:
            return _row_plan(q, groups, measure, period, ops, layer, answer_at, "hai nhóm được so sánh")
    if refine and len(state.set_ids) == 1 and measure not in (None, "status") and not q.keys("kinds") \
            and not set(ops) & {"list", "rank", "total"} and ("count" not in ops or q.has("units")) and not q.listing \
            and all(w.folded in layer.folded_text(state.set_ids[0]).split() for w in q.free()):
        # "Có 1 dự án …" → "trong đó mặt bằng đã giao được bao nhiêu ha?": a figure of that one row
        return _row_plan(q, state.set_ids, measure, period, ops, layer, answer_at, "dòng duy nhất của tập vừa nêu")
    if "compare_rows" in ops and not q.free() and not q.reports and (pair := _pair_talked_about(state, layer)):
        # "vậy cái nào bàn giao mặt bằng nhiều hơn?" after two rows asked in turn: those two, on what is asked now
        return _row_plan(q, pair, measure or state.measure, period, ops, layer, answer_at, "hai dòng vừa được hỏi so sánh")
    if collection == "list" and "compare_rows" in ops:  # "ĐT 917 với ĐT 918, dự án nào … tốt hơn?": the two rows compared
        pair = _split_entities(q, layer, ctx, reports, best)
        if pair is not None:
            return _row_plan(q, [lk.row.id for lk in pair], measure, period, ops, layer, answer_at, "hai dòng được so sánh")

    if collection is None and "compare_rows" in ops and best is not None and best.row.children:
        # "… vùng DTTS: huyện Võ Nhai với Định Hóa, huyện nào …": two sub-lines of the row named
        pair = _split_entities(q, layer, ctx, reports, None)
        if pair is not None and all(_parent_id(lk.row) == best.row.id for lk in pair):
            return _row_plan(q, [lk.row.id for lk in pair], measure, period, ops, layer, answer_at, "hai mục con được so sánh")
        children = [f"{best.row.report}:{best.row.annex}:{c}" for c in best.row.children]
        if pair is None and q.has("kinds", "part") and p_best >= answer_at and 2 <= len(children) <= COMPARED_PARTS:
            # "so sánh giải ngân 2 hợp phần của dự án X": the parts of the row named, side by side
            return _row_plan(q, children, measure, period, ops, layer, p_best, "các phần của dòng được so sánh")
    if collection:
        asked = _measure(q)  # a ratio said in full ("so với chỉ tiêu giao") names the set's measure whatever the links
        # …and a rank needs its measure even when some row's name holds the words ("giải ngân vốn … thấp nhất")
        plan = _collection_plan(q, collection, state if refine else None, layer, reports, links, p_best, agency,
                                _money_of_a_rate(asked) if collection == "total" and _money_of_a_rate(asked) else
            asked if asked in RATIO_OF or (collection == "rank" and measure is None)
                                or ((q.has("operations", "overview") or collection == "total") and asked in MONEY_MEASURES) else
                                measure or (state.measure if refine and collection == state.op else None),
                                talked_about=state.focus)
        plan = _without_talked_about(q, plan, state) if plan is not None and not refine else plan
        words_name_a_row = best is not None and best.numbers_ok and (p_best >= answer_at or best.row_cov >= FOLLOWUP_COVERAGE)
        if plan is not None and not (plan.op == "none" and words_name_a_row):
            return plan  # a set condition not understood, unless the words name a row ("bao nhiêu dự án CNTT … của đề án X")

    # A group's figure: "lĩnh vực giao thông giải ngân được bao nhiêu?" → the group's printed subtotal.
    # ("… giải ngân, thi công thế nào?" asks more than the figure: the overview below, subtotal first)
    if measure in NUMERIC_MEASURES and primary is not None and (q.free() or q.group_ref) and "overview" not in ops \
            and not (pronoun and state.focus):  # "GPMB của dự án đó …": the row talked about, not a group
        group = _group_named(q, q.free(), layer, primary, _annexes(q, primary, layer))
        if group is not None and any(r.kind == "total" and r.facts.get("total_of") == group.row and r.annex == group.annex
                                     for r in layer.rows_of(primary)):
            return Plan(op="total", filters=Filters(report=primary, annexes=[group.annex], group=group.id), measure=measure,
                        report=primary, confidence=0.9, reason="số liệu của một nhóm: dòng cộng của nhóm")

    # Legend: "(***) nghĩa là gì?", "ký hiệu 2 sao trong PL II?"
    if q.marker and ("legend" in ops or not q.free()):
        annexes = _annexes(q, primary, layer) if primary else []
        return Plan(op="legend", filters=Filters(report=primary, annexes=annexes, marker=q.marker), report=primary,
                    more_markers=q.more_markers, reason="ký hiệu + hỏi nghĩa")

    # Overview of a field, a group or an annex: "giáo dục năm nay thế nào?", "tình hình Phụ lục III?"
    talked_about = best is not None and best.row.id in state.focus and p_best >= answer_at  # the row of the conversation
    across = "cross_report" in ops and best is not None and p_best >= answer_at  # "GRDP qua các báo cáo": that row, per report
    overview = None if talked_about or across else _overview_plan(q, ops, measure, layer, primary, best, p_best)
    if overview is not None:
        return overview

    # The dialogue first when the turn's words fit the row being talked about ("giai đoạn 2 khởi công khi nào").
    only_period = what_about and not any(w.tag in (None, "kind", "aspect") for w in q.words) and (
        bool(q.years) or q.has("periods"))  # "thế còn năm 2023 thì tỷ lệ là bao nhiêu?"
    # "còn năm 2023?": same row, new year; "còn GPMB của nó?": a pronoun is the row talked about
    if state.focus and best is not None and q.has("kinds", "part") and p_best >= clarify_at and best.numbers_ok \
            and any(_under(best.row, focused, layer) for i in state.focus if (focused := layer.rows.get(i)) is not None):
        # "hợp phần bồi thường TĐC của nó …": a part of the row talked about, named by the turn
        return _row_plan(q, [best.row.id], measure, period, ops, layer, p_best, "một phần của dòng đang nói tới")
    if state.focus and (not what_about or only_period or pronoun) and not q.reports:
        followup = _followup_plan(q, state, links, p_best, measure, period, ops, layer, pronoun)
        if followup is not None:
            return followup

    # Two rows joined by "và" ("tỷ lệ giải ngân của ĐT 917 và ĐT 918").
    pair = _split_entities(q, layer, ctx, reports, best)
    if pair is not None and "total" in ops and measure in MONEY_MEASURES and not q.has("operations", "compare_rows"):
        return _sum_of(q, [lk.row.id for lk in pair], measure, layer, "tổng của hai dòng nối bằng 'và'")  # "… của A và B"
    if pair is not None:
        return _row_plan(q, [lk.row.id for lk in pair], measure, period, ops, layer, answer_at, "hai dòng nối bằng 'và'")

    # Rows listed ("KH vốn của ĐT 917, ĐT 918 và ĐT 921", "đường tỉnh 917, 918, 921"): each, or their sum.
    unsure = best is None or not best.numbers_ok or ("total" in ops and p_best < answer_at)  # "tổng … của 4 huyện A, B …"
    # (by name only for a total: "…, đã trình ai thẩm định chưa?" is no second item)
    listed = _rows_listed(q, layer, ctx, reports, names="total" in ops) if unsure else None
    if listed is not None:
        if "total" in ops and measure in NUMERIC_MEASURES:
            return _sum_of(q, listed, measure, layer, "tổng của các dòng được liệt kê")
        return _row_plan(q, listed, measure, period, ops, layer, answer_at, "các dòng được liệt kê")

    # "còn X thì sao?" asks about a new row when the turn says its name, not when its text merely holds the words the
    # row talked about holds too ("còn bao nhiêu hộ chưa nhận tiền, ở phường nào?").
    focus_reading: list[list[Link]] = []  # the links read with the rows talked about, once, when needed

    def with_focus() -> list[Link]:
        if not focus_reading:
            focus_reading.append(_links(q, layer, ctx, reports, extra=list(state.focus))[0])
        return focus_reading[0]

    names_a_row = best is not None and ((best.name_cov >= ASPECT_COVERAGE and best.specificity >= NAMING_SPECIFICITY)
                                        or not (state.focus and what_about) or not _focus_explains(with_focus(), state, best))

    # Rows named by the turn itself ("còn X thì sao?" keeps the previous question).
    if best is not None and p_best >= answer_at and best.numbers_ok and names_a_row:
        targets = _targets(q, links, layer, ops)
        if len(targets) == 1 and len(links) > 1 and _two_readings(q, links, layer):
            twins = [lk for lk in links[2:MAX_TWIN_OPTIONS] if fold(lk.row.name) == fold(best.row.name)
                     and lk.row.parent and lk.score >= ENTITY_TIE * best.score]  # every "Vốn sự nghiệp" line alike
            return _clarify(q, [*links[:2], *twins], p_best, layer)
        if what_about and state.focus and measure is None:
            return _asked_again(_row_plan(q, targets, _carried(state, targets, layer), period or state.period, ops or _ops_of(state), layer,
                                          p_best, "còn X: câu hỏi trước, dòng mới"), state)
        return _row_plan(q, targets, measure, period, ops, layer, p_best, "dòng được nêu trong câu hỏi")

    # A row next to the one being talked about that names every word of the turn ("giảm được bao nhiêu điểm %?"
    # after "tỷ lệ hộ nghèo": its sub-line "Mức giảm tỷ lệ hộ nghèo").
    if best is not None and best.row.id in family and best.name_cov >= 1.0 and p_best >= clarify_at and best.numbers_ok:
        return _row_plan(q, [best.row.id], measure, period, ops, layer, p_best, "dòng liền kề dòng đang nói tới")

    # "còn X thì sao?": the previous question about a new row.
    if state.focus and what_about and best is not None and p_best >= clarify_at and best.numbers_ok and names_a_row:
        plan = _row_plan(q, [best.row.id], measure or _carried(state, [best.row.id], layer), period or state.period,
                         ops or _ops_of(state), layer, p_best, "còn X: câu hỏi trước, dòng mới")
        return plan if measure else _asked_again(plan, state)

    # "còn tờ trình gửi bộ nào?" naming no new row: the same row, an aspect its own text speaks of.
    if state.focus and what_about and not q.reports and (best is None or p_best < clarify_at or not names_a_row):
        focus_links = with_focus()
        on_focus = not q.free() or any(lk.row.id in state.focus and lk.row_cov >= focus_links[0].row_cov
                                       for lk in focus_links)  # no other row explains the words better ("còn khối lượng
        # thi công?"); a turn naming nothing ("còn bao nhiêu mét chưa xong?") asks what remains of the row talked about
        followup = _followup_plan(q, state, focus_links, p_best, measure, period, ops, layer, pronoun, ASPECT_COVERAGE) if on_focus else None
        if followup is not None:
            return followup

    # "Diễn đàn … có bao nhiêu thành viên?": one sentence of a row's text says a number of the thing asked
    # and holds the question's words.
    counted = _counted_in_asked_unit(q, links, layer)
    if counted is not None:  # "nhà ở xã hội … bao nhiêu căn": of the rows named, the one indicator counted in "Căn"
        return _row_plan(q, [counted.id], measure, period, ops, layer, answer_at, "dòng có đơn vị được hỏi")
    passage = _passage_evidence(q, links, layer)
    if passage is not None:
        asked = _measure(q) if _measure(q) in TIME_MEASURES else "estimate"
        return _row_plan(q, [passage.id], asked, period, ops, layer, PASSAGE_CONFIDENCE, "một câu của dòng nêu số được hỏi")

    # Two readings, neither sure enough: ask rather than refuse.
    second = next((lk for lk in links[1:] if not _related(best.row, lk.row)), None) if best is not None else None
    if best is not None and second is not None and best.numbers_ok and p_best >= clarify_at and best.row.kind == second.row.kind:
        # (a salient word neither reading explains: there is no choice to offer)
        if _close(best, second) and not (near_miss and _unmatched_weight(q, second, layer) >= UNMATCHED_GATE) and min(best.pair_cov, second.pair_cov) >= CLARIFY_PAIRS:
            return _clarify(q, [best, second], p_best, layer)

    missing = _unmatched(q, best, layer)
    return Plan(op="none", report=primary, unmatched=missing, confidence=p_best,
                reason="không tìm thấy dòng nào khớp" + (f" ({', '.join(missing)})" if missing else ""),
                options=[ClarifyOption(label=lk.row.name, question=_ask_about(lk.row), row_id=lk.row.id)
                         for lk in links[:3] if lk.row_cov > 0.3])


NAME_AFTER_ROLE_WORDS = 4  # a capitalised word this close after the role in a sentence names who holds it


def _role_not_printed(q: Question, layer: SemanticLayer, reports: list[str], best: Link | None) -> list[str] | None:
    """The words of a role the question asks the name of ("nhà thầu thi công … là ai / là đơn vị nào") when no
    column of the reports is headed so and the row's text names no one in it ("nhà thầu VMD"): the reports do
    not say it, whatever agency column the row has."""
    folded = [w.repaired or w.folded for w in q.words]
    roles = find_phrases(folded, lexicon().phrase_index("named_roles"))
    if not roles:
        return None
    role = roles[0]
    asked = find_phrases(folded, lexicon().phrase_index("who_words")) or (
        role.end < len(folded) and folded[role.end] == "nao")  # "nhà thầu nào"
    if not asked:
        return None
    said = folded[role.start : role.end]
    for (report, _), annex in layer.annexes.items():
        if report in reports and any(_holds_run(fold_tokens(h), said) for h in annex.columns):
            return None  # a report with a column of that role answers it
    if best is not None:
        words = re.findall(r"\w+", best.row.text)
        for i in range(len(words) - len(said) + 1):
            if [fold(w) for w in words[i : i + len(said)]] == said and any(
                    w[0].isupper() for w in words[i + len(said) : i + len(said) + NAME_AFTER_ROLE_WORDS]):
                return None  # "Liên danh nhà thầu (… nhà thầu VMD …)": the text names one
    return [w.text for w in q.words[role.start : role.end]]


def _holds_run(words: list[str], run: list[str]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


SET_OPS = ("list", "count", "rank", "total")
COLUMN_TOTAL_COVER = 0.8  # share of the question's words one column's header must hold for its printed total to answer


def _column_total_plan(q: Question, layer: SemanticLayer, report: str) -> Plan | None:
    """The total row of an annex, read at the one column whose header holds (nearly) all of the question's
    words: a table by place prints "Tổng cộng" under "Vi phạm – Số vụ phát hiện"."""
    free = list({w.repaired or w.folded: w for w in q.words if w.tag is None and not w.text.isdigit()}.values())
    weight = {id(w): layer.weight(w.repaired or w.folded) for w in free}
    total_weight = sum(weight.values())
    if not free or not total_weight:
        return None
    tagged = [w for w in q.words if w.tag in ("op", "measure") and w.text.isalpha()]  # "tổng tiền": "tiền" tells
    # "Số tiền xử phạt" from "Số vụ phát hiện" when the free words fit both ("tong tien phat …" typed plain)
    found: list[tuple[float, int, Row, str]] = []
    for row in layer.rows_of(report):
        if row.kind != "total" or row.facts.get("total_of") is not None:
            continue
        if q.annexes and not any(annex_matches(row.annex, a) for a in q.annexes):
            continue
        for header, cell in row.cells.items():
            if header in row.roles or not re.search(r"\d", cell):
                continue
            written, folded = set(tokens(header)), set(fold_tokens(header))  # as typed: "phạt" is not "phát hiện"
            share = sum(weight[id(w)] for w in free if word_in_field(w, written, folded, fuzzy=False)) / total_weight
            found.append((share, sum(1 for w in tagged if word_in_field(w, written, folded, fuzzy=False)), row, header))
    found.sort(key=lambda f: (-f[0], -f[1]))
    if not found or found[0][0] < COLUMN_TOTAL_COVER:
        return None  # no column holds the words
    tied = [f for f in found if f[0] >= found[0][0] - 1e-9 and f[1] >= found[0][1] and f[2] is found[0][2]]
    if len(tied) > 1:  # two columns hold the words alike: one answer only when they are one group's columns, asked
        group = {h[: len(h) - len(header_leaf(h))] for _, _, _, h in tied}  # whole ("tổng số giấy phép XD": both kinds)
        if len(group) != 1 or not next(iter(group)).strip():
            return None
        return Plan(op="lookup", targets=[found[0][2].id], report=report, words=fold_tokens(next(iter(group))),
                    confidence=SET_CONFIDENCE, reason="tổng của các cột một nhóm: dòng tổng in trong báo cáo")
    _, _, row, header = found[0]
    counted = re.match(r"so\s+(\w+)", " ".join(fold_tokens(header_leaf(header))))
    units = [[counted.group(1)]] if counted and q.has("operations", "count") else []  # "bao nhiêu vụ": said as a count
    return Plan(op="lookup", targets=[row.id], report=report, words=fold_tokens(header), units=units,
                confidence=SET_CONFIDENCE, reason="tổng của một cột: dòng tổng in trong báo cáo")


def _swapped_set(q: Question, state: DialogueState, agency: str | None) -> DialogueState:
    """The previous set's conditions with those the new turn names replaced: an agency, a marker or
    legend, a verdict, or (any other words) the group / topic."""
    base = state.filters.model_copy(deep=True) if state.filters is not None else Filters()
    if agency:
        base.agency = None
    if q.marker or q.has("legend"):
        base.marker = None
    if q.keys("verdict_questions"):
        base.verdicts = []
    if [w for w in q.free() if w.tag is None] or q.group_ref or q.has("dialogue", "others"):
        base.group = base.parent = base.field = None
        base.ids, base.words = None, []
    return state.model_copy(update={"filters": base, "set_ids": [], "focus": []})


def _row_is_the_change(q: Question, row: Row) -> bool:
    """ "mức giảm so với năm trước" of a row that is that change ("Mức giảm tỷ lệ hộ nghèo"): last year is what the
    change is measured from, not a second figure to compare with."""
    name = f" {' '.join(fold_tokens(row.name))} "
    said = f" {' '.join(q.folded)} "
    return any(f" {fold(p)} " in name and f" {fold(p)} " in said for p in lexicon().section("change_of"))


def _level_of_a_change(q: Question, row: Row, layer: SemanticLayer) -> str | None:
    """The line a change line is the change of ("Mức giảm tỷ lệ hộ nghèo" under "Tỷ lệ hộ nghèo"), when the question
    names that line in full and not the change itself ("tỷ lệ hộ nghèo giảm bao nhiêu", not "mức giảm …")."""
    name = fold_tokens(row.name)
    said = f" {' '.join(q.folded)} "
    change = next((fold(p) for p in lexicon().section("change_of") if " ".join(name).startswith(fold(p) + " ")), None)
    parent = layer.rows.get(_parent_id(row) or "")
    if change is None or parent is None or f" {change} " in said:
        return None
    rest = " ".join(name[len(change.split()):])
    return parent.id if rest and f" {rest} " in said and rest in " ".join(fold_tokens(parent.name)) else None


_ORDINALS = {"nhi": 2, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5}
_PLACE_RE = re.compile(r"\b(?:dung|xep|hang|vi tri)?\s*thu\s+(\d+|nhi|hai|ba|tu|bon|nam)\b")


def _place_asked(q: Question) -> int | None:
    """The place in a ranking a turn asks, saying nothing else ("đứng thứ 2 là ai?", "thứ ba là dự án nào?")."""
    match = _PLACE_RE.search(" ".join(q.folded))
    if match is None or set(fold_tokens(" ".join(w.text for w in q.free()))) - set(match.group(0).split()):
        return None
    said = match.group(1)
    place = int(said) if said.isdigit() else _ORDINALS[said]
    return place if place >= 2 else None


def _change_line_said(q: Question, row: Row, layer: SemanticLayer) -> str | None:
    """The line under ``row`` printing its change ("Mức giảm tỷ lệ hộ nghèo" under "Tỷ lệ hộ nghèo") when the question
    says that change ("mức giảm", "mức tăng") and not the row's own name."""
    said = f" {' '.join(q.folded)} "
    name = " ".join(fold_tokens(row.name))
    for phrase in (" ".join(fold_tokens(p)) for p in lexicon().section("change_of")):
        if f" {phrase} " not in said or phrase in name:
            continue
        for child in (layer.rows.get(f"{row.report}:{row.annex}:{c}") for c in row.children):
            own = " ".join(fold_tokens(child.name)) if child is not None else ""
            if own.startswith(phrase + " ") and own[len(phrase) + 1:] in name:
                return child.id
    return None


def _prev_is_the_change(q: Question) -> bool:
    """ "có giảm được như kế hoạch không": "có giảm" names the change the plan asks for, not last year."""
    prev = [h for s, h in q.hits if s == "operations" and h.key == "compare_prev"]
    if re.search(r"\bso (?:voi )?(?:nam )?(?:19|20)\d{2}\b", " ".join(q.folded)):
        return False  # "tăng hay giảm so 2023": last year is named
    return bool(prev) and q.has("operations", "compare_target") and not any(
        "so" in h.phrase.split() or "nam" in h.phrase.split() or "ky" in h.phrase.split() for h in prev)


_DAY_RE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b")  # a day as reports print it: "01/3/2025"


def _passage_evidence(q: Question, links: list[Link], layer: SemanticLayer) -> Row | None:
    """The one row among the candidates whose text has a sentence stating a number of the noun asked
    ("150.000 thành viên", "540 nền", "mỗi căn 50 triệu đồng") that, with the row's name, holds nearly all
    the question's words; None when no row or two rows do."""
    asked = _asked_units(q, _measure(q))
    dated = bool(set(q.keys("measures")) & set(TIME_MEASURES))  # "… chính thức hoạt động từ ngày nào (theo QĐ
    # nào)?": a sentence stating a day
    if not asked and not dated:
        return None
    weight = {w.repaired or w.folded: layer.weight(w.repaired or w.folded) for w in q.words if w.tag is None}
    total = sum(weight.values()) or 1.0
    found: list[tuple[float, float, Row]] = []
    for lk in links[:PASSAGE_ROWS]:
        name = set(layer.name_words.get(lk.row.id, []))
        texts = role_texts(lk.row, "status") + role_texts(lk.row, "note")
        row_said = name | {t for text in texts for t in fold_tokens(text)}
        row_said |= set(identifier_parts(list(row_said)))  # "45/2022/QH15" is said by "NQ 45"
        best = (0.0, 0.0)  # (share the row holds, share its best sentence holds)
        for sentence in (s for t in texts for s in passage_sentences(t)):
            tokens = fold_tokens(sentence)
            if not (states_number_of(tokens, asked) if asked else _DAY_RE.search(sentence)):
                continue
            said = set(tokens) | set(identifier_parts(tokens))
            in_sentence = sum(v for k, v in weight.items() if k in said) / total
            in_row = sum(v for k, v in weight.items() if k in row_said) / total
            if in_sentence >= PASSAGE_SENTENCE_SHARE:
                best = max(best, (in_row, in_sentence))
        if best[0] >= PASSAGE_COVER:
            found.append((*best, lk.row))
    found.sort(key=lambda f: (-f[0], -f[1]))
    if not found or (len(found) > 1 and found[1][0] >= found[0][0] - PASSAGE_TIE and found[1][1] >= found[0][1] - PASSAGE_TIE):
        return None  # two rows hold the words as well, and sentences of both as well
    return found[0][2]


def _quoting_asked_units(q: Question, plan: Plan) -> Plan:
    """The words of what a number is asked of ("bao nhiêu hộ") pick the sentence to quote first, whatever
    the row's name holds ("hộ" is not "hỗ" of "hỗ trợ")."""
    runs = _asked_units(q, plan.measure)
    units = [t for unit in runs for t in unit]
    if units:
        plan.words = list(dict.fromkeys(units + plan.words))
        plan.name_words = [w for w in plan.name_words if w not in units]
        plan.units = [list(unit) for unit in runs]
    return plan


def _asked_units(q: Question, measure: str | None = None) -> list[tuple[str, ...]]:
    """What "bao nhiêu …" / "mấy …" counts, as folded word runs: ("thanh", "vien"); money ("tiền") as its units."""
    asked: list[tuple[str, ...]] = []
    run: list[str] = []
    for i, word in enumerate([*q.words, None]):
        if word is not None and word.tag in ("aspect", "unit") and (run or _how_many_ends_at(q.folded, i - 1)):
            run.append(word.repaired or word.folded)
            continue
        if run:
            asked += [(u,) for u in MONEY_UNITS] if run in (["tien"], ["von"]) else [tuple(run)]  # "bao nhiêu vốn" too
            asked += [(symbol,) for words, symbol in _unit_symbols().items() if tuple(run[: len(words)]) == words]
            run = []
    if not asked and q.has("measures", "rate") and measure in (None, "estimate", "actual"):
        asked = [("%",)]  # "tỷ lệ … là bao nhiêu" of a task: the percentage its text states
    return asked


@lru_cache(maxsize=1)
def _unit_symbols() -> dict[tuple[str, ...], str]:
    """Units said in words and the symbol reports print them with: ``("met",) → "m"`` ("bao nhiêu mét kè")."""
    return {tuple(fold_tokens(words)): fold(symbol) for words, symbol in lexicon().section("unit_symbols").items()}


def _how_many_ends_at(folded: list[str], i: int) -> bool:
    """Whether "mấy" or "bao nhiêu" ends at position ``i`` of the folded words."""
    return i >= 0 and (folded[i] == "may" or (i > 0 and folded[i - 1] == "bao" and folded[i] == "nhieu"))


def _asked_again(plan: Plan, state: DialogueState) -> Plan:
    """"thế còn Trà Ôn?" after "Tam Bình cấp bao nhiêu giấy phép nhà ở riêng lẻ?": the new row, the same column
    (or status sentences) the previous turn's words picked."""
    if plan.words or not state.words:
        return plan
    return plan.model_copy(update={"words": list(state.words)})


def _carried(state: DialogueState, rows: list[str] | None = None, layer: SemanticLayer | None = None) -> str | None:
    """The measure "còn X thì sao?" asks again of a new row: a number asked before ("tỷ lệ giải ngân"); after
    a narrower question ("ai chủ trì?", "vốn từ đâu?"), or of new ``rows`` that do not state it ("còn khu TĐC
    thì sao?" after the metres of embankment built), the new row's whole picture."""
    if state.measure not in lexicon().section("carried_measures"):
        return None
    if rows and layer is not None and not any(row_states(layer.rows[i], state.measure) for i in rows if i in layer.rows):
        return None
    return state.measure


def _annexes_talked_about(state: DialogueState, layer: SemanticLayer) -> list[str]:
    """The one annex the conversation is in (its set's, else its rows'), or none."""
    annexes = set(state.filters.annexes) if state.filters is not None and state.filters.annexes else {
        layer.rows[i].annex for i in state.focus if i in layer.rows}
    return sorted(annexes) if len(annexes) == 1 else []


def _without_talked_about(q: Question, plan: Plan, state: DialogueState) -> Plan:
    """"còn dự án nào khác …": the set leaves out the rows the conversation was about."""
    if plan.op in SET_OPS and q.has("dialogue", "others"):
        plan.filters.exclude_ids = list(state.focus)
    return plan


def _cue_positions(q: Question) -> set[int]:
    return {i for i, w in enumerate(q.words) if w.tag in ("measure", "kind", "op", "frame", "unit")}


def _parts_named(q: Question, best: Link, layer: SemanticLayer) -> set[int]:
    """Measure words that name a part: a measure said right after a part noun (in one or more phrases) whose words
    are partly in the name of the best row or of one of its sub-lines ("hợp phần bồi thường GPMB" is the part
    "Hợp phần bồi thường, hỗ trợ và tái định cư", not its clearance)."""
    parts = {i for section, hit in q.hits if section == "kinds" and hit.key == "part" for i in range(hit.start, hit.end)}
    whole = layer.rows.get(_parent_id(best.row) or "") if not best.row.children else None  # a part named best: its
    siblings = (whole or best.row).children  # parent's parts ("… với phần xây đường cầu" best names one of them)
    part_words = {w for c in siblings for w in layer.name_words.get(f"{best.row.report}:{best.row.annex}:{c}", [])}
    in_a_name = best.in_name | {i for i, w in enumerate(q.words) if (w.repaired or w.folded) in part_words}
    spans = [range(run[0].start, run[-1].end) for run in _measure_runs(q)]
    return {i for span in spans if span.start - 1 in parts and set(span) & in_a_name for i in span}


def _measure_runs(q: Question) -> list[list[PhraseHit]]:
    """The measure phrases of the question in order, adjacent phrases of one measure joined in a run ("đền bù"
    "tái định cư", "bồi thường" "GPMB"): one thing said."""
    runs: list[list[PhraseHit]] = []
    for hit in sorted((hit for section, hit in q.hits if section == "measures"), key=lambda h: h.start):
        if runs and runs[-1][-1].key == hit.key and runs[-1][-1].end == hit.start:
            runs[-1].append(hit)
        else:
            runs.append([hit])
    return runs


# ---------------------------------------------------------------------------------------------
# Linking


def _family(focus: list[str], layer: SemanticLayer) -> set[str]:
    """The rows around the ones being talked about: their parents, sub-lines and siblings."""
    family: set[str] = set()
    for row_id in focus:
        row = layer.rows.get(row_id)
        if row is None:
            continue
        for other in layer.rows_of(row.report):
            if other.annex == row.annex and other.id != row.id and (
                    other.parent == row.row or row.parent == other.row or (row.parent and other.parent == row.parent)):
                family.add(other.id)
    return family


def _links(q: Question, layer: SemanticLayer, ctx: Context, reports: list[str], soft_as_free: bool = False,
           extra: list[str] | None = None, family: set[str] | None = None) -> tuple[list[Link], LinkFeatures | None]:
    words = [w for w in q.content() if w.tag != "op"]
    if soft_as_free and not q.free():
        words = [w for w in q.words if w.tag in ("op", "function", "measure", "kind", "frame", "unit")]
    if not words and not q.row_ref:
        return [], None
    hits: dict[str, int] | None = None
    if ctx.search is not None and words:
        try:
            query = " ".join(w.text for w in q.words if w.tag not in ("polite", "dialogue", "report", "year", "period", "masked")
                             and (w.tag not in ("op", "function") or w in words))
            hits = ctx.search(query, SEARCH_K, reports)
        except Exception as exc:  # retrieval unavailable: the inverted index still gives candidates
            ctx.notes.append(str(exc))
    retrieval_down = hits is None and ctx.search is not None and bool(words)
    hits = hits or {}
    scope = set(reports)
    candidates = candidate_ids(q, layer, hits, scope) + [i for i in extra or [] if i in layer.rows]
    refs: list[str] = []
    if q.row_ref:
        report = reports[0] if reports else None
        refs = [row.id for row in layer.rows_of(report)
                if (q.row_ref in row.row_numbers or row.row == q.row_ref)
                and (not q.annexes or any(annex_matches(row.annex, a) for a in q.annexes))]
        candidates = refs + candidates
    links = link(q, layer, list(dict.fromkeys(candidates)), hits, soft_as_free=soft_as_free, named=frozenset(refs))
    links = [lk for lk in links if lk.row.kind not in ("total", "group") or q.has("operations", "total")]
    if q.annexes:
        links = [lk for lk in links if any(annex_matches(lk.row.annex, a) for a in q.annexes)] or links
    row_ref_hit = False
    if q.row_ref:
        for lk in links:
            if q.row_ref in lk.row.row_numbers or lk.row.row == q.row_ref:
                lk.score += 100.0
                row_ref_hit = True
        links.sort(key=lambda lk: (not lk.numbers_ok, -lk.score))
    links = _prefer_definitions(q, links, layer)
    if not links:
        return [], None
    compared = [facts for op, facts in COMPARED_FACTS.items() if q.has("operations", op)]
    if compared:  # "có đạt không", "giảm bao nhiêu so với cùng kỳ": rows that print what is compared
        top, cover = abs(links[0].score), max(lk.name_cov for lk in links)
        for lk in links:  # a tie-breaker between rows that hold the question's words alike, never against a word
            if any(lk.row.facts.get(f) for facts in compared for f in facts) and lk.name_cov >= cover - COMPARED_COVER_GAP:
                lk.score += TARGET_BONUS * top
        links.sort(key=lambda lk: (not lk.numbers_ok, -lk.score))
    if family:  # "nông thôn thì sao?" after "khu vực đô thị": the sibling of the row being talked about
        top = links[0].score
        for lk in links:
            if lk.row.id in family:
                lk.score += FAMILY_BONUS * abs(top)
        links.sort(key=lambda lk: (not lk.numbers_ok, -lk.score))
    if len(links) > 1 and links[1].score >= TIED_SCORE * links[0].score and links[1].specificity - links[0].specificity > PAIR_EDGE:
        links[0], links[1] = links[1], links[0]  # tied scores: the row whose name the question says almost whole
    kind = _kind(q)
    if len(links) > 1 and links[1].score >= TIED_SCORE * links[0].score and kind in ("indicator", "task", "project") \
            and links[0].row.kind != kind and links[1].row.kind == kind:
        links[0], links[1] = links[1], links[0]  # tied scores: the row of the kind said ("nhiệm vụ xử lý …", not the indicator)
    whole = _whole_reading(q, links, layer)
    if whole is not None:  # the rows before it leave a condition unexplained; it explains every word
        for lk in links[: links.index(whole)]:
            lk.score = min(lk.score, NEAR_MISS_SHARE * whole.score)
        links.sort(key=lambda lk: (not lk.numbers_ok, -lk.score))
    newest = _newest_reading(q, links, reports, layer)
    if newest is not None:  # several reports, none named: the newest answers when one of its rows reads the question
        links.remove(newest)
        links.insert(0, newest)
    best = links[0]
    second = next((lk for lk in links[1:] if not _related(best.row, lk.row)
                   and (lk.numbers_ok or not best.numbers_ok)), None)  # a row without the number asked ("ĐT 902") is no rival
    margin = (best.score - second.score) / max(best.score, MARGIN_SCALE) if second and best.score > 0 else float(best.score > 0)
    if _defines(q, best, layer) and best.name_cov >= 1.0 and not (second and _defines(q, second, layer)):
        margin = 1.0  # "GRDP" names the row that defines the acronym; the others only use it
    features = LinkFeatures(
        name_cov=best.name_cov,
        row_cov=best.row_cov,
        pair_cov=best.pair_cov,
        margin=max(0.0, min(1.0, margin)),
        unmatched=_unmatched_weight(q, best, layer),
        specificity=best.specificity,
        retrieved=1.0 if retrieval_down or (best.rank is not None and best.rank < 5) else 0.0,  # no retriever: no evidence against
    )
    if row_ref_hit and (q.row_ref in best.row.row_numbers or best.row.row == q.row_ref):
        features = LinkFeatures(1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0)
    return links, features


def _newest_reading(q: Question, links: list[Link], reports: list[str], layer: SemanticLayer) -> Link | None:
    """With several reports and none named, a row of the newest one that explains every word the best row
    (of an older report) explains, and leaves nothing salient unexplained: "tỷ lệ hộ nghèo" is the newest
    report's "Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều", not an older report's shorter name."""
    best = links[0]
    if len(reports) < 2 or q.reports or best.row.report == reports[0]:
        return None
    return next((lk for lk in links if lk.row.report == reports[0] and lk.numbers_ok and lk.row.kind == best.row.kind
                 and best.covered <= lk.covered and _unmatched_weight(q, lk, layer) < UNMATCHED_GATE), None)


def _whole_reading(q: Question, links: list[Link], layer: SemanticLayer) -> Link | None:
    """A row whose name the question says whole and whose name and columns explain every other word ("số
    giấy phép nhà ở riêng lẻ cấp ở huyện Long Hồ" → the row "Huyện Long Hồ" of a table by place), when the
    best-scoring row leaves salient words unexplained (it would be a near miss): the complete reading wins. So does
    a sub-line of that row whose own text explains the words it leaves ("cầu Mỏ Bạch 2 bao giờ hợp long?" → its line
    "a) Cầu chính …", whose text says "dự kiến hợp long tháng 3/2025")."""
    for lk in links[:WHOLE_READING_LINKS]:
        if not lk.numbers_ok or lk.score <= 0:
            return None
        unmatched = _unmatched_weight(q, lk, layer)
        if unmatched < UNMATCHED_GATE:  # the first row that is a reading at all
            whole = (lk.specificity >= WHOLE_NAME or _said_but_its_place_noun(q, lk)) and lk.name_cov >= 1.0 - 1e-9 \
                and unmatched == 0.0
            sub_line = unmatched == 0.0 and lk.covered >= links[0].covered and _under(lk.row, links[0].row, layer) \
                and not q.has("operations", "compare_rows")  # "đô thị và nông thôn chênh nhau": the row and its part
            return lk if (whole or sub_line) and lk is not links[0] else None
    return None


def _focus_explains(focus_links: list[Link], state: DialogueState, best: Link) -> bool:
    """A row talked about explains the turn's words as well as ``best`` does."""
    return any(lk.row.id in state.focus and lk.row_cov >= best.row_cov - 1e-9 for lk in focus_links)


def _said_but_its_place_noun(q: Question, lk: Link) -> bool:
    """ "Long Hồ bị phạt bao nhiêu": every word of "Huyện Long Hồ" said but the place noun it starts with."""
    name = fold_tokens(lk.row.name)
    nouns = sorted((p.split() for p in lexicon().words("place_nouns")), key=len, reverse=True)
    place = next((p for p in nouns if name[: len(p)] == p), None)
    said = {q.words[i].repaired or q.words[i].folded for i in lk.in_name}
    return place is not None and len(name) > len(place) and set(name[len(place):]) <= said


_PAIR_WORDS = ("va", "voi", "hay")  # "ĐT 917 và ĐT 918", "ĐT 917 với ĐT 918", "A hay B": two rows side by side


def _split_entities(q: Question, layer: SemanticLayer, ctx: Context, reports: list[str], best: Link | None) -> list[Link] | None:
    """Two rows named on either side of "và" / "với" when no single row explains the turn's words."""
    # an agency's words may name a side ("huyện Võ Nhai với Định Hóa" of "UBND huyện Võ Nhai"), but its own "và" is
    # no pair ("Sở Thông tin và Truyền thông")
    inside_agency = {i for i, w in enumerate(q.words) if w.tag == "agency"}
    q = Question(q.original, q.text, [replace(w, tag=None) if w.tag == "agency" else w for w in q.words], list(q.hits),
                 numbers=list(q.numbers), reports=list(q.reports))
    free = [i for i, w in enumerate(q.words) if w.tag is None]
    compared = q.has("operations", "compare_rows")  # "phần cầu chính với phần đường dẫn, phần nào … hơn?": two parts of one row
    if not free or (best is not None and set(free) <= best.covered and not compared):
        return None
    for cut, word in enumerate(q.words):
        if word.folded not in _PAIR_WORDS or not any(i < cut for i in free) or not any(i > cut for i in free) \
                or cut in inside_agency or {cut - 1, cut + 1} <= inside_agency:
            continue
        found = _side(q, lambda i, cut=cut: i < cut, layer, ctx, reports)
        if found is None:
            continue
        first_links, first = found
        first = _twins(first_links, first, layer)[0]  # the newest report's, as for one row
        # "Tăng trưởng … của khu vực CN-XD với dịch vụ": words the first side explains only through its parent
        # ("tăng trưởng" of "Tốc độ tăng trưởng GRDP" for its line "Công nghiệp và xây dựng") qualify both sides;
        # the second side is looked for in the first side's report unless the question names reports
        shared = _said_of_parent(q, first.row, layer)
        found = _side(q, lambda i, cut=cut, shared=shared: i > cut or (i < cut and i in shared), layer, ctx,
                      reports if q.reports else [first.row.report])
        if found is None:
            continue
        own = {i for i in free if i > cut}
        pair = _like_with_like(first, first_links, *found, own=own, qualified=own & _said_of_parent(q, found[1].row, layer))
        if pair is not None:
            return _with_own_part(pair, {q.words[i].repaired or q.words[i].folded for i in own}, layer)
    return None


def _sum_of(q: Question, ids: list[str], measure: str | None, layer: SemanticLayer, reason: str) -> Plan:
    """The total of the rows named, at the measure asked; when none of them states it, at the printed column the
    question's words name ("tổng tiền phạt của 4 huyện A, B, C, D": "… – Số tiền xử phạt (triệu đồng)")."""
    first = layer.rows[ids[0]]
    if not any(measure_number(layer.rows[i], measure or "capital_plan") is not None for i in ids):
        named = _column_named(q, layer, first.report, [first.annex], partial=True)
        measure = named[0] if named is not None else measure
    return Plan(op="total", filters=Filters(report=first.report, ids=ids), measure=measure, report=first.report,
                confidence=cutoffs()[0], reason=reason)


MAX_ROWS_BY_NUMBER = 6  # rows one question names by their numbers or in a list ("ĐT 917, ĐT 918 và ĐT 921"), read side by side
_LIST_JOINS = ("va", "voi")  # "A, B và C", "A với B": the last item of a list


def _rows_listed(q: Question, layer: SemanticLayer, ctx: Context, reports: list[str], names: bool = True) -> list[str] | None:
    """Rows the question lists, by their numbers or (``names``) by their names ("của 3 DA: Vành đai 3, hệ thống cống ven
    phá và KCN Phong Điền"): each item between commas, a colon or the last "và" names one row surely; all of one report.
    A number counting the items ("3 DA") names none of them; words before a colon that name no row head the list."""
    numbered = _rows_by_numbers(q, layer, ctx, reports)
    if numbered is not None or not names:
        return numbered
    listed = _list_items(q)
    if listed is None:
        return None
    items, marks = listed
    if not 2 <= len(items) <= MAX_ROWS_BY_NUMBER + 1:
        return None
    counting = {i for i in items[0] if q.words[i].text.isdigit() and i + 1 < len(q.words) and i + 1 in items[0]
                and q.words[i + 1].tag in (None, "kind") and int(q.words[i].text) in (len(items), len(items) - 1)}
    rows: list[str] = []
    for n, item in enumerate(items):
        kept = set(item) - counting
        found = _side(q, lambda i, kept=kept: i in kept, layer, ctx, reports)
        if found is None and n == 0 and marks.get(items[1][0]) in (":", "("):
            continue  # "tổng diện tích đã bàn giao của 3 DA: …", "… của 2 dự án (A và B)": the list's head
        if n == 0 and marks.get(items[1][0]) == "(":
            return None  # "lĩnh vực giao thông (vốn NSTW) …": a bracket that qualifies a name, no list
        if found is None or found[1].row.id in rows:
            return None
        rows.append(found[1].row.id)
    # items of one table ("Cầu An Bình … với TP Vĩnh Long": a project and a place are no list)
    if not 2 <= len(rows) <= MAX_ROWS_BY_NUMBER or len({(layer.rows[r].report, layer.rows[r].annex) for r in rows}) != 1:
        return None
    return rows


def _list_items(q: Question) -> tuple[list[list[int]], dict[int, str]] | None:
    """The items of a list the question says: word positions between commas, a colon, the first "(" or the last
    "và" / "với" (items naming nothing untagged left out), with the mark typed before each word that opens one."""
    typed = cased_tokens(q.text)
    if len(typed) != len(q.words):
        return None
    marks: dict[int, str] = {}  # word position → the mark typed before it
    for position, (_, before) in enumerate(typed):
        mark = next((ch for ch in before if ch in ",;:("), None)
        if mark is not None and (mark != "(" or not marks):  # a bracket after the first item qualifies it ("ĐT918 (gđ2)")
            marks[position] = mark
    joins = {i for i, w in enumerate(q.words) if w.folded in _LIST_JOINS and w.tag != "agency"}
    items: list[list[int]] = [[]]
    for i in range(len(q.words)):
        if i in marks or i in joins:
            items.append([])
        if i not in joins:
            items[-1].append(i)
    return [item for item in items if any(q.words[i].tag is None for i in item)], marks


def _groups_listed(q: Question, topic: list, layer: SemanticLayer, report: str, annexes: list[str]) -> tuple[list[Row], bool]:
    """Groups of one annex the question lists ("dự án giao thông và thủy lợi", "(CCHC, CĐS, chính quyền 2 cấp)"): each
    item of the list names one group by its heading, none inside another; with whether every item only says words of
    the annex's own title (then the annex is meant whole: "nhiệm vụ CCHC, CĐS" of "… CẢI CÁCH HÀNH CHÍNH, CHUYỂN
    ĐỔI SỐ VÀ …"). A list after a bracket is the bracket's; words before a colon head it."""
    listed = _list_items(q)
    if listed is None:
        return [], False
    in_topic = {id(w) for w in topic}
    opened = [i for i, mark in listed[1].items() if mark in "(:"]
    start = opened[0] if opened else 0  # "… trong PL III (CCHC, CĐS, …)": the list is inside the bracket
    items = [[q.words[i] for i in item if id(q.words[i]) in in_topic and i >= start] for item in listed[0]]
    items = [item for item in items if item]
    if len(items) < 2:
        return [], False
    groups = [_group_named(q, item, layer, report, annexes) for item in items]
    if any(g is None for g in groups) or len({g.id for g in groups}) != len(groups) or len({g.annex for g in groups}) != 1 \
            or any(_under(g, other, layer) for g in groups for other in groups if g is not other):
        return [], False  # "lĩnh vực giao thông (vốn NSTW)": a heading under a heading qualifies it, no list
    view = layer.annexes.get((report, groups[0].annex))
    title = set(fold_tokens(view.title)) if view is not None else set()
    return groups, all(_said_in(w, title) for item in items for w in item)


def _rows_by_numbers(q: Question, layer: SemanticLayer, ctx: Context, reports: list[str]) -> list[str] | None:
    """Rows the question names by their numbers with the same words ("ĐT 917, ĐT 918 và ĐT 921", "đường tỉnh 917, 918
    và 921"): each number with the words around it, the other numbers masked, names one row surely; all of one report."""
    numbers = list(dict.fromkeys(q.numbers))
    if not 2 <= len(numbers) <= MAX_ROWS_BY_NUMBER:
        return None
    rows: list[str] = []
    for number in numbers:
        found = _side(q, lambda i, n=number: q.words[i].text == n or q.words[i].text not in numbers, layer, ctx, reports)
        if found is None or found[1].row.id in rows or number not in found[1].row.name:
            return None
        rows.append(found[1].row.id)
    return rows if len({layer.rows[r].report for r in rows}) == 1 else None


def _split_groups(q: Question, layer: SemanticLayer, report: str) -> list[str] | None:
    """Two groups of one annex named on either side of "và" / "với" / "so với" ("giải ngân vốn ODA và vốn NSTW, bên
    nào cao hơn?"), each read at the subtotal line the report prints for it (or at its heading, when that prints
    the group's figures); None unless both sides name such a group."""
    free = [i for i, w in enumerate(q.words) if w.tag is None]
    for cut, word in enumerate(q.words):
        if word.folded not in _PAIR_WORDS or not any(i < cut for i in free) or not any(i > cut for i in free):
            continue
        said_with = cut - 1 if word.folded == "voi" and cut and q.words[cut - 1].folded == "so" else cut  # "so với"
        sides = [[q.words[i] for i in free if i < said_with], [q.words[i] for i in free if i > cut]]
        found = [_group_named(q, side, layer, report, [], as_group=True) for side in sides]
        if any(g is None for g in found) or found[0].id == found[1].id or found[0].annex != found[1].annex:
            continue
        lines = [group_total(g, layer.rows_of(report)) for g in found]
        if all(line is not None for line in lines):
            return [line.id for line in lines]
    return None


def _side(q: Question, keep: Callable[[int], bool], layer: SemanticLayer, ctx: Context,
          reports: list[str]) -> tuple[list[Link], Link] | None:
    """The links of one compared side (the words ``keep`` says, the others masked) and the row it names, if sure."""
    kept = [keep(i) for i in range(len(q.words))]
    side = Question(q.original, q.text, [_masked(w, not kept[i]) for i, w in enumerate(q.words)], list(q.hits),
                    numbers=[n for n in q.numbers if any(kept[i] and w.text == n for i, w in enumerate(q.words))])
    links, features = _links(side, layer, ctx, reports)
    if not links or features is None or not links[0].numbers_ok:
        return None
    p = confidence(features)
    answer_at, clarify_at = cutoffs()
    named_whole = links[0].name_cov >= 1.0 - 1e-9 and links[0].specificity >= WHOLE_NAME  # "Thành phố Vĩnh Long"
    if p < answer_at and not (named_whole and p >= clarify_at):
        return None
    return links, _sub_line_said(side, links) or links[0]


def _like_with_like(first: Link, first_links: list[Link], links: list[Link], chosen: Link, own: set[int],
                    qualified: set[int] = frozenset()) -> list[Link] | None:
    """The two compared rows, sub-lines of one parent where the words allow (``own``: the second side's words;
    ``qualified``: those of them the second row's parent holds)."""
    if first.row.parent and chosen.row.parent != first.row.parent and qualified - chosen.in_name:
        # "khu vực CN-XD hay dịch vụ tăng trưởng nhanh hơn?": the words after the sides ("tăng trưởng", of the
        # parent "Tốc độ tăng trưởng GRDP") qualify both; the first side is the sibling of the second its words name
        twin = next((lk for lk in first_links if _siblings(lk.row, chosen.row)), None)
        if twin is not None:
            return [twin, chosen]
    if first.row.parent and chosen.row.parent != first.row.parent:
        # "… ở thành thị với nông thôn": like is compared with like, a sibling naming the side as well
        named = own & chosen.in_name
        chosen = next((lk for lk in links if _siblings(lk.row, first.row) and named <= lk.in_name), chosen)
    if chosen.row.id in (first.row.id, _parent_id(first.row)):
        # the shared words named the first side's parent: the second side is its other part, if one names it
        chosen = next((lk for lk in links if _siblings(lk.row, first.row) and lk.in_name & own), None)
        if chosen is None:
            return None
    if _parent_id(chosen.row) == first.row.id:
        # "… vùng DTTS: huyện Võ Nhai với Định Hóa": the first side named the parent whose sub-line the second is;
        # the first side is then the sub-line its words name (none: the parent's own figure, "đô thị" of "… đô thị
        # và nông thôn")
        first = next((lk for lk in first_links if _siblings(lk.row, chosen.row)), first)
    return [first, chosen] if first.row.id != chosen.row.id else None


def _with_own_part(pair: list[Link], own: set[str], layer: SemanticLayer) -> list[Link]:
    """ "nước sạch ở đô thị với nông thôn": a second side unrelated to the first is, instead, the first row's sub-line
    whose name holds every word of that side ("- Tỷ lệ dân số nông thôn được sử dụng nước sạch …")."""
    first, second = pair
    if _parent_id(second.row) is not None and _parent_id(second.row) in (first.row.id, _parent_id(first.row)):
        return pair
    parts = [i for c in first.row.children if set(own) <= set(layer.name_words.get(i := f"{first.row.report}:{first.row.annex}:{c}", []))]
    return [first, replace(second, row=layer.rows[parts[0]])] if len(parts) == 1 and own else pair


def _said_of_parent(q: Question, row: Row, layer: SemanticLayer) -> set[int]:
    """Positions of the question's words that the row's parent's name holds (not its own name)."""
    parent = layer.rows.get(_parent_id(row) or "")
    if parent is None:
        return set()
    words, own = set(fold_tokens(parent.name)), set(fold_tokens(row.name))
    return {i for i, w in enumerate(q.words) if _said_in(w, words - own)}


def _siblings(a: Row, b: Row) -> bool:
    """Two sub-lines of one parent."""
    return a.id != b.id and a.parent is not None and (a.report, a.annex, a.parent) == (b.report, b.annex, b.parent)


def _parent_id(row: Row) -> str | None:
    return f"{row.report}:{row.annex}:{row.parent}" if row.parent else None


def _pairs_a_contrast(q: Question, row: Row, layer: SemanticLayer) -> bool:
    """The question says a word of a lexicon contrast whose other word the row's own name says ("đô thị" asked of
    "Tỷ lệ dân số nông thôn …", a part of the "đô thị" line): the part is one side, its parent's name not its own."""
    asked = f" {' '.join(q.folded)} "
    name = f" {' '.join(layer.name_words.get(row.id, []))} "
    return any(f" {fold(a)} " in asked and f" {fold(b)} " in name
               for pair in lexicon().section("contrasts") for a, b in (pair, pair[::-1]))


def _lineage(row: Row, layer: SemanticLayer) -> list[Row]:
    """The row and the lines it is a part of, nearest first."""
    out = [row]
    while (parent := layer.rows.get(_parent_id(out[-1]) or "")) is not None and parent not in out:
        out.append(parent)
    return out


def _masked(word, hide: bool):  # noqa: ANN001, ANN202
    return replace(word, tag="masked") if hide and word.tag in (None, "kind") else word  # "… khu vực nào" is no side's name


def _prefer_definitions(q: Question, links: list[Link], layer: SemanticLayer) -> list[Link]:
    """An acronym of the question ("GRDP") names the row that defines it ("… trên địa bàn (GRDP)")."""
    acronyms = {w.folded for w in q.words if w.folded in layer.acronyms and w.tag is None}
    if not acronyms or not links:
        return links
    top = links[0].score
    for lk in links:
        if any(lk.row.id in layer.acronyms[a] for a in acronyms):
            lk.score += 0.25 * top
    return sorted(links, key=lambda lk: (not lk.numbers_ok, -lk.score))


def _defines(q: Question, link: Link, layer: SemanticLayer) -> bool:
    return any(link.row.id in layer.acronyms.get(w.folded, ()) for w in q.words)


def _unmatched_weight(q: Question, best: Link, layer: SemanticLayer, explained: frozenset[int] = frozenset()) -> float:
    """Share of the free words' weight that the best row does not explain, counting only salient words
    (``explained``: words another row named with it explains)."""
    free = [(i, w) for i, w in enumerate(q.words) if w.tag is None]
    total = sum(layer.weight(w.repaired or w.folded) for _, w in free) or 1.0
    substituted = _substituted(q, best, layer, {i for i, _ in free} - best.in_name - explained)
    uncovered = {i for i, _ in free if i not in best.covered and i not in explained} | substituted

    row_text = ""
    unnamed = _names_not_printed(q, best, layer) - explained  # "THPT chuyên Nguyễn Quang Diêu": a name the row does not say
    uncovered |= unnamed

    def salience(i: int, word) -> float:
        nonlocal row_text
        weight = layer.weight(word.repaired or word.folded)
        if i in unnamed:
            return max(weight, SALIENT_WEIGHT)
        if word.accented and not word.repaired and 0 < i < len(q.words) - 1:
            # a word put between two the row says together modifies its term ("hộ cận nghèo" against the
            # row's "hộ nghèo"): weighed as written, since its folding ("can": cần, cán, căn) is common
            row_text = row_text or f" {' '.join(fold_tokens(layer.folded_text(best.row.id)))} "
            if f" {q.words[i - 1].folded} {q.words[i + 1].folded} " in row_text:
                weight = max(weight, layer.written_weight(word.text))
        # two common syllables the corpus never puts together are one rare word ("thành thị", "chứng chỉ");
        # two it does put together weigh as the word they make ("thu hồi" is rarer than "thu" or "hồi")
        for j in (i - 1, i + 1):
            if j in uncovered:
                pair = (q.words[min(i, j)].folded, q.words[max(i, j)].folded)
                seen = layer.bigrams.get(pair, 0)
                if seen < COMPOUND_MIN_COUNT:
                    return max(weight, SALIENT_WEIGHT)
                weight = max(weight, math.log(1 + len(layer.rows) / seen))
        return weight

    missing = sum(w for w in (max(salience(i, word), SALIENT_WEIGHT if i in substituted else 0.0)
                              for i, word in free if i in uncovered) if w >= SALIENT_WEIGHT)
    share = min(1.0, missing / total)
    return max(share, UNMATCHED_GATE) if unnamed else share  # a name the row does not print: another thing, however long the rest


def _names_not_printed(q: Question, best: Link, layer: SemanticLayer) -> set[int]:
    """The words of the proper names the question types (:func:`proper_names`) that the row and the lines it is a
    part of do not print together: words of the name met here and there in its text do not say it."""
    runs = proper_names(q)
    if not runs:
        return set()
    text = f" {' '.join(fold_tokens(' '.join(layer.folded_text(r.id) for r in _lineage(best.row, layer))))} "
    return {i for run in runs if not _printed_in_pieces([q.words[j].folded for j in run], text) for i in run}


def _printed_in_pieces(words: list[str], text: str, singles: int = 1) -> bool:
    """The name is printed whole, or as names printed next to each other with at most ``singles`` one-word piece
    ("sông Tiền Mỹ Thuận": "Tiền" and "Mỹ Thuận"; not "Lê Quý Đôn", three words printed apart)."""
    if not words:
        return True
    for end in range(len(words), 0, -1):
        if f" {' '.join(words[:end])} " in text and (end > 1 or singles > 0) \
                and _printed_in_pieces(words[end:], text, singles - (end == 1)):
            return True
    return False


def _substituted(q: Question, best: Link, layer: SemanticLayer, outside: set[int]) -> set[int]:
    """Words the question puts where the row's name has others, making a term another row or the lexicon
    names: "bảo hiểm xã hội" against "bảo hiểm y tế" (after the shared "bảo hiểm" the name goes on with "y tế",
    which the question never says). However common such words are (the group "Chỉ tiêu xã hội" holds them),
    they name another thing."""
    name = layer.name_words.get(best.row.id, [])
    said = {w.repaired or w.folded for w in q.words}
    function = lexicon().words("function_words")
    own = ""  # the row's whole text, folded once when needed: its group's title ("… xâm nhập mặn mùa khô") is its own,
    # and so are the names of the lines it is a part of ("a) Cầu chính …" of "cầu Mỏ Bạch 2")
    found: set[int] = set()
    for i in sorted(outside):
        if i - 1 not in best.in_name:
            continue
        shared = q.words[i - 1].repaired or q.words[i - 1].folded
        if not any(name[k + 1] not in said and name[k + 1] not in function
                   for k in range(len(name) - 1) if name[k] == shared):
            continue
        run = [i]
        while run[-1] + 1 in outside:
            run.append(run[-1] + 1)
        for end in range(len(run), 0, -1):  # the longest term the question's own words make
            term = " ".join([shared, *(q.words[j].repaired or q.words[j].folded for j in run[:end])])
            if not (f" {term} " in layer.names_text or term in _known_terms()):
                continue
            lineage = [best.row] if _pairs_a_contrast(q, best.row, layer) else _lineage(best.row, layer)
            own = own or f" {' '.join(fold_tokens(' '.join(r.text for r in lineage)))} "
            if f" {term} " not in own:
                found.update(run[:end])
                break
    return found


@lru_cache(maxsize=1)
def _known_terms() -> frozenset[str]:
    """What the lexicon's abbreviations stand for, folded ("bao hiem xa hoi")."""
    return frozenset(" ".join(fold_tokens(meaning)) for meanings in lexicon().abbreviations.values() for meaning in meanings)


def _unmatched(q: Question, best: Link | None, layer: SemanticLayer) -> list[str]:
    covered = best.covered if best else set()
    free = {i for i, w in enumerate(q.words) if w.tag is None}
    substituted = (_substituted(q, best, layer, free - best.in_name) | _names_not_printed(q, best, layer)) if best else set()
    return [q.words[i].text for i in sorted(free) if i not in covered or i in substituted]


def _close(a: Link, b: Link) -> bool:
    return a.score > 0 and (a.score - b.score) / a.score < CLOSE_MARGIN


def _related(a: Row, b: Row) -> bool:
    """The same row of two reports, or a row and its parent / sub-line."""
    if a.report != b.report:
        return same_entity(a, b)
    return a.annex == b.annex and (a.parent == b.row or b.parent == a.row)


SAME_ENTITY_OVERLAP = 0.6  # share of name words two rows of two reports must share to be one entity


def same_entity(a: Row, b: Row) -> bool:
    """Two rows naming the same thing (in two reports): "GRDP bình quân đầu người (Giá HH)" and
    "GRDP bình quân đầu người (giá hiện hành)" — the words outside brackets mostly shared."""
    if a.id == b.id:
        return True
    words_a = set(fold_tokens(re.sub(r"\(.*?\)", " ", a.name)))
    words_b = set(fold_tokens(re.sub(r"\(.*?\)", " ", b.name)))
    if not words_a or not words_b:
        return False
    return len(words_a & words_b) / len(words_a | words_b) >= SAME_ENTITY_OVERLAP


def _two_readings(q: Question, links: list[Link], layer: SemanticLayer) -> bool:
    """Two rows of one kind the question names equally well (its words are all in both names, nothing
    tells them apart): ask which. Sub-lines of the same name ("Vốn sự nghiệp" under each programme) are told apart
    by their items' names. Indicators must also score close; two projects or tasks whose names both
    hold every word ("đường vành đai phía Tây", "kè chống sạt lở") are two readings whatever their length."""
    best, second = links[0], links[1]
    if best.row.kind != second.row.kind or best.row.kind not in ("indicator", "task", "project") or _related(best.row, second.row):
        return False
    if best.row.report != second.row.report:
        return False  # the same entity in two reports: the newest report answers
    if _defines(q, best, layer) and not _defines(q, second, layer):
        return False  # "GRDP" is the row that defines the acronym
    free = {i for i, w in enumerate(q.words) if w.tag is None}
    twins = best.row.parent and second.row.parent and fold(best.row.name) == fold(second.row.name)
    said = (best.covered, second.covered) if twins else (best.in_name, second.in_name)  # twin sub-lines: by their items too
    if not free or not (free <= said[0] and free <= said[1]):
        return False
    if abs(best.pair_cov - second.pair_cov) > PAIR_EDGE or abs(best.specificity - second.specificity) > PAIR_EDGE:
        return False  # the question's word pairs follow one name, or it names almost all of one ("đoạn QL91 - QL61C")
    if _said_outside_brackets(q, free, best.row) and not _said_outside_brackets(q, free, second.row):
        return False  # "vành đai phía Tây": the road, not "Khu tái định cư … (phục vụ dự án Đường vành đai phía Tây)"
    return _close(best, second) if best.row.kind == "indicator" else second.score >= ENTITY_TIE * best.score


def _said_outside_brackets(q: Question, positions: set[int], row: Row) -> bool:
    """Whether the row's name says these question words outside its brackets (a bracket qualifies a name)."""
    main = set(fold_tokens(re.sub(r"\([^)]*\)", " ", row.name)))
    return all(_said_in(q.words[i], main) for i in positions)


SUB_LINE_SAID = 0.5  # share of the words the parent's name lacks that one sub-line's name must hold ("cấp tiểu học")


def _sub_line_said(q: Question, links: list[Link]) -> Link | None:
    """A sub-line of the best row whose own name holds every word the parent's name does not ("CTMTQG giảm nghèo
    …, phần vốn sự nghiệp" → its line "b) Vốn sự nghiệp"), else None."""
    best = links[0]
    function = lexicon().words("function_words")
    rest = {i for i, w in enumerate(q.words) if w.tag is None and w.folded not in function} - best.in_name
    for section, hit in q.hits:  # "tuyến đường …" of a row named "Đường …": a field's word for the row's own kind
        if section == "fields" and set(range(hit.start, hit.end)) & best.in_name:
            rest -= set(range(hit.start, hit.end))
    if not best.row.children or not rest:
        return None
    children = {f"{best.row.report}:{best.row.annex}:{c}" for c in best.row.children}
    said = [lk for lk in links[1:] if lk.row.id in children and len(rest & lk.in_name) >= SUB_LINE_SAID * len(rest)
            and (lk.numbers_ok or best.numbers_ok)]
    return said[0] if len(said) == 1 else None


TWIN_SCORE_SHARE = 0.1  # the same row of another report scoring this close to the best is one reading of it


def _twins(links: list[Link], best: Link, layer: SemanticLayer) -> list[Link]:
    """The best row and the same row of other reports scoring close to it, newest report first."""
    order = {r.number: i for i, r in enumerate(layer.reports)}
    twins = [lk for lk in links
             if lk is best or (same_entity(lk.row, best.row) and lk.score >= best.score - abs(best.score) * TWIN_SCORE_SHARE)]
    return sorted(twins, key=lambda lk: order.get(lk.row.report, 99))


def _targets(q: Question, links: list[Link], layer: SemanticLayer, ops: list[str]) -> list[str]:
    """The best row (the newest report's when several reports print it); when the question asks about
    several annexes, every annex's best row that scores close to the best."""
    best = _sub_line_said(q, links) or links[0]
    twins = _twins(links, best, layer)
    if "cross_report" in ops and len(twins) > 1:  # "GRDP qua các báo cáo": the row of every report, newest first
        return [lk.row.id for lk in twins]
    targets = [twins[0].row.id]
    several = "cross_annex" in ops or "compare_rows" in ops or len(q.annexes) > 1
    if several or best.row.kind in ("task", "project"):
        per_annex: dict[str, Link] = {}
        named: list[Link] = []
        for lk in links[1:CROSS_ANNEX_LINKS]:
            if lk.row.report != best.row.report or not lk.numbers_ok:
                continue
            if _related(best.row, lk.row) or _unmatched_weight(q, lk, layer, frozenset(best.covered)) >= UNMATCHED_GATE:
                continue  # the best row's parent or sub-line, or a near miss, is not another place the question asks about
            asked_annex = any(annex_matches(lk.row.annex, a) for a in q.annexes) and lk.row.annex != best.row.annex
            if several and lk.specificity >= CROSS_NAMED_SPECIFICITY and lk.name_cov >= CROSS_NAMED_COVER:
                named.append(lk)  # "Khu hành chính và TT văn hóa Tây Đô … ở các phụ lục": each row the question names
                continue
            if lk.row.annex == best.row.annex or lk.row.annex in per_annex:
                continue
            strong = lk.score >= MULTI_ROW_SHARE * best.score or (
                several and max(lk.name_cov, lk.row_cov) >= max(best.name_cov, best.row_cov) - 0.05) or (
                asked_annex and lk.name_cov >= ASKED_ANNEX_COVER)
            same_words = lk.name_cov >= best.name_cov - PER_ANNEX_COVER_GAP  # the same project in another annex
            if strong and (several or (_close(best, lk) and same_words)):
                per_annex[lk.row.annex] = lk
        targets += [lk.row.id for lk in [*per_annex.values(), *named] if lk.row.id not in targets]
    return targets


def _ask_about(row: Row) -> str:
    return f"{row.name} (Phụ lục {row.annex}, mục {row.row})"


def _clarify(q: Question, options: list[Link], p: float, layer: SemanticLayer) -> Plan:
    names = [lk.row.name for lk in options]
    if len(set(names)) < len(names):  # twin sub-lines ("Vốn sự nghiệp"): each with its item, so that picking one tells
        names = [_with_parent(lk.row, layer) for lk in options]
    return Plan(
        op="clarify",
        targets=[lk.row.id for lk in options],
        confidence=p,
        options=[ClarifyOption(label=f"{name} (PL {lk.row.annex}, mục {lk.row.row})",
                               question=f"{q.original.rstrip(' ?')} — {name}?", row_id=lk.row.id)
                 for lk, name in zip(options, names, strict=True)],
        reason="hai cách hiểu gần nhau",
    )


def _with_parent(row: Row, layer: SemanticLayer) -> str:
    """ "Vốn sự nghiệp – Chương trình mục tiêu quốc gia giảm nghèo bền vững": a sub-line named with its item."""
    parent = layer.rows.get(f"{row.report}:{row.annex}:{row.parent}") if row.parent else None
    return f"{row.name} – {parent.name}" if parent is not None and parent.kind != "group" else row.name


# ---------------------------------------------------------------------------------------------
# One row


def _compare_ops(q: Question, ops: list[str], layer: SemanticLayer, row: Row) -> list[str]:
    """compare_prev / compare_target asked, including "so với 2023", "cao hơn năm 2023" (a year before the report's)."""
    found = [o for o in ops if o in ("compare_prev", "compare_target")]
    folded = " ".join(q.folded)
    view = layer.report(row.report)
    if view and view.year and (m := re.search(r"\b(?:so (?:voi )?|hon (?:so voi )?)(?:nam )?((?:19|20)\d{2})\b", folded)):
        found.append("compare_prev" if int(m.group(1)) < view.year else "compare_target")
    return list(dict.fromkeys(found))


def _informative(q: Question, layer: SemanticLayer, row: Row) -> tuple[list[str], list[str]]:
    """Content words of the question that the row's name does not hold (and what a number is of: "bao
    nhiêu tàu cá"): they pick the sentences of its status text to quote ("giá trị nghiệm thu thanh toán");
    then the words its name holds, which tell sentences apart too, weighing less."""
    name = set(layer.name_words.get(row.id, []))
    out, named = [], []
    excluded = _excluded_words(q)  # "(không tính nhà ở riêng lẻ)": what is left out picks no column, no sentence
    for i, w in enumerate(q.words):
        word = w.repaired or w.folded
        if i in excluded or w.tag in ("function", "polite", "dialogue", "report", "year", "annex", "row_ref", "op", "frame"):
            continue
        if w.tag == "measure" and w.key == "estimate":
            continue  # "bao nhiêu", "là": how the number is asked, not what it is about ("bao" of "đảm bảo")
        if word in name and w.tag != "aspect":
            named.append(word)
        elif layer.weight(word) >= 1.0 or word.isdigit():
            out.append(word)
    return out, [w for w in named if w not in out]


@lru_cache(maxsize=1)
def _rate_comparisons() -> frozenset[str]:
    """Comparisons of money that ask for its rate ("giải ngân tốt hơn", "nhanh hơn"), folded."""
    return frozenset(fold(p) for p in lexicon().section("rate_comparisons"))


def _pair_talked_about(state: DialogueState, layer: SemanticLayer) -> list[str] | None:
    """The two rows the dialogue is about: the two the last answer compared, or the one asked before it and the
    one asked last ("ĐT 917 …?", "còn ĐT 918?", "vậy cái nào … hơn?")."""
    pair = state.focus if len(state.focus) == 2 else [*state.earlier, *state.focus] \
        if len(state.focus) == 1 and len(state.earlier) == 1 else []
    if len(set(pair)) != 2 or not all(t in layer.rows for t in pair):
        return None
    return pair


PART_TARGETS = 2  # a project and its line in another annex ("… đường nối cảng Chân Mây": PL II and PL IV)


def _part_asked(q: Question, row: Row, measure: str | None, layer: SemanticLayer) -> tuple[list[str], Row | None]:
    """A part asked of the row ("phần vốn NSTW", "hợp phần bồi thường GPMB"): ``(words, None)`` when the row does not
    break it down (its name, its sub-lines' names and its column headers do not say the words; its status text may
    mention the thing, which is no figure of that part), ``([], sub_line)`` when one sub-line is that part, and
    ``([], None)`` when no part is asked or the row itself states it."""
    written = set(lexicon().phrases("function_words")["function_words"])
    plain = lexicon().words("function_words")
    nouns = set(lexicon().phrases("part_nouns")["part_nouns"])  # "phần vốn NSTW", "hợp phần GPMB": a share of the row
    for i, word in enumerate(q.words[:-1]):
        following = q.words[i + 1]
        if word.folded not in lexicon().words("part_nouns") or not (word.tag == "kind" or word.text in nouns) \
                or f"{word.folded} {following.folded}" in lexicon().words("units") or (not word.accented and any(
                    (spelled, after) in layer.written_bigrams for spelled in layer.forms.get(word.folded, ())
                    if spelled not in nouns for after in layer.forms.get(following.folded, ()))):
            continue  # ("phan anh" typed plain may be "phản ánh", a word of the corpus; "phần trăm" is a unit)
        said = []
        money = lexicon().words("money_nouns")  # "phần vốn NSTW": the money noun says what is shared, not which share
        for after in q.words[i + 1 :]:
            if after.tag in ("function", "measure", "unit", "year", "frame") or after.folded in money \
                    or after.text in written or (not after.accented and after.folded in plain):  # "còn lại", "con lai"
                if said:
                    break
                continue
            if after.tag not in (None, "legend"):  # ("NSTW" may be a legend's word too)
                break
            said.append(after)
        headers = {t for column in row.cells for t in fold_tokens(column)}
        first = q.words[i + 1]  # the measure phrase right after it ("bồi thường GPMB", then "giải ngân được")
        named = list(itertools.takewhile(lambda w, key=first.key: w.tag == "measure" and w.key == key, q.words[i + 1 :]))
        asked = {measure, *_more_measures(q, measure, row)} - {w.key for w in named}
        if not said and named and asked & NUMERIC_MEASURES:  # "hợp phần GPMB … giải ngân bao nhiêu %": a part named by
            said, headers = named, set()  # what it is about, another figure asked (a column of that name is no share)
        if not said:
            continue
        parts = [p for p in layer.rows_of(row.report) if p.annex == row.annex and p.parent == row.row
                 and all(_said_in(w, set(layer.name_words.get(p.id, []))) for w in said)]
        if len(parts) == 1:
            return [], parts[0]
        name = set(tokens(row.name))  # as written: "giải" (phóng mặt bằng) is no "giai" (đoạn)
        if parts or any(_word_in(w, name, set(layer.name_words.get(row.id, []))) for w in said) \
                or (headers and all(_said_in(w, headers) for w in said)):
            return [], None
        return [w.text for w in said], None
    return [], None


def _row_plan(
    q: Question, targets: list[str], measure: str | None, period: int | None, ops: list[str], layer: SemanticLayer,
    p: float, reason: str,
) -> Plan:
    if len(targets) > 1 and measure == "disbursed" and any(
            s == "operations" and h.key == "compare_rows" and h.phrase in _rate_comparisons() for s, h in q.hits):
        measure = "disbursement_rate"  # "phần nào giải ngân tốt hơn": the rates (the amounts have other plans)
    targets = [_subtotal_of(layer.rows[t], layer) for t in _stating(measure, targets, layer)]
    if len(targets) == 1 and (titled := _namesake_titled_for(measure, layer.rows[targets[0]], layer)) is not None:
        targets = [*targets, titled]  # "đường ven biển vướng mặt bằng chỗ nào": its line in the annex about site clearance too
    if len(targets) == 1 and (change := _change_line_said(q, layer.rows[targets[0]], layer)) is not None:
        targets = [change]  # "mức giảm bao nhiêu?" of "Tỷ lệ hộ nghèo": its line "Mức giảm tỷ lệ hộ nghèo"
    if len(targets) == 1 and "compare_prev" in ops and (level := _level_of_a_change(q, layer.rows[targets[0]], layer)):
        targets = [level, *targets]  # "tỷ lệ hộ nghèo giảm bao nhiêu so với 2023": the rate's two years, then the change line
    if _asks_a_reason(q):
        targets = _telling_why(targets, layer)
    months = [m for m in _months_said(q) if not (m == YEAR_MONTHS and measure == "target")]  # a plan is the year's
    if months:  # "… 6 tháng đầu năm": the rows reporting that span, else none (not a whole year's figure)
        reporting = [t for t in targets if _reports_months(layer.rows[t], months, layer)]
        if not reporting:
            return Plan(op="none", report=layer.rows[targets[0]].report, unmatched=[layer.rows[targets[0]].name],
                        missing="months", confidence=p, reason="dòng không có số liệu của số tháng được hỏi")
        targets = reporting
    row = layer.rows[targets[0]]
    one = len(targets) == 1 or (len(targets) == PART_TARGETS and len({layer.rows[t].annex for t in targets}) == 2)
    part, sub_line = _part_asked(q, row, measure, layer) if one and \
        (measure in NUMERIC_MEASURES or _asks_number(q)) else ([], None)  # a figure of the part ("khi nào xong" may be said)
    if part:  # "phần vốn NSTW của tuyến ĐT.845", "hợp phần GPMB": the row's whole figure is no answer
        named = list(itertools.takewhile(lambda w: not any(ch.isdigit() for ch in w), row.name.split()))  # (no figure)
        return Plan(op="none", report=row.report, unmatched=[*part, "—", *named], missing="part", confidence=p,
                    reason="báo cáo không tách riêng phần được hỏi")
    if sub_line is not None:  # "hợp phần bồi thường" of a project whose sub-line is "Hợp phần bồi thường, …"
        targets, row = [sub_line.id], sub_line
    if measure in (None, "estimate", "location") and _superlative_in(q, row):
        measure = "status"  # "còn độ mặn cao nhất là bao nhiêu?": the sentence that says it, not the row's figure
    if measure in (None, "estimate") and row.kind == "project" and _money_total_said(q) and row.facts.get("total_investment"):
        measure = "total_investment"  # "tổng vốn đầu tư của DA X là bao nhiêu": one project's total is its investment
    if measure is None and "count" in ops:
        measure = "estimate"  # "có bao nhiêu hệ thống …" of one row: a number it states
    counted = _counted_noun(q) if row.kind in ("task", "project") and fold_tokens(row.name)[:1] != ["so"] else []
    if measure is None and counted:
        measure = "estimate"  # "Số doanh nghiệp thành lập mới?" of a task: a number its text states, or nothing
    words, name_words = _informative(q, layer, row)
    compares = _compare_ops(q, ops, layer, row)
    against = None
    if "compare_target" in compares or (q.keys("verdict_questions") and row.kind == "indicator"):
        against = "target"
    if "compare_prev" in compares and not _prev_is_the_change(q) and not _row_is_the_change(q, row):
        against = "both" if against == "target" or measure == "target" else "previous"
    yes_no = bool(re.search(r"\b(khong|chua|ko|k)\s*[?.!]*$", " ".join(q.folded))) or "compare_target" in compares
    if measure == "vs_target_pct" and "vs_target_pct" not in row.facts and row.facts.get("target"):
        measure, against = None, "target"  # "so với chỉ tiêu bao nhiêu %" of a row printing no %: its comparison
    if against is not None and measure in (None, "estimate", "actual", "target", "actual_prev", "verdict", "status"):
        if period is not None and row.facts.get("prev_year") == period and against == "target":
            return Plan(op="lookup", targets=targets, measure="actual_prev", period=period, report=row.report,
                        confidence=p, reason=reason)
        if measure is None and row.kind in ("task", "project") and _asks_number(q):
            measure = "estimate"  # "… tăng bao nhiêu so với năm trước" of a task: a figure its text states, or nothing
        return Plan(op="compare", targets=targets, against=against, measure=measure, period=period,
                    report=row.report, yes_no=yes_no, confidence=p, reason=reason, words=words, name_words=name_words)
    written = [w.text.lower() for w in q.words if w.accented and not w.repaired and w.folded in words]
    plan = _quoting_asked_units(q, Plan(op="lookup", targets=targets, measure=measure, period=period, report=row.report,
                                        yes_no=yes_no, confidence=p, reason=reason, words=words, name_words=name_words,
                                        written=written, number_asked=_asks_number(q), more_measures=_more_measures(q, measure, row),
                                        figures=_figures_asked(q),
                                        contrast="compare_rows" in ops and len(targets) == 2
                                        and len({tuple(layer.name_words.get(t, ())) for t in targets}) == 2))
    if counted and not plan.units:  # "Số vụ tai nạn …" of a task: a number of "vụ" its text states, or nothing
        plan.units = [[counted[0]]]
        plan.words = list(dict.fromkeys([counted[0], *plan.words]))
    return plan


MAX_FIGURES = 3  # figures one question asks at most ("thu hồi bao nhiêu ha, ảnh hưởng bao nhiêu hộ, tái định cư bao nhiêu nền")


def _figures_asked(q: Question) -> int:
    """How many times the question asks "bao nhiêu" / "mấy", or a time ("khi nào", "ngày nào"): each asks a figure; so
    does each further clause asked as yes or no ("…, có điều chuyển vốn không?")."""
    asked = sum(1 for i in range(len(q.folded)) if _how_many_ends_at(q.folded, i))
    times = sum(1 for s, h in q.hits if s == "measures" and h.key in TIME_MEASURES)  # "KC khi nào, thông xe ngày nào"
    clauses = [fold_tokens(c) for c in re.split(r"[,;]", q.text) if fold_tokens(c)]
    yes_no = sum(1 for c in clauses[1:] if c[-1] in ("khong", "chua"))  # "vướng bao nhiêu hộ, có điều chuyển vốn không?"
    return max(1, min(max(asked, times) + yes_no, MAX_FIGURES))


YEAR_MONTHS = "12"  # "cả năm" is the span of twelve months


def _months_said(q: Question) -> list[str]:
    """Spans of months the question names as its period ("6 tháng đầu năm" → ``["6"]``, "cả năm" → ``["12"]``)."""
    spans = [w.text for i, w in enumerate(q.words[:-1]) if w.tag == "period" and w.text.isdigit() and q.words[i + 1].folded == "thang"]
    def of_a_plan(start: int) -> bool:  # "so với kế hoạch cả năm": the plan's span, not the period asked
        return start > 0 and q.words[start - 1].key in ("target", "compare_target")

    if any(all(w.tag in (None, "frame", "period") for w in q.words[hit.start : hit.end]) and not of_a_plan(hit.start)
           for hit in find_phrases(q.folded, lexicon().phrase_index("whole_year"))):
        spans.append(YEAR_MONTHS)
    return spans


def _reports_months(row: Row, months: list[str], layer: SemanticLayer) -> bool:
    """Whether the row's table (its title, its headers) or its own text reports one of these spans of months; a
    table that names no span of months reports whole years."""
    annex = layer.annexes.get((row.report, row.annex))
    said = " ".join(fold_tokens(" ".join([annex.title or "" if annex else "", *(annex.roles if annex else ()), *row.cells.values()])))
    whole_year = not re.search(r"\b\d+ thang\b", said) or any(f" {' '.join(fold_tokens(p))} " in f" {said} "
                                                                 for p in lexicon().section("whole_year"))
    return any(re.search(rf"\b{m} thang\b", said) or (m == YEAR_MONTHS and whole_year) for m in months)


def _asks_a_reason(q: Question) -> bool:
    return any(s == "measures" and fold(h.phrase) in why_phrases() for s, h in q.hits)


def _telling_why(targets: list[str], layer: SemanticLayer) -> list[str]:
    """Each target whose texts name no problem replaced by the same project in another annex of its report whose
    texts do ("vướng ở đâu?" of a road in the annex of disbursement: its row in the annex of site clearance)."""
    problems = [fold(p) for p in lexicon().section("problem_words")]

    def tells(row: Row) -> bool:
        text = f" {fold(' '.join(role_texts(row, 'status') + role_texts(row, 'note')))} "
        return any(f" {p} " in text for p in problems)

    def replaced(row: Row) -> Row:
        if tells(row):
            return row
        return next((r for r in layer.rows_of(row.report) if r.annex != row.annex and same_entity(row, r) and tells(r)), row)

    return list(dict.fromkeys(replaced(layer.rows[t]).id for t in targets))


def _stating(measure: str | None, targets: list[str], layer: SemanticLayer) -> list[str]:
    """Each target that does not state the figure asked replaced by the same project in another annex of its
    report that does ("GPMB đường Vành đai 3": the annex of site clearance, not the one of disbursement)."""
    if measure not in NUMERIC_MEASURES:
        return targets

    def sibling(row: Row, annex: str | None = None) -> Row | None:
        return next((r for r in layer.rows_of(row.report) if measure in r.facts and r.kind == row.kind and r.annex != row.annex
                     and (annex is None or r.annex == annex) and same_entity(row, r)), None)

    rows = [layer.rows[t] if measure in layer.rows[t].facts else sibling(layer.rows[t]) or layer.rows[t] for t in targets]
    first = rows[0].annex  # two projects compared: both from one table when it states the figure of both
    rows = [row if row.annex == first else sibling(row, first) or row for row in rows]
    return list(dict.fromkeys(row.id for row in rows))


# ---------------------------------------------------------------------------------------------
# Sets: list, count, rank, total


def _superlative_printed(q: Question, layer: SemanticLayer, report: str | None) -> bool:
    """ "độ mặn cao nhất đo được là bao nhiêu?": the word before the superlative and the superlative itself, as a
    row's text prints them ("Độ mặn cao nhất mùa khô … là 18,2‰"), ask that sentence, not a ranking of rows."""
    before = {q.folded[h.start - 1] for s, h in q.hits if s == "operations" and h.key in ("rank_desc", "rank_asc") and h.start}
    candidates = set().union(*(layer.text_index.get(w, set()) for w in before)) if before else set()  # rows saying the word
    return any(_superlative_in(q, row) for i in candidates if (row := layer.rows[i]).report == report
               and row.kind not in ("total", "group"))


def _superlative_in(q: Question, row: Row) -> bool:
    """The row's texts print the question's superlative with the word before it ("độ mặn cao nhất")."""
    texts = " ".join(f" {' '.join(fold_tokens(text))} " for text in role_texts(row, "status") + role_texts(row, "note"))
    return any(f" {' '.join(q.folded[hit.start - 1 : hit.end])} " in texts for section, hit in q.hits
               if section == "operations" and hit.key in ("rank_desc", "rank_asc") and hit.start and not q.words[hit.start - 1].tag)


def _parts_are_growth(flt: Filters, layer: SemanticLayer) -> bool:
    """The sub-lines ranked are parts of a growth rate ("Tốc độ tăng trưởng GRDP" → its sectors), printing no
    comparison with last year of their own: their own figures are the growth asked."""
    parent = layer.rows.get(flt.parent or "")
    if parent is None or not parent.children:
        return False
    name = f" {' '.join(fold_tokens(parent.name))} "
    parts = [layer.rows.get(f"{parent.report}:{parent.annex}:{c}") for c in parent.children]
    return any(f" {fold(p)} " in name for p in lexicon().section("growth_words")) and not any(
        p is not None and p.facts.get("vs_prev_pct") for p in parts)


def _money_total_said(q: Question) -> bool:
    """ "tổng vốn", "tổng số tiền": a total said of money."""
    return any(s == "operations" and h.key == "total" and h.size > 1 and set(q.folded[h.start : h.end]) & _MONEY_WORDS
               for s, h in q.hits)


def _collection_op(q: Question, ops: list[str], refine: bool, agency: str | None, layer: SemanticLayer,
                   report: str | None) -> str | None:
    if q.row_ref and not refine:
        return None  # "nhiệm vụ 2.1 PL V": one row named by its number
    kinds = q.keys("kinds") or (["any"] if _kind_near(q, 0, len(q.words)) else [])
    set_words = bool(kinds or q.marker or q.keys("verdict_questions") or agency or q.annexes or refine
                     or q.has("legend") or q.group_ref or q.conditions or q.has("measures", "lower_is_better"))
    if ("rank_desc" in ops or "rank_asc" in ops) and not _superlative_printed(q, layer, report):
        return "rank"
    if "count" in ops and set_words:
        count_hit = next(h for s, h in q.hits if s == "operations" and h.key == "count")
        # "bao nhiêu dự án", "mấy nhiệm vụ": a kind noun right after the count word; "bao nhiêu tiền" asks a value.
        kind_after = _kind_near(q, count_hit.end - 1, items=True)  # (the count phrase may end in one: "bao nhiêu cái")
        number_of = any(w.folded == "so" and _kind_near(q, i + 1, reach=1) for i, w in enumerate(q.words[: count_hit.start]))
        if kind_after or number_of or refine or (q.group_ref and not q.free()):  # "số nhiệm vụ … là mấy?"
            return "count"
    legend_said = any(w.tag == "legend" for w in q.words)
    due_in = bool(q.years) and _measure(q) in TIME_MEASURES  # "nhiệm vụ nào có hạn chót trong năm 2025"
    if (q.conditions or ((legend_said or due_in) and _asks_which(q))) and kinds and "count" not in ops:
        return "list"  # "dự án nào giải ngân dưới 30%", "dự án ODA nào dự kiến hoàn thành trong năm 2025 (legend)"
    money_said = _money_total_said(q)  # "tổng số vốn các chương trình": the money of the set, not how many
    if "total" in ops and (_measure(q) in NUMERIC_MEASURES or money_said) and (kinds or q.annexes or refine):
        return "total"
    plural = any(w.folded in ("cac", "nhung") for w in q.words)
    amount = q.has("measures", "estimate") and _measure(q) in MONEY_MEASURES  # "… giải ngân (được) bao nhiêu"
    counted = any(s == "operations" and h.key == "count" and _kind_near(q, h.end) for s, h in q.hits)  # "bao nhiêu dự án"
    if plural and kinds and amount and not counted and "list" not in ops:
        return "total"  # "lũy kế giải ngân các dự án vốn NSTW là bao nhiêu?": the set's figure
    if "compare_target" in ops and kinds and not q.keys("verdict_questions") and not _asks_which(q):
        return None  # "các chỉ tiêu môi trường có đạt không?": the set's verdicts, an overview
    if q.listing and set_words:
        return "list"
    judged = legend_said or q.marker or any(w.tag == "verdict" for w in q.words)
    if plural and kinds and judged and not q.free() and not ops:
        return "list"  # "các nhiệm vụ chậm tiến độ": a plural kind and a condition, nothing else, names a set
    if refine and (not ops or "list" in ops):
        return "list"
    described = bool(_field_of(q, q.free())) or _titles_an_annex(q.free(), layer, report)
    if (q.marker or q.keys("verdict_questions")) and kinds and (not q.free() or (_asks_which(q) and described)):
        # "các chỉ tiêu chưa đạt?", "chỉ tiêu kinh tế nào chỉ cơ bản đạt?", "nhiệm vụ trọng tâm nào của Sở XD đang chậm
        # tiến độ?" (the title of an annex) — not "… có đạt không?": an overview
        return "list"
    return None


def _titles_an_annex(words: list, layer: SemanticLayer, report: str | None) -> bool:
    """Words that name one annex of the report by its title ("nhiệm vụ trọng tâm … của Sở Xây dựng")."""
    return _annex_titled(words, layer, report) is not None


def _restates_title(word, layer: SemanticLayer, report: str, annex: str) -> bool:  # noqa: ANN001
    """A word of the annex's title that names no row of the annex apart from the others (none or all of them)."""
    rows = [r for r in layer.rows_of(report) if r.annex == annex and r.kind not in ("group", "total")]
    named = [r for r in rows if _word_in(word, set(tokens(r.name)), set(layer.name_words.get(r.id, [])))]  # "tầng" is no "tăng"
    return not named or len(named) == len(rows)


def _annex_titled(words: list, layer: SemanticLayer, report: str | None) -> str | None:
    """The annex of the report whose title the words say ("KH triển khai CTr 03-CTr/TU của Thành ủy")."""
    view = layer.report(report) if report and words else None
    function = {fold(p) for p in lexicon().phrases("function_words")["function_words"]}
    return annex_by_title([w for w in words if w.folded not in function], view, layer) if view is not None else None


def _annex_of_qualified_kind(q: Question, layer: SemanticLayer, report: str) -> list[str]:
    """A kind said with a qualifier ("dự án trọng điểm", not "dự án") that the title of exactly one annex of the
    report says: the rows of that annex ("… GIẢI PHÓNG MẶT BẰNG CÁC DỰ ÁN TRỌNG ĐIỂM")."""
    view = layer.report(report)
    if view is None:
        return []
    bare = {fold(p) for phrases in lexicon().phrases("kinds").values() for p in phrases}
    for section, hit in q.hits:
        said = " ".join(q.folded[hit.start : hit.end])
        if section != "kinds" or hit.size < 2 or not any(f" {b} " in f" {said} " and b != said for b in bare):
            continue
        titled = [a.annex for a in view.annexes if f" {said} " in f" {' '.join(fold_tokens(a.title))} "]
        if len(titled) == 1:
            return titled
    titles = {a.annex: f" {' '.join(fold_tokens(a.title))} " for a in view.annexes}
    for section, hit in q.hits:  # "DA hạ tầng nào …": the words after the kind noun that one annex title says
        if section != "kinds":
            continue
        following = list(itertools.takewhile(lambda i: q.words[i].tag is None, range(hit.end, len(q.words))))
        if not QUALIFIER_WORDS[0] <= len(following) <= QUALIFIER_WORDS[1]:
            continue
        said = " ".join(q.folded[hit.end : hit.end + len(following)])  # the whole run of words, never a part of it
        titled = [annex for annex, title in titles.items() if f" {said} " in title]
        grouped = any(g.report == report and g.annex in titled and f" {said} " in f" {' '.join(fold_tokens(g.name))} "
                      for g in layer.group_rows)
        if len(titled) == 1 and not grouped:  # "chỉ tiêu xã hội" names the group B under the title, not the annex
            for word in q.words[hit.end : hit.end + len(following)]:
                word.tag = "frame"  # the qualifier is used up by the annex it names
            return titled
    return []


# words right after a kind noun read as its qualifier ("dự án hạ tầng", "nhiệm vụ chuyển đổi số"): one word is too
# common to name an annex, more than a few are a name
QUALIFIER_WORDS = (2, 4)


def _asks_which(q: Question) -> bool:
    """ "nào" asking which ("dự án nào …"), not the "thế nào" of "how" nor the "khi / lúc / hồi nào" of "when"."""
    def asks_how_or_when(word) -> bool:  # noqa: ANN001  ("xã hội nào" asks which: "hội" is no "hồi"; typed "hoi",
        # it stays "which", the reading a list needs)
        return word.text.lower() in _NOT_WHICH if word.accented else word.folded in _NOT_WHICH_PLAIN

    return any(w == "nao" and (i == 0 or not asks_how_or_when(q.words[i - 1])) for i, w in enumerate(q.folded))


_NOT_WHICH = frozenset({"thế", "khi", "lúc", "hồi"})  # words before a "nào" that asks how or when
_NOT_WHICH_PLAIN = frozenset({"the", "khi", "luc"})  # …typed without diacritics ("hoi" may be the "hội" of "xã hội")


TITLE_RUN = 3  # consecutive words of an annex title, an agency type among them, restate the title


def _title_run(q: Question, layer: SemanticLayer, report: str) -> str | None:
    """The annex whose title the question quotes in a run of ``TITLE_RUN`` or more words that holds an agency
    type ("… giao sở, ban ngành …" of "MỘT SỐ NHIỆM VỤ KHÁC GIAO SỞ, BAN NGÀNH THÀNH PHỐ THỰC HIỆN")."""
    types = agency_type_words()
    said = [w.folded for w in q.words]
    for (rep, numeral), annex in layer.annexes.items():
        if rep != report:
            continue
        title = fold_tokens(annex.title)
        for i in range(len(said) - TITLE_RUN + 1):
            run = said[i : i + TITLE_RUN]
            if set(run) & types and _holds_run(title, run):
                return numeral
    return None


def _kind_near(q: Question, start: int, reach: int = 3, items: bool = False) -> bool:
    """A kind noun ("dự án", "nhiệm vụ", "chỉ tiêu") among the words from ``start`` on, whatever tag the
    words got ("dự án đang triển khai thi công" may have been read as a legend phrase); with ``items``, a noun
    that counts rows of any kind too ("mấy nội dung")."""
    kinds = {tuple(fold(t) for t in p.split()) for key, phrases in lexicon().phrases("kinds").items() if key != "part" for p in phrases}
    if items:
        kinds |= {tuple(fold(t) for t in p.split()) for p in lexicon().section("item_nouns")}
    for begin in range(start, min(start + reach, len(q.words))):
        if q.words[begin].tag == "kind" and q.words[begin].key != "part":
            return True  # a kind noun of the corpus ("địa bàn": what a table by place calls its rows)
        if q.words[begin].tag == "dialogue":
            continue  # "dự án đó": the row talked about, not a set of its kind
        if q.words[begin].tag == "verdict" and begin > 0 and q.words[begin - 1].tag == "verdict":
            continue  # "có đạt chỉ tiêu không": the target met, not a set of indicators
        for kind in kinds:
            if tuple(q.folded[begin : begin + len(kind)]) == kind:
                return True
    return False


TOTALLED_MONEY = ("capital_plan", "total_investment", "disbursed")  # "tổng vốn" of a set: the first its rows print


def _money_of_a_rate(measure: str | None) -> str | None:
    """The money a rate is the rate of ("tổng … giải ngân đạt mấy %": a total of money, printed with its rate)."""
    return next((m for m, rate in lexicon().section("rate_of").items() if rate == measure and m in MONEY_MEASURES), None)


def _money_noun_totalled(q: Question) -> bool:
    """ "tổng vốn", "tổng tiền": the total asked is of money, though no money measure is named."""
    nouns = lexicon().words("money_nouns")
    return any(s == "operations" and h.key == "total" and nouns & set(h.phrase.split()) for s, h in q.hits)


def _direction_asked(q: Question) -> str | None:
    """ "chỉ tiêu nào tăng so với năm trước" → "up", "… giảm so với 2023" → "down"; "tăng hay giảm" asks no direction."""
    said = {w for s, h in q.hits if s == "operations" and h.key == "compare_prev" for w in h.phrase.split()}
    directions = [d for word, d in DIRECTION_OF.items() if word in said]
    return directions[0] if len(directions) == 1 else None


def _collection_plan(
    q: Question, op: str, state: DialogueState | None, layer: SemanticLayer, reports: list[str], links: list[Link],
    p_best: float, agency: str | None, measure: str | None, talked_about: list[str] | None = None,
) -> Plan | None:
    base = state.filters.model_copy(deep=True) if state is not None and state.filters is not None else Filters()
    report = base.report or (reports[0] if reports else None)
    if report is None:
        return None
    annexes = _annexes(q, report, layer) or _annex_of_qualified_kind(q, layer, report) or base.annexes
    marker = q.marker
    if marker is None:  # the legend of the annex the words title, if they title one ("… của Thành ủy, … được giao")
        titled = None if annexes else _annex_titled(q.free(), layer, report)
        if titled is None:
            marker, annexes = _marker_from_legend(q, layer, report, annexes)
        elif (found := _marker_from_legend(q, layer, report, [titled]))[0] is not None:
            marker, annexes = found  # (the legend of another annex would contradict the title said)
    marker_named = marker is not None  # by this turn (its words may then describe it)
    marker = marker or base.marker
    verdicts, _ = _verdicts(q)
    verdicts = verdicts or base.verdicts
    kind = _kind(q) or base.kind
    if verdicts and kind is None and op in ("count", "list"):
        kind = "indicator" if any(v in ("met", "not_met", "exceeded", "basically_met") for v in verdicts) else None
    if agency and agency.endswith("*") and (titled_run := _title_run(q, layer, report)):
        agency = None  # "nhiệm vụ khác giao sở, ban ngành": the words of an annex's title, no class of agencies
        annexes = annexes or [titled_run]
    agency = agency or base.agency
    if measure in GENERIC_MEASURES and measure != "status" and state is not None and state.measure:
        measure = state.measure
    verdict_said = _verdict_wording(q, layer, report, annexes, kind) if _verdicts(q)[0] else None
    flt = Filters(report=report, annexes=annexes, kind=kind, marker=marker, verdicts=verdicts, agency=agency,
                  agency_excluded=_agency_negated(q, agency) if agency and agency != base.agency else base.agency_excluded,
                  verdict_said=verdict_said or base.verdict_said,
                  group=base.group, field=base.field, ids=base.ids if state is not None else None, period=base.period,
                  words=list(base.words) if state is not None else [], where=list(base.where),
                  lower_is_better=True if q.has("measures", "lower_is_better") else base.lower_is_better,
                  top_level=q.sub_items is False or base.top_level, with_parts=q.sub_items is True or base.with_parts)
    if op == "total" and ((measure in (None, "estimate") and _money_noun_totalled(q)) or measure == "target"):
        # "tổng vốn 3 chương trình năm 2025", "tổng … kế hoạch bao nhiêu" of rows printing money and no target: the
        # money the set's rows print, the plan first
        printed = {m for r in layer.rows_of(report) if not flt.annexes or r.annex in flt.annexes for m in r.facts}
        measure = measure if measure in printed else next((m for m in TOTALLED_MONEY if m in printed), measure)
    if q.span != (None, None) and not q.has("legend"):
        flt.starts, flt.ends = q.span
    days = [w.text for w in q.words if w.tag == "date" and dates_in(w.text)]
    if op in ("count", "list") and measure in TIME_MEASURES and len(days) == 1:
        flt.due = days[0]  # "có thời hạn hoàn thành là ngày 31/12/2025": a condition on the time columns
    elif op in ("count", "list") and measure in TIME_MEASURES and len(set(q.years)) == 1:
        flt.period = q.years[0]  # "… có hạn chót hoàn thành trong năm 2025": a year of the time columns
    if op in ("count", "list"):
        flt.states, flt.lacks = _presence(q)
        flt.direction = _direction_asked(q) or base.direction
        if flt.marker:
            flt.states = [m for m in flt.states if m != "marker"]  # "có ký hiệu (*)": the marker says it
    legend_text = " ".join(fold_tokens(" ".join(_legend_meanings(layer, report, flt.annexes, marker)))) if marker_named else ""
    column, column_words = (measure, set()) if measure and measure.startswith(COLUMN_MEASURE) else (None, set())
    counted_as_estimate = op == "count" and measure == "estimate"  # "bao nhiêu huyện …": the count's words, no figure
    if op in ("rank", "list", "count") and column is None and (measure is None or measure not in NUMERIC_MEASURES
                                                               or counted_as_estimate):
        column, column_words = _column_named(q, layer, report, flt.annexes) or (None, set())
        if column is not None:  # "địa bàn nào bị phạt nhiều tiền nhất": a printed column of a table by place
            measure = column
            flt.annexes = flt.annexes or [column_annex(layer, report, column)]
            column_words |= _sibling_left_out(q, layer, report, flt.annexes[0])
    for n, (op_word, value, text, percent) in enumerate(q.conditions):
        bound = [t for t in fold_tokens(text) if any(ch.isdigit() for ch in t)][:1] + ["%"] * percent  # "50 %"
        if legend_text and (f" {' '.join(fold_tokens(text))} " in f" {legend_text} " or f" {' '.join(bound)} " in f" {legend_text} "):
            continue  # "giải ngân vốn sự nghiệp dưới / chưa tới 50% (*)": the marker's own bound, not a second condition
        target = measure if measure in NUMERIC_MEASURES or (column is not None and measure == column) else "estimate"
        if percent:  # "giải ngân dưới 30%": the rate of the money asked
            target = lexicon().section("rate_of").get(target, target)
        else:  # "được giao KH vốn … chưa giải ngân được đồng nào": the measure said just before it
            target = _measure_before(q, n) or target
        flt.where.append(NumberCondition(measure=target, op=op_word, value=value, text=text))
    if column is not None and op in ("list", "count") and not any(c.measure == column for c in flt.where):
        relation = _against_its_base(q, column, layer, report)
        if relation is not None:  # "địa bàn nào còn vụ vi phạm chưa xử lý": handled < detected
            flt.where = [c for c in flt.where if not _all_of_it(c, relation)]
            flt.where.append(relation)
            base = set(fold_tokens(relation.against or ""))  # "… hết số vụ phát hiện": the base column's words too
            column_words |= {i for i, w in enumerate(q.words) if w.tag is None and (w.repaired or w.folded) in base}
            if relation.op == ">=":  # "xử lý hết 100%": all of them, said as a share
                column_words |= {i for i, w in enumerate(q.words[:-1]) if w.text == "100" and q.words[i + 1].text == "%"}
            if all(w.folded in _RELATION_WORDS for w in q.words if w.tag == "verdict"):
                flt.verdicts = []  # "chưa … xong" said the relation, not a verdict
    if column is not None and op in ("list", "count") and not any(c.measure == column for c in flt.where):
        said = [q.words[i].text for i in sorted(column_words)]  # a column named, no condition read on it
        return Plan(op="none", report=report, unmatched=said, filters=flt, reason="điều kiện chưa hiểu: " + " ".join(said),
                    missing="condition")
    if state is not None and state.set_ids and flt.ids is None:
        flt.ids = list(state.set_ids)
    # What is left of the question names the set: a group, the parent of some sub-lines, or words every
    # row's name holds.
    topic = [w for i, w in enumerate(q.words) if w in q.free() and w.tag is None and not _counts_items(q, w)
             and i not in column_words]  # "trong 3 chương trình …": how many
    if marker is not None:  # "đang rà soát (3 sao)": words of the marker's own legend describe it, no new condition
        topic = [w for w in topic if not _in_legend(w, layer, report, flt.annexes, marker)]
    parts_asked = q.has("kinds", "part")
    listed_groups, by_title = _groups_listed(q, topic, layer, report, annexes) if op in ("list", "count", "rank", "total") \
        else ([], False)
    if listed_groups:  # "giao thông và thủy lợi": the rows of those groups (the annex whole when its title says them)
        annex = listed_groups[0].annex
        flt.annexes = [annex]
        if not by_title and any(g.annex == annex and g.report == report and g not in listed_groups for g in layer.group_rows):
            under = [r.id for r in layer.rows_of(report) if any(_under(r, g, layer) for g in listed_groups)]
            flt.ids = under if flt.ids is None else [i for i in flt.ids if i in set(under)]
        topic = []
    group = _group_named(q, topic, layer, report, annexes)  # "lĩnh vực văn hóa - xã hội": a heading of that title first
    field = _field_of(q, topic) if group is None and topic and flt.kind and not flt.agency \
        and not _titles_an_annex(topic, layer, report) else None
    group = _group_of_field(field, topic, flt.kind, layer, report, annexes) if field else group  # "các dự án GTVT"
    parent = _parent_named(q, topic, links, layer, report) if group is None and topic and parts_asked \
        and op in ("rank", "list", "count") else None
    counted = any(_counts_items(q, w) for w in q.words)  # "trong 3 chương trình": the items, not one item's parts
    if parent is None and group is None and topic and op in ("rank", "list", "count") and not counted:
        parent = _parent_named(q, topic, links, layer, report)
    if parent is None and group is None and not topic and parts_asked and talked_about and len(talked_about) == 1 \
            and (talked := layer.rows.get(talked_about[0])) is not None and talked.children:
        parent = talked  # "Gồm mấy tiểu dự án?" after a project: the sub-lines of the row talked about
    if group is not None:
        flt.group = group.id
        flt.annexes = flt.annexes or [group.annex]
        group_words = set(layer.name_words.get(group.id, []))
        topic = [w for w in topic if not _said_in(w, group_words)]
        if field:
            topic = []  # "dự án GTVT" of the group "LĨNH VỰC GIAO THÔNG": the field accounts for every word
    if parent is not None:
        flt.parent = parent.id
        flt.kind = None
        topic = [w for w in topic if w.folded not in set(layer.name_words.get(parent.id, []))]
        if parent.group_title:
            topic = [w for w in topic if w.folded not in set(fold(parent.group_title).split())]
    if not flt.annexes and flt.group is None and flt.parent is None and op in ("list", "count") \
            and (titled := _annex_said_by_kind_and_measure(q, layer, report)) is not None:
        flt.annexes = [titled]  # "dự án GPMB trọng điểm nào …": the annex titled "… giải phóng mặt bằng các dự án trọng điểm"
    if flt.group is None and flt.parent is None and topic and not flt.annexes and (view := layer.report(report)) is not None:
        titled = annex_by_title(topic, view, layer)  # "nhiệm vụ chống hạn mặn": the group of the annex so titled,
        narrower = _group_holding(topic, layer, report, titled) if titled else None  # before a field of the lexicon
        if narrower is not None:
            flt.annexes = [titled]
            topic = _narrowed_to(flt, narrower, topic, layer)
    field_name = _field_of(q, topic)
    titled = flt.annexes[0] if len(flt.annexes) == 1 else None if flt.annexes else _annex_titled(topic, layer, report)
    if field_name and (annex := layer.annexes.get((report, titled))) is not None \
            and all(_said_in(w, set(fold_tokens(annex.title))) for w in topic):
        field_name = None  # "kinh phí phòng chống sạt lở, hạn mặn PL IV", "danh mục đầu tư công": words of an annex's title
    if field_name and flt.group is None:
        flt.field = field_name
        topic = []
    view = layer.report(report) if topic else None
    if view is not None and (not flt.annexes or len(flt.annexes) == 1):
        # "các nhiệm vụ phòng chống sạt lở, hạn mặn": the annex titled so; "PL III … nhiệm vụ CCHC, CĐS": words
        # that only restate the title of the annex named
        titled = annex_by_title(topic, view, layer) if not flt.annexes else flt.annexes[0]
        title = set(fold_tokens(view.annex(titled).title)) if titled is not None and view.annex(titled) else set()
        if title and (not flt.annexes or all(_said_in(w, title) for w in topic)):
            flt.annexes = [titled]
            narrower = _group_holding(topic, layer, report, titled) if flt.group is None else None
            if narrower is not None:  # "dự án ODA" where the title says "vốn ODA, vốn NSTW": the group of ODA
                topic = _narrowed_to(flt, narrower, topic, layer)
            topic = [w for w in topic if not _said_in(w, title)]
            if all(w.folded in lexicon().words("function_words") for w in topic):
                topic = []  # "… ngành XD, GT có …": what the title leaves is no name
        elif title:  # "… trọng điểm đầu tư công … chậm tiến độ vì vướng GPMB": title words that name no row apart
            topic = [w for w in topic if not (_said_in(w, title) and _restates_title(w, layer, report, titled))]
    if flt.agency and len(flt.annexes) == 1 and (owner := layer.annexes.get((report, flt.annexes[0]))) is not None \
            and len(fold_tokens(flt.agency)) > 1 and not q.has("measures", "lead") \
            and f" cua {' '.join(fold_tokens(flt.agency))} " in f" {' '.join(fold_tokens(owner.title))} ":
        flt.agency = None  # "nhiệm vụ … của Sở XD" under "… NHIỆM VỤ TRỌNG TÂM CỦA SỞ XÂY DỰNG": every row is the Sở's
        # (unless it is said to lead them: "Sở XD chủ trì mấy nhiệm vụ")
    numbered = [w for w in topic if w.text.isdigit() and w.tag is None and not re.fullmatch(r"(?:19|20)\d{2}", w.text)]
    if len(numbered) >= 2 and op in ("rank", "list", "count"):  # "trong các tuyến 923, 917, 918, 921 thì tuyến nào …"
        by_number = [[i for i in sorted(layer.name_index.get(w.folded, ())) if layer.rows[i].report == report] for w in numbered]
        if all(by_number):
            ids = list(dict.fromkeys(i for found in by_number for i in found))
            flt.ids = ids if flt.ids is None else [i for i in flt.ids if i in set(ids)]
            said = {t for i in ids for t in layer.name_words.get(i, [])}  # "tuyến", "đường": how they are called
            topic = [w for w in topic if w not in numbered and not _said_in(w, said)]
    if flt.kind not in (None, "any") and not any(r.kind == flt.kind and (not flt.annexes or r.annex in flt.annexes)
                                                 for r in layer.rows_of(report)):
        flt.kind = None  # "chương trình nào … PL V" where the annex lists projects: the noun names its rows
    if topic:
        named = _rows_named_by_topic(topic, layer, flt)
        if named is None:
            missing = [w.text for w in topic]
            return Plan(op="none", report=report, unmatched=missing, filters=flt,
                        reason="điều kiện chưa hiểu: " + " ".join(missing), missing="condition")
        flt.ids = named if flt.ids is None else [i for i in flt.ids if i in set(named)]
        flt.words = flt.words + [w.text for w in topic]
        scope = layer.rows.get(flt.parent or flt.group or "")
        if scope is not None and not any(_under(layer.rows[i], scope, layer) for i in flt.ids if i in layer.rows):
            missing = [w.text for w in topic]  # the words name rows outside the group / parent named: two readings, not "none"
            return Plan(op="none", report=report, unmatched=missing, filters=flt,
                        reason="điều kiện chưa hiểu: " + " ".join(missing), missing="condition")
    if op == "rank" and measure in ("disbursed", "disbursement_rate", "capital_plan", "total_investment", "site_clearance") \
            and not any(r.kind == flt.kind and r.facts.get(measure) and (not flt.annexes or r.annex in flt.annexes)
                        for r in layer.rows_of(report)):
        flt.kind = None  # a project fact ranks whatever rows state it, unless rows of the kind asked state it
    if op in ("rank", "list") and q.has("kinds", "part") and flt.parent is None and flt.ids is None:
        subtotals = _subtotals(layer, report, flt, headings=_parts_asked(q))
        if len(subtotals) >= 2:  # "lĩnh vực nào giải ngân thấp nhất?": the groups, by the subtotals the report prints
            flt.ids, flt.include_groups, flt.kind, flt.group = subtotals, True, None, None
    if op == "rank" and measure == "disbursed" and any(k in ("rank_asc", "rank_desc") for k in q.keys("operations")):
        speed = {fold(p) for p in lexicon().section("rate_rankings")}
        if any(h.phrase in speed for s, h in q.hits if s == "operations"):
            measure = "disbursement_rate"  # "giải ngân chậm nhất" is about the rate, not the amount
    sub_lines_named = bool(flt.ids) and all(layer.rows[i].parent for i in flt.ids if i in layer.rows)
    if counted and flt.parent is None and not sub_lines_named:  # "vốn sự nghiệp của 3 chương trình": their sub-lines
        flt.top_level = True  # "trong 3 chương trình": the items themselves, not their sub-lines
    if flt.kind == "indicator" and op in ("count", "list", "overview") and not flt.ids and flt.parent is None and q.sub_items is not True \
            and not (flt.verdicts and not counted):
        flt.top_level = True  # (a sub-line printing its own verdict is one more indicator judged, unless "17 chỉ tiêu")
    if flt.verdicts and not _has_verdicts(layer, flt):  # no verdict column: the legend may say it ("chậm tiến độ")
        if marker_named:
            flt.verdicts = []  # "đã thực hiện xong (*)": the words describe the marker asked
        else:
            marker, annexes_with = _marker_for_verdict(q, layer, report, flt.annexes)
            if marker is None:  # "mấy việc đã xong" where nothing states a verdict: not understood, not "0"
                missing = [w.text for w in q.words if w.tag == "verdict"]
                return Plan(op="none", report=report, unmatched=missing, filters=flt,
                            reason="điều kiện chưa hiểu: " + " ".join(missing), missing="condition")
            flt.marker, flt.annexes, flt.verdicts = marker, annexes_with, []
    if not flt.verdicts:
        flt.verdict_said = None  # the verdict words were read as a marker's meaning
    # "top 3 … thấp nhất": "top" says how many, the superlative which end
    undirected = lexicon().words("undirected_ranks")  # "top 3", "xếp hạng": a ranking, its end said elsewhere if at all
    directed = {h.key for s, h in q.hits if s == "operations" and h.key in ("rank_asc", "rank_desc") and h.phrase not in undirected}
    asked_orders = directed or {"rank_asc", "rank_desc"} & set(q.keys("operations"))
    order = "both" if len(asked_orders) == 2 else "asc" if "rank_asc" in asked_orders else "desc"
    if op == "list" and measure is None and (q.has("measures", "status") or q.has("operations", "overview")):
        measure = "status"  # "các dự án của Sở X tình hình chung?": each row's state
    if op == "total" and measure is None:
        measure = "capital_plan"  # "tổng số vốn các chương trình": the capital planned, shown with what was disbursed of it
    if op == "total" and flt.ids is not None and len(flt.ids) == 1 and flt.group is None and flt.parent is None:
        # "lũy kế giải ngân của dự án X tổng cộng": the figure of that one row
        return Plan(op="lookup", targets=list(flt.ids), measure=measure, report=report, confidence=SET_CONFIDENCE,
                    reason="tổng của một dòng: số của chính dòng đó", words=[w.folded for w in topic])
    if op == "rank" and measure in ("lead", "coordinating"):
        return Plan(op="rank", filters=flt, measure=measure, order=order, report=report, confidence=SET_CONFIDENCE,
                    reason="xếp hạng cơ quan theo số mục")
    if op == "rank":
        if (measure is None or measure not in NUMERIC_MEASURES) and column is None:
            if flt.parent is not None or flt.kind == "indicator":
                measure = "estimate"
            elif (headed := _measure_by_header_words(q, _rank_keys(flt, layer))) is not None:
                measure = headed  # "công trình nào có tổng vốn đầu tư lớn nhất?": the words a column header says
            else:
                return Plan(op="clarify", filters=flt, report=report, order=order, reason="chưa rõ xếp hạng theo số liệu nào",
                            options=_rank_options(q, flt, layer), missing="rank_measure")
        if measure == "vs_prev_pct" and _parts_are_growth(flt, layer):
            measure = "estimate"  # "thành phần nào tăng trưởng thấp nhất trong GRDP": the parts' figures are growth rates
        flt.has = measure
    limit = q.top if op in ("rank", "list") else None  # "tổng vốn của 15 dự án": the set's size, no top 15
    if op == "rank" and limit is None and any(s == "operations" and h.phrase in lexicon().words("full_orders") for s, h in q.hits):
        limit = ORDERED_IN_TEXT  # "xếp … từ cao xuống thấp": the whole order, each item by its place
    return Plan(op=op, filters=flt, measure=measure, order=order if op == "rank" else None, limit=limit,
                report=report, confidence=SET_CONFIDENCE, reason="tập hợp theo điều kiện")


def _against_its_base(q: Question, column: str, layer: SemanticLayer, report: str) -> NumberCondition | None:
    """A column counting what was done ("Số vụ đã xử lý") said with "chưa" (some left) or "hết"/"xong" (none left):
    compared with the one sibling column counting the same noun without the verb ("Số vụ phát hiện")."""
    header = column.removeprefix(COLUMN_MEASURE)
    leaf = fold_tokens(header_leaf(header))
    if "da" not in leaf or len(leaf) < 3:
        return None
    prefix = header[: len(header) - len(header_leaf(header))]
    annex = next((a for (rep, _), a in layer.annexes.items() if rep == report and header in a.columns), None)
    bases = [h for h in (annex.columns if annex else []) if h != header and h.startswith(prefix)
             and fold_tokens(header_leaf(h))[:2] == leaf[:2] and "da" not in fold_tokens(header_leaf(h))]
    said = _left_or_done(q)
    if len(bases) != 1 or said is None:
        return None
    left = said == "left"
    for word in q.words:  # the words of the relation are accounted for by it
        if word.folded in _RELATION_WORDS and word.tag is None:
            word.tag = "function"
    return NumberCondition(measure=column, op="<" if left else ">=", value=0.0, against=COLUMN_MEASURE + bases[0],
                           text=f"{'<' if left else '='} {header_leaf(bases[0])}")


def _all_of_it(condition: NumberCondition, relation: NumberCondition) -> bool:
    """ "xử lý hết 100%": the 100 % a relation of none left already says, no second condition."""
    return relation.op == ">=" and condition.value == 100.0 and condition.op in ("=", ">=") and "%" in condition.text


_FEWER_WORDS = ("it hon", "thap hon", "nho hon", "chua bang")  # the done column below its base: some left
_DONE_WORDS = ("het", "xong", "toan bo", "tat ca")  # "đã xử lý hết / xong / toàn bộ": a column of things done, all of them
_RELATION_WORDS = ("chua", "con", *_DONE_WORDS)  # "còn … chưa xử lý (xong)", "đã xử lý hết"


def _left_or_done(q: Question) -> str | None:
    """ "chưa xử lý (xong)" → "left" (some left); "đã xử lý hết" → "done" (none left); else None."""
    said = f" {' '.join(q.folded)} "
    if "chua" in q.folded or any(f" {w} " in said for w in _FEWER_WORDS):
        return "left"  # "đã xử lý (vẫn) ít hơn số vụ phát hiện": some left
    return "done" if any(f" {w} " in said for w in _DONE_WORDS) else None


COLUMN_NAMED_COVER = 0.6  # share of a column header's words (by weight) the question must say to name the column
LEAF_NAMED_WORDS = 2  # …or its last line said in full, in at least this many words (one word is any column's "số")
_NOT_COLUMN_WORDS = ("kind", "op", "annex", "report", "year", "agency", "verdict", "legend", "condition", "group")


def _column_named(q: Question, layer: SemanticLayer, report: str, annexes: list[str],
                  partial: bool = False) -> tuple[str, set[int]] | None:
    """A printed column with no role that the question names ("nhiều tiền nhất" → "… – Số tiền xử phạt"):
    tables by place or unit have columns the lexicon does not know, their headers are their vocabulary.
    Returns ``column:<header>`` and the indexes of the question words its header holds: the column whose
    header the words cover at least ``COLUMN_NAMED_COVER`` (or, ``partial``, of whose last line they say two words:
    rows already named need a column, "tiền phạt"), best on its last line (which tells sibling columns apart),
    numbers in its cells."""
    excluded = _excluded_words(q)  # "(không tính nhà ở riêng lẻ)": the column left out is not the one asked
    money_nouns = lexicon().words("money_nouns")
    candidates = [(i, w) for i, w in enumerate(q.words) if i not in excluded  # "công trình khác": a header's kind noun;
                  and (w.tag not in _NOT_COLUMN_WORDS or w.tag == "kind"  # "tổng tiền phạt": the money of "Số tiền xử phạt"
                       or (w.tag == "op" and w.folded in money_nouns))]
    function = {t for w in lexicon().phrases("function_words")["function_words"] for t in tokens(w)}  # as written: the
    # header's "tiền" is no "tiện"
    scored: list[tuple[float, float, str, set[int]]] = []
    for (rep, numeral), annex in layer.annexes.items():
        if rep != report or (annexes and numeral not in annexes):
            continue
        for header in annex.columns:
            if annex.roles.get(header) is not None and annex.roles[header] != "funding":
                continue  # a role the lexicon knows is asked by its measure; "Kinh phí (triệu đồng)" may hold numbers
            written = {t for t in tokens(header)}
            said: dict[str, int] = {}  # folded word → its index, typed with the header's diacritics ("phạt" ≠ "phát")
            for i, w in candidates:
                if not w.accented or w.repaired or w.text in written:
                    said.setdefault(w.repaired or w.folded, i)
            leaf = {fold(w) for w in tokens(re.sub(r"\(.*?\)", " ", header_leaf(header))) if w not in function}
            whole = {fold(w) for w in tokens(re.sub(r"\(.*?\)", " ", header)) if w not in function}
            cover = sum(layer.weight(w) for w in whole if w in said) / (sum(layer.weight(w) for w in whole) or 1.0)
            leaf_cover = sum(layer.weight(w) for w in leaf if w in said) / (sum(layer.weight(w) for w in leaf) or 1.0)
            leaf_said = (leaf_cover >= 1.0 or partial) and len(leaf & said.keys()) >= LEAF_NAMED_WORDS  # "xử phạt nhiều
            # tiền": the leaf "Số tiền xử phạt" said in full names it whatever its group title ("Vi phạm trật tự xây dựng")
            if (cover >= COLUMN_NAMED_COVER or leaf_said) and leaf_cover > 0 and _numbers_in(layer, report, numeral, header):
                spoken = set(fold_tokens(header))  # function words of the header too ("nhà ở")
                scored.append((leaf_cover, cover, header, {i for w, i in said.items() if w in spoken}))
    if not scored:
        return None
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    if len(scored) > 1 and scored[1][:2] == scored[0][:2]:
        tied = [s for s in scored if s[:2] == scored[0][:2]]
        doing = [s for s in tied if "da" in fold_tokens(header_leaf(s[2]))]
        if len(doing) == 1 and _left_or_done(q) is not None:
            return COLUMN_MEASURE + doing[0][2], set().union(*(s[3] for s in tied))  # "đã xử lý hết số vụ phát hiện"
        return None  # two columns named alike ("số vụ" of "phát hiện" and "đã xử lý"): not one column
    return COLUMN_MEASURE + scored[0][2], scored[0][3]


def _subtotal_of(row: Row, layer: SemanticLayer) -> str:
    """A group heading stands for the line that prints its group's figures (:func:`group_total`): "tổng cộng khối
    y tế được giao bao nhiêu vốn?" is the figure of "Cộng II"."""
    line = group_total(row, layer.rows_of(row.report)) if row.kind == "group" else None
    return line.id if line is not None else row.id


def _excluded_words(q: Question) -> set[int]:
    """Indexes of the free words an exclusion word leads ("không tính nhà ở riêng lẻ" → "nhà ở riêng lẻ")."""
    out: set[int] = set()
    for i, w in enumerate(q.words):
        if w.tag == "exclusion" and (i + 1 == len(q.words) or q.words[i + 1].tag != "exclusion"):
            for j in range(i + 1, len(q.words)):
                if q.words[j].tag is not None:
                    break
                out.add(j)
    return out


def _sibling_left_out(q: Question, layer: SemanticLayer, report: str, annex: str) -> set[int]:
    """The excluded words when they name another column of the annex ("công trình khác (không tính nhà ở
    riêng lẻ)"): said to set that column aside, they ask nothing of the rows."""
    excluded = _excluded_words(q)
    said = {q.words[i].folded for i in excluded}
    view = layer.annexes.get((report, annex))
    if not said or view is None:
        return set()
    leaves = [set(fold_tokens(re.sub(r"\(.*?\)", " ", header_leaf(h)))) for h in view.columns]
    return excluded if any(said <= leaf for leaf in leaves) else set()


def _numbers_in(layer: SemanticLayer, report: str, annex: str, header: str) -> bool:
    rows = [r for r in layer.rows_of(report) if r.annex == annex and r.kind != "total"]
    return sum(1 for r in rows if column_number(r, COLUMN_MEASURE + header) is not None) * 2 >= len(rows) > 0


def column_annex(layer: SemanticLayer, report: str, measure: str) -> str:
    """The annex of the report that prints the column a ``column:<header>`` measure names."""
    header = measure.removeprefix(COLUMN_MEASURE)
    return next(a for (r, a), annex in layer.annexes.items() if r == report and header in annex.columns)


def _under(row: Row, scope: Row, layer: SemanticLayer) -> bool:
    """The row is inside ``scope``: one of its sub-lines at any depth, or a row of the group it heads."""
    if row.report != scope.report or row.annex != scope.annex:
        return False
    seen: set[str] = set()
    above = [row]  # its parents and the headings over them (a heading under a heading: "I" over "3" over "a)")
    while above:
        current = above.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        if current.parent == scope.row or (scope.kind == "group" and current.group == scope.row):
            return True
        for up in (current.parent, current.group):
            if up and (found := layer.rows.get(f"{row.report}:{row.annex}:{up}")) is not None:
                above.append(found)
    return False


_PARTS_ASKED_BEFORE = ("theo", "tung", "moi", "cac", "nhung")  # "theo (từng) lĩnh vực", "các nhóm"


def _parts_asked(q: Question) -> bool:
    """The parts themselves are asked ("theo từng lĩnh vực", "nhóm nào", "các nhóm"), not a part named ("ngành XD")."""
    for section, hit in q.hits:
        if section == "kinds" and hit.key == "part":
            first = q.folded[hit.start]
            before = q.folded[hit.start - 1] if hit.start else ""
            after = q.folded[hit.end] if hit.end < len(q.folded) else ""
            if first in _PARTS_ASKED_BEFORE or before in _PARTS_ASKED_BEFORE or after == "nao":
                return True
    return False


def _subtotals(layer: SemanticLayer, report: str, flt: Filters, headings: bool = False) -> list[str]:
    """The printed subtotal rows ("Cộng I") of the groups in the set's scope: the annexes asked, and inside
    the group asked its sub-groups; with ``headings`` (the groups asked for themselves), also the headings that
    print their group's figures on their own line."""
    inside = layer.rows.get(flt.group or "")
    found = []
    summed = {(r.annex, r.facts.get("total_of")) for r in layer.rows_of(report) if r.kind == "total"}
    for row in layer.rows_of(report):
        if headings and row.kind == "group" and (row.annex, row.row) not in summed and any(row.facts.get(m) for m in MONEY_MEASURES) \
                and (not flt.annexes or any(annex_matches(row.annex, a) for a in flt.annexes)) and inside is None:
            found.append(row.id)  # a heading that prints its group's figures on its own line ("I  Dự án chuyển tiếp … 33,05")
            continue
        of = row.facts.get("total_of")
        if row.kind != "total" or of is None or (flt.annexes and not any(annex_matches(row.annex, a) for a in flt.annexes)):
            continue
        group = layer.rows.get(f"{row.report}:{row.annex}:{of}")
        if inside is not None and (group is None or group.annex != inside.annex or inside.row not in (group.group, group.parent)):
            continue
        found.append(row.id)
    return found


def _verdict_wording(q: Question, layer: SemanticLayer, report: str, annexes: list[str], kind: str | None) -> str | None:
    """The verdict words of the question when they are one of the report's own wordings and the rows asked about
    print another wording of the same class ("Không đạt" beside "Chưa đạt"): the count keeps to the one said."""
    said = " ".join(w.folded for w in q.words if w.tag == "verdict")
    if not said:
        return None
    printed: dict[str, set[str]] = {}
    for row in layer.rows_of(report):
        if (annexes and not any(annex_matches(row.annex, a) for a in annexes)) or (kind and row.kind != kind):
            continue
        verdict = row.facts.get("verdict")
        if verdict:
            printed.setdefault(row.facts.get("verdict_class") or "", set()).add(fold(verdict))
    for wordings in printed.values():
        stems = {w for w in wordings if says_verdict(w, said)}
        if stems and wordings - stems:  # said one way, printed another way too
            return said
    return None


def _presence(q: Question) -> tuple[list[str], list[str]]:
    """Measures a set question asks rows to state, or not to state, at all: "không ghi đánh giá" →
    ([], ["verdict"]); "nhiệm vụ có ký hiệu" → (["marker"], [])."""
    said = {kind: [fold(p).split() for p in phrases] for kind, phrases in lexicon().phrases("field_presence").items()}
    states: list[str] = []
    lacks: list[str] = []
    for start, word in enumerate(q.words):
        if word.tag != "measure" or (start and q.words[start - 1].tag == "measure" and q.words[start - 1].key == word.key):
            continue
        if word.key not in lexicon().section("measure_roles"):
            continue  # "tỷ lệ" alone says no field
        end = next((j for j in range(start, len(q.words)) if q.words[j].tag != "measure" or q.words[j].key != word.key), len(q.words))
        if end < len(q.words) and q.words[end].tag is None:
            continue  # "có sử dụng vốn ODA": what the measure is of, not whether a row states it
        if " ".join(w.folded for w in q.words[start:end]) in why_phrases():
            continue  # "… không, vì sao?": a reason asked after a yes/no question, no field a row lacks
        first = start
        while first > 0 and q.words[first - 1].tag in PRESENCE_TAGS:
            first -= 1
        before = q.words[first:start]  # the function / frame words right before the measure
        folded = [w.folded for w in before]
        without_frame = [w.folded for w in before if w.tag != "frame"] if before and before[-1].tag == "frame" else folded
        for kind in ("absent", "present"):  # "không có" before "có"
            if any(words and seq[-len(words):] == words for words in said.get(kind, []) for seq in (folded, without_frame)):
                (lacks if kind == "absent" else states).append(word.key)
                break
    return states, lacks


def _legend_meanings(layer: SemanticLayer, report: str, annexes: list[str], marker: str | None) -> list[str]:
    view = layer.report(report)
    return [a.legend.get(marker or "", "") for a in (view.annexes if view else []) if not annexes or a.annex in annexes]


def _in_legend(word, layer: SemanticLayer, report: str, annexes: list[str], marker: str) -> bool:  # noqa: ANN001
    """Whether ``word`` is a word of the marker's legend in the annexes, or a clipped typing of one
    ("tổ chứ" for "tổ chức")."""
    legend = {t for meaning in _legend_meanings(layer, report, annexes, marker) for t in fold_tokens(meaning)}
    typed = word.repaired or word.folded
    return typed in legend or (len(typed) >= CLIPPED_MIN and any(t.startswith(typed) and len(t) - len(typed) == 1 for t in legend))


def _field_of(q: Question, topic: list) -> str | None:
    """The lexicon field whose words are all the topic words ("giao thông", "giáo dục")."""
    for section, hit in q.hits:
        if section != "fields":
            continue
        words = {t for p in lexicon().phrases("fields")[hit.key] for t in fold(p).split()}
        if topic and all(_said_in(w, words) for w in topic):
            return hit.key
    return None


def _has_verdicts(layer: SemanticLayer, flt: Filters) -> bool:
    return any(
        (not flt.annexes or r.annex in flt.annexes) and (not flt.kind or r.kind == flt.kind)
        and r.facts.get("verdict_class")
        for r in layer.rows_of(flt.report)
    )


_ASPECT_WORDS = ("dang", "bi", "da")  # "đang", "bị", "đã" before a verdict say when, not which


def _marker_for_verdict(q: Question, layer: SemanticLayer, report: str, annexes: list[str]) -> tuple[str | None, list[str]]:
    """The words of a verdict ("chậm tiến độ") in an annex legend, when the annex has no verdict column."""
    words = [q.folded[h.start : h.end] for s, h in q.hits if s == "verdict_questions"]
    said_verdicts = words + [w[1:] for w in words if w[0] in _ASPECT_WORDS]  # "đang chậm tiến độ": "chậm tiến độ"
    view = layer.report(report)
    kinds = set(q.keys("kinds")) & {"task", "project", "indicator"}  # "nhiệm vụ … chậm tiến độ": an annex of tasks
    if view and kinds and not annexes and any(a.kind in kinds for a in view.annexes):
        annexes = [a.annex for a in view.annexes if a.kind in kinds]  # (not the legend of an annex of projects)
    for annex in view.annexes if view else []:
        if annexes and annex.annex not in annexes:
            continue
        for marker, meaning in annex.legend.items():
            text = f" {' '.join(fold_tokens(meaning))} "
            if any(len(w) >= 2 and f" {' '.join(w)} " in text and not one_choice_of(w, text.split()) for w in said_verdicts):
                return marker, [annex.annex]
    return _marker_of_verdict_class(q, view, annexes) or (None, annexes)


def _marker_of_verdict_class(q: Question, view, annexes: list[str]) -> tuple[str, list[str]] | None:  # noqa: ANN001
    """The one legend line that says the class asked in other words of the lexicon, and no other class: "làm
    xong" → "(*) Nhiệm vụ đã hoàn thành", not "(***) chậm tiến độ so với thời gian hoàn thành"."""
    asked = set(q.keys("verdict_questions"))
    # as written, both the lexicon and the legend: "sử dụng đất" says no "đạt"
    phrases = {cls: [f" {' '.join(tokens(p))} " for p in said] for cls, said in lexicon().section("verdict_questions").items()}
    found = []
    times = sorted((f" {' '.join(tokens(p))} " for key in TIME_MEASURES for p in lexicon().phrases("measures").get(key, [])),
                   key=len, reverse=True)  # "… so với thời gian hoàn thành được giao": a deadline, no verdict "hoàn thành"
    for annex in view.annexes if view and len(asked) == 1 else []:
        if annexes and annex.annex not in annexes:
            continue
        for marker, meaning in annex.legend.items():
            text = f" {' '.join(tokens(meaning))} "
            for time in times:
                text = text.replace(time, " ")
            if any(p in text and one_choice_of(fold_tokens(p), fold_tokens(text)) for cls in asked for p in phrases.get(cls, [])):
                continue  # "đang thi công hoặc đã hoàn thành": a choice of states, not the one class asked
            if {cls for cls, said in phrases.items() if any(p in text for p in said)} == asked:
                found.append((marker, [annex.annex]))
    return found[0] if len(found) == 1 else None


def _group_named(q: Question, topic: list, layer: SemanticLayer, report: str, annexes: list[str],
                 as_group: bool = False) -> Row | None:
    """A group heading: "nhóm 5", or the group whose title holds every topic word ("các chỉ tiêu xã hội");
    ``as_group``: the words are known to name a group (one side of two groups compared)."""
    if q.group_ref:
        for row in layer.group_rows:
            if row.report == report and row.row.upper() == q.group_ref and (not annexes or row.annex in annexes):
                return row
    if not topic:
        return None
    generic = {fold(t) for key in ("kinds", "frame_words") for p in lexicon().phrases(key).get(key, []) for t in p.split()}
    generic |= {fold(t) for phrases in lexicon().phrases("kinds").values() for p in phrases for t in p.split()}
    heads = {id(q.words[i]) for hit in find_phrases(q.folded, lexicon().phrase_index("generic_heads"), written=[w.text if w.accented else None for w in q.words])
             for i in range(hit.start, hit.end)}  # "công tác phát triển nhà ở": what follows names the group
    group_said = as_group or bool(find_phrases(q.folded, lexicon().phrase_index("group_nouns")))  # "nhóm dự án ODA": a group is asked
    group_nouns = lexicon().words("group_nouns")  # "khối (dự án) giao thông": the noun says a group, the title need not
    best, best_cover, holding = None, 0.0, []  # holding: (row, cover) of the groups whose title holds every word
    phrased_in: dict[str, set[int]] = {}  # per annex
    for row in layer.group_rows:
        if row.report != report or (annexes and row.annex not in annexes):
            continue
        written = set(tokens(row.name))
        folded = {fold(t) for t in written}
        wide = _annex_wide(layer, row) | _heading_words(layer, row)
        if row.annex not in phrased_in:
            phrased_in[row.annex] = _annex_phrase_words(q, topic, layer, row)
        phrased = phrased_in[row.annex]
        own = [w for w in topic if (not _word_in(w, written, folded) and (_said_in(w, wide) or id(w) in heads
                                                                          or w.folded in group_nouns))
               or (id(w) in phrased and not (group_said and _word_in(w, written, folded)))]
        # "… của NQ 98": words of the annex's title describe every group; "… vốn NSTW": those of the heading above it
        said = [w for w in topic if w not in own]
        if not said or not all(_word_in(w, written, folded) for w in said):
            continue
        content = [t for t in folded if t not in generic and not t.isdigit()]
        named = {(w.repaired or w.folded) for w in said}
        cover = sum(layer.weight(t) for t in content if t in named) / (sum(layer.weight(t) for t in content) or 1.0)
        holding.append((row, cover))
        if cover >= GROUP_TITLE_COVER and cover > best_cover:
            best, best_cover = row, cover
    if best is None and len(holding) == 1 and (holding[0][1] >= GROUP_TITLE_MIN_COVER or group_said):
        return holding[0][0]  # the only group whose title holds the words ("nhóm dự án vốn ODA")
    return best


def _group_of_field(field: str, topic: list, kind: str, layer: SemanticLayer, report: str,
                    annexes: list[str]) -> Row | None:
    """The one group whose title names, in the question's own words, a lexicon field the topic words are all
    of: "dự án GTVT" (giao thông vận tải) → "I. LĨNH VỰC GIAO THÔNG". None when no group or several do, or
    when the title shares only the field, not a word said ("du lịch" is not "LĨNH VỰC VĂN HÓA, Y TẾ"), or when
    the annex of the group lists no rows of the kind asked."""
    said = f" {' '.join(w.repaired or w.folded for w in topic)} "
    phrases = [p for p in (f" {' '.join(fold_tokens(p))} " for p in lexicon().phrases("fields")[field]) if p in said]
    of_kind = {r.annex for r in layer.rows_of(report) if r.kind == kind}  # a group of projects for "dự án …"
    titled = [row for row in layer.group_rows if row.report == report and (not annexes or row.annex in annexes)
              and row.annex in of_kind and any(p in f" {' '.join(fold_tokens(row.name))} " for p in phrases)]
    return titled[0] if len(titled) == 1 else None


def _annex_phrase_words(q: Question, topic: list, layer: SemanticLayer, group: Row) -> set[int]:
    """Ids of topic words that say, two or more in a row, a phrase of the group's annex title that no group title
    of the annex says: "KT-XH" (kinh tế - xã hội) of "… PHÁT TRIỂN KINH TẾ - XÃ HỘI" describes every group, though
    "CHỈ TIÊU KINH TẾ" holds "kinh tế"."""
    annex = layer.annexes.get((group.report, group.annex))
    if annex is None or len(topic) < 2:
        return set()
    title = f" {' '.join(fold_tokens(annex.title))} "
    groups = [f" {' '.join(fold_tokens(r.name))} " for r in layer.group_rows if r.report == group.report and r.annex == group.annex]
    at = {id(w): i for i, w in enumerate(q.words)}
    runs: list[list] = []  # runs of adjacent topic words; a run is said whole ("XD, GTVT" is not "… XÂY DỰNG, GIAO THÔNG")
    for i in sorted(at[id(w)] for w in topic if id(w) in at):
        if runs and at[id(runs[-1][-1])] == i - 1:
            runs[-1].append(q.words[i])
        else:
            runs.append([q.words[i]])
    found: set[int] = set()
    for run in runs:
        said = f" {' '.join(w.repaired or w.folded for w in run)} "
        if len(run) >= 2 and said in title and not any(said in g for g in groups):
            found |= {id(w) for w in run}
    return found


def _narrowed_to(flt: Filters, group: Row, topic: list, layer: SemanticLayer) -> list:
    """The set narrowed to ``group``; the topic words its title accounts for are used up."""
    flt.group = group.id
    return [w for w in topic if not _said_in(w, set(layer.name_words.get(group.id, [])))]


def _heading_words(layer: SemanticLayer, group: Row) -> set[str]:
    """Folded words of the titles of the groups a group sits in ("B. DỰ ÁN SỬ DỤNG VỐN NSTW" above "II. Lĩnh vực …")."""
    cache = layer.__dict__.setdefault("_heading_words", {})  # per loaded corpus: the layer is rebuilt when it changes
    if group.id not in cache:
        cache[group.id] = _headings_above(layer, group)
    return cache[group.id]


def _headings_above(layer: SemanticLayer, group: Row) -> set[str]:
    above: dict[int, Row] = {}  # the last heading seen of each rank

    def rank(label: str) -> int:  # lettered headings hold Roman-numeral ones, which hold numbered ones ("I" after "H" is a letter)
        letter = above.get(0)
        if re.fullmatch(r"[A-Z]", label) and (label not in "IVXLC" or (letter is not None and ord(letter.row) == ord(label) - 1)):
            return 0
        return 1 if re.fullmatch(r"[IVXLC]+", label) else 2

    for row in layer.rows_of(group.report):
        if row.annex != group.annex or row.kind != "group":
            continue
        level = rank(row.row)
        if row.id == group.id:
            return {t for r, heading in above.items() if r < level for t in fold_tokens(heading.name)}
        above = {r: h for r, h in above.items() if r < level} | {level: row}
    return set()


def _group_holding(topic: list, layer: SemanticLayer, report: str, annex: str) -> Row | None:
    """The one group of an annex whose title holds every topic word, when its other groups' titles do not:
    the annex title names all of them, the word tells which ("vốn ODA" of "… vốn ODA, vốn NSTW")."""
    groups = [r for r in layer.group_rows if r.report == report and r.annex == annex]
    holding = [r for r in groups
               if all(_word_in(w, set(tokens(r.name)), {fold(t) for t in tokens(r.name)}) for w in topic)]
    return holding[0] if len(holding) == 1 and len(groups) > 1 else None


def _annex_wide(layer: SemanticLayer, group: Row) -> set[str]:
    """Folded words of the group's annex title that no group title of the annex holds ("98" of "… theo Nghị
    quyết 98"): they describe every group, a question may say them of any one."""
    annex = layer.annexes.get((group.report, group.annex))
    if annex is None:
        return set()
    in_groups = {t for r in layer.group_rows if r.report == group.report and r.annex == group.annex for t in fold_tokens(r.name)}
    return set(fold_tokens(annex.title)) - in_groups


def _said_in(word, folded: set[str]) -> bool:  # noqa: ANN001
    """A question word among folded words, by its repair or any spelling it stands for ("2" of "hai cấp")."""
    spellings = word.forms - {word.folded} if word.repaired else word.forms
    return (word.repaired or word.folded) in folded or bool(spellings & folded)


def _word_in(word, written: set[str], folded: set[str]) -> bool:  # noqa: ANN001
    """A question word in a set of words, respecting the diacritics it was typed with."""
    if word.repaired:
        return word.repaired in folded
    return word.text in written if word.accented else bool(word.forms & folded)


def _parent_named(q: Question, topic: list, links: list[Link], layer: SemanticLayer, report: str) -> Row | None:
    """ "Khu vực nào … trong GRDP", "ngành nào … trong cơ cấu kinh tế": a row with sub-lines that the topic names."""
    if not q.has("kinds", "part") and not q.keys("kinds"):
        return None
    topic_idx = {i for i, w in enumerate(q.words) if w in topic}
    parts_asked = q.has("kinds", "part")
    for lk in links[:5]:
        row = lk.row
        if row.report != report or not row.children or not topic_idx <= lk.in_name or lk.name_cov < 0.5:
            continue
        if parts_asked or (lk.pair_cov >= 0.5 and lk.specificity >= 0.5):
            return row
    if parts_asked and topic:  # the one row with sub-lines whose own name holds every topic word ("tăng trưởng", "cơ cấu")
        sets = [layer.rows_named_by({w.repaired or w.folded} | set(w.forms)) for w in topic]
        heads = [layer.rows[i] for i in set.intersection(*sets)
                 if layer.rows[i].report == report and layer.rows[i].children and layer.rows[i].kind != "group"
                 and all(_said_in(w, set(layer.name_words.get(i, []))) for w in topic)]  # not by its group's title
        if len(heads) == 1:
            return heads[0]
    return None


def _rows_named_by_topic(topic: list, layer: SemanticLayer, flt: Filters) -> list[str] | None:
    """Rows of the asked kind whose name (or group title) holds every topic word, else whose cells do
    ("dự án nào dùng vốn ODA"); None when no row does."""

    def admissible(ids: set[str]) -> set[str]:
        rows = (layer.rows[i] for i in ids)
        return {r.id for r in rows if r.report == flt.report and r.kind not in ("group", "total")
                and (not flt.annexes or r.annex in flt.annexes) and (flt.kind in (None, "any") or r.kind == flt.kind)}

    for index in (layer.rows_named_by, layer.rows_mentioning):
        sets = [index({w.repaired or w.folded} | set(w.forms)) for w in topic]
        ids = admissible(set.intersection(*sets)) if sets else set()
        if ids:
            return sorted(ids, key=lambda i: (layer.rows[i].annex, layer.rows[i].order))
    return None


def _rank_keys(flt: Filters, layer: SemanticLayer) -> list[str]:
    """The measures the rows of the set state, that a ranking could be by."""
    keys = ("disbursement_rate", "disbursed", "capital_plan", "total_investment", "site_clearance", "estimate")
    present: list[str] = []
    for row in layer.rows_of(flt.report):
        if flt.annexes and row.annex not in flt.annexes:
            continue
        present += [k for k in keys if k in row.facts and k not in present]
    return present


def _rank_options(q: Question, flt: Filters, layer: SemanticLayer) -> list[ClarifyOption]:
    from prompts import render

    base = q.original.rstrip(" ?")
    return [ClarifyOption(label=render(f"label:{k}"), question=f"{base} theo {render(f'label:{k}')}?")
            for k in _rank_keys(flt, layer)[:4]]


def _measure_by_header_words(q: Question, keys: list[str]) -> str | None:
    """The one of ``keys`` whose column-header wording the question says whole ("tổng vốn đầu tư"), else None."""
    said = f" {' '.join(q.folded)} "
    columns = lexicon().phrases("columns")
    named = [k for k in keys if any(f" {fold(p)} " in said for p in columns.get(k, []))]
    return named[0] if len(named) == 1 else None


# ---------------------------------------------------------------------------------------------
# Overview


def _overview_plan(
    q: Question, ops: list[str], measure: str | None, layer: SemanticLayer, report: str | None, best: Link | None, p_best: float
) -> Plan | None:
    # "chỉ tiêu môi trường có đạt không?": a group's verdicts, when no row is named
    # ("các chỉ tiêu môi trường …": a plural kind asks of a set even when one row's name holds the words)
    plural_kind = bool(q.keys("kinds")) and any(w.folded in ("cac", "nhung") and w.tag == "function" for w in q.words)
    group_verdicts = "compare_target" in ops and bool(q.free()) and (p_best < cutoffs()[0] or plural_kind)
    field_said = _field_said(q)
    asks = "overview" in ops or q.has("measures", "status") or (measure is None and q.has("operations", "overview")) or group_verdicts \
        or (field_said and q.has("dialogue", "what_about_tail"))  # "lĩnh vực X thực hiện sao rồi"
    if not asks or report is None:
        return None
    if best is not None and p_best >= cutoffs()[0] and (best.specificity >= 0.5 or _defines(q, best, layer)) and not field_said:
        return None  # a row is named ("tăng trưởng GRDP … thế nào"), not a whole field ("lĩnh vực du lịch … thế nào")
    annexes = _annexes(q, report, layer)
    asked = _measure(q) if _measure(q) in MONEY_MEASURES | {"disbursement_rate"} else None  # "tình hình giải ngân …": its total first
    if q.has("kinds", "part") and q.free() and not field_said:  # "tăng trưởng các khu vực kinh tế thế nào": its sub-lines
        parent = _parent_named(q, q.free(), [], layer, report)
        if parent is not None:
            return Plan(op="overview", filters=Filters(report=report, annexes=[parent.annex], parent=parent.id), report=report,
                        confidence=0.9, reason="tổng quan các mục con của một dòng")
    if asked and _parts_asked(q):  # "tóm lược giải ngân các nhóm dự án": each group's printed line of that money
        lines = [i for i in _subtotals(layer, report, Filters(report=report, annexes=annexes), headings=True)
                 if layer.rows[i].facts.get(asked)]
        if len({layer.rows[i].annex for i in lines}) == 1 and len(lines) >= 2:
            return Plan(op="list", filters=Filters(report=report, annexes=[layer.rows[lines[0]].annex], ids=lines,
                                                   include_groups=True), measure=asked, report=report, confidence=0.9,
                        reason="tổng quan theo nhóm: dòng của từng nhóm")
    group = _group_named(q, q.free(), layer, report, annexes) if q.free() or q.group_ref else None
    if group is None and q.row_ref:  # "nhóm đối ngoại … (mục 8) thế nào": a heading named by its number
        group = next((r for r in layer.group_rows if r.report == report and r.row == q.row_ref
                      and (not annexes or r.annex in annexes)), None)
    if group is not None:
        return Plan(op="overview", filters=Filters(report=report, annexes=[group.annex], group=group.id), report=report,
                    measure=asked, confidence=0.9, reason="tổng quan một nhóm")
    field_name = _field_of(q, q.free()) if q.free() and not (group_verdicts and not q.has("operations", "overview")) else None
    if field_name:
        kind = _kind(q)  # every kind of row of the field unless one is asked (indicators are listed first)
        return Plan(op="overview", filters=Filters(report=report, annexes=annexes, field=field_name, kind=kind), report=report,
                    confidence=0.85, reason="tổng quan một lĩnh vực")
    if not annexes and q.free() and "overview" in ops and (view := layer.report(report)) is not None:
        titled = annex_by_title([w for w in q.free() if not _counts_items(q, w)], view, layer)  # "17 chỉ tiêu KT-XH"
        annexes = [titled] if titled else []
    title_words = {t for a in annexes for t in fold_tokens(layer.annexes[(report, a)].title)} if annexes else set()
    if annexes and all(_said_in(w, title_words) or _counts_items(q, w) for w in q.free()):  # "tóm tắt PL II"
        return Plan(op="overview", filters=Filters(report=report, annexes=annexes), report=report, measure=asked, confidence=0.9,
                    reason="tổng quan một phụ lục")
    return None


STRUCTURE_CUE_BEFORE = 2  # "có mấy phụ lục", "gồm những nhóm": the count or list word this close before the noun
STRUCTURE_CUE_AFTER = 3  # "những nhóm nội dung lớn nào": the question word this close after it


def _structure_plan(q: Question, ops: list[str], layer: SemanticLayer, report: str | None) -> Plan | None:
    """The parts of a report asked as a whole: its annexes ("báo cáo có mấy phụ lục, mỗi phụ lục nói về gì?"),
    or the top-level items of a named annex ("Phụ lục V gồm những nhóm nội dung nào?"). Only when a structure
    noun of the lexicon is what is counted or listed, and every other word is a question word or a word of
    the annex titles: "dự án X ở phụ lục nào" names a row, and is not this question."""
    if report is None or "rank_desc" in ops or "rank_asc" in ops or q.marker or q.row_ref or q.conditions or q.agencies \
            or q.keys("verdict_questions") or any(k != "status" for k in q.keys("measures")):  # "nói về nội dung gì"
        return None
    view = layer.report(report)
    if view is None:
        return None
    lex = lexicon()
    cues_before = {fold(p) for p in (*lex.phrases("list_before_kind")["list_before_kind"],
                                     *lex.phrases("operations")["count"])}
    cues_after = {fold(p) for p in lex.phrases("list_after_kind")["list_after_kind"]}
    folded = q.folded
    asked: set[str] = set()
    for key, phrases in lex.phrases("structure_nouns").items():
        for noun in (tuple(fold(t) for t in p.split()) for p in phrases):
            for i in range(len(folded) - len(noun) + 1):
                if tuple(folded[i : i + len(noun)]) != noun:
                    continue
                before = {" ".join(folded[j:i]) for j in range(max(0, i - STRUCTURE_CUE_BEFORE), i)}
                after = set(folded[i + len(noun) : i + len(noun) + STRUCTURE_CUE_AFTER])
                if before & cues_before or after & cues_after:
                    asked.add(key)
    annexes = _annexes(q, report, layer)
    if not asked or ("item" in asked and not annexes) or ("annex" in asked and annexes):
        return None
    if _kind_near(q, 0, len(q.words)) and "annex" in asked:
        return None  # "phụ lục nào có dự án …": rows are asked, not the annexes
    titles = {t for a in view.annexes for t in fold_tokens(a.title)}
    extra = {fold(t) for p in lex.phrases("structure_words")["structure_words"] for t in p.split()}
    if any(not _said_in(w, titles | extra) for w in q.free()):
        return None
    if annexes:
        return Plan(op="structure", filters=Filters(report=report, annexes=annexes[:1]), report=report, confidence=0.9,
                    reason="các mục lớn của một phụ lục")
    return Plan(op="structure", filters=Filters(report=report), report=report, confidence=0.9,
                reason="các phụ lục của báo cáo")


UNIT_ROW_COVERAGE = 0.8  # share of the question's words a row must explain to be picked by its unit alone
UNIT_ROW_CANDIDATES = 3  # the close readings looked at


def _counted_in_asked_unit(q: Question, links: list[Link], layer: SemanticLayer) -> Row | None:
    """The one indicator among the best readings whose unit is what "bao nhiêu …" counts ("căn", "km"), and whose
    name does not say the opposite of the question ("xuất khẩu" for "nhập khẩu … bao nhiêu triệu USD")."""
    def counts_in(unit: list[str]) -> bool:  # "bao nhiêu căn": the unit right after the question word
        return bool(unit) and any(q.folded[i + 1 : i + 1 + len(unit)] == unit and _how_many_ends_at(q.folded, i)
                                  for i in range(len(q.folded)))

    found = [lk.row for lk in links[:UNIT_ROW_CANDIDATES]
             if lk.numbers_ok and lk.row_cov >= UNIT_ROW_COVERAGE and lk.row.kind == "indicator"
             and counts_in(fold_tokens(lk.row.facts.get("unit") or ""))]
    return found[0] if len(found) == 1 and not contradicts(q, found[0], layer) else None


COUNTED_NOUN_WORDS = 2  # "Số doanh nghiệp …": the words after a leading "số" say what is counted


def _counted_noun(q: Question) -> list[str]:
    """A question opening with "Số X …" asks how many X: X's first words (folded); [] otherwise ("Sở X …" is an
    agency, typed with its own tone)."""
    first = q.words[0] if q.words else None
    if first is None or first.folded != "so" or first.tag not in (None, "function") or (first.accented and first.text != "số"):
        return []
    return [w.folded for w in q.words[1 : 1 + COUNTED_NOUN_WORDS] if w.tag is None]


def _asks_number(q: Question) -> bool:
    """ "bao nhiêu", "mấy", "%": the question asks for a figure."""
    return "%" in q.folded or any(_how_many_ends_at(q.folded, i) for i in range(len(q.folded)))


def _counts_items(q: Question, word) -> bool:  # noqa: ANN001
    """A number right before a kind noun ("17 chỉ tiêu"): how many items, not a condition."""
    i = next(k for k, w in enumerate(q.words) if w is word)
    number = word.text.isdigit() or word.text in lexicon().section("number_words")  # "3", "ba chương trình"
    return number and word.tag not in ("annex", "row_ref", "group") and i + 1 < len(q.words) \
        and q.words[i + 1].tag == "kind"  # ("pl3 nhiệm vụ nào": the annex's number)


def _field_said(q: Question) -> bool:
    """ "lĩnh vực văn hóa - du lịch …": the question calls its words a field, so they name no single row."""
    return any(w.folded == "linh" for w in q.words) and any(w.folded == "vuc" for w in q.words) and _field_of(q, q.free()) is not None


# ---------------------------------------------------------------------------------------------
# Dialogue


def _followup_plan(
    q: Question, state: DialogueState, links: list[Link], p_best: float, measure: str | None, period: int | None,
    ops: list[str], layer: SemanticLayer, pronoun: bool, coverage: float = FOLLOWUP_COVERAGE,
) -> Plan | None:
    """The same row as the last turn when the turn names nothing else (a pronoun, a bare measure, a period),
    or when that row explains the turn's words as well as any other row does."""
    answer_at, _ = cutoffs()
    focus = [f for f in state.focus if f in layer.rows]
    if not focus:
        return None
    free = [(i, w) for i, w in enumerate(q.words) if w.tag is None]
    salient_at = {i for i, w in free if layer.weight(w.repaired or w.folded) >= SALIENT_WEIGHT}
    salient = [q.words[i] for i in sorted(salient_at)]
    row = layer.rows[focus[0]]
    children = {f"{row.report}:{row.annex}:{c}" for c in row.children}
    part = next((lk for lk in links if lk.row.id in children and lk.name_cov >= 1.0 and lk.numbers_ok), None)
    if part is not None:  # "vốn sự nghiệp của nó …": the sub-line of the row talked about that the turn names whole
        return _row_plan(q, [part.row.id], measure, period, ops, layer, max(p_best, answer_at), "phần của dòng đang nói tới")
    named = _part_named_by_measure_words(q, focus, layer)
    if named is not None:  # "trong đó phần bồi thường, tái định cư giải ngân bao nhiêu %?": that part, the other measure
        return _row_plan(q, [named[0]], named[1], period, ops, layer, max(p_best, answer_at), "phần của dòng đang nói tới")

    def fitting(row: Row) -> bool:
        focus_link = next((lk for lk in links if lk.row.id == row.id), None)
        best_other = max((lk.row_cov for lk in links if lk.row.id != row.id), default=0.0)
        return focus_link is not None and bool(free) and focus_link.numbers_ok and (
            focus_link.row_cov >= coverage  # "xếp thứ mấy cả nước?": words of its status text, no other row near
            or {i for i, _ in free} <= focus_link.covered  # "đã xử lý mấy vụ?": words of its column headers
            or (focus_link.row_cov >= ASPECT_COVERAGE and focus_link.row_cov >= best_other + FOLLOWUP_MARGIN and p_best < answer_at))

    fits = fitting(row)
    if not fits and (namesake := next((r for r in _namesakes(row, layer) if fitting(r)), None)) is not None:
        # "còn bao nhiêu ngôi mộ chưa di dời?": the same project's line in another annex of the report says it
        row, focus, fits = namesake, [namesake.id], True
    if salient and not pronoun and not fits:
        return None
    other = links[0] if links and links[0].row.id != row.id else None
    if pronoun and salient and not fits and other is not None and salient_at <= other.in_name and other.numbers_ok \
            and p_best >= answer_at:
        return None  # "còn khu tái định cư phục vụ dự án đó?": a row the words name, tied to the one talked about
    if links and p_best >= answer_at and not pronoun and not fits and links[0].row.id != row.id and free:
        return None
    ops = ops or (_ops_of(state) if period is not None else [])
    # a new year keeps the question, except a target (given for the report's year only): that year's value
    asked = measure or (state.measure if period is not None and state.measure not in ("target", "vs_target_pct") else None)
    return _row_plan(q, focus, asked, period, ops, layer, max(p_best, answer_at), "câu hỏi nối tiếp: " + row.name)


def _namesake_titled_for(measure: str | None, row: Row, layer: SemanticLayer) -> str | None:
    """The one line of the same project in another annex whose title is about the measure asked ("… giải phóng mặt
    bằng các dự án trọng điểm" for site clearance), when the row's own annex title is not."""
    if measure is None or measure in GENERIC_MEASURES:
        return None
    phrases = [f" {' '.join(fold_tokens(p))} " for p in lexicon().phrases("measures").get(measure, [])]

    def titled(r: Row) -> bool:
        title = f" {' '.join(fold_tokens(r.annex_title))} "
        return any(p in title for p in phrases)

    found = [r.id for r in _namesakes(row, layer) if titled(r)]
    return found[0] if len(found) == 1 and not titled(row) else None


def _namesakes(row: Row, layer: SemanticLayer) -> list[Row]:
    """Lines of other annexes of the row's report printing the same name (one project in the disbursement annex and
    in the site-clearance annex)."""
    name = layer.name_words.get(row.id)
    return [r for r in layer.rows_of(row.report) if r.annex != row.annex and r.kind == row.kind
            and layer.name_words.get(r.id) == name]


def _part_named_by_measure_words(q: Question, focus: list[str], layer: SemanticLayer) -> tuple[str, str] | None:
    """A sub-line of a row talked about whose name holds every word of some measure phrases of the turn, while
    another measure phrase is what is asked: ("Hợp phần bồi thường, hỗ trợ, tái định cư", "disbursement_rate")."""
    if not (q.has("kinds", "part") or q.has("dialogue", "refine")):
        return None
    runs = _measure_runs(q)
    found = []
    for row_id in focus:
        row = layer.rows[row_id]
        for child in row.children:
            child_id = f"{row.report}:{row.annex}:{child}"
            words = set(layer.name_words.get(child_id, []))
            # a run naming the child ("bồi thường GPMB": the same measure said on goes with its first phrase)
            naming = [run for run in runs if any(set(q.folded[h.start : h.end]) <= words for h in run)]
            asked = [h.key for run in runs if run not in naming for h in run]
            asked = [k for k in asked if k != "estimate"] or asked  # "… được bao nhiêu": how the other measure is asked
            if naming and len(set(asked)) == 1:
                found.append((child_id, asked[0]))
    return found[0] if len(found) == 1 else None


def _ops_of(state: DialogueState) -> list[str]:
    if state.op == "compare":
        return ["compare_prev" if state.against == "previous" else "compare_target"]
    return []
