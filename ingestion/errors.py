"""The one error a report file raises when it cannot be read or parsed."""

from __future__ import annotations


class ParseError(ValueError):
    """A report that cannot be parsed; the message is bilingual and names the file and line."""

    def __init__(self, path: str, line: int | None, vi: str, en: str):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {vi} / {en}")
        self.path, self.line, self.vi, self.en = path, line, vi, en
