from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from ocpptk.console.loop import EventLoopThread


@pytest.fixture
def loop() -> Iterator[EventLoopThread]:
    thread = EventLoopThread()
    yield thread
    thread.stop()


def test_run_returns_the_result_on_another_thread(loop: EventLoopThread) -> None:
    async def where() -> str:
        return threading.current_thread().name

    assert loop.run(where()) == "ocpptk-asyncio"


def test_run_raises_what_the_coroutine_raises(loop: EventLoopThread) -> None:
    async def boom() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        loop.run(boom())


def test_a_coroutine_timeout_is_not_taken_for_ours(loop: EventLoopThread) -> None:
    async def slow() -> None:
        await asyncio.wait_for(asyncio.Event().wait(), 0.01)

    with pytest.raises(TimeoutError):
        loop.run(slow(), timeout=30)


def test_run_timeout_cancels_the_coroutine(loop: EventLoopThread) -> None:
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(TimeoutError, match="no result"):
        loop.run(forever(), timeout=0.05)
    assert cancelled.wait(10)


def test_keyboard_interrupt_cancels_the_wait_only(
    loop: EventLoopThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while a command waits: the coroutine is cancelled, the loop keeps running."""
    import concurrent.futures

    cancelled = threading.Event()
    started = threading.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    original = concurrent.futures.Future.result

    def interrupted(
        self: concurrent.futures.Future[object], timeout: float | None = None
    ) -> object:
        started.wait(10)
        raise KeyboardInterrupt

    monkeypatch.setattr(concurrent.futures.Future, "result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        loop.run(forever())
    monkeypatch.setattr(concurrent.futures.Future, "result", original)
    assert cancelled.wait(10)

    async def still() -> int:
        return 42

    assert loop.run(still()) == 42


def test_call_runs_on_the_loop_thread(loop: EventLoopThread) -> None:
    assert loop.call(lambda: threading.current_thread().name) == "ocpptk-asyncio"


def test_stop_cancels_pending_tasks_and_refuses_more(loop: EventLoopThread) -> None:
    cancelled = threading.Event()

    async def background() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    loop.call(lambda: loop.loop.create_task(background()))
    loop.stop()
    assert cancelled.is_set()
    assert not loop.running
    assert loop.loop.is_closed()

    async def late() -> None:
        pass

    with pytest.raises(RuntimeError, match="stopped"):
        loop.run(late())
    loop.stop()  # idempotent


def test_slow_callback_only_when_slow(loop: EventLoopThread) -> None:
    calls: list[str] = []
    release = threading.Event()

    async def quick() -> int:
        return 1

    assert loop.run(quick(), slow=(10, lambda: calls.append("quick"))) == 1

    async def waits() -> int:
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        return 2

    def notice() -> None:
        calls.append("slow")
        release.set()

    assert loop.run(waits(), slow=(0.01, notice)) == 2
    assert calls == ["slow"]
