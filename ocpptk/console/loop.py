"""One asyncio event loop in a background thread, for a console whose commands are synchronous.

cmd2 runs ``do_*`` methods on the main thread and owns the terminal there; the links and servers
live on this loop. A command hands a coroutine over with ``run`` and blocks until it is done;
Ctrl-C while it waits cancels that coroutine only, so the console survives.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["EventLoopThread"]

T = TypeVar("T")


class EventLoopThread:
    """An event loop running forever in a daemon thread until ``stop``."""

    def __init__(self, name: str = "ocpptk-asyncio") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def run(
        self,
        coro: Coroutine[Any, Any, T],
        timeout: float | None = None,
        *,
        slow: tuple[float, Callable[[], None]] | None = None,
    ) -> T:
        """Run ``coro`` on the loop and wait for its result (or exception).

        KeyboardInterrupt (Ctrl-C) while waiting cancels the coroutine, then propagates.
        ``timeout`` (seconds) cancels it and raises TimeoutError. ``slow=(seconds, callback)``
        calls ``callback()`` once if the result takes longer than that (to explain the wait).
        """
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError("EventLoopThread.run called from its own thread would deadlock")
        if not self.running:
            coro.close()
            raise RuntimeError("the event loop is stopped")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            if slow is not None and (timeout is None or slow[0] < timeout):
                done, _ = concurrent.futures.wait([future], slow[0])
                if not done:
                    slow[1]()
                    timeout = None if timeout is None else timeout - slow[0]
            return future.result(timeout)
        except TimeoutError:
            if future.done():  # the coroutine itself raised TimeoutError
                raise
            future.cancel()
            raise TimeoutError(f"no result within {timeout:g} s") from None
        except BaseException:  # KeyboardInterrupt, SystemExit: stop the work we waited for
            future.cancel()
            raise

    def call(self, function: Callable[[], T], timeout: float | None = None) -> T:
        """Run a plain function on the loop's thread: for state the loop owns (links, timers)."""

        async def wrapper() -> T:
            return function()

        return self.run(wrapper(), timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop, cancel what is left on it, and close it. Idempotent."""
        if self.running:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            try:
                pending = [task for task in asyncio.all_tasks(self.loop) if not task.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            finally:
                self.loop.close()
