"""What a simulated central system answers, beyond its normal behaviour: reply overrides per
action (a fixed payload, a delay, a CALLERROR), per charge point or for all, and id tag lists
read from JSON or CSV text.

Sans I/O like the rest of ``ocpptk.sim``: an override's ``delay`` is only a number here; the
transport (``ocpptk.transport.central_system``) waits it out without blocking the link.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from ocpptk.rpc.errors import ERROR_CODES, OcppError, error_class
from ocpptk.sim.dialect import DIALECTS

__all__ = [
    "CP_TO_CS_ACTIONS",
    "ERROR_CODE_NAMES",
    "ID_TAG_STATUSES",
    "REGISTRATION_STATUSES",
    "ReplyOverride",
    "ReplyOverrides",
    "check_action",
    "check_status",
    "parse_id_tags",
]

ID_TAG_STATUSES = ("Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx")
REGISTRATION_STATUSES = ("Accepted", "Pending", "Rejected")
# Every CP -> CS action of a version the simulators speak (what a central system answers).
CP_TO_CS_ACTIONS: tuple[str, ...] = tuple(
    sorted({name for speech in DIALECTS.values() for name in speech.cp_to_cs})
)
# The OCPP-J error codes a reply may carry, as 1.6 spells them (for completion and messages).
ERROR_CODE_NAMES: tuple[str, ...] = tuple(
    spelling for spellings in ERROR_CODES.values() if (spelling := spellings.get(None)) is not None
)


def check_action(action: str) -> str:
    """``action`` if a charge point sends it in some version; ValueError naming the choices."""
    if action not in CP_TO_CS_ACTIONS:
        choices = ", ".join(CP_TO_CS_ACTIONS)
        raise ValueError(f"{action!r} is not an action a charge point sends; one of {choices}")
    return action


def check_status(status: str, choices: tuple[str, ...], what: str) -> str:
    if status not in choices:
        raise ValueError(f"{what} {status!r} is not one of {', '.join(choices)}")
    return status


@dataclass(frozen=True)
class ReplyOverride:
    """How to answer one action instead of (or on top of) the normal reply.

    - ``payload``: fields merged over the normal reply (top level only), or with ``replace``
      the whole reply. It is not cut to the version's fields: outgoing validation judges it
      like any reply (strict validation answers an invalid one with an InternalError).
    - ``delay``: seconds to wait before answering (the transport waits; the reply itself, and
      what the central system learns from the request, are worked out on arrival).
    - ``error_code`` / ``error_description``: answer with this CALLERROR instead; the normal
      handler does not run (a failing CSMS learns nothing).
    """

    action: str
    charge_point_id: str | None = None  # None: every charge point without its own override
    payload: dict[str, Any] | None = None
    replace: bool = False
    delay: float = 0.0
    error_code: str | None = None
    error_description: str = ""
    _error: type[OcppError] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_action(self.action)
        if self.delay < 0:
            raise ValueError(f"a delay cannot be negative ({self.delay:g})")
        if self.replace and self.payload is None:
            raise ValueError("replace needs a payload")
        if self.error_code is not None:
            if self.payload is not None:
                raise ValueError("an override answers with a payload or an error, not both")
            cls = error_class(self.error_code)
            if cls is None:
                raise ValueError(
                    f"unknown error code {self.error_code!r}; one of {', '.join(ERROR_CODE_NAMES)}"
                )
            object.__setattr__(self, "_error", cls)

    def error(self) -> OcppError | None:
        """The CALLERROR to answer with, if this override gives one."""
        return None if self._error is None else self._error(self.error_description)

    def apply(self, normal: dict[str, Any]) -> dict[str, Any]:
        """The reply, given the one the central system would have given."""
        if self.payload is None:
            return normal
        if self.replace:
            return dict(self.payload)
        return {**normal, **self.payload}

    def describe(self) -> str:
        """One line: ``CP1 Authorize: error InternalError "down", after 2 s``."""
        who = self.charge_point_id or "*"
        parts = []
        if self._error is not None:
            text = f"error {self.error_code}"
            parts.append(f"{text} {self.error_description!r}" if self.error_description else text)
        elif self.payload is not None:
            how = "replaced by" if self.replace else "merged with"
            parts.append(f"{how} {json.dumps(self.payload, separators=(',', ':'))}")
        if self.delay:
            parts.append(f"after {self.delay:g} s")
        return f"{who} {self.action}: {', '.join(parts) or 'normal reply'}"


class ReplyOverrides:
    """Overrides by (charge point id or None, action); a charge point's own wins over the
    one for all."""

    def __init__(self) -> None:
        self._table: dict[tuple[str | None, str], ReplyOverride] = {}

    def set(self, override: ReplyOverride) -> None:
        self._table[override.charge_point_id, override.action] = override

    def find(self, cp_id: str, action: str) -> ReplyOverride | None:
        return self._table.get((cp_id, action)) or self._table.get((None, action))

    def clear(self, action: str | None = None, cp_id: str | None = None) -> int:
        """Remove the overrides of ``action`` (None: every action) for ``cp_id`` (None: of
        every charge point and for all); the number removed."""
        gone = [
            key
            for key in self._table
            if (action is None or key[1] == action) and (cp_id is None or key[0] == cp_id)
        ]
        for key in gone:
            del self._table[key]
        return len(gone)

    def __iter__(self) -> Any:
        return iter(sorted(self._table.values(), key=lambda o: (o.charge_point_id or "", o.action)))

    def __len__(self) -> int:
        return len(self._table)


def parse_id_tags(text: str, source: str = "the file") -> dict[str, str]:
    """idTag -> AuthorizationStatus from JSON (``{"TAG1": "Accepted", ...}``) or CSV
    (``tag,status`` lines; a header line ``tag,status`` and blank lines are skipped).

    ValueError with a one-line message naming ``source`` (and the line, for CSV) for anything
    else; nothing is half-read.
    """
    body = text.lstrip("\ufeff").strip()
    if body.startswith("{"):
        try:
            table = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}: not valid JSON: {exc}") from None
        if not isinstance(table, dict):
            raise ValueError(f"{source}: JSON must be an object of tag: status")
        found: dict[str, str] = {}
        for tag, status in table.items():
            if not isinstance(status, str):
                raise ValueError(f"{source}: the status of {tag!r} is not a string")
            found[tag] = _tag_status(status, f"{source}: {tag!r}")
        return found
    found = {}
    for number, row in enumerate(csv.reader(io.StringIO(body)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) != 2 or not cells[0]:
            raise ValueError(f"{source} line {number}: expected tag,status, got {','.join(row)!r}")
        tag, status = cells
        if number == 1 and (tag.casefold(), status.casefold()) == ("tag", "status"):
            continue
        found[tag] = _tag_status(status, f"{source} line {number}")
    return found


def _tag_status(status: str, where: str) -> str:
    if status not in ID_TAG_STATUSES:
        raise ValueError(f"{where}: status {status!r} is not one of {', '.join(ID_TAG_STATUSES)}")
    return status
