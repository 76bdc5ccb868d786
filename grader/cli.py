"""The ``grader`` command: the only place that prints or exits.

Every subcommand is a function taking parsed options and returning an exit status; library
code raises :class:`grader.errors.GraderError` subclasses, which become one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from grader.errors import GraderError, UsageError


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() keeps control of the status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _cmd_build_cases(args: argparse.Namespace) -> int:
    from grader.build_cases import build_all

    out = Path(args.out) if args.out else _testcases_dir()
    paths = build_all(out)
    for visibility, path in paths.items():
        print(f"wrote {visibility} cases to {path}")
    return 0


def _testcases_dir() -> Path:
    from grader.bundle import default_paths

    return default_paths()["public"].parent


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="grader", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("build-cases", help="compute expected outputs and write the case bundles")
    p.add_argument("--out", help="folder to write public.h5 and hidden.h5 (default: testcases/)")
    p.set_defaults(func=_cmd_build_cases)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except GraderError as exc:
        print(f"grader: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
