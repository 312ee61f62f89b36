"""What every link of a process shares, whatever its transport."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ocpptk.rpc.connection import Connection
from ocpptk.rpc.validation import ValidationMode, Validators
from ocpptk.spec.catalog import Role, Version
from ocpptk.transport.link import DEFAULT_PING_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT
from ocpptk.transport.log import FrameLog

__all__ = ["LinkOptions"]


@dataclass
class LinkOptions:
    """What every link of a client or server shares."""

    log: FrameLog | None = None
    validators: Validators | None = None
    incoming: ValidationMode = ValidationMode.STRICT
    outgoing: ValidationMode = ValidationMode.STRICT
    response_timeout: float = DEFAULT_RESPONSE_TIMEOUT
    ping_interval: float = 0
    ping_timeout: float = DEFAULT_PING_TIMEOUT
    id_generator: Callable[[], str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def connection(self, role: Role, version: Version) -> Connection:
        kwargs: dict[str, Any] = {}
        if self.id_generator is not None:
            kwargs["id_generator"] = self.id_generator
        return Connection(
            role,
            version,
            validators=self.validators,
            incoming=self.incoming,
            outgoing=self.outgoing,
            **kwargs,
        )
