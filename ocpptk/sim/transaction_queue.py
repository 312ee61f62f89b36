"""The charge point's queue of transaction messages: in order, one at a time, never lost.

OCPP 1.6 section 3.6 ("Transaction-related messages") asks a charge point to deliver
StartTransaction, StopTransaction and transaction MeterValues in the order they were made, to
keep them while it is offline, and to retry them (TransactionMessageAttempts and
TransactionMessageRetryInterval, section 9.1) when the central system fails to process one.

So every such message goes into this queue, and only its head is ever sent: the next one
leaves when the central system has answered the previous. A message made before its
transaction had an id (offline, or while the StartTransaction was on its way) carries the
transaction's local reference; the id the central system gives in StartTransaction.conf is
written into it just before it leaves. The queue and the charge point's open transactions are
saved to a ``QueueStore`` after every change, so a restarted simulator carries on where the
old one stopped.

Delivery is at least once: a message whose answer was lost with the connection is sent again.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from ocpptk.sim.dispatch import Payload

__all__ = [
    "TRANSACTION_ACTIONS",
    "QueueStore",
    "QueuedMessage",
    "StateError",
    "TransactionQueue",
]

logger = logging.getLogger(__name__)

TRANSACTION_ACTIONS = frozenset({"StartTransaction", "StopTransaction", "MeterValues"})


class StateError(ValueError):
    """Saved state that does not have the form a queue writes; the message is one line."""


class QueueStore(Protocol):
    """Where a queue keeps its state across restarts (``ocpptk.transport.journal`` has a file)."""

    def load(self) -> dict[str, Any] | None: ...

    def save(self, state: dict[str, Any]) -> None: ...


@dataclass
class QueuedMessage:
    seq: int  # order of making; never reused
    action: str
    payload: Payload
    tx_ref: int | None = None  # the local transaction the message belongs to
    attempts: int = 0  # answered with a CALLERROR this many times


class TransactionQueue:
    """Transaction messages waiting for the central system, oldest first.

    ``extra`` returns more state to save with the queue (the simulator's open transactions
    and meter registers); ``restored`` holds that state as loaded, for the simulator to read.
    """

    def __init__(
        self,
        store: QueueStore | None = None,
        extra: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.store = store
        self.extra = extra
        self._entries: deque[QueuedMessage] = deque()
        self.ids: dict[int, int] = {}  # local transaction reference -> transactionId
        self.in_flight: QueuedMessage | None = None
        self._seq = 0
        self._ref = 0
        self.restored: dict[str, Any] = {}
        if store is not None:
            state = store.load() or {}
            try:
                self._restore(state)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise StateError(f"the saved queue cannot be used: {exc!r}") from None

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[QueuedMessage]:
        return iter(self._entries)

    def new_ref(self) -> int:
        """A local reference for a new transaction (persisted, so unique across restarts)."""
        self._ref += 1
        self.save()
        return self._ref

    def put(self, action: str, payload: Payload, tx_ref: int | None = None) -> QueuedMessage:
        self._seq += 1
        message = QueuedMessage(self._seq, action, payload, tx_ref)
        self._entries.append(message)
        self.save()
        return message

    def release(self) -> QueuedMessage | None:
        """The head, ready to send (its transaction id filled in), now in flight; None if one is
        in flight already or the queue is empty."""
        if self.in_flight is not None or not self._entries:
            return None
        head = self._entries[0]
        if head.tx_ref in self.ids and "transactionId" in head.payload:
            head.payload["transactionId"] = self.ids[head.tx_ref]
        self.in_flight = head
        return head

    def matches(self, action: str, request: Payload) -> bool:
        """True if ``request`` is the message in flight."""
        flying = self.in_flight
        return flying is not None and flying.action == action and flying.payload == request

    def delivered(self) -> QueuedMessage:
        """The central system answered the message in flight: it leaves the queue."""
        assert self.in_flight is not None
        done = self._entries.popleft()
        assert done is self.in_flight
        self.in_flight = None
        self.save()
        return done

    def rejected(self, max_attempts: int) -> bool:
        """The message in flight got a CALLERROR: True if it stays for another attempt,
        False if it was dropped after ``max_attempts``."""
        assert self.in_flight is not None
        message = self.in_flight
        self.in_flight = None
        message.attempts += 1
        if message.attempts < max(1, max_attempts):
            self.save()
            return True
        self._entries.popleft()
        logger.warning(
            "dropped %s after %d attempts: %s", message.action, message.attempts, message.payload
        )
        self.save()
        return False

    def unsent(self) -> None:
        """The message in flight was not answered (connection lost, timeout): send it again."""
        self.in_flight = None

    def learn_id(self, tx_ref: int, transaction_id: int) -> None:
        self.ids[tx_ref] = transaction_id
        self.save()

    def forget(self, tx_ref: int) -> None:
        """The transaction is over and none of its messages wait: its id is not needed."""
        if not any(m.tx_ref == tx_ref for m in self._entries):
            self.ids.pop(tx_ref, None)
            self.save()

    # -- persistence -------------------------------------------------------------------------

    def save(self) -> None:
        if self.store is None:
            return
        state: dict[str, Any] = {
            "version": 1,
            "seq": self._seq,
            "ref": self._ref,
            "ids": {str(ref): tx_id for ref, tx_id in self.ids.items()},
            "queue": [asdict(message) for message in self._entries],
        }
        if self.extra is not None:
            state.update(self.extra())
        self.store.save(state)

    def _restore(self, state: dict[str, Any]) -> None:
        self._seq = int(state.get("seq", 0))
        self._ref = int(state.get("ref", 0))
        self.ids = {int(ref): int(tx_id) for ref, tx_id in state.get("ids", {}).items()}
        self._entries = deque(QueuedMessage(**message) for message in state.get("queue", []))
        known = {"version", "seq", "ref", "ids", "queue"}
        self.restored = {key: value for key, value in state.items() if key not in known}
