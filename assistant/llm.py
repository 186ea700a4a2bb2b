"""Optional LLM phrasing, verified before it is shown; the deterministic answer is always the fallback.

The model only rewrites the evidence the tools returned. Its reply is accepted only if every number
in it appears in the cited evidence and every ``[row id]`` it cites is one of the retrieved rows.
Nothing the model writes is ever executed.
"""

from __future__ import annotations

import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from assistant.types import Answer
from ingestion.numbers import numbers_in
from prompts import llm_prompt, render
from settings import Settings

log = logging.getLogger(__name__)
_CITATION_RE = re.compile(r"\[([^\[\]]+?:[IVXLC\d]+:[^\[\]]+?)\]")
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")
NO_ANSWER_MARK = "KHÔNG CÓ TRONG BÁO CÁO"


def make_chat_model(settings: Settings) -> Any | None:
    """The configured LangChain chat model, or ``None`` when the backend is off (the default).

    The API key, if the endpoint needs one, comes only from the ``VNQA_LLM_API_KEY`` environment variable.
    """
    if settings.llm_backend == "none":
        return None
    if settings.llm_backend == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url or "http://127.0.0.1:11434",
                          temperature=0)
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url, temperature=0,
                      api_key=os.environ.get("VNQA_LLM_API_KEY", "not-needed"), timeout=settings.llm_timeout_s,
                      max_retries=0)


def evidence_of(reply: Answer, texts: dict[str, str]) -> str:
    """One block per cited row: ``[id] text``; legend citations carry their quote."""
    blocks = []
    for row_id in dict.fromkeys(c.row_id for c in reply.citations):
        quote = next(c.quote for c in reply.citations if c.row_id == row_id)
        blocks.append(f"[{row_id}] {texts.get(row_id, quote)}")
    return "\n\n".join(blocks)


def verify(text: str, reply: Answer, texts: dict[str, str]) -> list[str]:
    """Why ``text`` cannot be shown (empty when it can): invented numbers or citations."""
    problems = []
    allowed_ids = {c.row_id for c in reply.citations}
    cited = set(_CITATION_RE.findall(text))
    if not cited:
        problems.append("no citation")
    if unknown := cited - allowed_ids:
        problems.append(f"cites rows that were not retrieved: {sorted(unknown)}")
    support = " ".join([*(texts.get(i, "") for i in allowed_ids), *(c.quote for c in reply.citations), reply.text])
    allowed_numbers = set(numbers_in(support)) | {float(v) for v in reply.computed_values if v.replace(".", "").isdigit()}
    without_ids = _CITATION_RE.sub(" ", text)
    if invented := [n for n in numbers_in(without_ids) if n not in allowed_numbers]:
        problems.append(f"numbers not in the evidence: {invented}")
    if NO_ANSWER_MARK in text.upper():
        problems.append("model says the evidence is insufficient")
    return problems


def phrase(reply: Answer, question: str, texts: dict[str, str], model: Any, timeout_s: float) -> Answer:
    """Let ``model`` phrase ``reply`` from its evidence; on time-out, error or failed check keep ``reply``."""
    if model is None or reply.abstained or not reply.citations:
        return reply
    prompt = llm_prompt("llm_answer").format(evidence=evidence_of(reply, texts), draft=reply.text, question=question)
    try:
        message = _POOL.submit(model.invoke, prompt).result(timeout=timeout_s)
        text = str(getattr(message, "content", message)).strip()
    except FutureTimeout:
        log.warning("LLM timed out after %.1fs", timeout_s)
        return reply.model_copy(update={"notices": [*reply.notices, render("llm_unavailable")]})
    except Exception as exc:  # endpoint down or unreachable
        log.warning("LLM unavailable: %s", type(exc).__name__)
        return reply.model_copy(update={"notices": [*reply.notices, render("llm_unavailable")]})
    problems = verify(text, reply, texts)
    if problems:
        log.info("LLM answer rejected: %s", "; ".join(problems))
        return reply.model_copy(update={"notices": [*reply.notices, render("llm_fallback")]})
    return reply.model_copy(update={"text": text, "notices": [*reply.notices, "Câu trả lời do mô hình ngôn ngữ diễn đạt lại từ nguồn trích dẫn."]})
