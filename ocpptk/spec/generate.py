"""Write ``schemas/<version>/*.json`` from the message model, or check that they are current.

Usage::

    python -m ocpptk.spec.generate            # (re)write the files, report what changed
    python -m ocpptk.spec.generate --check    # exit 1 listing files that differ (CI drift check)

The files are committed so that they can be read, diffed and shipped without running Python;
``--check`` keeps them from drifting away from the model they come from.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ocpptk.spec.catalog import Version, actions
from ocpptk.spec.jsonschema_gen import action_schema, schema_name

__all__ = ["check", "default_root", "expected_files", "main", "render", "write"]


def default_root() -> Path:
    """The repository's top-level ``schemas/``; this is a developer tool, run from a checkout."""
    return Path(__file__).resolve().parents[2] / "schemas"


def render(schema: dict[str, Any]) -> str:
    """Serialise as the files are stored: 2-space indent, non-ASCII kept, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _modelled_versions() -> list[Version]:
    return [version for version in Version if actions(version)]


def expected_files() -> dict[str, str]:
    """Relative path (``1.6/Authorize.json``) -> text, for every version that has a model."""
    files: dict[str, str] = {}
    for version in _modelled_versions():
        for act in actions(version).values():
            for request in (True, False):
                path = f"{version.value}/{schema_name(act, request)}.json"
                files[path] = render(action_schema(version, act, request))
    return dict(sorted(files.items()))


def _stale(root: Path, expected: dict[str, str]) -> list[str]:
    """JSON files in a generated version folder that the model no longer produces."""
    stale = []
    for version in _modelled_versions():
        folder = root / version.value
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                relative = f"{version.value}/{path.name}"
                if relative not in expected:
                    stale.append(relative)
    return stale


def _read(path: Path) -> str | None:
    try:
        # Universal newlines: a checkout with CRLF line endings is not drift.
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def check(root: Path) -> list[str]:
    """Problems under ``root``, one line each (``1.6/Reset.json: differs``); empty if current."""
    expected = expected_files()
    problems = []
    for relative, text in expected.items():
        actual = _read(root / relative)
        if actual is None:
            problems.append(f"{relative}: missing")
        elif actual != text:
            problems.append(f"{relative}: differs")
    problems.extend(f"{relative}: not generated" for relative in _stale(root, expected))
    return problems


def write(root: Path) -> list[str]:
    """Bring ``root`` up to date; return what was written or removed, one line each."""
    expected = expected_files()
    changes = []
    for relative, text in expected.items():
        path = root / relative
        if _read(path) != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            changes.append(f"{relative}: written")
    for relative in _stale(root, expected):
        (root / relative).unlink()
        changes.append(f"{relative}: removed")
    return changes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ocpptk.spec.generate",
        description="Generate the JSON schemas in schemas/ from the message model.",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file is out of date"
    )
    parser.add_argument(
        "--root", type=Path, default=None, help="schemas folder (default: the repository's)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root if args.root is not None else default_root()
    if args.check:
        problems = check(root)
        for line in problems:
            print(line)
        if problems:
            print(
                f"{len(problems)} schema file(s) out of date; run python -m ocpptk.spec.generate",
                file=sys.stderr,
            )
            return 1
        return 0
    changes = write(root)
    for line in changes:
        print(line)
    print(f"{len(expected_files())} schema files current in {root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
