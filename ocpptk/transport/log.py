"""The frame log: one readable line per frame, and optionally JSON lines for later analysis.

A line looks like ``[2026-11-21 14:54:54] cp#CP001: >>cs [2,"...","BootNotification",{...}]``:
who we are, ``>>`` for sent and ``<<`` for received, and the peer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ocpptk.rpc.events import ValidationProblem
from ocpptk.spec.catalog import Role

__all__ = ["FrameLog", "Printer"]

Printer = Callable[[str], None]


class FrameLog:
    """Where frames and validation problems are written; shared by every link of a process."""

    def __init__(
        self,
        printer: Printer | None = print,
        json_path: str | Path | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.printer = printer
        self._now = now
        self._lock = threading.Lock()
        self._json: IO[str] | None = (
            open(json_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
            if json_path
            else None
        )

    def now(self) -> datetime:
        return self._now()

    @staticmethod
    def heading(stamp: datetime, role: Role, charge_point: str, outgoing: bool) -> str:
        """The start of a message line: ``[time] cp#CP001: >>cs``."""
        return f"[{_local(stamp)}] {_arrow(role, charge_point, outgoing)}"

    def frame(self, role: Role, charge_point: str, outgoing: bool, text: str) -> None:
        stamp = self._now()
        if self.printer:
            self.printer(f"{self.heading(stamp, role, charge_point, outgoing)} {text}")
        self.record(stamp, role, charge_point, direction="out" if outgoing else "in", frame=text)

    def problem(self, role: Role, charge_point: str, problem: ValidationProblem) -> None:
        stamp = self._now()
        error = problem.error
        whose = "received" if problem.incoming else "sent"
        verdict = "let through" if problem.accepted else "refused"
        if self.printer:
            self.printer(
                f"[{_local(stamp)}] {_who(role, charge_point)}: !! {whose} {problem.action}"
                f"{'' if problem.request else ' response'} fails validation ({verdict}): "
                f"{type(error).__name__}: {error.description}"
            )
        self.record(
            stamp,
            role,
            charge_point,
            event="validation",
            unique_id=problem.unique_id,
            action=problem.action,
            request=problem.request,
            direction="in" if problem.incoming else "out",
            error=error.key,
            description=error.description,
            accepted=problem.accepted,
        )

    def note(self, role: Role, charge_point: str, text: str, event: str = "note") -> None:
        """Anything else worth a line. ``event`` tells the JSON reader what it is:
        ``note`` for protocol trouble (refused calls, malformed frames, stray answers),
        ``connection`` for links opening and closing."""
        stamp = self._now()
        if self.printer:
            self.printer(f"[{_local(stamp)}] {_who(role, charge_point)}: {text}")
        self.record(stamp, role, charge_point, event=event, text=text)

    def close(self) -> None:
        if self._json:
            self._json.close()
            self._json = None

    def record(self, stamp: datetime, role: Role, charge_point: str, **fields: Any) -> None:
        """One JSON line (if a JSON file is open): time, side, charge point, then ``fields``."""
        if self._json is None:
            return
        record = {
            "time": stamp.isoformat(timespec="milliseconds"),
            "side": role.value,
            "charge_point": charge_point,
            **fields,
        }
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            self._json.write(line + "\n")
            self._json.flush()


def _local(stamp: datetime) -> str:
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _who(role: Role, charge_point: str) -> str:
    return f"cp#{charge_point}" if role is Role.CHARGE_POINT else "cs"


def _arrow(role: Role, charge_point: str, outgoing: bool) -> str:
    arrow = ">>" if outgoing else "<<"
    if role is Role.CHARGE_POINT:
        return f"cp#{charge_point}: {arrow}cs"
    return f"cs: {arrow}cp#{charge_point}"
