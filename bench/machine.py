"""The machine: CPU time, CPU placement, and how busy other processes keep the CPUs.

The bench shares its machine with whatever else runs there. ``proc_stat`` and ``own_cpu``
let the parent tell, for each repetition, how much CPU other processes took meanwhile, so that
disturbed repetitions can be set aside.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["Neighbours", "busy_before", "cpu_times", "others_share", "pin", "proc_stat"]


def cpu_times() -> tuple[float, float]:
    """CPU seconds this process has used so far, all threads: (user + kernel, kernel)."""
    try:
        import resource
    except ImportError:  # not on Unix: no split
        return time.process_time(), 0.0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime


def pin(cpu: int | None) -> None:
    """Keep this process on one CPU, where the platform allows it."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


def busy_before(seconds: float = 0.5) -> float | None:
    """The share of the machine's CPU time in use over ``seconds``, None if unknown."""
    before = proc_stat()
    time.sleep(seconds)  # a measurement window, not a wait for anything
    after = proc_stat()
    if before is None or after is None:
        return None
    return (after[0] - before[0]) / max(1e-9, after[1] - before[1])


class Neighbours:
    """How much CPU other processes took while we ran: they make results noisy.

    The machine's busy time (``/proc/stat``) minus our own (this process and its children,
    ``getrusage``), as a share of all CPU time; and the hypervisor's steal time.
    """

    def __init__(self) -> None:
        self._stat = proc_stat()
        self._own = own_cpu()

    def report(self) -> str:
        """Call after every child process has been joined."""
        stat, own = proc_stat(), own_cpu()
        if stat is None or self._stat is None or own is None or self._own is None:
            return "unknown"
        busy, total, steal = (now - then for now, then in zip(stat, self._stat, strict=True))
        others = max(0.0, busy - (own - self._own)) / max(1e-9, total)
        return f"{others:.0%} of all CPU time (hypervisor steal {steal / max(1e-9, total):.0%})"


def proc_stat() -> tuple[float, float, float] | None:
    """Seconds of CPU time since boot, all CPUs: (busy, total, stolen)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        hertz = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None
    counted = fields[:8]  # user nice system idle iowait irq softirq steal; guest is in user
    idle = counted[3] + counted[4]
    steal = counted[7] if len(counted) > 7 else 0
    return (sum(counted) - idle) / hertz, sum(counted) / hertz, steal / hertz


def own_cpu() -> float | None:
    """CPU seconds used by this process and its children that have ended."""
    try:
        import resource
    except ImportError:
        return None
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def others_share(
    before: tuple[float, float, float] | None,
    after: tuple[float, float, float] | None,
    ours: float,
) -> float:
    """The share of all CPU time between two ``proc_stat`` readings that was not ``ours``."""
    if before is None or after is None:
        return 0.0
    busy, total = after[0] - before[0], after[1] - before[1]
    return max(0.0, busy - ours) / max(1e-9, total)
