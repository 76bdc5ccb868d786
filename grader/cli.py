"""The ``grader`` command: the only place that prints or exits.

Its help opens with :data:`DESCRIPTION`, not with this docstring. Every subcommand is a
function taking parsed options and returning an exit status; library code raises
:class:`grader.errors.GraderError` subclasses, which become one line on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from grader.errors import GraderError, SetupError, UsageError

if TYPE_CHECKING:
    from grader.batch.run import BatchResult
    from grader.grading.engine import CheckOptions


#: Exit status for a failure of the grader itself (BSD's EX_SOFTWARE).
INTERNAL_ERROR = 70

#: What `grader --help` opens with.
DESCRIPTION = (
    "Grade notebooks of the assignment 'Building your Deep Neural Network: Step by Step': "
    "one with `grader check`, a whole class with `grader grade`, and publish the grades "
    "with `grader export`. Run `grader COMMAND --help` for each command's options and exit "
    "statuses."
)

#: The exit statuses every grading command shares (README, "Grading one notebook").
_CHECK_STATUSES = (
    "Exit status: 0 every function passed; 1 graded, something failed; 2 the file cannot be "
    "graded (missing, empty, not JSON, not a notebook, wrong nbformat); 3 the grader's own "
    "files (case bundles, student folder) are missing or broken; 4 wrong command-line usage "
    "(including an output path that cannot be written); 5 --require-confinement was given and "
    "the sandbox cannot confine file access; 70 an internal error of the grader; "
    "130 interrupted."
)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() keeps control of the status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _cmd_build_cases(args: argparse.Namespace) -> int:
    from grader.authoring.build_cases import build_all

    out = Path(args.out) if args.out else _testcases_dir()
    paths = build_all(out)
    for visibility, path in paths.items():
        print(f"wrote {visibility} cases to {path}")
    return 0


def _positive(
    kind: type[float] | type[int], at_least: float | None = None
) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{text!r} must be a finite number above 0")
        if at_least is not None and value < at_least:
            raise argparse.ArgumentTypeError(
                f"{text!r} is too small: at least {at_least:g} (numpy alone needs about 150 MB)"
            )
        return value

    return parse


def _add_grading_options(p: argparse.ArgumentParser) -> None:
    from grader.grading.options import CASE_SETS, MIN_MEMORY_MB, CheckOptions

    defaults = CheckOptions()
    p.add_argument(
        "--cases",
        choices=CASE_SETS,
        default=defaults.cases,
        help=f"which cases to run (default: {defaults.cases}, public and hidden)",
    )
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=defaults.timeout,
        metavar="SECONDS",
        help=f"wall-clock limit per function call and per cell (default: {defaults.timeout:g})",
    )
    p.add_argument(
        "--memory",
        type=_positive(int, at_least=MIN_MEMORY_MB),
        default=defaults.memory_mb,
        metavar="MB",
        help="memory limit of the process running student code "
        f"(default: {defaults.memory_mb}, at least {MIN_MEMORY_MB})",
    )
    p.add_argument(
        "--strict-dependencies",
        action="store_true",
        help="a function fails when a graded helper it calls fails (default: each "
        "function is scored on its own logic)",
    )
    p.add_argument(
        "--require-confinement",
        action="store_true",
        help="refuse to grade (exit status 5) when the sandbox cannot confine student code's "
        "file access (neither Landlock nor an unprivileged user applies)",
    )


def _options(args: argparse.Namespace) -> CheckOptions:
    from grader.grading.engine import CheckOptions

    return CheckOptions(
        cases=args.cases,
        timeout=args.timeout,
        memory_mb=args.memory,
        strict_dependencies=args.strict_dependencies,
        require_confinement=args.require_confinement,
    )


def _cmd_check(args: argparse.Namespace) -> int:
    from grader.paths import load_student_files
    from grader.sandbox import zygote
    from grader.submission import load_submission

    if args.format == "html" and not args.output:
        raise UsageError("--format html needs --output FILE.html")
    if args.format == "html":
        _require_html_libraries()
    submission = load_submission(args.notebook)  # a bad file fails before anything starts
    files = load_student_files()
    # The zygote warms up (its own interpreter, numpy) while this process imports numpy.
    started = zygote.start(files)
    try:
        from grader.grading.engine import check_notebook
    except BaseException:
        started.close()
        raise
    report = check_notebook(
        submission, _options(args), student_files=files, zygote=started, preload_inputs=False
    )
    if args.format == "json":
        import json

        from grader.reports.gradescope import render_gradescope

        text = json.dumps(render_gradescope(report), indent=2) + "\n"
    elif args.format == "html":
        from grader.reports.html import render_html

        text = render_html(report)
    else:
        from grader.reports.text import render_text

        colour = not args.output and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_text(report, colour=colour)
    if args.output:
        from grader.files import write_atomic

        # Atomic: a report read while it is written (or a killed run) is never half a file.
        write_atomic(Path(args.output), text, parents=False)
        # On stderr: stdout stays empty when the report goes to a file (scripts rely on it).
        print(
            f"grader: wrote the {args.format} report of {Path(args.notebook).name} to "
            f"{args.output} (score {report.score:g} / {report.max_score:g})",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0 if report.all_passed else 1


#: What HTML reports need beyond grading (the Gradescope image installs none of them).
_HTML_LIBRARIES = ("nbconvert", "jinja2", "bleach", "latex2mathml")


def _require_html_libraries() -> None:
    """A clear error before any grading when the HTML report cannot be written here."""
    from importlib.util import find_spec

    missing = [name for name in _HTML_LIBRARIES if find_spec(name) is None]
    if missing:
        raise SetupError(
            f"--format html needs {', '.join(missing)}, not installed here (an install with "
            "only what grading needs, like the Gradescope image's): `pip install "
            f"{' '.join(missing)}`, or use --format text or json"
        )


def _cmd_grade(args: argparse.Namespace) -> int:
    from grader.batch.inputs import expand_inputs
    from grader.batch.progress import Progress
    from grader.batch.run import BatchOptions, grade_batch

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(
            f"--out {args.out}: this is a file; give a folder for the results (it is created "
            "when missing)"
        )
    from grader.batch.records import earlier_rows

    known = {row.student for row in earlier_rows(out)} if out.is_dir() else set()
    entries = expand_inputs(args.inputs, exclude=out, pick=args.pick, known=known)
    options = BatchOptions(_options(args), jobs=args.jobs or 0, force=args.force, html=args.html)
    progress = Progress(len(entries), sys.stderr, live=sys.stderr.isatty())
    try:
        result = grade_batch(entries, out, options, on_row=progress)
    finally:
        progress.close()
    for warning in result.warnings:
        print(f"grader: warning: {warning}", file=sys.stderr)
    print(
        f"{len(result.rows)} of {result.total} submissions: {result.full_marks} full marks, "
        f"{result.count('invalid')} invalid, {result.count('error')} errors, "
        f"{result.reused} reused; {_graded_line(result, asked=args.jobs)}"
    )
    if result.options.html and args.html is None:
        print("feedback.html written too, as this folder was made with --html (--no-html: not)")
    if result.kept:
        print(
            f"kept {len(result.kept)} row(s) of earlier runs: the class files cover "
            f"{len(result.rows) + len(result.kept)} students"
        )
    print(f"gradebook: {result.gradebook}  summary: {result.summary}  report: {result.report}")
    if result.interrupted:
        print("grader: interrupted; finished results are kept", file=sys.stderr)
        return 130
    return 0 if result.complete else 1


def _graded_line(result: BatchResult, asked: int | None) -> str:
    """How much this run graded, with how many jobs and at what rate (when they mean
    something)."""
    if result.graded_now == 0:
        return "nothing to grade (every submission up to date; --force grades again)"
    jobs = f"{result.jobs} job" + ("s" if result.jobs != 1 else "")
    if asked is not None and asked > result.jobs:
        jobs += f" (of --jobs {asked}: one per submission to grade)"
    line = f"graded {result.graded_now} in {result.grading_time:.1f} s with {jobs}"
    rate = result.rate
    return line if rate is None else f"{line}, {rate:.1f}/s"


def _cmd_export(args: argparse.Namespace) -> int:
    from grader.batch.export import export_grades

    exported = export_grades(
        Path(args.dir),
        args.format,
        Path(args.output),
        roster=Path(args.roster) if args.roster else None,
        assignment=args.assignment,
    )
    for warning in exported.warnings:
        print(f"grader: warning: {warning}", file=sys.stderr)
    print(
        f"wrote {exported.rows} grade(s) for {args.format} to {args.output} "
        f"(column {args.assignment!r}, out of {exported.max_score:g})"
    )
    return 1 if exported.warnings else 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from grader import paths
    from grader.authoring.generate import generate_solution_notebook, generate_student_folder

    paths.require_checkout("generate")
    out = Path(args.out) if args.out else None
    solution = Path(args.solution) if args.solution else None
    # First: it refuses a path inside the student folder.
    written = generate_solution_notebook(solution, out)
    for path in [*generate_student_folder(out), written]:
        print(f"wrote {path}")
    return 0


def _cmd_release(args: argparse.Namespace) -> int:
    from grader.authoring.release import release

    made = release(Path(args.dest), zipped=args.zip)
    what = "a zip of the student folder" if args.zip else "the student folder"
    print(f"released {what} (with its README.md for students) to {made}")
    return 0


def _cmd_gradescope_bundle(args: argparse.Namespace) -> int:
    from grader.authoring.gradescope_bundle import build_bundle

    wheel = Path(args.wheel) if args.wheel else None
    built = build_bundle(Path(args.out), wheel=wheel, options=_options(args))
    print(f"wrote the Gradescope autograder {built.path} (with {built.wheel})")
    print("upload it under Configure Autograder > Zip file upload; see README.md inside it")
    return 0


def _package_version() -> str:
    """The installed distribution's version (its metadata), looked up only when asked."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dnn-autograder")
    except PackageNotFoundError:
        return "unknown (not installed: run `pip install .` or `pip install -e .`)"


class _VersionAction(argparse.Action):
    """``--version``: print the package's version on stdout and exit 0, like argparse's own."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"{parser.prog} {_package_version()}\n")
        parser.exit()


def _testcases_dir() -> Path:
    from grader import paths

    paths.require_checkout("build-cases")
    return paths.bundle_paths()["public"].parent


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="grader", description=DESCRIPTION)
    parser.add_argument(
        "--version", action=_VersionAction, help="print the installed version and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("build-cases", help="compute expected outputs and write the case bundles")
    p.add_argument("--out", help="folder to write public.h5 and hidden.h5 (default: testcases/)")
    p.set_defaults(func=_cmd_build_cases)

    p = sub.add_parser("generate", help="write the student folder and the solution notebook")
    p.add_argument("--out", help="student folder (default: exercises/step_by_step/)")
    p.add_argument("--solution", help="solution notebook (default: reference/solution.ipynb)")
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser(
        "release",
        help="copy the up-to-date student folder for distribution",
        description="Write the folder students receive into DEST: the notebook to fill in, "
        "its helper files and checks, and a README.md for students (what to fill in, how to "
        "run the checks, what to submit and under which file name). It is exactly the folder "
        "`grader generate` writes, checked first: it must be up to date and hold no line of "
        "the solution. With --zip, DEST is the zip file to write (.zip added when missing), "
        "holding the folder step_by_step/. Exit status: 0 released; 3 the student folder is "
        "out of date (run `grader generate`) or holds a solution line; 4 DEST exists (a "
        "folder that is not empty, or the zip file) or cannot be written.",
    )
    p.add_argument(
        "dest",
        metavar="DEST",
        help="the folder to create for students (empty or missing), or with --zip the zip file",
    )
    p.add_argument(
        "--zip", action="store_true", help="write DEST as a zip file instead of a folder"
    )
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser(
        "gradescope-bundle",
        help="write a Gradescope autograder zip (setup.sh, run_autograder, the grader's wheel)",
        description="Write OUT.zip for Gradescope's 'Zip file upload': setup.sh installs the "
        "grader's own wheel (inside the zip) into the image's python3, run_autograder grades "
        "the one notebook of a submission into results/results.json. The grading options "
        "below are stored in the zip and apply to every submission.",
    )
    p.add_argument("out", metavar="OUT.zip", help="the zip file to write")
    p.add_argument(
        "--wheel",
        metavar="WHEEL",
        help="ship this wheel of the grader (default: build one from the source checkout)",
    )
    _add_grading_options(p)
    p.set_defaults(func=_cmd_gradescope_bundle)

    p = sub.add_parser(
        "check",
        help="grade one notebook",
        description=f"Grade one notebook. {_CHECK_STATUSES}",
    )
    p.add_argument("notebook", help="the student's .ipynb file")
    p.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text report (default), Gradescope results.json, or HTML feedback",
    )
    p.add_argument("--output", metavar="FILE", help="write the report here instead of stdout")
    _add_grading_options(p)
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "grade",
        help="grade a whole class into a folder (gradebook, class report, Gradescope JSON)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Grade many notebooks in parallel, each in its own sandboxed process.\n\n"
        "Student ids: a notebook named on the command line (or by a glob) is "
        "its file name without .ipynb.\nA class folder INPUT is split into "
        "students: everything inside INPUT/<name>/ (at any depth)\nbelongs to "
        "the student <name> (LMS exports: submissions/<student>/...), and a "
        "notebook directly\ninside is named by its file name. A folder INPUT is "
        "one student's, named after the folder, when\nits notebooks are "
        "directly inside or in one subfolder and it is named with other "
        "folders of the\nsame parent (`grade submissions/*`) or like a student "
        "already in OUT (`grade submissions/nina`\nregrades nina). A student "
        "with several notebooks gets one row: the most recently modified "
        "one\nis graded (or, with --pick GLOB, the most recent one whose name "
        "matches), and a warning names\nthe others. No student id is ever a "
        "class folder's name (such a notebook is refused). Only\nregular files "
        "are graded: a symbolic link, device or FIFO gets an invalid row. Two "
        "files with\none id are an error.\n\n"
        "Writes OUT/<student>/{results.json,feedback.txt,grading.json} (and feedback.html with "
        "--html;\na regrade keeps the pages OUT was made with), OUT/gradebook.csv, "
        "OUT/summary.json and\nOUT/report.html (the class at a glance). The class files cover "
        "every student graded into\nOUT, in this run or an earlier one: regrading one student "
        "keeps the other rows (a student\nwhose grading.json is lost keeps the row of the "
        "previous gradebook, or the run stops before\ngrading). Unchanged submissions (same "
        "notebook bytes, options, cases and grader) are not\ngraded again unless --force.\n\n"
        "Exit status: 0 every submission graded; 1 the batch finished but some submissions "
        "are\ninvalid or could not be graded (status column of the gradebook); 3 set-up "
        "error;\n4 usage error (e.g. duplicate student ids, a row it would drop); 130 "
        "interrupted (finished\nresults kept).",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="notebooks, folders or globs")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write results to")
    p.add_argument(
        "--jobs",
        type=_positive(int),
        metavar="N",
        help="submissions graded at once (default: the number of CPUs)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="grade every submission again, even when its results are up to date",
    )
    p.add_argument(
        "--pick",
        metavar="GLOB",
        help="when a student's folder holds several notebooks, grade the most recent one "
        "whose name (or path in the folder) matches GLOB, e.g. 'final*.ipynb' (default: the "
        "most recently modified)",
    )
    p.add_argument(
        "--html",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also write OUT/<student>/feedback.html, the page of `check --format html` "
        "(about 40 ms more per submission; default: as OUT was made, so a regrade keeps "
        "the pages)",
    )
    _add_grading_options(p)
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser(
        "export",
        help="write a graded class's gradebook as a CSV for Canvas or Moodle to import",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write the grades of DIR (a folder written by `grader grade`) as a CSV "
        "file that an LMS\nimports. --roster maps the grader's student ids (folder or file "
        "names) to LMS identities:\na CSV with a column 'student' and any of 'name', 'id', "
        "'sis_user_id', 'sis_login_id',\n'section' (Canvas), 'email', 'username', 'idnumber' "
        "(Moodle). Without a roster the id\nis used as the SIS login id (Canvas) or the "
        "username (Moodle).\n\nRows the grader failed on, and roster students without a "
        "row, are left blank and named\nin a warning; so are graded students missing from "
        "the roster (they are not exported).\n\nExit status: 0 written; 1 written, with "
        "warnings to read; 4 usage error (DIR holds no gradebook,\nthe roster cannot be "
        "read or has no 'student' column).",
    )
    p.add_argument("dir", metavar="DIR", help="the --out folder of `grader grade`")
    p.add_argument("--format", required=True, choices=("canvas", "moodle"), help="the LMS")
    p.add_argument("--roster", metavar="CSV", help="student ids to LMS identities")
    p.add_argument(
        "--assignment",
        default="DNN Step by Step",
        metavar="NAME",
        help="the grade column's name, as the assignment is called in the LMS (default: "
        "%(default)s)",
    )
    p.add_argument("--output", required=True, metavar="FILE", help="the CSV file to write")
    p.set_defaults(func=_cmd_export)
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
    except OSError as exc:  # an output path that cannot be written, a full disk...
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"grader: {where}{exc.strerror or exc}", file=sys.stderr)
        return UsageError.exit_code if exc.filename else INTERNAL_ERROR
    except Exception as exc:  # a bug of ours: still one line, never a traceback
        print(
            f"grader: internal error ({type(exc).__name__}: {exc}); please report it",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


def run() -> None:
    """The console entry point: :func:`main`, then leave at once.

    Everything the command writes is closed by then and its sandbox stopped, so the
    interpreter's teardown (unloading numpy, h5py and the rest, ~20 ms) buys nothing.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe: nothing more can be said anyway.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
