"""``python -m bench``: ocpptk against raw websockets and the mobilityhouse ``ocpp`` library.

Run from the repository root. See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench import machine, micro, report
from bench.clients import Job, Sample
from bench.harness import BenchError, Pair
from bench.profiling import profile

KINDS = ("raw", "mobilityhouse", "ocpptk")
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    kinds = [kind for kind in KINDS if kind in args.libraries.split(",")]
    unknown = set(args.libraries.split(",")) - set(KINDS)
    if unknown or not kinds:
        parser.error(f"--libraries: choose among {', '.join(KINDS)}")
    quick = args.quick
    reps = args.reps or (2 if quick else 7)
    jobs = {
        "W1": Job(
            "W1",
            url="",
            calls=args.w1_calls or (500 if quick else 1500),
            warmup=100 if quick else 200,
            charge_points=1,
            deadline=120.0,
        ),
        "W2": Job(
            "W2",
            url="",
            calls=args.w2_calls or (5 if quick else 20),
            warmup=2 if quick else 3,
            charge_points=args.charge_points,
            deadline=180.0,
        ),
    }
    if args.profile:
        try:
            print(profile(jobs, kind=args.profile_library, directory=args.profile_dir))
        except BenchError as exc:
            print(f"profiling failed: {exc}", file=sys.stderr)
            return 1
        return 0

    began = time.perf_counter()
    pin = args.pin if args.pin is not None else _can_pin()
    env = report.environment()
    env["placement"] = (
        "servers on one CPU, clients on another (pinned)" if pin else "left to the OS scheduler"
    )
    print("ocpptk benchmark on loopback:", ", ".join(f"{k} {v}" for k, v in env.items()))
    busy = machine.busy_before()
    if busy is not None and busy >= 0.15:
        print(f"warning: other processes keep {busy:.0%} of the CPUs busy: expect noise")
    neighbours = machine.Neighbours()
    steps: list[micro.Step] = []
    if not args.no_micro:
        print("\nmicro-benchmark of the cores (in-process, no sockets) ...", flush=True)
        steps = micro.run(quick)
        print(report.micro_table(steps))

    samples: dict[str, dict[str, list[Sample]]] = {w: {k: [] for k in kinds} for w in jobs}
    pairs = [Pair(kind, pin=pin) for kind in kinds]
    try:
        for pair in pairs:
            pair.start()
        print(
            f"\n{reps} rounds after one warm-up round; W1 {jobs['W1'].calls} calls, "
            f"W2 {jobs['W2'].charge_points} x {jobs['W2'].calls} calls; up to {reps} more "
            "rounds while repetitions are disturbed (marked *: other processes took more than "
            f"{report.DISTURBED:.0%} of the CPU time meanwhile).",
            flush=True,
        )
        rounds = _rounds(pairs, jobs, reps, samples)
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        for pair in pairs:
            pair.stop()

    env["other processes during the run"] = neighbours.report()
    summaries = {
        workload: report.summarise_workload(by_kind) for workload, by_kind in samples.items()
    }
    elapsed = time.perf_counter() - began
    block = _block(env, jobs, rounds, summaries, steps, elapsed, quick)
    print("\n" + block)
    if args.write if args.write is not None else not quick:
        report.write_doc(args.doc, block)
        print(f"\nwrote {args.doc}")
    return 0


def _rounds(
    pairs: list[Pair],
    jobs: dict[str, Job],
    reps: int,
    samples: dict[str, dict[str, list[Sample]]],
) -> int:
    """Round 0 warms up; then ``reps`` rounds, and up to ``reps`` more while some workload has
    fewer than ``reps`` calm rounds. Returns the number of measured rounds."""

    def calm_enough() -> bool:
        return all(len(report.calm_rounds(by_kind)) >= reps for by_kind in samples.values())

    round_ = 0
    while round_ <= reps or (round_ <= 2 * reps and not calm_enough()):
        # Rotate the order each round, so that no library always runs first or last.
        order = pairs[round_ % len(pairs) :] + pairs[: round_ % len(pairs)]
        line = [f"round {round_}" + (" (warm-up, discarded)" if round_ == 0 else "")]
        for workload, template in jobs.items():
            for pair in order:
                job = Job(
                    workload,
                    pair.url,
                    template.calls,
                    template.warmup,
                    template.charge_points,
                    template.deadline,
                )
                sample = pair.run(job)
                if round_ > 0:
                    samples[workload][pair.kind].append(sample)
                mark = "*" if sample.others > report.DISTURBED else ""
                line.append(f"{workload} {pair.kind} {sample.throughput:,.0f}/s{mark}")
        print("  " + "; ".join(line), flush=True)
        round_ += 1
    return round_ - 1


def _can_pin() -> bool:
    return hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2


def _block(
    env: dict[str, str],
    jobs: dict[str, Job],
    rounds: int,
    summaries: dict[str, dict[str, report.Summary]],
    steps: list[micro.Step],
    elapsed: float,
    quick: bool,
) -> str:
    facts = "\n".join(f"| {key} | {value} |" for key, value in env.items())
    w1, w2 = jobs["W1"], jobs["W2"]
    parts = [
        "## Results",
        "",
        f"`{report.python_command()}`: {rounds} measured rounds after one discarded warm-up "
        f"round, {elapsed:.0f} s in all{' (quick: small, noisy samples)' if quick else ''}. "
        f"A round of a workload is disturbed when other processes took more than "
        f"{report.DISTURBED:.0%} of all CPU time during any library's repetition in it; "
        f"disturbed rounds are set aside for every library alike if at least "
        f"{report.MIN_CALM_ROUNDS} calm ones remain, and extra rounds (at most as many as "
        "planned) make up for them.",
        f"W1: {w1.calls} measured Heartbeats after {w1.warmup} unmeasured, per repetition. "
        f"W2: {w2.charge_points} charge points x {w2.calls} measured MeterValues "
        f"({w2.charge_points * w2.calls} calls) after {w2.warmup} unmeasured each.",
        "",
        "| machine | |",
        "| --- | --- |",
        facts,
        "",
        "### Throughput and latency (medians over the repetitions)",
        "",
        report.results_table(summaries),
        "",
        "### Ratios",
        "",
        report.ratio_table(summaries),
    ]
    if steps:
        parts += [
            "",
            "### Micro-benchmark: answering one MeterValues CALL, in-process",
            "",
            report.micro_table(steps),
        ]
    return "\n".join(parts)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="ocpptk against raw websockets and the mobilityhouse ocpp library, "
        "server and client in separate processes on 127.0.0.1.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a ~10-15 s smoke run (does not rewrite the doc)"
    )
    parser.add_argument("--reps", type=int, help="measured repetitions (default 7, quick 2)")
    parser.add_argument("--w1-calls", type=int, help="W1 measured Heartbeats per repetition")
    parser.add_argument("--w2-calls", type=int, help="W2 measured MeterValues per charge point")
    parser.add_argument("--charge-points", type=int, default=100, help="W2 charge points")
    parser.add_argument(
        "--libraries",
        default=",".join(KINDS),
        help=f"which to run, comma-separated (default {','.join(KINDS)})",
    )
    parser.add_argument("--no-micro", action="store_true", help="skip the micro-benchmark")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="pin the servers to one CPU and the clients to another (default: if 2+ CPUs)",
    )
    write = parser.add_mutually_exclusive_group()
    write.add_argument(
        "--write", action="store_true", default=None, help="rewrite the doc even with --quick"
    )
    write.add_argument(
        "--no-write", dest="write", action="store_false", help="only print the results"
    )
    parser.add_argument("--doc", type=Path, default=DOC, help="where the results go")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead: cProfile a library's server and client on W1 and W2, print hotspots",
    )
    parser.add_argument(
        "--profile-library",
        choices=KINDS,
        default="ocpptk",
        help="which library --profile profiles (default ocpptk)",
    )
    parser.add_argument("--profile-dir", type=Path, help="where --profile keeps its .prof files")
    return parser


if __name__ == "__main__":
    sys.exit(main())
