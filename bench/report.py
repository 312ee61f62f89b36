"""Summaries, tables and docs/performance.md."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bench.clients import Sample
from bench.micro import Step

__all__ = [
    "DISTURBED",
    "LABELS",
    "Summary",
    "calm_rounds",
    "environment",
    "micro_table",
    "ratio_table",
    "results_table",
    "summarise",
    "summarise_workload",
    "write_doc",
]

LABELS = {
    "raw": "raw websockets echo",
    "mobilityhouse": "mobilityhouse ocpp",
    "ocpptk": "ocpptk",
}
BASELINES = ("raw", "mobilityhouse")
START_MARK = "<!-- bench:results:start -->"
END_MARK = "<!-- bench:results:end -->"


# A repetition during which other processes took more than this share of all CPU time is
# disturbed. A round of a workload is calm when no library's repetition in it was disturbed;
# only calm rounds are summarised, the same ones for every library, if there are enough.
DISTURBED = 0.10
MIN_CALM_ROUNDS = 3


def calm_rounds(by_kind: Mapping[str, Sequence[Sample]]) -> list[int]:
    """The rounds (indexes into each library's samples) where no repetition was disturbed."""
    rounds = min((len(runs) for runs in by_kind.values()), default=0)
    return [
        index
        for index in range(rounds)
        if all(runs[index].others <= DISTURBED for runs in by_kind.values())
    ]


def summarise_workload(by_kind: Mapping[str, Sequence[Sample]]) -> dict[str, Summary]:
    """One summary per library, over the calm rounds if there are enough, else over all."""
    calm = calm_rounds(by_kind)
    rounds = min((len(runs) for runs in by_kind.values()), default=0)
    chosen = calm if len(calm) >= MIN_CALM_ROUNDS else list(range(rounds))
    return {
        kind: summarise([runs[index] for index in chosen], set_aside=rounds - len(chosen))
        for kind, runs in by_kind.items()
    }


@dataclass(frozen=True)
class Summary:
    """The repetitions of one (workload, library): medians, and the range they spread over."""

    reps: int  # repetitions summarised
    set_aside: int  # disturbed rounds left out
    disturbed_kept: int  # disturbed repetitions summarised all the same (too few calm rounds)
    throughput: float
    throughput_range: tuple[float, float]
    latency: float  # the median of the repetitions' median latencies, seconds
    latency_range: tuple[float, float]
    p99: float  # the median of the repetitions' 99th percentiles
    client_cpu: float  # CPU seconds per call in the client process, median over repetitions
    client_kernel: float  # the kernel's part of it
    server_cpu: float  # the same in the server process
    server_kernel: float


def summarise(samples: Sequence[Sample], set_aside: int = 0) -> Summary:
    rates = [sample.throughput for sample in samples]
    medians = [sample.median for sample in samples]
    return Summary(
        reps=len(samples),
        set_aside=set_aside,
        disturbed_kept=sum(sample.others > DISTURBED for sample in samples),
        throughput=statistics.median(rates),
        throughput_range=(min(rates), max(rates)),
        latency=statistics.median(medians),
        latency_range=(min(medians), max(medians)),
        p99=statistics.median(sample.p99 for sample in samples),
        client_cpu=statistics.median(s.client_cpu / s.calls for s in samples),
        client_kernel=statistics.median(s.client_kernel / s.calls for s in samples),
        server_cpu=statistics.median(s.server_cpu / s.calls for s in samples),
        server_kernel=statistics.median(s.server_kernel / s.calls for s in samples),
    )


def environment() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "websockets": version("websockets"),
        "ocpp (mobilityhouse)": version("ocpp"),
        "jsonschema (used by ocpp)": version("jsonschema"),
        "fastjsonschema (used by ocpptk)": version("fastjsonschema"),
        "ocpptk": f"{version('ocpptk')} ({_commit()})",
        "event loop": "asyncio default (no uvloop)",
    }


def results_table(summaries: dict[str, dict[str, Summary]]) -> str:
    lines = [
        "| workload | library | calls/s (median) | calls/s (min - max) | latency median "
        "| latency median (min - max) | latency p99 | CPU/call client (kernel) "
        "| CPU/call server (kernel) | repetitions |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for workload, by_kind in summaries.items():
        for kind, summary in by_kind.items():
            low, high = summary.throughput_range
            fast, slow = summary.latency_range
            lines.append(
                f"| {workload} | {LABELS[kind]} | {summary.throughput:,.0f} "
                f"| {low:,.0f} - {high:,.0f} | {_us(summary.latency)} "
                f"| {_us(fast)} - {_us(slow)} | {_us(summary.p99)} "
                f"| {_us(summary.client_cpu)} ({_us(summary.client_kernel)}) "
                f"| {_us(summary.server_cpu)} ({_us(summary.server_kernel)}) "
                f"| {_reps(summary)} |"
            )
    return "\n".join(lines)


def ratio_table(summaries: dict[str, dict[str, Summary]]) -> str:
    lines = [
        "| workload | ocpptk against | calls/s ratio | latency ratio | CPU/call ratio "
        "| in words (calls/s) | in words (CPU per call) |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for workload, by_kind in summaries.items():
        ours = by_kind.get("ocpptk")
        if ours is None:
            continue
        for baseline in BASELINES:
            theirs = by_kind.get(baseline)
            if theirs is None:
                continue
            rate = ours.throughput / theirs.throughput
            latency = ours.latency / theirs.latency
            cpu = (ours.client_cpu + ours.server_cpu) / (theirs.client_cpu + theirs.server_cpu)
            lines.append(
                f"| {workload} | {LABELS[baseline]} | {rate:.2f} | {latency:.2f} | {cpu:.2f} "
                f"| {_words(rate)} | {_words(1 / cpu, 'less CPU', 'more CPU')} |"
            )
    return "\n".join(lines)


def micro_table(steps: Sequence[Step]) -> str:
    """The steps, with each one's time in units of json.loads of the same frame (the first)."""
    lines = [
        "| library | step | CPU time per call (fastest batch) | median batch | in json.loads |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    unit = steps[0].seconds if steps else 1.0
    for step in steps:
        lines.append(
            f"| {step.library} | {step.name} | {_us(step.seconds)} | {_us(step.median)} "
            f"| {step.seconds / unit:.1f} |"
        )
    return "\n".join(lines)


def write_doc(path: Path, block: str) -> None:
    """Put ``block`` between the result marks of ``path``; the rest of the file is kept."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if START_MARK in text and END_MARK in text:
            head, rest = text.split(START_MARK, 1)
            _, tail = rest.split(END_MARK, 1)
            path.write_text(f"{head}{START_MARK}\n{block}\n{END_MARK}{tail}", encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        TEMPLATE.replace("{results}", f"{START_MARK}\n{block}\n{END_MARK}"), encoding="utf-8"
    )


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-4 else f"{seconds * 1e6:,.0f} µs"


def _reps(summary: Summary) -> str:
    if summary.set_aside:
        return f"{summary.reps} ({summary.set_aside} disturbed rounds set aside)"
    if summary.disturbed_kept:
        return f"{summary.reps} ({summary.disturbed_kept} disturbed, kept)"
    return str(summary.reps)


def _words(rate: float, better: str = "faster", worse: str = "slower") -> str:
    """``rate`` above 1 is good for ocpptk."""
    if rate >= 1:
        return f"ocpptk {rate:.1f}x {better}"
    return f"ocpptk {1 / rate:.1f}x {worse}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _commit() -> str:
    """The checkout's commit, and whether ocpptk/ differs from it (read-only git commands)."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", *args], capture_output=True, text=True, timeout=5, cwd=root
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if commit is None:
        return "commit unknown"
    changed = git("status", "--porcelain", "--", "ocpptk")
    return f"commit {commit}" + (", with uncommitted changes in ocpptk/" if changed else "")


def python_command() -> str:
    return " ".join(["python", "-m", "bench", *sys.argv[1:]])


TEMPLATE = """# Performance

Measured with `python -m bench` from the repository root; see `bench/README.md`.

{results}
"""
