"""A charge point's transaction queue on disk, so that a restarted simulator loses nothing.

``JsonFileStore`` is the ``QueueStore`` of ``ocpptk.sim.transaction_queue``: one JSON file,
rewritten whole after every change through a temporary file, flushed to disk and renamed over
the old one, so a crash leaves either the old state or the new, never half of one.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

__all__ = ["JournalError", "JsonFileStore"]

logger = logging.getLogger(__name__)


class JournalError(ValueError):
    """A journal file that cannot be used; the message is one line."""


class JsonFileStore:
    """The state of one charge point's transaction queue in ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._temporary = self.path.with_name(self.path.name + ".tmp")

    def load(self) -> dict[str, Any] | None:
        """The saved state; None if there is none yet. ``JournalError`` for a file that is
        not a journal (it is left alone: it may hold undelivered transactions)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise JournalError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise JournalError(f"{self.path}: not a journal (not UTF-8 text)") from None
        try:
            state = json.loads(text)
        except json.JSONDecodeError as exc:
            raise JournalError(f"{self.path}: not a journal (invalid JSON: {exc.msg})") from None
        if not isinstance(state, dict) or state.get("version") != 1:
            raise JournalError(f"{self.path}: not an ocpptk journal (version 1)")
        return state

    def save(self, state: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._temporary.open("w", encoding="utf-8") as file:
            json.dump(state, file, separators=(",", ":"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(self._temporary, self.path)
