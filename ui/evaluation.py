"""The «Đánh giá» page: upload a question set, run it, read the scores, grade by hand, compare two runs.

Logic lives in ``eval/question_sets.py`` (reading files) and ``eval/runs.py`` (running, saving, grading,
comparing, exporting); this module only lays it out. A run is a :class:`eval.runs.RunJob` in a background
thread kept in the session; a fragment polls it (``RUN_POLL_S``) for the progress bar and the cancel button.
"""

from __future__ import annotations

from typing import Any

from eval import runs
from eval.question_sets import QuestionSetError, read_question_set, template_csv, template_xlsx
from ui.text import md_block, md_escape, shorten, vn_number

RUN_POLL_S = 0.5  # how often the page redraws the progress bar while a run goes on
ALL = "__all__"
JOB_KEY = "eval_job"
SHOWN_RUN_KEY = "eval_run_shown"
GRADE_EDITOR_KEY = "eval_grades_editor"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Columns of the grading table: the two to fill in first, so they stay in view on a narrow screen.
GRADE_COLUMNS = ("chấm", "ghi chú", "mã", "câu hỏi", "đáp án mong đợi", "câu trả lời", "trích dẫn")


def render_evaluation(st: Any, engine: Any) -> None:
    store = runs.RunStore(engine.settings.eval_runs_dir)
    st.title("Đánh giá")
    st.caption(
        "Chạy một bộ câu hỏi qua trợ lý, xem kết quả theo loại câu hỏi, chấm tay những câu không có đáp án "
        "và so sánh hai lần chạy. Chấm nghiêm: thiếu chuỗi «phải có», có chuỗi «không được có», sai số lượng "
        "hoặc trích dẫn sai dòng đều tính là sai."
    )
    render_upload(st, engine, store)
    st.divider()
    render_results(st, store)
    st.divider()
    render_compare(st, store)


# ---------------------------------------------------------------- upload and run


def render_upload(st: Any, engine: Any, store: runs.RunStore) -> None:
    state = st.session_state
    st.subheader("1. Bộ câu hỏi")
    left, right = st.columns(2)
    left.download_button(
        "Tải tệp mẫu (.xlsx)",
        template_xlsx(),
        "mau-bo-cau-hoi.xlsx",
        XLSX_MIME,
        icon=":material/download:",
        key="template_xlsx",
    )
    right.download_button(
        "Tải tệp mẫu (.csv)",
        template_csv(),
        "mau-bo-cau-hoi.csv",
        "text/csv",
        icon=":material/download:",
        key="template_csv",
    )
    st.caption(
        "Cột bắt buộc: «câu hỏi». Không bắt buộc: «ngữ cảnh / câu trước», «đáp án mong đợi», «phải có», "
        "«không được có», «nguồn», «loại». Câu không có đáp án được chấm tay sau khi chạy. "
        f"Tối đa {engine.settings.eval_max_questions:,} câu mỗi lần.".replace(",", ".")
    )
    upload = st.file_uploader(
        "Tải lên bộ câu hỏi (.xlsx, .csv, .jsonl)", type=["xlsx", "csv", "jsonl"], key="eval_upload"
    )
    if upload is None:
        return
    data = upload.getvalue()
    try:
        qset = read_question_set(
            data, upload.name, engine.settings.eval_max_questions, engine.settings.eval_max_upload_bytes
        )
    except QuestionSetError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return
    hand = qset.n_hand
    st.success(
        md_escape(
            f"Đã đọc {len(qset.questions)} câu hỏi từ {upload.name}: {len(qset.questions) - hand} câu máy chấm được, "
            f"{hand} câu cần chấm tay."
        ),
        icon=":material/check_circle:",
    )
    for notice in qset.notices:
        st.info(md_escape(notice), icon=":material/info:")

    reports = engine.reports()
    labels = {ALL: "Tất cả báo cáo đã nạp"} | {
        r["number"]: f"{r['number']} ({r.get('date') or 'không rõ ngày'})" for r in reports
    }
    report = st.selectbox(
        "Báo cáo dùng để trả lời",
        [ALL, *[r["number"] for r in reports]],
        key="eval_report",
        format_func=lambda v: labels.get(v, v),
    )
    with_baseline = st.checkbox(
        "Thêm cột «RAG đơn giản» để so sánh (chậm hơn: dựng chỉ mục riêng)",
        key="eval_baseline",
        help="Chia văn bản thành đoạn, lấy 4 đoạn gần nhất; từ chối theo ngưỡng chọn trên bộ câu hỏi phát triển.",
    )
    job = state.get(JOB_KEY)
    running = job is not None and not job.finished
    if st.button(
        "Chạy đánh giá", type="primary", icon=":material/play_arrow:", disabled=running, key="eval_start"
    ):
        filters = {"report": None if report == ALL else report}
        state[JOB_KEY] = start_job(engine, qset, filters, store, with_baseline)
        state.pop(SHOWN_RUN_KEY, None)
    if state.get(JOB_KEY) is not None:
        render_progress(st)


def start_job(
    engine: Any, qset: Any, filters: dict[str, Any], store: runs.RunStore, with_baseline: bool
) -> runs.RunJob:
    import assistant

    baseline = None
    if with_baseline:

        def baseline():  # noqa: ANN202 - built in the run's thread
            from eval.baseline import Baseline, fit_threshold
            from retrieval.embeddings import get_embedder

            embedder = get_embedder(engine.settings)
            return Baseline(engine.corpus_files, embedder=embedder), fit_threshold(
                embedder=embedder, cache_dir=engine.settings.cache_dir
            )

    meta = runs.run_meta(qset, engine, filters, engine.settings)
    return runs.RunJob(
        qset.questions, assistant.answer, engine, filters=filters, baseline=baseline, store=store, meta=meta
    ).start()


def render_progress(st: Any) -> None:
    job: runs.RunJob = st.session_state[JOB_KEY]

    @st.fragment(run_every=RUN_POLL_S if not job.finished else None, key=f"eval_progress_{job.run_id}")
    def progress() -> None:
        if job.finished:
            if st.session_state.get(SHOWN_RUN_KEY) != job.saved_run_id and job.saved_run_id:
                st.session_state[SHOWN_RUN_KEY] = job.saved_run_id
                st.session_state["eval_pick_run"] = job.saved_run_id
                st.rerun()  # the whole page: the new run in the results
            text = {"done": "Đã chạy xong", "cancelled": "Đã dừng", "failed": "Lỗi khi chạy"}[job.status]
            st.progress(job.done / max(job.total, 1), text=f"{text}: {job.done}/{job.total} câu.")
            if job.error:
                st.error(md_escape(f"Chi tiết lỗi: {job.error}"))
            return
        if job.phase == "baseline":
            label = "Đang dựng chỉ mục cho cột «RAG đơn giản»…"
        else:
            eta = job.eta_s()
            label = f"Đang trả lời: {job.done}/{job.total} câu" + (
                f" · còn khoảng {eta:.0f} giây" if eta is not None else ""
            )
        st.progress(job.done / max(job.total, 1), text=label)
        if job.cancelled:
            st.caption("Đang dừng sau câu hiện tại…")
        elif st.button("Dừng", icon=":material/stop:", key="eval_cancel"):
            job.cancel()
            st.caption("Đang dừng sau câu hiện tại…")

    progress()


# ---------------------------------------------------------------- results of one run


def run_label(meta: dict[str, Any]) -> str:
    status = {"done": "", "cancelled": " · đã dừng", "failed": " · lỗi"}.get(meta.get("status", ""), "")
    qset = meta.get("question_set", {})
    return (
        f"{meta['run_id']} · {qset.get('name', '')} · {meta.get('n_done', 0)}/{qset.get('n', 0)} câu{status}"
    )


def render_results(st: Any, store: runs.RunStore) -> None:
    st.subheader("2. Kết quả")
    metas = store.list()
    if not metas:
        st.info("Chưa có lần chạy nào. Tải lên bộ câu hỏi và bấm «Chạy đánh giá».")
        return
    labels = {m["run_id"]: run_label(m) for m in metas}
    if st.session_state.get("eval_pick_run") not in labels:
        st.session_state["eval_pick_run"] = metas[0]["run_id"]
    run_id = st.selectbox(
        "Lần chạy", list(labels), key="eval_pick_run", format_func=lambda v: labels.get(v, v)
    )
    saved = store.load(run_id)
    meta = saved.meta
    corpus = ", ".join(f"{c['report']} ({c['content_hash'][:8]})" for c in meta.get("corpus", []))
    st.caption(
        md_escape(
            f"Bộ câu hỏi: {meta['question_set']['name']} (sha256 {meta['question_set']['sha256'][:12]}) · báo cáo: {corpus} · "
            f"mã nguồn: {meta.get('code_version', '')} · mô hình nhúng: {meta.get('settings', {}).get('embedder', '')} · "
            f"{vn_number(meta.get('elapsed_s', 0), 1)} giây"
        )
    )
    render_type_table(st, saved)
    render_downloads(st, saved)
    render_grading(st, store, saved)
    render_failures(st, saved)


def render_type_table(st: Any, saved: runs.SavedRun) -> None:
    import pandas as pd

    table = runs.type_table(saved)
    frame = pd.DataFrame([runs.formatted_row(row) for row in table])
    st.dataframe(frame, hide_index=True, key=f"eval_types_{saved.run_id}")
    overall = table[0]
    ungraded = overall["số câu"] - overall["đã chấm"]
    if ungraded:
        st.caption(f"{ungraded} câu chưa chấm: không tính vào tỷ lệ. Chấm ở bảng bên dưới.")
    if "baseline_threshold" in saved.meta:
        st.caption(md_escape(runs.BASELINE_NOTE.format(threshold=f"{saved.meta['baseline_threshold']:.3f}")))


def render_downloads(st: Any, saved: runs.SavedRun) -> None:
    a, b, c = st.columns(3)
    name = f"danh-gia-{saved.run_id}"
    a.download_button(
        "Tải kết quả (.xlsx)",
        runs.results_xlsx(saved),
        f"{name}.xlsx",
        XLSX_MIME,
        icon=":material/download:",
        key="dl_xlsx",
    )
    b.download_button(
        "Tải kết quả (.csv)",
        runs.results_csv(saved),
        f"{name}.csv",
        "text/csv",
        icon=":material/download:",
        key="dl_csv",
    )
    c.download_button(
        "Tải báo cáo (.md)",
        runs.render_markdown(saved).encode("utf-8"),
        f"{name}.md",
        "text/markdown",
        icon=":material/download:",
        key="dl_md",
    )


def grading_frame(saved: runs.SavedRun, show_all: bool) -> Any:
    """The grading table: the hand-graded questions (or every question), grade and comment first."""
    import pandas as pd

    rows = []
    for r in saved.effective():
        if not show_all and r["graded_by"] != "hand":
            continue
        rows.append(
            {
                "chấm": r["grade"],
                "ghi chú": r["comment"],
                "mã": r["id"],
                "câu hỏi": r["question"],
                "đáp án mong đợi": r.get("expected", ""),
                "câu trả lời": r.get("text", ""),
                "trích dẫn": runs.citation_text(r.get("citations") or []),
            }
        )
    return pd.DataFrame(rows, columns=list(GRADE_COLUMNS))


def apply_grade_edits(saved: runs.SavedRun, frame: Any, edited_rows: dict[Any, dict[str, Any]]) -> int:
    """Apply ``st.data_editor``'s ``edited_rows`` (row position → changed cells) to the run's grades."""
    changed = 0
    for position, cells in edited_rows.items():
        qid = frame.iloc[int(position)]["mã"]
        grade = dict(saved.grades.get(qid, {"grade": "", "comment": ""}))
        if "chấm" in cells:
            grade["grade"] = cells["chấm"] if cells["chấm"] in runs.GRADES else ""
        if "ghi chú" in cells:
            grade["comment"] = str(cells["ghi chú"] or "")
        if grade != saved.grades.get(qid):
            saved.grades[qid] = grade
            changed += 1
    return changed


def render_grading(st: Any, store: runs.RunStore, saved: runs.SavedRun) -> None:
    n_hand = sum(r["graded_by"] == "hand" for r in saved.results)
    st.markdown("**Chấm tay**")
    show_all = st.toggle(
        "Hiện cả những câu máy đã chấm (chấm tay sẽ thay điểm máy)",
        key=f"eval_grade_all_{saved.run_id}",
        value=n_hand == 0,
    )
    frame = grading_frame(saved, show_all)
    if frame.empty:
        st.caption("Không có câu nào cần chấm tay.")
        return
    st.caption(
        "Chọn ✓ (đúng) hoặc ✗ (sai) ở cột «chấm», thêm ghi chú nếu cần; điểm được lưu ngay và tính vào bảng trên."
    )
    key = f"{GRADE_EDITOR_KEY}_{saved.run_id}_{int(show_all)}"

    def save() -> None:
        edits = st.session_state.get(key, {}).get("edited_rows", {})
        if apply_grade_edits(saved, frame, edits):
            store.save_grades(saved)

    column = st.column_config
    st.data_editor(
        frame,
        key=key,
        hide_index=True,
        on_change=save,
        disabled=[c for c in GRADE_COLUMNS if c not in ("chấm", "ghi chú")],
        column_config={
            "chấm": column.SelectboxColumn("chấm", options=["✓", "✗", ""], width=70),
            "ghi chú": column.TextColumn("ghi chú", width=200),
            "mã": column.TextColumn("mã", width=70),
            "câu hỏi": column.TextColumn("câu hỏi", width="large"),
            "câu trả lời": column.TextColumn("câu trả lời", width="large"),
        },
    )
    graded = sum(bool(g.get("grade")) for g in saved.grades.values())
    st.caption(f"Đã chấm tay {graded} câu.")


def render_failures(st: Any, saved: runs.SavedRun) -> None:
    failures = [r for r in saved.effective() if r["verdict"] in ("answered_wrongly", "wrongly_refused")]
    st.markdown(f"**Câu sai ({len(failures)})**")
    for r in failures:
        label = f"{r['id']} · {runs.VERDICT_LABELS[r['verdict']]} · {shorten(r['question'], 90)}"
        with st.expander(md_escape(label)):
            left, middle, right = st.columns(3)
            with left:
                st.markdown("**Câu hỏi**")
                if r.get("context"):
                    st.caption(md_block("Câu trước: " + " / ".join(r["context"])))
                st.markdown(md_block(r["question"]))
                st.markdown("**Đáp án mong đợi**")
                expected = r.get("expected") or "; ".join(r.get("must_include") or []) or "—"
                st.markdown(md_block(expected))
            with middle:
                st.markdown("**Câu trả lời**")
                st.markdown(md_block(r.get("text") or "—"))
                reason = r.get("comment") or r.get("reason") or ""
                if reason:
                    st.caption(md_block(("Ghi chú: " if r.get("comment") else "Lý do: ") + reason))
            with right:
                st.markdown("**Trích dẫn**")
                for where, quotes in runs.cited_rows(r.get("citations") or []).items():
                    st.markdown(md_block(where))
                    if quotes:
                        st.caption(md_block(shorten(" · ".join(quotes), 300)))
                if not r.get("citations"):
                    st.markdown("—")


# ---------------------------------------------------------------- comparison


def render_compare(st: Any, store: runs.RunStore) -> None:
    st.subheader("3. So sánh hai lần chạy")
    metas = store.list()
    if len(metas) < 2:
        st.info("Cần ít nhất hai lần chạy để so sánh.")
        return
    labels = {m["run_id"]: run_label(m) for m in metas}
    ids = list(labels)
    left, right = st.columns(2)
    before = left.selectbox(
        "Lần trước", ids, index=1, key="eval_cmp_a", format_func=lambda v: labels.get(v, v)
    )
    after = right.selectbox("Lần sau", ids, index=0, key="eval_cmp_b", format_func=lambda v: labels.get(v, v))
    if before == after:
        st.caption("Hãy chọn hai lần chạy khác nhau.")
        return
    a, b = store.load(before), store.load(after)
    result = runs.compare(a, b)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Đúng → sai", len(result.right_to_wrong))
    m2.metric("Sai → đúng", len(result.wrong_to_right))
    m3.metric("Vẫn đúng", result.still_right)
    m4.metric("Vẫn sai", result.still_wrong)
    st.caption(
        f"Câu chưa chấm ở một trong hai lần: {result.not_comparable} · chỉ có ở lần trước: {result.only_a} · "
        f"chỉ có ở lần sau: {result.only_b}. Câu hỏi được ghép theo nội dung câu hỏi và câu trước."
    )
    rows = runs.comparison_rows(result)
    if rows:
        import pandas as pd

        st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"eval_cmp_{before}_{after}")
    st.download_button(
        "Tải so sánh (.md)",
        runs.render_markdown(b, result, a.run_id).encode("utf-8"),
        f"so-sanh-{a.run_id}-{b.run_id}.md",
        "text/markdown",
        icon=":material/download:",
        key="dl_cmp_md",
    )
