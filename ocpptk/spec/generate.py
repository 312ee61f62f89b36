"""Write ``schemas/<version>/*.json`` and ``wsdl/<version>/*.wsdl`` from the message model.

Usage::

    python -m ocpptk.spec.generate            # (re)write the files, report what changed
    python -m ocpptk.spec.generate --check    # exit 1 listing files that differ (CI drift check)

The JSON schemas cover every version with a model (1.2, 1.5, 1.6); the WSDLs (one per SOAP
service: ``CentralSystemService.wsdl``, ``ChargePointService.wsdl``) the SOAP versions 1.2, 1.5
and 1.6. ``--root DIR`` works on the JSON schemas in DIR only, ``--wsdl-root DIR`` on the WSDLs in
DIR only, both options on both; without either, the repository's ``schemas/`` and ``wsdl/``.

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

from ocpptk.spec.catalog import Role, Version, actions
from ocpptk.spec.jsonschema_gen import action_schema, schema_name
from ocpptk.spec.wsdl_gen import SOAP_VERSIONS, wsdl_file_name, wsdl_text

__all__ = [
    "check",
    "check_wsdl",
    "default_root",
    "default_wsdl_root",
    "expected_files",
    "expected_wsdl_files",
    "main",
    "render",
    "write",
    "write_wsdl",
]


def default_root() -> Path:
    """The repository's top-level ``schemas/``; this is a developer tool, run from a checkout."""
    return Path(__file__).resolve().parents[2] / "schemas"


def default_wsdl_root() -> Path:
    """The repository's top-level ``wsdl/``."""
    return Path(__file__).resolve().parents[2] / "wsdl"


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


def expected_wsdl_files() -> dict[str, str]:
    """Relative path (``1.6/CentralSystemService.wsdl``) -> text, for every SOAP service."""
    files = {
        f"{version.value}/{wsdl_file_name(role)}": wsdl_text(version, role)
        for version in SOAP_VERSIONS
        for role in (Role.CENTRAL_SYSTEM, Role.CHARGE_POINT)
    }
    return dict(sorted(files.items()))


def _stale(
    root: Path, expected: dict[str, str], versions: Sequence[Version], pattern: str
) -> list[str]:
    """Files in a generated version folder that the model no longer produces."""
    stale = []
    for version in versions:
        folder = root / version.value
        if folder.is_dir():
            for path in sorted(folder.glob(pattern)):
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


def _check(root: Path, expected: dict[str, str], stale: list[str]) -> list[str]:
    problems = []
    for relative, text in expected.items():
        actual = _read(root / relative)
        if actual is None:
            problems.append(f"{relative}: missing")
        elif actual != text:
            problems.append(f"{relative}: differs")
    problems.extend(f"{relative}: not generated" for relative in stale)
    return problems


def _write(root: Path, expected: dict[str, str], stale: list[str]) -> list[str]:
    changes = []
    for relative, text in expected.items():
        path = root / relative
        if _read(path) != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            changes.append(f"{relative}: written")
    for relative in stale:
        (root / relative).unlink()
        changes.append(f"{relative}: removed")
    return changes


def check(root: Path) -> list[str]:
    """JSON schema problems under ``root``, one line each (``1.6/Reset.json: differs``)."""
    expected = expected_files()
    return _check(root, expected, _stale(root, expected, _modelled_versions(), "*.json"))


def write(root: Path) -> list[str]:
    """Bring the JSON schemas under ``root`` up to date; return what was written or removed."""
    expected = expected_files()
    return _write(root, expected, _stale(root, expected, _modelled_versions(), "*.json"))


def check_wsdl(root: Path) -> list[str]:
    """WSDL problems under ``root``, one line each; empty if current."""
    expected = expected_wsdl_files()
    return _check(root, expected, _stale(root, expected, SOAP_VERSIONS, "*.wsdl"))


def write_wsdl(root: Path) -> list[str]:
    """Bring the WSDLs under ``root`` up to date; return what was written or removed."""
    expected = expected_wsdl_files()
    return _write(root, expected, _stale(root, expected, SOAP_VERSIONS, "*.wsdl"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ocpptk.spec.generate",
        description="Generate the JSON schemas in schemas/ and the WSDLs in wsdl/ from the model.",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file is out of date"
    )
    parser.add_argument(
        "--root", type=Path, default=None, help="JSON schemas folder (only these if given alone)"
    )
    parser.add_argument(
        "--wsdl-root", type=Path, default=None, help="WSDL folder (only these if given alone)"
    )
    args = parser.parse_args(argv)
    neither = args.root is None and args.wsdl_root is None
    json_root: Path | None = default_root() if neither else args.root
    wsdl_root: Path | None = default_wsdl_root() if neither else args.wsdl_root
    if args.check:
        problems = []
        if json_root is not None:
            problems += check(json_root)
        if wsdl_root is not None:
            problems += check_wsdl(wsdl_root)
        for line in problems:
            print(line)
        if problems:
            fix = "run python -m ocpptk.spec.generate"
            print(f"{len(problems)} generated file(s) out of date; {fix}", file=sys.stderr)
            return 1
        return 0
    if json_root is not None:
        for line in write(json_root):
            print(line)
        print(f"{len(expected_files())} schema files current in {json_root}", file=sys.stderr)
    if wsdl_root is not None:
        for line in write_wsdl(wsdl_root):
            print(line)
        print(f"{len(expected_wsdl_files())} WSDL files current in {wsdl_root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
