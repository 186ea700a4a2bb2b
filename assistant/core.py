"""``answer(question, history) -> Answer``: the one entry point of the chat, the CLI and the eval.

The router needs no LLM: it understands the question (intent, aspect, slots), links it to rows,
runs a fixed table operation or a retrieval, and composes a Vietnamese answer whose numbers are
copied from the cited cells. With nothing to cite it abstains.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from assistant.engine import Engine, get_engine
from assistant.linking import Link, content_tokens
from assistant.types import Answer, Citation
from assistant.understand import Query, clean_question, cue_for, has_words, is_greeting, understand
from ingestion.cleaning import fold_diacritics
from ingestion.columns import column_role
from ingestion.models import Row
from prompts import render
from retrieval.abbreviations import expand_abbreviations
from retrieval.store import INDEX_UNAVAILABLE_NOTICE, IndexUnavailable

log = logging.getLogger(__name__)

MIN_COVERAGE = 0.6
MIN_PAIR_COVERAGE = 0.5
INDICATOR_PAIR_COVERAGE = 0.7
STRONG_ENTITY = 12.0  # link score above which a short follow-up names its own row
MIN_SCORE = 8.0  # a match on one or two words must be this strong ('thủ đô của Pháp' ≠ 'thu', 'pháp')
FACT_LABELS = {
    "capital_plan": "Kế hoạch vốn",
    "disbursed": "Đã giải ngân",
    "disbursement_rate": "Tỷ lệ giải ngân",
    "site_clearance": "Bàn giao mặt bằng",
    "total_investment": "Tổng mức đầu tư",
}
ROLE_LABELS = {
    "lead": "Cơ quan chủ trì",
    "coordinating": "Cơ quan phối hợp",
    "prep_time": "Thời gian lập, trình phê duyệt",
    "impl_time": "Thời gian triển khai thực hiện",
    "funding": "Nguồn vốn",
    "product": "Sản phẩm",
    "approver": "Cấp phê duyệt",
}


def answer(
    question: str,
    history: list[dict] | None = None,
    *,
    engine: Engine | None = None,
    filters: dict | None = None,
) -> Answer:
    """Answer one question in the context of earlier turns; never raises.

    Example: ``answer("giải ngân được bao nhiêu?", [{"role": "user", "content": "Thư viện thành phố?"}])``.
    """
    started = time.perf_counter()
    try:
        engine = engine or get_engine()
        reply = _answer(question, history or [], engine, filters or {})
        if engine.llm is not None:
            from assistant.llm import phrase

            texts = {c.row_id: engine.by_id[c.row_id].text for c in reply.citations if c.row_id in engine.by_id}
            reply = phrase(reply, question, texts, engine.llm, engine.settings.llm_timeout_s)
    except Exception:  # a question must never surface a traceback to the user
        log.exception("answer failed")
        reply = Answer(text="Xin lỗi, đã có lỗi khi xử lý câu hỏi này. Vui lòng hỏi lại theo cách khác.", route="none",
                       abstained=True, confidence=0.0)
    reply.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    return reply


# ---------------------------------------------------------------------------------------------
# Routing


def _answer(question: str, history: list[dict], engine: Engine, filters: dict) -> Answer:
    # Junk turns (not a dict, content not text) are dropped rather than failing the whole answer.
    history = [t for t in history if isinstance(t, dict) and isinstance(t.get("content"), str)] if isinstance(
        history, list | tuple) else []
    filters = filters if isinstance(filters, dict) else {}
    text, was_cut = clean_question(question, engine.settings.max_question_chars)
    notices = [render("cut", limit=engine.settings.max_question_chars)] if was_cut else []
    if not text:
        return Answer(text=render("empty"), route="help", intent="empty", notices=notices)
    if not has_words(text):
        return Answer(text=render("no_text"), route="help", intent="empty", notices=notices)
    if is_greeting(text):
        reports = ", ".join(f"Báo cáo số {r['number']}" for r in engine.reports())
        return Answer(text=render("help", reports=reports), route="help", intent="help", notices=notices)

    q = understand(text, engine.vocab)
    if q.injection:
        notices.append(render("injection"))
    q = _resolve_followup(q, history, engine)
    scope = _scope(q, engine, filters)
    reply = _dispatch(q, engine, scope)
    if INDEX_UNAVAILABLE_NOTICE in engine.notices:  # set by engine.retriever while Chroma is unreachable
        notices.append(INDEX_UNAVAILABLE_NOTICE)
    reply.notices = notices + reply.notices
    reply.intent = reply.intent or q.intent
    if not reply.abstained and len(scope["reports"]) > 1 and not q.report and reply.citations:
        cited = {c.report for c in reply.citations}
        if len(cited) == 1:
            report = next(iter(cited))
            date = next((r["date"] for r in engine.reports() if r["number"] == report), "")
            reply.text += " " + render("report_note", report=report, date=_vn_date(date))
    return reply


def _resolve_followup(q: Query, history: list[dict], engine: Engine) -> Query:
    """Fill what a short follow-up leaves out from the previous user turns."""
    previous = [turn["content"] for turn in history if turn.get("role") == "user" and turn.get("content")]
    if not previous:
        return q
    if q.intent in ("list", "count", "rank") and (q.marker or q.annex or q.verdict or q.group or _agency_in(q, engine)):
        return q  # a collection with its own conditions stands on its own
    own_links = _links(q, engine, {"reports": [r["number"] for r in engine.reports()]}, use_retriever=False)
    best_own = _best(own_links)
    explicit_new = bool(re.match(r"^(?:con|the con|vay con)\b", fold_diacritics(q.text).strip()))
    has_entity = best_own is not None and _names_something(best_own, q, engine) and (
        best_own.score >= STRONG_ENTITY or (explicit_new and best_own.coverage >= 0.9)
    )
    short = len(content_tokens(q.text)) <= 3
    if has_entity and not (q.followup and not q.explicit_aspect):
        return q
    if not (short or q.followup) and best_own is not None and best_own.coverage >= 0.9 and _names_something(best_own, q, engine):
        return q
    turn = previous[-1]  # the latest user turn carries the topic
    before = understand(turn, engine.vocab)
    if before.intent in ("list", "count", "rank") and q.intent not in ("list", "count", "rank") and not q.followup:
        return q  # after a list, an unrelated question ('Thủ đô của Pháp là gì?') is not about that list
    if has_entity:
        # "còn đường tỉnh 918 thì sao?": new entity, the previous question's aspect
        return q.with_(intent=before.intent if before.intent not in ("list", "count", "rank") else q.intent,
                       aspect=before.aspect, explicit_aspect=before.explicit_aspect, kind=before.kind or q.kind,
                       aspect_cue=cue_for(before.aspect, fold_diacritics(q.text)))
    earlier = fold_diacritics(turn)
    if before.aspect_cue and before.aspect != q.aspect and q.explicit_aspect:
        earlier = earlier.replace(before.aspect_cue, " ")
    merged_text = f"{' '.join(earlier.split())} {q.text}"
    merged = understand(merged_text, engine.vocab)
    intent, aspect = (q.intent, q.aspect) if q.explicit_aspect or q.years else (before.intent, before.aspect)
    if q.years and before.kind == "indicator" and not q.explicit_aspect:
        intent, aspect = "lookup", "year"
    own_full = frozenset(link.row.id for link in own_links if link.coverage >= 0.9)
    if explicit_new and own_full:
        merged = merged.with_(candidates=own_full)
    merged = merged.with_(text=merged_text, intent=intent, aspect=aspect, years=q.years or before.years,
                          explicit_aspect=q.explicit_aspect or before.explicit_aspect,
                          aspect_cue=cue_for(aspect, fold_diacritics(merged.norm.restored)))
    return merged if _continues(q, before, merged, engine) else q


def _continues(q: Query, before: Query, merged: Query, engine: Engine) -> bool:
    """A turn continues the conversation when its own words (beyond what it asks) fit the row being talked
    about: 'giai đoạn 2 khởi công khi nào?' after the kè sông Ô Môn does; 'Thủ đô của Pháp là gì?' does not."""
    own = set(content_tokens(_link_text(q, q.norm.expanded)))
    if not own or merged.candidates:
        return True
    scope = {"reports": [r["number"] for r in engine.reports()]}
    topic = _best(_links(before, engine, scope, use_retriever=False)) or _best(
        _links(merged, engine, scope, use_retriever=False)
    )
    if topic is None:
        return False
    text = engine.linker.text_sets[topic.row.id]
    covered = sum(engine.linker.weight(t) for t in own if t in text)
    return covered >= 0.6 * sum(engine.linker.weight(t) for t in own)


def _names_something(link: Link, q: Query, engine: Engine) -> bool:
    """Whether the turn's own words are specific enough to name a row ('đường tỉnh 918', 'PAPI'),
    unlike generic words ('giai đoạn 2', 'tổng chi') that only make sense with the previous turn."""
    words = [t for t in content_tokens(_link_text(q, q.norm.expanded)) if not t.isdigit()]
    weight = sum(engine.linker.weight(t) for t in set(words) if t in engine.linker.text_sets[link.row.id])
    return weight >= 4.0


def _scope(q: Query, engine: Engine, filters: dict) -> dict:
    reports = [r["number"] for r in engine.reports()]
    if filters.get("report"):
        reports = [r for r in reports if r == filters["report"]] or reports
    if q.report:
        named = [r for r in reports if r.split("/")[0] == q.report]
        reports = named or reports
    elif q.report_year:
        named = [r["number"] for r in engine.reports() if (r["date"] or "").startswith(str(q.report_year))]
        reports = [r for r in reports if r in named] or reports
    annex = q.annex or filters.get("annex")
    return {"reports": reports, "annex": annex, "annexes": q.annexes if len(q.annexes) > 1 else []}


def _in_scope(row: Row, scope: dict, kinds: tuple[str, ...] | None = None) -> bool:
    if row.report not in scope["reports"]:
        return False
    if scope.get("annex") and row.annex != scope["annex"]:
        return False
    return kinds is None or row.kind in kinds


def _dispatch(q: Query, engine: Engine, scope: dict) -> Answer:
    if q.intent == "legend":
        return _legend(q, engine, scope)
    if q.intent in ("count", "list", "rank") and not (q.row_ref and q.annex):
        reply = _collection(q, engine, scope)
        if reply is not None:
            return reply
    return _single(q, engine, scope)


# ---------------------------------------------------------------------------------------------
# Linking


_REPORT_ID_RE = re.compile(r"\b\d{1,4}\s*[/\s]\s*bc\s*[-\s]?\s*(?:ubnd|ủy ban nhân dân)\b", re.IGNORECASE)


def _link_text(q: Query, text: str | None = None) -> str:
    """The question without the words that say what is asked (the aspect cue): what is left names the row."""
    folded = fold_diacritics(_REPORT_ID_RE.sub(" ", text if text is not None else q.norm.restored))
    if q.aspect_cue:
        folded = folded.replace(q.aspect_cue, " ")
    return folded


def _links(
    q: Query, engine: Engine, scope: dict, *, use_retriever: bool = True, kinds=None, text: str | None = None
) -> list[Link]:
    candidates = [row for row in engine.rows if _in_scope(row, scope, kinds) and row.kind != "group"]
    if q.candidates:
        candidates = [row for row in candidates if row.id in q.candidates] or candidates
    annexes = scope.get("annexes") or []
    if annexes:
        candidates = [row for row in candidates if row.annex in annexes]
    hits: dict[str, int] = {}
    if use_retriever and text is None:
        try:
            found = engine.retriever.search(q.norm.restored, k=10, filters={"annex": scope["annex"]} if scope.get("annex") else None)
            hits = {hit.row_id: rank for rank, hit in enumerate(found)}
        except IndexUnavailable as exc:  # Chroma server down (remembered a while): tables still answer
            log.info("retrieval unavailable: %s", exc)
        except Exception as exc:  # retrieval broken: table linking still answers
            log.warning("retrieval unavailable: %s", exc)
    # Link on the question as typed (abbreviations expanded); the diacritic-restored, typo-repaired
    # form only widens coverage: restoration may also "repair" a correct word into a wrong one.
    link_text = _link_text(q, text) if text is not None else _entity_text(q, engine)
    alternates: tuple[str, ...] = ()
    if text is None:
        alternates = (_link_text(q, q.text), _link_text(q, q.norm.expanded))
        if _mostly_unaccented(q.text):
            alternates += (_link_text(q, q.norm.restored),)
    links = engine.linker.link(link_text, candidates, hits, alternates=alternates)
    if q.row_ref and text is None:
        exact = [row for row in candidates if q.row_ref in row.row_numbers or row.row == q.row_ref]
        if exact and (scope.get("annex") or len({r.annex for r in exact}) == 1):
            links = [Link(exact[0], 1e6, 1.0, 1.0, 1, 1e6)] + [link for link in links if link.row.id != exact[0].id]
    if len(scope["reports"]) > 1 and links:
        newest = scope["reports"][0]
        best = links[0].score
        ties = [link for link in links if link.score >= best - 1e-6 or (link.coverage >= links[0].coverage and link.score > 0.8 * best)]
        preferred = [link for link in ties if _report_matches_years(link.row, q) or link.row.report == newest]
        if preferred and preferred[0] is not links[0]:
            links.remove(preferred[0])
            links.insert(0, preferred[0])
    return links


def _entity_text(q: Query, engine: Engine) -> str:
    """What names the row: the question without the aspect asked, nor the agency that speaks in it."""
    text = _link_text(q, q.norm.expanded)
    agency = _agency_in(q, engine) if q.aspect not in ("lead", "coordinating") else None
    if agency:
        stripped = _without_agency(text, agency)
        if content_tokens(stripped):
            return stripped
    return text


def _mostly_unaccented(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(fold_diacritics(ch) != ch.lower() for ch in letters) < 0.05 * len(letters)


def _related(a: Row, b: Row) -> bool:
    """Parent and sub-item of one another (same report and annex)."""
    return a.report == b.report and a.annex == b.annex and (a.parent == b.row or b.parent == a.row)


def _without_agency(folded: str, agency: str) -> str:
    from structured.agency import normalize_agency

    for name in {fold_diacritics(agency), fold_diacritics(normalize_agency(agency))}:
        folded = folded.replace(name, " ").replace(re.sub(r" thanh pho( can tho)?$", "", name), " ")
    return folded


def _report_matches_years(row: Row, q: Query) -> bool:
    return bool(q.years) and row.facts.get("year") in q.years


def _confident(link: Link | None) -> bool:
    if link is None or link.coverage < MIN_COVERAGE:
        return False
    if link.row.kind == "indicator":
        # Indicator names are short and alike ('tỷ lệ … thất nghiệp' ≠ 'tỷ lệ tham gia bảo hiểm thất nghiệp'):
        # the question's word pairs must be the indicator's own.
        return link.pair_coverage >= INDICATOR_PAIR_COVERAGE
    if link.coverage >= 0.7 and link.matched >= 3 and link.score >= STRONG_ENTITY:
        return True  # a long name matched on several rare words, with a few question words left over
    return link.pair_coverage >= MIN_PAIR_COVERAGE or link.coverage >= 0.9


def _best(links: list[Link]) -> Link | None:
    """The highest-scoring link that explains the question, among links close to the top score."""
    if not links:
        return None
    floor = 0.5 * links[0].score
    return next((link for link in links if link.score >= floor and (link.base >= MIN_SCORE or link.matched >= 3)
                 and _confident(link)), None)


# ---------------------------------------------------------------------------------------------
# Single-row answers


_SPLIT_RE = re.compile(r"\s+(?:va|hay|hoac)\s+|\s*[,;]\s*")


def _parts(q: Query, engine: Engine, scope: dict) -> list[Link]:
    """'Khu hành chính và Trung tâm văn hóa Tây Đô': one confident row per named entity, if several."""
    text = _entity_text(q, engine)
    pieces = [p for p in _SPLIT_RE.split(text) if len(content_tokens(p)) >= 1]
    if len(pieces) < 2:
        return []
    found: list[Link] = []
    for piece in pieces:
        best = _best(_links(q, engine, scope, text=piece))
        if best and best.score >= STRONG_ENTITY and all(best.row.id != other.row.id for other in found):
            found.append(best)
    return found if len(found) >= 2 else []


def _single(q: Query, engine: Engine, scope: dict) -> Answer:
    kinds = ("indicator",) if q.kind == "indicator" and q.intent in ("compare", "lookup") and q.aspect else None
    links = _links(q, engine, scope, kinds=kinds)
    best = _best(links)
    if kinds and best is None:
        links = _links(q, engine, scope)
        best = _best(links)
    parts = _parts(q, engine, scope) if best is None or best.coverage < 0.9 or q.cross_annex else []
    if best is None and not parts:
        return _abstain(q, engine, scope, links)
    if not parts and (_unknown_words(q, engine) or _unit_not_stated(q, best.row, engine)):
        return _abstain(q, engine, scope, links)
    if best is not None and best.row.children and best.row.kind != "indicator":
        # A parent and its own sub-item tie ('chỉ số PAPI' in 'các chỉ số PCI, PAPI, DDCI'): the sub-item is meant.
        child = next((link for link in links if link.row.parent == best.row.row and link.row.annex == best.row.annex
                      and link.score >= 0.97 * best.score and link.coverage >= best.coverage), None)
        if child:
            links = [child] + [link for link in links if link is not child and link is not best]
            best = child
    rows = [link.row for link in parts] if parts else [best.row]
    if q.cross_annex and best is not None:
        for link in links:
            if (_confident(link) and link.row.annex not in {r.annex for r in rows}
                    and link.score >= 0.7 * best.score and link.coverage >= best.coverage - 0.1):
                rows.append(link.row)
    elif best is not None and not parts and best.row.kind != "indicator" and not q.row_ref:
        # The same topic reported in several rows (e.g. a plan in Phụ lục II and V): show them together.
        rows += [link.row for link in links[1:4] if link.row.kind != "indicator" and link.score >= 0.88 * best.score
                 and link.coverage >= best.coverage - 0.01 and link.pair_coverage >= best.pair_coverage - 0.01
                 and not _related(link.row, best.row)]
    if q.annexes and len(q.annexes) > 1:
        for annex in q.annexes:
            if annex not in {r.annex for r in rows}:
                extra = _best([link for link in links if link.row.annex == annex])
                if extra:
                    rows.append(extra.row)
    replies = [_indicator_answer(q, row, engine) if row.kind == "indicator" else _row_answer(q, row) for row in rows]
    if len(replies) == 1:
        return replies[0]
    abstained = [reply for reply in replies if reply.abstained]
    replies = [reply for reply in replies if not reply.abstained] or replies[:1]
    merged = Answer(
        text="\n\n".join(reply.text for reply in replies),
        citations=_dedupe([c for reply in replies for c in reply.citations]),
        route=replies[0].route,
        chart=replies[0].chart,
        abstained=all(reply.abstained for reply in replies),
        intent=q.intent,
    )
    if abstained and not merged.abstained:
        merged.notices.append("Một số mục được hỏi không có số liệu này trong báo cáo.")
    return merged


def _unknown_words(q: Query, engine: Engine) -> list[str]:
    """Content words that occur nowhere in the corpus: after typo repair, or acronyms as typed ('CPI')."""
    words = [t for t in content_tokens(_link_text(q)) if t.isalpha() and len(t) >= 3]
    typed = _REPORT_ID_RE.sub(" ", q.norm.original)
    acronyms = [t for t in re.findall(r"(?<![\w/-])[A-ZĐ]{3,6}(?![\w/-]|\s*\d)", typed) if expand_abbreviations(t) == t]
    return [t for t in words + [fold_diacritics(a) for a in acronyms] if t not in engine.linker.vocabulary]


_UNIT_RE = re.compile(r"\b(?:bao nhieu|may)\s+([a-z]+(?:\s+[a-z]+)?)|^so\s+([a-z]+\s+[a-z]+)")
_GENERIC_UNITS = ("ty", "trieu", "phan", "%", "nam", "lan", "thang", "ngay", "du an", "nhiem vu", "chi tieu", "tien", "von")


def _unit_not_stated(q: Query, row: Row, engine: Engine) -> bool:
    """'… đạt bao nhiêu điểm?' about a row that states no number of điểm."""
    match = _UNIT_RE.search(fold_diacritics(q.text).strip())
    if not match or q.aspect or row.kind == "indicator":
        return False
    says_so = q.text.lower().startswith("số ") or (_mostly_unaccented(q.text) and not _agency_in(q, engine))
    if match.group(2) and not says_so:
        return False  # a question starting with 'Sở …' (an agency), not 'số …' (a number of)
    unit = match.group(1) or match.group(2)
    if unit.startswith(_GENERIC_UNITS) or unit.split()[0] in STOP_UNITS:
        return False
    first = unit if match.group(2) else unit.split()[0]
    return not re.search(rf"\d[\d.,]*\s*{re.escape(first)}\b", fold_diacritics(row.text))


STOP_UNITS = frozenset("la duoc con thi roi vay va cua".split())


def _abstain(q: Query, engine: Engine, scope: dict, links: list[Link]) -> Answer:
    names = ", ".join(f"Báo cáo số {r}" for r in scope["reports"][:1]) or "Kho báo cáo"
    suggestions = [_cite(link.row, None, link.row.name) for link in links[:3] if link.coverage > 0]
    text = render("no_answer", scope=names)
    if suggestions:
        text += " " + render("suggest")
    return Answer(text=text, route="none", abstained=True, confidence=0.0, suggestions=suggestions, intent=q.intent)


def _indicator_answer(q: Query, row: Row, engine: Engine) -> Answer:
    facts = row.facts
    year, prev_year = facts.get("year"), facts.get("prev_year")
    known_years = {y for y in (year, prev_year) if y}
    asked = [y for y in q.years if y not in known_years]
    if asked and not (set(q.years) & known_years):
        scope = f"Báo cáo số {row.report}"
        years = " và ".join(str(y) for y in sorted(known_years))
        return Answer(text=render("no_answer_year", scope=scope, years=years, year=asked[0]), route="none",
                      abstained=True, confidence=0.0, suggestions=[_cite(row, None, row.name)], intent=q.intent)
    unit = facts.get("unit") or ""
    unit_text = f" {unit}" if unit and unit != "%" else ("%" if unit == "%" else "")
    parts: list[str] = []
    cites: list[Citation] = []

    def value(role: str) -> str | None:
        typed = facts.get(role)
        return typed["raw"] if typed else None

    def add(role: str, label: str) -> None:
        raw = value(role)
        if raw is not None:
            suffix = "%" if role.endswith("_pct") else unit_text
            parts.append(f"{label}: {raw}{suffix}")
            cites.append(_cite(row, facts[role]["column"], raw))

    wants_prev = q.aspect == "year" and prev_year in q.years
    head = f"{row.name} ({_label(row)})"
    if wants_prev:
        add("actual_prev", f"năm {prev_year} thực hiện")
        add("estimate", f"năm {year} ước thực hiện")
        add("vs_prev_pct", f"ước {year} so năm {prev_year}")
    elif q.aspect == "vs_prev":
        add("estimate", f"ước thực hiện năm {year}")
        add("actual_prev", f"thực hiện năm {prev_year}")
        add("vs_prev_pct", f"ước {year} so năm {prev_year}")
        add("target", "Nghị quyết")
    else:
        add("estimate", f"ước thực hiện năm {year}")
        add("target", f"Nghị quyết HĐND năm {year}" if year else "Nghị quyết")
        add("actual_prev", f"thực hiện năm {prev_year}")
        add("vs_target_pct", "ước thực hiện so Nghị quyết")
        add("vs_prev_pct", f"so năm {prev_year}")
    text = f"{head}: " + "; ".join(parts) + "." if parts else f"{head}: báo cáo không ghi số liệu cho dòng này."
    verdict = facts.get("verdict")
    computed = facts.get("computed_vs_target")
    if verdict:
        text += f" Đánh giá của báo cáo: {verdict}."
        cites.append(_cite(row, "Ghi chú", verdict))
    elif q.aspect == "vs_target" and row.parent:
        parent = engine.by_id.get(f"{row.report}:{row.annex}:{row.parent}")
        if parent is not None and parent.facts.get("verdict"):
            text += f" Báo cáo đánh giá chỉ tiêu {parent.row} ({parent.name}): {parent.facts['verdict']}."
            cites.append(_cite(parent, "Ghi chú", parent.facts["verdict"]))
    if computed and q.aspect in ("vs_target", None, "target"):
        text += f" Đối chiếu ước thực hiện với Nghị quyết: {_COMPUTED[computed]}."
    if row.children and not parts:
        subs = []
        for child_row in row.children[:6]:
            child = engine.by_id.get(f"{row.report}:{row.annex}:{child_row}")
            if child and child.facts.get("estimate"):
                target = (child.facts.get("target") or {}).get("raw")
                subs.append(f"{child.name}: {child.facts['estimate']['raw']}" + (f" (Nghị quyết {target})" if target else ""))
                cites.append(_cite(child, child.facts["estimate"]["column"], child.facts["estimate"]["raw"]))
        if subs:
            text = f"{head}: gồm các chỉ tiêu thành phần (ước thực hiện năm {year}): " + "; ".join(subs) + "."
            if verdict:
                text += f" Đánh giá của báo cáo: {verdict}."
    chart = _chart(row)
    return Answer(text=text, citations=_dedupe(cites), route="table", chart=chart, intent=q.intent)


_COMPUTED = {"met": "đạt", "not_met": "chưa đạt", "exceeded": "vượt"}


def _chart(row: Row) -> dict | None:
    labels, values, raws = [], [], []
    for role, label in (("actual_prev", f"Thực hiện {row.facts.get('prev_year', '')}"),
                        ("target", "Nghị quyết"), ("estimate", f"Ước {row.facts.get('year', '')}")):
        typed = row.facts.get(role) or {}
        number = typed.get("value")
        if number is None and typed.get("low") is not None:
            number = (typed["low"] + typed["high"]) / 2
        if number is not None:
            labels.append(label.strip())
            values.append(number)
            raws.append(typed["raw"])
    if not values:
        return None
    return {"labels": labels, "values": values, "raw": raws, "verdict": row.facts.get("verdict"), "unit": row.facts.get("unit")}


def _row_answer(q: Query, row: Row) -> Answer:
    """A task/project row: the asked aspect first, then the key facts and the report's status text."""
    cells_by_role = {column_role(column): (column, value) for column, value in row.cells.items() if value}
    head = f"{row.name} ({_label(row)})"
    lines: list[str] = []
    cites: list[Citation] = []
    aspect = q.aspect
    if aspect in ROLE_LABELS:
        column, value = cells_by_role.get(aspect, (None, ""))
        if aspect == "coordinating" and not value:
            column, value = cells_by_role.get("lead", (None, ""))
        extra = [v.get(column) for v in row.extra_values if column and v.get(column)]
        if value:
            joined = value if not extra else value + "; " + "; ".join(extra)
            lines.append(f"{ROLE_LABELS[aspect]}: {joined}.")
            cites.append(_cite(row, column, joined))
        else:
            lines.append(f"Báo cáo không ghi {ROLE_LABELS[aspect].lower()} cho dòng này.")
        if aspect in ("prep_time", "impl_time"):
            other = "impl_time" if aspect == "prep_time" else "prep_time"
            if other in cells_by_role:
                col, val = cells_by_role[other]
                lines.append(f"{ROLE_LABELS[other]}: {val}.")
                cites.append(_cite(row, col, val))
        if aspect == "lead" and "coordinating" in cells_by_role:
            col, val = cells_by_role["coordinating"]
            lines.append(f"Cơ quan phối hợp: {val}.")
    elif aspect in FACT_LABELS:
        mention = _mention_sentence(row, aspect) if not row.facts.get(aspect) else None
        if mention:
            lines.append(f"Báo cáo không nêu {FACT_LABELS[aspect].lower()} dưới dạng số liệu riêng; báo cáo ghi: \"{mention}\"")
        elif not row.facts.get(aspect):
            label = FACT_LABELS[aspect].lower()
            return Answer(text=f"Không có trong báo cáo: báo cáo không nêu {label} của dự án/nhiệm vụ này.", route="none",
                          abstained=True, confidence=0.0, suggestions=[_cite(row, None, row.name)], intent=q.intent)
        else:
            lines.extend(_fact_lines(row, first=aspect))
    if row.marker:
        lines.append(f"Ký hiệu ({row.marker}): {row.marker_meaning or 'không có chú giải'}.")
    if aspect not in ROLE_LABELS:
        for role in ("lead", "impl_time"):
            if role in cells_by_role:
                column, value = cells_by_role[role]
                lines.append(f"{ROLE_LABELS[role]}: {value}.")
    if aspect not in FACT_LABELS:
        lines.extend(_fact_lines(row))
    status = _status(row)
    if status:
        lines.append(f"Tình hình theo báo cáo: {status}")
        cites.append(_cite(row, _status_column(row), status))
    elif aspect not in ROLE_LABELS:
        lines.append("Báo cáo không có nội dung tình hình thực hiện cho dòng này.")
    if row.footnotes and aspect not in ROLE_LABELS:
        lines.append("Chú thích: " + " ".join(row.footnotes))
    if not cites:
        cites.append(_cite(row, None, row.name))
    route = "retrieval" if q.intent in ("status", "detail") and aspect not in ROLE_LABELS else "table"
    return Answer(text=f"{head}:\n" + "\n".join(lines), citations=_dedupe(cites), route=route, intent=q.intent)


_FACT_CUES = {
    "capital_plan": ("ke hoach von", "bo tri"),
    "disbursed": ("giai ngan",),
    "disbursement_rate": ("giai ngan",),
    "site_clearance": ("mat bang",),
    "total_investment": ("tong muc dau tu",),
}


_AMOUNT_RE = re.compile(r"\d[\d.,]*\s*(?:ty|trieu|ha\b|%|m2|km)")


def _mention_sentence(row: Row, aspect: str) -> str | None:
    """A status sentence that speaks of ``aspect`` and states a number, e.g. 'giải phóng mặt bằng … (5,7ha)'."""
    for sentence in re.split(r"(?<=[.;])\s+|\n", _status(row)):
        folded = fold_diacritics(sentence)
        if any(cue in folded for cue in _FACT_CUES.get(aspect, ())) and _AMOUNT_RE.search(folded):
            return sentence.strip(" -")
    return None


def _fact_lines(row: Row, first: str | None = None) -> list[str]:
    facts = row.facts
    keys = list(FACT_LABELS)
    if first in keys:
        keys.remove(first)
        keys.insert(0, first)
    lines = []
    for key in keys:
        fact = facts.get(key)
        if not fact:
            continue
        unit = fact.get("unit", "")
        value = f"{fact['raw']}{'%' if unit == '%' else ' ' + unit if unit else ''}"
        qualifier = ""
        if key == "capital_plan" and fact.get("year"):
            qualifier = f" năm {fact['year']}"
        if key == "disbursed":
            qualifier = " (lũy kế)" if fact.get("scope") == "cumulative" else ""
            if fact.get("as_of"):
                qualifier += f" đến {fact['as_of']}"
        lines.append(f"{FACT_LABELS[key]}{qualifier}: {value} — \"{fact['quote']}\"")
    if first is not None or not lines:
        return lines
    return ["Số liệu chính: " + "; ".join(line.split(" — ")[0] for line in lines) + "."]


def _status_column(row: Row) -> str | None:
    return next((c for c in row.cells if column_role(c) == "status"), None)


def _status(row: Row) -> str:
    column = _status_column(row)
    parts = [row.cells.get(column, "")] if column else []
    parts += [extra[column] for extra in row.extra_values if column and extra.get(column)]
    return "\n".join(p for p in parts if p)


# ---------------------------------------------------------------------------------------------
# Collections: list, count, rank


def _collection(q: Query, engine: Engine, scope: dict) -> Answer | None:
    """List, count or rank rows through the fixed table tools (``structured.tools``)."""
    from structured.models import RowFilter
    from structured.tools import filter_rows

    kind = q.kind
    base = [row for row in filter_rows(engine.tables, RowFilter(annex=scope.get("annex"))) if row.report in scope["reports"]]
    if kind == "indicator" or q.verdict:
        base = [row for row in base if row.kind == "indicator"]
    elif kind in ("project", "task"):
        base = [row for row in base if row.kind != "indicator"] or base
    conditions: list[str] = [f"Phụ lục {scope['annex']}"] if scope.get("annex") else []
    marker = q.marker or _marker_from_meaning(q, base)
    agency = _agency_in(q, engine)
    matching = {row.id for row in filter_rows(engine.tables, RowFilter(annex=scope.get("annex"), marker=marker,
                                                                         verdict=q.verdict, agency=agency))}
    rows = [row for row in base if row.id in matching]
    if marker:
        meaning = next((row.marker_meaning for row in rows if row.marker_meaning), None)
        conditions.append(f"ký hiệu ({marker})" + (f": {meaning}" if meaning else ""))
    if q.verdict:
        conditions.append(f"đánh giá \"{q.verdict}\"")
    if agency:
        conditions.append(f"cơ quan chủ trì {agency}")
    period = next((y for y in q.years if 2000 < y < 2100), None) if q.intent == "list" and not q.verdict else None
    topic = _topic(q)
    if agency:
        from structured.agency import normalize_agency

        agency_words = set(content_tokens(f"{agency} {normalize_agency(agency)}")) | {"so"}
        topic = [t for t in topic if t not in agency_words]
    group = _group_in(q, engine, scope, topic)
    if group is not None:
        rows = [row for row in rows if row.group == group.row and row.annex == group.annex]
        conditions.append(f"nhóm {group.row}: {group.name}")
        topic = [t for t in topic if t not in engine.linker.name_sets[group.id] and t != group.row]
    if rows and all(row.kind == "indicator" for row in rows):
        parent = _indicator_parent(engine, rows, topic) if topic else None
        if parent is not None:
            rows = [row for row in rows if row.parent == parent.row and row.annex == parent.annex]
            conditions.append(f"các chỉ tiêu thành phần của {parent.name}")
            topic = []
        elif q.intent != "rank":
            rows = [row for row in rows if row.parent is None]
    if q.intent == "rank":
        return _rank(q, engine, rows, conditions)
    if topic and not (marker or q.verdict or agency):
        links = [link for link in engine.linker.link(" ".join(topic), rows) if link.coverage >= 0.99]
        keyword_rows = [link.row for link in links]
        if len(keyword_rows) == 1 and group is None:
            return None  # one row named: a question about that row, not a collection
        if keyword_rows:
            rows = [row for row in rows if row in keyword_rows]
            conditions.append("liên quan \"" + " ".join(topic) + "\"")
        elif not (scope.get("annex") or group is not None):
            return None
    if not conditions and q.intent != "count":
        return None
    if period and q.intent == "list":
        conditions.append(f"năm {period}")
    rows = sorted(rows, key=lambda r: (r.report, _annex_key(r.annex), r.order))
    table = [_table_row(row) for row in rows]
    what = {"indicator": "chỉ tiêu", "project": "dự án", "task": "nhiệm vụ"}.get(kind or "", "mục")
    condition_text = ", ".join(conditions) if conditions else "toàn bộ báo cáo"
    if q.intent == "count":
        text = f"Có {len(rows)} {what} ({condition_text})."
        if rows:
            text += " Gồm: " + "; ".join(f"{_short_label(r)} {r.name}" for r in rows[:40]) + "."
        return Answer(text=text, citations=[_cite(r, None, r.name) for r in rows], route="table", table=table,
                      intent="count", computed_values=[str(len(rows))])
    if not rows:
        return Answer(text=f"Không có {what} nào thỏa điều kiện: {condition_text}.", route="table", table=[], intent="list",
                      computed_values=["0"])
    listing = "\n".join(f"- {_short_label(r)}: {r.name}" + (f" — {r.facts['verdict']}" if r.facts.get("verdict") else "")
                        for r in rows)
    text = f"Có {len(rows)} {what} ({condition_text}):\n{listing}"
    return Answer(text=text, citations=[_cite(r, None, r.name) for r in rows], route="table", table=table, intent="list",
                  computed_values=[str(len(rows))])


_COLLECTION_WORDS = frozenset(
    "liet ke danh sach thap cao lon nho nhat xep hang dem luong tong khu vuc nao ty trong chiem i ii iii iv v vi".split()
)


def _topic(q: Query) -> list[str]:
    """What a list/count/rank question is about, without the words that ask for a list."""
    return [t for t in content_tokens(_link_text(q, q.norm.expanded)) if t not in _COLLECTION_WORDS and not t.isdigit()]


def _group_in(q: Query, engine: Engine, scope: dict, topic: list[str]) -> Row | None:
    """'Nhóm 5 của Phụ lục V', 'chỉ tiêu xã hội' → the group heading row meant."""
    groups = [row for row in engine.rows if row.kind == "group" and _in_scope(row, scope)]
    if q.group:
        return next((row for row in groups if row.row == q.group and (not scope.get("annex") or row.annex == scope["annex"])), None)
    if not topic:
        return None
    links = engine.linker.link(" ".join(topic), groups)
    return links[0].row if links and links[0].coverage >= 0.99 and links[0].pair_coverage >= 0.99 else None


def _indicator_parent(engine: Engine, rows: list[Row], topic: list[str]) -> Row | None:
    """'Khu vực nào … trong GRDP' → indicator 1, whose sub-lines are compared."""
    parents = [engine.by_id[f"{r.report}:{r.annex}:{r.parent}"] for r in rows if r.parent]
    parents = list({p.id: p for p in parents}.values())
    links = engine.linker.link(" ".join(topic), parents) if parents else []
    return links[0].row if links and links[0].coverage >= 0.5 else None


def _rank(q: Query, engine: Engine, rows: list[Row], conditions: list[str]) -> Answer | None:
    """Order ``rows`` by a stated fact with ``structured.tools.rank_rows`` (money compared in tỷ đồng)."""
    from structured.models import RowFilter
    from structured.tools import rank_rows

    key = q.rank_by
    if not key:
        return None
    allowed = {row.id for row in rows}
    ranked = [
        (item.sort_value, engine.by_id[item.id], engine.by_id[item.id].facts[key])
        for item in rank_rows(engine.tables, RowFilter(), key, q.rank_order, limit=None)
        if item.id in allowed and not (key == "disbursed" and item.scope == "cumulative")
    ]
    if not ranked:
        return None
    label = {"disbursement_rate": "tỷ lệ giải ngân", "disbursed": "số vốn đã giải ngân", "capital_plan": "kế hoạch vốn",
             "total_investment": "tổng mức đầu tư", "site_clearance": "tỷ lệ bàn giao mặt bằng",
             "estimate": "ước thực hiện", "vs_target_pct": "tỷ lệ so Nghị quyết", "vs_prev_pct": "tỷ lệ so năm trước"}[key]
    order = "thấp nhất" if q.rank_order == "asc" else "cao nhất"

    def shown(fact: dict) -> str:
        unit = fact.get("unit", "")
        return f"{fact['raw']}{'%' if unit == '%' or key.endswith('pct') or key.endswith('rate') else ' ' + unit if unit else ''}"

    top_value, top, top_fact = ranked[0]
    scope_text = (" trong " + ", ".join(conditions)) if conditions else ""
    text = f"{top.name} ({_label(top)}) có {label} {order}{scope_text}: {shown(top_fact)}."
    if top_fact.get("quote"):
        text += f" Báo cáo ghi: \"{top_fact['quote']}\"."
    text += f"\nXếp hạng các mục có nêu {label}:\n" + "\n".join(
        f"- {r.name} ({_short_label(r)}): {shown(f)}" for _, r, f in ranked
    )
    table = [dict(_table_row(r), **{label: shown(f)}) for _, r, f in ranked]
    citations = [_cite(r, None, f.get("quote") or f["raw"]) for _, r, f in ranked]
    return Answer(text=text, citations=citations, route="table", table=table, intent="rank")


def _marker_from_meaning(q: Query, rows: list[Row]) -> str | None:
    """'đang triển khai thi công' in a question → the marker whose legend says so in that annex."""
    folded = fold_diacritics(q.norm.restored)
    best, best_len = None, 0
    for row in rows:
        if not row.marker or not row.marker_meaning:
            continue
        meaning = fold_diacritics(row.marker_meaning)
        words = meaning.split()
        for size in range(min(len(words), 6), 3, -1):
            for start in range(0, len(words) - size + 1):
                phrase = " ".join(words[start : start + size])
                if phrase in folded and size > best_len and not phrase.startswith(("du an", "nhiem vu")):
                    best, best_len = row.marker, size
    return best


def _agency_in(q: Query, engine: Engine) -> str | None:
    """The lead agency a question names ('Sở GTVT', 'so khcn'), matched against the corpus's agencies."""
    from structured.agency import agencies_mentioned, known_agencies

    if "_agency_names" not in engine.__dict__:
        engine.__dict__["_agency_names"] = known_agencies(engine.tables)
    text = _REPORT_ID_RE.sub(" ", f"{q.norm.expanded} | {q.norm.restored}")
    found = agencies_mentioned(text, engine.__dict__["_agency_names"])
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# Legend


def _legend(q: Query, engine: Engine, scope: dict) -> Answer:
    reports = scope["reports"]
    named = q.annexes or ([scope["annex"]] if scope.get("annex") else [])
    annexes = named or sorted({r.annex for r in engine.rows if r.report == reports[0] and r.marker}, key=_annex_key)
    pieces, cites = [], []
    for annex in annexes:
        meaning = next((r.marker_meaning for r in engine.rows
                        if r.report == reports[0] and r.annex == annex and r.marker == q.marker and r.marker_meaning), None)
        if meaning:
            pieces.append(render("legend", annex=annex, report=reports[0], marker=q.marker, meaning=meaning))
            cites.append(Citation(row_id=f"{reports[0]}:{annex}:Ghi chú", report=reports[0], annex=annex, row="Ghi chú",
                                  column="Ghi chú", quote=f"({q.marker}) {meaning}"))
        elif named:
            pieces.append(render("legend_unknown", annex=annex, report=reports[0], marker=q.marker))
    if not cites:
        return Answer(text=" ".join(pieces) or render("no_answer", scope=f"Báo cáo số {reports[0]}"), route="none",
                      abstained=True, intent="legend")
    return Answer(text="\n".join(pieces), citations=cites, route="table", intent="legend")


# ---------------------------------------------------------------------------------------------
# Helpers


def _annex_key(annex: str) -> int:
    order = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    return order.index(annex) if annex in order else 99


def _label(row: Row) -> str:
    noun = {"indicator": "chỉ tiêu", "project": "mục", "task": "mục", "group": "nhóm"}[row.kind]
    return f"Báo cáo số {row.report}, Phụ lục {row.annex}, {noun} {row.row}"


def _short_label(row: Row) -> str:
    marker = f" ({row.marker})" if row.marker else ""
    return f"PL {row.annex} mục {row.row}{marker}"


def _cite(row: Row, column: str | None, quote: str | None) -> Citation:
    return Citation(row_id=row.id, report=row.report, annex=row.annex, row=row.row, annex_title=row.annex_title,
                    column=column, quote=(quote or "")[:2000])


def _dedupe(citations: list[Citation]) -> list[Citation]:
    seen: dict[tuple, Citation] = {}
    for citation in citations:
        seen.setdefault((citation.row_id, citation.column), citation)
    return list(seen.values())


def _table_row(row: Row) -> dict[str, Any]:
    lead = next((v for c, v in row.cells.items() if column_role(c) == "lead"), "")
    record = {"Báo cáo": row.report, "Phụ lục": row.annex, "Mục": row.row, "Tên": row.name, "Ký hiệu": row.marker or "",
              "Ý nghĩa ký hiệu": row.marker_meaning or ""}
    if row.kind == "indicator":
        record.update({"ĐVT": row.facts.get("unit") or "", "Ước thực hiện": (row.facts.get("estimate") or {}).get("raw", ""),
                       "Nghị quyết": (row.facts.get("target") or {}).get("raw", ""), "Đánh giá": row.facts.get("verdict") or ""})
    else:
        record["Cơ quan chủ trì"] = lead
    return record


def _vn_date(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"

