"""The semantic layer: what the loaded reports contain, in the words people use to ask about it.

Built once per corpus from the rows and annexes (nothing here knows one report): the reports and their
years, each annex's kind, column roles and legend, the row entities and the words of their names
(an inverted index, so candidate rows are found without scanning every row), the agencies, the verdict
vocabulary actually printed, and the general lexicon (``structured/lexicon.yaml``) folded for matching.

Example::

    layer = SemanticLayer.build(rows, annexes)
    layer.newest_report().number == "320/BC-UBND"
    layer.rows_named_by(["thu", "vien"])          # ids of rows whose name has these words
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from ingestion.columns import header_leaf
from ingestion.models import Annex, Row
from retrieval.abbreviations import expand_abbreviations
from structured.agency import known_agencies
from structured.lexicon import PhraseIndex, fold, fold_tokens, lexicon, tokens

LEGEND_SPAN_WORDS = 25  # words of a legend meaning searched for phrases a question may quote
LEGEND_MIN_SPAN = 4  # shorter runs ("kế hoạch vốn") are ordinary words, not a quote of the legend
_YEARLESS_RE = re.compile(r"(?<!so )(?<!so năm )\b(?:năm\s+)?(?:19|20)\d{2}\b", re.IGNORECASE)
PLACE_MIN_MENTIONS = 3  # a place named this often in a report's row names is the place it is about
_PLACE_RE = re.compile(r"\b(?:tỉnh|thành phố|TP\.?)\s+((?:[A-ZĐÂ][^\s,;.()]*)(?:\s+[A-ZĐÂ][^\s,;.()]*){0,3})")
_BRACKETS_RE = re.compile(r"\(([^()]*)\)")
_ACRONYM_RE = re.compile(r"(?<![\w&])([A-ZĐ][A-ZĐ&\-]{1,9})(?![\w&])")  # "GRDP" in "(GRDP, giá so sánh 2010)"


@dataclass
class ReportView:
    """One loaded report. ``year``: the year its tables report on (from their headers), else its date's year."""

    number: str
    date: str | None
    issuer: str | None
    year: int | None
    annexes: list[Annex]
    place: tuple[str, ...] = ()  # folded name of the province / city it is about ("dong", "thap")

    def annex(self, numeral: str) -> Annex | None:
        return next((a for a in self.annexes if a.annex == numeral), None)


ROW_NOUN_MAX_WORDS = 3  # a name column's header this short is what the rows are ("Địa bàn"), not a description
INITIALISM_WORDS = (3, 6)  # phrases of 3 to 6 words: initials of 3 letters or more ("sxd", "ttxd"; never "kh")
INITIALISM_MIN_USES = 2  # a phrase the corpus says at least twice: a recurring notion, not a chance run
INITIALISM_DOMINANCE = 3  # the phrase must be 3× as frequent as the next one with the same initials

@dataclass
class LayerPart:
    """The layer's word indexes for one report's rows (they add up over reports), worked out once per
    report content."""

    name_index: dict[str, set[str]]  # folded word → row ids (name, group title)
    text_index: dict[str, set[str]]  # folded word → row ids (any cell)
    forms: dict[str, set[str]]  # folded word → accented spellings seen
    df: Counter[str]  # folded word → rows that have it
    written_df: Counter[str]  # word as written (lower case) → rows that have it
    name_words: dict[str, list[str]]
    acronyms: dict[str, set[str]]
    bigrams: Counter[tuple[str, str]]
    written_bigrams: set[tuple[str, str]]

    @classmethod
    def of(cls, rows: list[Row]) -> LayerPart:
        """The part of ``rows`` (one report's)."""
        part = cls({}, {}, {}, Counter(), Counter(), {}, {}, Counter(), set())
        by_id = {row.id: row for row in rows}
        for row in rows:
            parent = by_id.get(f"{row.report}:{row.annex}:{row.parent}")
            name_text = " ".join(filter(None, [row.name, row.group_title, parent.name if parent and row.kind == "indicator" else ""]))
            words = fold_tokens(name_text)
            part.name_words[row.id] = fold_tokens(row.name)
            for word in set(words):
                part.name_index.setdefault(word, set()).add(row.id)
            all_words = set(words)
            all_written = set(tokens(name_text))
            for text in (*row.cells.values(), *(v for sub in row.extra_values for v in sub.values())):
                folded_tokens = []
                written_tokens = tokens(text)
                all_written.update(written_tokens)
                for token in written_tokens:
                    folded = fold(token)
                    folded_tokens.append(folded)
                    all_words.add(folded)
                    part.forms.setdefault(folded, set()).add(token)
                part.bigrams.update(zip(folded_tokens, folded_tokens[1:], strict=False))
                part.written_bigrams.update(zip(written_tokens, written_tokens[1:], strict=False))
            for token in tokens(name_text):
                part.forms.setdefault(fold(token), set()).add(token)
            for word in all_words:
                part.text_index.setdefault(word, set()).add(row.id)
            part.df.update(all_words)
            part.written_df.update(all_written)
            for inside in _BRACKETS_RE.findall(row.name):
                for acronym in _ACRONYM_RE.findall(inside):
                    part.acronyms.setdefault(fold(acronym), set()).add(row.id)
        return part


NAME_RUN = 3  # words in a row of a name: fewer meet by chance in any question ("do co"), more are rarely typed


@dataclass
class SemanticLayer:
    rows: dict[str, Row]
    annexes: dict[tuple[str, str], Annex]
    reports: list[ReportView]  # newest first
    name_index: dict[str, set[str]] = field(default_factory=dict)  # folded word → row ids (name, group title)
    text_index: dict[str, set[str]] = field(default_factory=dict)  # folded word → row ids (any cell)
    idf: dict[str, float] = field(default_factory=dict)
    written_idf: dict[str, float] = field(default_factory=dict)  # the same over words as written
    forms: dict[str, set[str]] = field(default_factory=dict)  # folded word → accented spellings seen
    agency_names: list[str] = field(default_factory=list)
    name_words: dict[str, list[str]] = field(default_factory=dict)  # row id → folded name words
    acronyms: dict[str, set[str]] = field(default_factory=dict)  # folded acronym → row ids defining it
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)  # adjacent folded words (corpus and lexicon)
    written_bigrams: set[tuple[str, str]] = field(default_factory=set)  # the same pairs as written (lower case)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls, rows: Iterable[Row], annexes: Iterable[Annex] = (), parts: Callable[[list[Row]], LayerPart] | None = None
    ) -> SemanticLayer:
        """The layer of ``rows``; ``parts`` gives each report's :class:`LayerPart` (e.g. from a cache keyed
        by its rows' content), so adding a report indexes only the new one; by default each is worked out."""
        by_id = {row.id: row for row in rows}
        annex_map = {(a.report, a.annex): a for a in annexes}
        for row in by_id.values():  # annex records may be missing (rows from an older rows.jsonl)
            annex_map.setdefault(
                (row.report, row.annex),
                Annex(report=row.report, report_date=row.report_date, issuer=row.issuer, annex=row.annex,
                      title=row.annex_title, kind=row.kind if row.kind in ("indicator", "project", "task") else "task",
                      columns=list(row.cells), roles=dict(row.roles)),
            )
        layer = cls(rows=by_id, annexes=annex_map, reports=_reports(by_id.values(), annex_map))
        by_report: dict[str, list[Row]] = defaultdict(list)
        for row in by_id.values():
            by_report[row.report].append(row)
        part = parts or LayerPart.of
        layer._index([part(report_rows) for report_rows in by_report.values()])
        return layer

    def _index(self, parts: list[LayerPart]) -> None:
        name_index: dict[str, set[str]] = defaultdict(set)
        text_index: dict[str, set[str]] = defaultdict(set)
        forms: dict[str, set[str]] = defaultdict(set)
        df: Counter[str] = Counter()
        written_df: Counter[str] = Counter()
        for part in parts:
            for merged, own in ((name_index, part.name_index), (text_index, part.text_index), (forms, part.forms),
                                (self.acronyms, part.acronyms)):
                for key, values in own.items():
                    merged.setdefault(key, set()).update(values)
            df.update(part.df)
            written_df.update(part.written_df)
            self.name_words.update(part.name_words)
            self.bigrams.update(part.bigrams)
            self.written_bigrams.update(part.written_bigrams)
        n = max(len(self.rows), 1)
        self.idf = {word: math.log(1 + n / count) for word, count in df.items()}
        self.written_idf = {word: math.log(1 + n / count) for word, count in written_df.items()}
        lex = lexicon()
        sections = ("measures", "operations", "kinds", "periods", "dialogue", "politeness", "verdict_questions",
                    "function_words", "frame_words", "fields")
        phrases = [p for section in sections for ps in lex.phrases(section).values() for p in ps]
        # the corpus' own words outside its rows too: annex titles, legends, column headers ("cần tháo gỡ")
        phrases += [t for a in self.annexes.values() for t in (a.title or "", *a.legend.values(), *a.roles)]
        for phrase in phrases:
            written = tokens(phrase)
            for token in written:
                forms[fold(token)].add(token)
            folded_phrase = [fold(t) for t in written]
            self.bigrams.update(zip(folded_phrase, folded_phrase[1:], strict=False))
            self.written_bigrams.update(zip(written, written[1:], strict=False))
        for expansions in lex.abbreviations.values():
            for expansion in expansions:
                for token in tokens(expansion):
                    forms[fold(token)].add(token)
        self.name_index, self.text_index, self.forms = dict(name_index), dict(text_index), dict(forms)
        self.agency_names = known_agencies(self.rows.values())

    @cached_property
    def name_runs(self) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
        """Runs of :data:`NAME_RUN` words of the rows' names, folded → as printed (lower case): a question typed
        without diacritics that says such a run says the name's words ("bang cap chung chi"), whatever cue words
        of the lexicon they fold to ("chi được", "bảng")."""
        runs: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for row in self.rows.values():
            written = [t.lower() for t in tokens(row.name)]
            for start in range(len(written) - NAME_RUN + 1):
                run = tuple(written[start : start + NAME_RUN])
                runs[tuple(fold(t) for t in run)].add(run)
        return dict(runs)

    def folded_text(self, row_id: str) -> str:
        """Everything a row prints (its group's title, its name, its cells), folded, punctuation kept."""
        row = self.rows[row_id]
        return " ".join(fold(t) for t in (row.group_title or "", row.name, *row.cells.values()))

    # -- reports ------------------------------------------------------------------------------

    def rows_of(self, report: str | None) -> list[Row]:
        """The rows of one report in corpus order (none for ``None``): a question's checks look at its
        report only, never at every row of a corpus of hundreds of reports."""
        return self._by_report.get(report, []) if report is not None else []

    @cached_property
    def _by_report(self) -> dict[str, list[Row]]:
        by_report: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows.values():
            by_report[row.report].append(row)
        return dict(by_report)

    def newest_report(self) -> ReportView | None:
        return self.reports[0] if self.reports else None

    def report(self, number: str) -> ReportView | None:
        return next((r for r in self.reports if r.number == number), None)

    def reports_named(self, reference: str) -> list[str]:
        """Report numbers a question names: ``"320"``, ``"320/BC-UBND"``, ``"báo cáo 45"``."""
        key = fold(reference).replace(" ", "")
        exact = [r.number for r in self.reports if fold(r.number).replace(" ", "") == key]
        return exact or [r.number for r in self.reports if fold(r.number).split("/")[0] == key.split("/")[0]]

    def reports_covering(self, year: int) -> list[str]:
        """Reports whose tables report on ``year`` (or whose date falls in it), newest first."""
        return [r.number for r in self.reports if r.year == year or (r.date or "").startswith(str(year))]

    # -- vocabulary ---------------------------------------------------------------------------

    def weight(self, folded_word: str) -> float:
        """How much a word identifies a row: idf over rows; unknown words weigh most."""
        return self.idf.get(folded_word, self.max_idf)

    def written_weight(self, written_word: str) -> float:
        """The same weight over words as written: "cận" is rare though "can" (cần, cán, căn) is common."""
        return self.written_idf.get(written_word, self.max_idf)

    @cached_property
    def max_idf(self) -> float:
        return math.log(1 + max(len(self.rows), 1))

    def known(self, folded_word: str) -> bool:
        return folded_word in self.forms

    def vocabulary_by_length(self, length: int) -> list[str]:
        """Known folded words of ``length`` ± 1 letters (candidates for a one-letter typo repair)."""
        return [w for n in (length - 1, length, length + 1) for w in self._by_length.get(n, ())]

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in self.forms:
            if word.isalpha():
                by_length[len(word)].append(word)
        return dict(by_length)

    def rows_named_by(self, folded_words: Iterable[str]) -> set[str]:
        """Ids of rows whose name (or group title, or parent indicator's name) has any of the words."""
        found: set[str] = set()
        for word in folded_words:
            found |= self.name_index.get(word, set())
        return found

    def rows_mentioning(self, folded_words: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for word in folded_words:
            found |= self.text_index.get(word, set())
        return found

    @cached_property
    def legend_index(self) -> PhraseIndex:
        """Marker meanings of every annex, keyed ``report|annex|marker``, and every run of three or more of
        their words that only one marker of the annex has ("đang lập hồ sơ đề xuất chủ trương")."""
        index = PhraseIndex()
        for (report, numeral), annex in self.annexes.items():
            spans: dict[tuple[str, ...], set[str]] = defaultdict(set)
            written: dict[tuple[str, ...], str] = {}
            for marker, meaning in annex.legend.items():
                words = tokens(meaning)[:LEGEND_SPAN_WORDS]
                for size in range(min(LEGEND_MIN_SPAN, len(words)), len(words) + 1):
                    for start in range(len(words) - size + 1):
                        span = tuple(fold(w) for w in words[start : start + size])
                        spans[span].add(marker)
                        written[span] = " ".join(words[start : start + size])
            for span, markers in spans.items():
                if len(markers) == 1:
                    index.add(f"{report}|{numeral}|{next(iter(markers))}", written[span])
        return index

    @cached_property
    def verdict_wordings(self) -> frozenset[str]:
        """The verdicts the rows print, folded ("vuot tien do", "co ban dat"): a question saying one says that verdict."""
        return frozenset(" ".join(fold_tokens(v)) for row in self.rows.values() if isinstance(v := row.facts.get("verdict"), str) and v)

    @cached_property
    def names_text(self) -> str:
        """Every row name as folded words, one per line: ``f" {phrase} " in layer.names_text`` says a
        phrase is an ordinary part of some row's name. Each distinct name once (reports repeat names), so the
        search costs the vocabulary of names, not the number of rows; a phrase never spans two lines."""
        return "\n".join(dict.fromkeys(f" {' '.join(words)} " for words in self.name_words.values()))

    @cached_property
    def initialisms(self) -> dict[str, str]:
        """Folded initials → the phrase of the corpus they abbreviate ("gpxd" → "giấy phép xây dựng",
        "noxh" → "nhà ở xã hội"): users shorten the corpus' own recurring phrases, so the phrases come
        from row names, annex titles, column headers and agencies (each distinct text once). Initials
        that are a word, or that two phrases share about as often, abbreviate nothing."""
        units = set(self.agency_names) | {  # names by themselves: an agency, one line of a column header
            part.strip() for a in self.annexes.values() for h in a.columns for part in re.split(r"\s+[–—]\s+|\(", h)}
        texts = {row.name for row in self.rows.values()} | units | {a.title for a in self.annexes.values()}
        function = {w.lower() for w in lexicon().phrases("function_words")["function_words"]}  # as written: "hội" ≠ "hỏi"
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            for words in re.split(r"[^\w\s]+", text or ""):
                written = [w.lower() for w in words.split() if w.isalpha()]
                for size in range(INITIALISM_WORDS[0], INITIALISM_WORDS[1] + 1):
                    for start in range(len(written) - size + 1):
                        phrase = written[start : start + size]
                        if phrase[0] in function or phrase[-1] in function:
                            continue  # "biến đổi khí hậu của": a phrase is not cut before or after "của", "và"
                        counts[fold("".join(w[0] for w in phrase))][" ".join(phrase)] += 1
        for unit in units:  # a whole agency name or column header is a name by itself, said once or not
            written = [w.lower() for w in unit.split() if w.isalpha()]
            if INITIALISM_WORDS[0] <= len(written) == len(unit.split()) <= INITIALISM_WORDS[1]:
                counts[fold("".join(w[0] for w in written))][" ".join(written)] += INITIALISM_MIN_USES
        found: dict[str, str] = {}
        for initials, phrases in counts.items():
            if initials in self.idf or any(not form.isupper() for form in self.forms.get(initials, ())):
                continue  # a word of the corpus or the lexicon; "SXD" seen only in capitals ("57/BC-SXD") is not
            (best, n), *rest = phrases.most_common(2) + [("", 0)]
            if n >= INITIALISM_MIN_USES and n >= INITIALISM_DOMINANCE * rest[0][1]:
                found[initials] = best
        return found

    @cached_property
    def legend_words(self) -> list[tuple[str, list[str]]]:
        """Each marker meaning as words, keyed ``report|annex|marker``: the question may say it loosely
        ("đang thi công" for "Dự án đang triển khai thi công")."""
        return [(f"{report}|{numeral}|{marker}", tokens(meaning)[:LEGEND_SPAN_WORDS])
                for (report, numeral), annex in self.annexes.items() for marker, meaning in annex.legend.items()]

    @cached_property
    def legend_groups(self) -> list[tuple[list[str], list[str]]]:
        """:attr:`legend_words` with each distinct wording once: (words, its ``report|annex|marker`` keys).
        Reports repeat their legends, so a scan of these costs the distinct legends, not the reports."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for key, words in self.legend_words:
            for wording in _said_instead(words):
                groups.setdefault(tuple(wording), []).append(key)
        return [(list(words), keys) for words, keys in groups.items()]

    @cached_property
    def group_rows(self) -> list[Row]:
        return [row for row in self.rows.values() if row.kind == "group"]

    @cached_property
    def header_index(self) -> PhraseIndex:
        """Column headers of the corpus → their role: a question may name a column as printed."""
        index = PhraseIndex()
        for annex in self.annexes.values():
            for header, role in annex.roles.items():
                if role not in ("number", "name"):
                    leaf = re.sub(r"\(.*?\)", " ", header_leaf(header))
                    for variant in {leaf, expand_abbreviations(leaf)}:
                        index.add(role, variant)
                        index.add(role, _YEARLESS_RE.sub(" ", variant))  # named without its year
        return index

    @cached_property
    def header_months(self) -> frozenset[str]:
        """The spans of months the corpus's column headers report ("Ước thực hiện 6 tháng" → ``"6"``): a question
        saying "6 tháng (đầu năm)" names that column's period, not a row."""
        return frozenset(m.group(1) for annex in self.annexes.values() for header in annex.roles
                         for m in re.finditer(r"\b(\d{1,2}) thang\b", " ".join(fold_tokens(header))))

    @cached_property
    def header_date_months(self) -> frozenset[str]:
        """Months of the dates column headers are reported at ("Giải ngân đến 30/11/2024" → ``"11"``): "đến (cuối)
        tháng 11" names that column's date, not a row."""
        return frozenset(str(int(m.group(1))) for annex in self.annexes.values() for header in annex.roles
                         for m in re.finditer(r"\b\d{1,2}/(\d{1,2})(?:/\d{2,4})?\b", header))

    @cached_property
    def row_noun_index(self) -> PhraseIndex:
        """What an annex calls its rows, from the header of its name column ("Địa bàn", "Đơn vị"), keyed
        ``report|annex``: "địa bàn nào …" asks for rows of that table. Headers that are a kind of the lexicon
        ("Tên dự án", "Chỉ tiêu", "Nội dung nhiệm vụ") are already kind nouns and left out."""
        index = PhraseIndex()
        places = sorted(lexicon().phrases("place_nouns")["place_nouns"], key=len, reverse=True)
        for (report, numeral), annex in self.annexes.items():
            for header, role in annex.roles.items():
                if role == "name" and (noun := row_noun(header)):
                    for said in (noun, *lexicon().phrases("row_nouns").get(noun, [])):  # "địa bàn" also "địa phương"
                        index.add(f"{report}|{numeral}", said)
                    # rows that are places ("Huyện Long Hồ", "Thị xã Bình Minh"): "huyện nào", "bao nhiêu huyện, thị xã"
                    names = [" ".join(fold_tokens(r.name)) for r in self.rows_of(report) if r.annex == numeral and r.kind != "total"]
                    starts = {next((p for p in places if n == fold(p) or n.startswith(fold(p) + " ")), None) for n in names}
                    if names and None not in starts:
                        for place in starts:
                            index.add(f"{report}|{numeral}", place)
        return index

    def annex_kind(self, report: str, numeral: str) -> str | None:
        annex = self.annexes.get((report, numeral))
        return annex.kind if annex else None


def row_noun(name_header: str) -> str | None:
    """What a table calls its rows, from the header of its name column: ``row_noun("Địa bàn") == "địa bàn"``;
    None for a header that is a kind of the lexicon ("Tên dự án", "Chỉ tiêu") or a description (long)."""
    words = tokens(re.sub(r"\(.*?\)", " ", name_header))
    kind_words = {fold(w) for phrases in lexicon().phrases("kinds").values() for p in phrases for w in p.split()}
    if 0 < len(words) <= ROW_NOUN_MAX_WORDS and not {fold(w) for w in words} & kind_words:
        return " ".join(words)
    return None


def _reports(rows: Iterable[Row], annexes: dict[tuple[str, str], Annex]) -> list[ReportView]:
    first: dict[str, Row] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        first.setdefault(row.report, row)
        texts[row.report].append(row.name)
    views = []
    for number, row in first.items():
        report_annexes = sorted((a for (r, _), a in annexes.items() if r == number), key=lambda a: _annex_order(a.annex))
        years = [a.year for a in report_annexes if a.year]
        year = Counter(years).most_common(1)[0][0] if years else (int(row.report_date[:4]) if row.report_date else None)
        views.append(ReportView(number, row.report_date, row.issuer, year, report_annexes, _place(row.issuer, texts[number])))
    return sorted(views, key=lambda v: (v.date or "", v.number), reverse=True)


def _place(issuer: str | None, texts: list[str]) -> tuple[str, ...]:
    """The province / city a report is about: named in its issuer ("UBND tỉnh Đồng Tháp"), else the one
    its rows name most often after "tỉnh" / "thành phố" (at least ``PLACE_MIN_MENTIONS`` times)."""
    if issuer and (match := _PLACE_RE.search(issuer)):
        return tuple(fold_tokens(match.group(1)))
    counts = Counter(m.group(1) for text in texts for m in _PLACE_RE.finditer(text))
    place, seen = counts.most_common(1)[0] if counts else ("", 0)
    return tuple(fold_tokens(place)) if seen >= PLACE_MIN_MENTIONS else ()


_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def _annex_order(numeral: str) -> tuple[int, str]:
    if numeral in _ROMANS:
        return _ROMANS.index(numeral) + 1, numeral
    return (int(numeral), numeral) if numeral.isdigit() else (99, numeral)


def annex_matches(numeral: str, asked: str) -> bool:
    """``"III"`` answers to ``"3"`` and ``"iii"``; ``"2"`` to ``"II"``."""
    asked = asked.strip().upper()
    if numeral.upper() == asked:
        return True
    value = _annex_order(numeral)[0]
    other = _annex_order(asked)[0]
    return value != 99 and value == other


def _said_instead(words: list[str]) -> list[list[str]]:
    """A legend's words, and the same with a printed phrase in the words people say instead (lexicon
    ``said_instead``): "dự kiến hoàn thành …" is also "dự kiến xong …"."""
    wordings = [words]
    lowered = [w.lower() for w in words]
    for printed, others in lexicon().section("said_instead").items():
        phrase = tokens(printed)
        for start in range(len(words) - len(phrase) + 1):
            if lowered[start : start + len(phrase)] == phrase:
                wordings += [words[:start] + tokens(other) + words[start + len(phrase) :] for other in others]
                break
    return wordings
