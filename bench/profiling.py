"""``python -m bench --profile``: cProfile of one library's server and client on W1 and W2.

Only the measured calls are profiled (the client turns its profiler on after the warm-up; the
server is told to turn its own on once a first, unprofiled job has warmed it up). The summary
sorts own time by area (ocpptk's packages, websockets, asyncio, json, validators, syscalls)
and lists the functions with the most own time.

cProfile sees the main thread only: fine for ocpptk, which runs no threads, but the
mobilityhouse library validates in a thread pool, and that work is missing from its profile
(``--profile-library mobilityhouse``); its CPU per call, read from the OS, includes it.
"""

from __future__ import annotations

import pstats
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.clients import Job
from bench.harness import Pair

__all__ = ["profile"]


def profile(
    jobs: dict[str, Job], kind: str = "ocpptk", top: int = 12, directory: Path | None = None
) -> str:
    """Profile library ``kind`` on each workload; returns the printed report."""
    where = directory or Path(tempfile.mkdtemp(prefix="ocpptk-bench-profile-"))
    where.mkdir(parents=True, exist_ok=True)
    parts = [f"Profiles in {where} (open with `python -m pstats FILE`)."]
    for workload, job in jobs.items():
        server_path = where / f"{kind}-{workload}-server.prof"
        client_path = where / f"{kind}-{workload}-client.prof"
        with Pair(kind, server_profile=str(server_path)) as pair:
            warm = Job(workload, pair.url, job.warmup, 0, job.charge_points, job.deadline)
            pair.run(warm)
            pair.start_server_profile()
            measured = Job(
                workload,
                pair.url,
                job.calls,
                0,
                job.charge_points,
                job.deadline * 3,  # cProfile slows everything down
                profile_path=str(client_path),
            )
            sample = pair.run(measured)
        parts.append(
            f"\n## {kind} {workload}: {sample.calls} calls under cProfile, "
            f"{sample.throughput:,.0f} calls/s; CPU per call: client "
            f"{sample.client_cpu / sample.calls * 1e6:,.0f} µs, server "
            f"{sample.server_cpu / sample.calls * 1e6:,.0f} µs (profiling slows all this down)"
        )
        for side, path in (("server", server_path), ("client", client_path)):
            parts.append(summarise(side, path, top))
    return "\n".join(parts)


def summarise(side: str, path: Path, top: int) -> str:
    """Own time by area and the top functions, as shares of the busy time.

    Time spent waiting in ``epoll.poll`` is idle time (the process waits for its peer), so it
    is left out of the total the shares are taken of.
    """
    stats = pstats.Stats(str(path))
    table = stats.stats  # type: ignore[attr-defined]
    idle = sum(entry[2] for key, entry in table.items() if _is_idle(key))
    busy = sum(entry[2] for entry in table.values()) - idle or 1e-9
    by_area: dict[str, float] = defaultdict(float)
    for key, entry in table.items():
        if not _is_idle(key):
            by_area[_area(key[0], key[2])] += entry[2]
    lines = [f"\n### {side}: own time by area ({busy:.2f} s busy, {idle:.2f} s idle in epoll)"]
    for area, seconds in sorted(by_area.items(), key=lambda item: -item[1]):
        if seconds / busy >= 0.005:
            lines.append(f"  {seconds / busy:6.1%}  {area}")
    lines.append(f"\n### {side}: top {top} functions by own time (share of busy time)")
    ranked = sorted(
        ((key, entry) for key, entry in table.items() if not _is_idle(key)),
        key=lambda item: -item[1][2],
    )
    for (filename, line, name), (_, calls, own, _, _) in ranked[:top]:
        lines.append(f"  {own / busy:6.1%} own {calls:>9,}x  {_short(filename)}:{line} {name}")
    ours = [item for item in ranked if "/ocpptk/" in item[0][0]]
    lines.append(f"\n### {side}: top {top} ocpptk functions by cumulative time (share of busy)")
    for (filename, line, name), (_, calls, own, cumulative, _) in sorted(
        ours, key=lambda item: -item[1][3]
    )[:top]:
        lines.append(
            f"  {cumulative / busy:6.1%} cum {own / busy:6.1%} own {calls:>9,}x  "
            f"{_short(filename)}:{line} {name}"
        )
    return "\n".join(lines)


def _is_idle(key: tuple[str, int, str]) -> bool:
    return key[0] == "~" and "epoll" in key[2] and "poll" in key[2]


def _area(filename: str, name: str) -> str:
    if "/ocpptk/" in filename:
        package = filename.split("/ocpptk/", 1)[1].split("/", 1)[0]
        return f"ocpptk/{package}"
    for marker, area in (
        ("/websockets/", "websockets"),
        ("/asyncio/", "asyncio"),
        ("selectors.py", "asyncio"),
        ("/json/", "json"),
        ("/uuid.py", "uuid"),
        ("/dataclasses.py", "dataclasses"),
        ("/bench/", "the bench's own loop"),
        ("/fastjsonschema/", "fastjsonschema"),
        ("/site-packages/ocpp/", "mobilityhouse ocpp"),
        ("/jsonschema/", "jsonschema (and what it uses)"),
        ("/referencing/", "jsonschema (and what it uses)"),
        ("/jsonschema_specifications/", "jsonschema (and what it uses)"),
        ("/attr/", "jsonschema (and what it uses)"),
        ("/concurrent/", "thread pool and threads"),
        ("/threading.py", "thread pool and threads"),
        ("/queue.py", "thread pool and threads"),
        ("/re/", "re (regular expressions)"),
    ):
        if marker in filename:
            return area
    if filename == "<string>":
        return "fastjsonschema (compiled validators) and other generated code"
    if filename == "~":
        if any(word in name for word in ("send", "recv", "poll", "select", "socket")):
            return "syscalls (socket send/recv)"
        if "json" in name:
            return "json"
        if "lock" in name.lower() or "acquire" in name:
            return "thread pool and threads"
        if "re.Pattern" in name or "_sre" in name:
            return "re (regular expressions)"
        return "builtins"
    return "other (standard library and the rest)"


def _short(filename: str) -> str:
    for marker in ("/ocpptk/", "/site-packages/", "/lib/python3"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename
