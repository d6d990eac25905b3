"""The command line: the one place that catches our error type, prints it and picks an exit code."""

from __future__ import annotations

import argparse
import datetime
import functools
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from site_src.build.builder import build
from site_src.build.parallel import collector_paused
from site_src.errors import BuildError, Problem, Source
from site_src.inputs.reader import display_path
from site_src.inputs.schema import check_base_url, check_url, iso_day
from site_src.inputs.settings import ROOT, BuildOptions

if TYPE_CHECKING:
    from site_src.add.saving import Added


def _options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        content_dir=Path(args.content),
        out_dir=Path(args.out),
        base_url=args.base_url,
        strict=args.strict,
        noindex=args.noindex,
    )


def _date(value: str) -> datetime.date:
    day = iso_day(value)
    if day is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-06-26")
    return day


def _base_url(value: str) -> str:
    message = check_url(value) or check_base_url(value)
    if message:
        raise argparse.ArgumentTypeError(message)
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 3600:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of seconds above 0 and below 3600, such as 20 or 2.5"
        )
    return seconds


def _port(value: str) -> int:
    if not (value.isascii() and value.isdigit() and int(value) <= 65535):
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: a whole number from 0 to 65535")
    return int(value)


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", default=str(ROOT / "content"), metavar="DIR", help="the curator's inputs")
    parser.add_argument("--out", default=str(ROOT / "public"), metavar="DIR", help="where the site is written")
    parser.add_argument("--base-url", type=_base_url, metavar="URL", help="the address the site is published at")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--noindex", action="store_true", help="keep search engines out (deploy previews): robots meta tag, robots.txt"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    parser.add_argument(
        "--timings", action="store_true", help="print the time of each stage (always, when output is not a terminal)"
    )


def make_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build the Paper Digest site from the digests in content/.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_parser = commands.add_parser("build", help="build the site into the output folder (the default)")
    _add_build_options(build_parser)
    check_parser = commands.add_parser("check", help="validate every input and template; write nothing")
    _add_build_options(check_parser)
    serve_parser = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and reload on every change")
    _add_build_options(serve_parser)
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_parser.add_argument(
        "--port", type=_port, default=8000, help="port to listen on (default 8000; 0: any free one)"
    )
    serve_parser.add_argument("--open", action="store_true", help="open the site in the browser")
    add_parser = commands.add_parser(
        "add", help="add a digest: a pasted trending-papers page, or a day of Hugging Face daily papers"
    )
    what = add_parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "page",
        nargs="?",  # text, not a Path: Path("https://x.org") is "https:/x.org", no longer a web address
        metavar="FILE",
        help="a pasted page (.txt), or a saved answer of the daily-papers API (.json)",
    )
    what.add_argument(
        "--from-hf", type=_date, metavar="YYYY-MM-DD", help="fetch that day's daily papers from Hugging Face"
    )
    add_parser.add_argument(
        "--date", type=_date, metavar="YYYY-MM-DD", help="the digest's day (else the file's name or date line)"
    )
    add_parser.add_argument("--force", action="store_true", help="replace an existing digest for that day")
    add_parser.add_argument(
        "--strict", action="store_true", help="treat warnings (such as skipped page text) as errors"
    )
    add_parser.add_argument(
        "--api", type=_base_url, metavar="URL", help="with --from-hf: the API (default: import_api in site.yaml)"
    )
    add_parser.add_argument(
        "--timeout", type=_seconds, metavar="SECONDS", help="with --from-hf: how long to wait, under 3600 (default 20)"
    )
    topics_parser = commands.add_parser("topics", help="print each paper's topics, scores and the words behind them")
    topics_parser.add_argument("--topic", metavar="SLUG", help="only the papers that have this topic")
    for parser_with_content in (add_parser, topics_parser):
        parser_with_content.add_argument(
            "--content", default=str(ROOT / "content"), metavar="DIR", help="the curator's inputs"
        )
        parser_with_content.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    return parser


class TerminalProgress:
    """A progress line on a terminal: the stage, and for pages how many of how many are done."""

    def __init__(self) -> None:
        from tqdm import tqdm  # imported on use: only a terminal needs it

        tqdm.monitor_interval = 0  # no monitor thread, which outlived the bars and slowed the exit (build.py)
        self._tqdm = tqdm
        self._bar: Any = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = self._tqdm(desc=stage, total=total or None, unit=" pages" if total else "", leave=False)
        if total and self._bar.total != total:
            self._bar.total, self._bar.unit = total, " pages"
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        """Clear the line (the summary follows)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _print_problems(error: BuildError, command: str) -> None:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in error.problems if not p.warning)
    warnings = len(error.problems) - errors
    noun = "error" if errors == 1 else "errors"
    extra = f" and {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    what = {"add": "Not added", "serve": "Not serving", "topics": "No topics table", "check": "Check failed"}
    ending = "." if command in ("check", "topics") else "; nothing was written."  # they never write
    print(f"{what.get(command, 'Build failed')}: {errors} {noun}{extra}{ending}", file=sys.stderr)


def _check_add_usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Options that only make sense together (argparse cannot say so); exits 2 like argparse."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    add_parser: argparse.ArgumentParser = commands.choices["add"]
    if args.from_hf and args.date:
        add_parser.error("--from-hf names the day itself; --date goes with a FILE")
    if not args.from_hf and (args.api or args.timeout is not None):
        add_parser.error("--api and --timeout go with --from-hf")


_WEB_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_DAY_IN_ADDRESS = re.compile(r"(?<![0-9])([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")


def _add(args: argparse.Namespace) -> Added:
    """Add a digest as the arguments say: fetched, imported from JSON, or pasted."""
    from site_src.add import hf_import, paste  # imported on use: a build does not need them

    content = Path(args.content)
    if not content.is_dir():  # a mistyped --content would otherwise be made, holding one digest
        where = Source(display_path(content))
        raise BuildError(
            [Problem(where, "content folder not found", "pass --content DIR or run from the project folder")]
        )
    if args.from_hf:
        timeout = hf_import.DEFAULT_TIMEOUT if args.timeout is None else args.timeout
        say = functools.partial(print, file=sys.stderr)
        return hf_import.add_from_hf(args.from_hf, content, args.force, args.api, timeout, log=say, strict=args.strict)
    if _WEB_ADDRESS.match(args.page):
        day = next((d for d in _DAY_IN_ADDRESS.findall(args.page) if iso_day(d)), None)
        fetch = (
            f"fetch that day with --from-hf {day}" if day else "fetch a day's daily papers with --from-hf YYYY-MM-DD"
        )
        hint = f"save the page as text and give that file, or {fetch}"
        raise BuildError([Problem(Source(args.page), "add reads a saved file, not a web address", hint)])
    page = Path(args.page)
    if page.suffix.lower() in (".yaml", ".yml"):
        folder = display_path(content / "digests")
        hint = f"save it in {folder}/ as it is: add reads pasted pages and daily-papers answers (.json)"
        raise BuildError([Problem(Source(display_path(page)), "a YAML digest needs no add", hint)])
    if page.suffix.lower() == ".json":
        return hf_import.add_answer_file(page, content, args.date, args.force, strict=args.strict)
    return paste.add_digest(page, content, args.date, args.force, strict=args.strict)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 bad input, 2 bad usage)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "build")
    parser = make_parser()
    args = parser.parse_args(arguments)
    if args.command == "add":
        _check_add_usage(parser, args)
    if args.command == "serve" and args.base_url and urlsplit(args.base_url).path.strip("/"):
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        commands.choices["serve"].error(
            "--base-url with a folder: the preview serves the site at /, where links to "
            f"{urlsplit(args.base_url).path} would all miss; build with it, or preview without it"
        )
    try:
        if args.command == "add":
            from site_src.add.saving import describe  # imported on use: a build does not need it

            added = _add(args)
            for warning in added.warnings:
                print(warning, file=sys.stderr)
            print(describe(added))
            return 0
        if args.command == "serve":
            from site_src.serve.server import serve

            serve(_options(args), args.host, args.port, args.open)
            return 0
        if args.command == "topics":
            from site_src.build.gather import load_catalog  # imported on use: a build imports it only if it has work
            from site_src.catalog.topic_stats import topic_table

            print(topic_table(load_catalog(BuildOptions(content_dir=Path(args.content))), args.topic), end="")
            return 0
        progress = TerminalProgress() if sys.stderr.isatty() else None
        try:
            # one build, then the process ends: its millions of objects live until then and make no
            # cycles per page or paper (about 100 objects a build), and the collector's passes over them
            # cost the main process 0.1-0.17 s of a day's build at 10k papers
            with collector_paused():
                report = build(_options(args), write=args.command != "check", progress=progress)
        finally:
            if progress is not None:
                progress.close()
        verb = "Checked" if args.command == "check" else "Built"
    except BuildError as error:
        _print_problems(error, args.command)
        return 1
    except KeyboardInterrupt:  # Ctrl+C: a build publishes its site at once or not at all, `add` its file
        if args.debug:
            raise
        said = "Interrupted."
        if args.command == "build":
            out = Path(args.out)
            state = "holds a whole site, never a mix of two builds" if out.exists() else "was not made"
            said = f"Interrupted: {display_path(out)} {state}."
        print(f"\n{said}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output's reader is gone (`build.py topics | head -1`): build.py ends quietly
        raise
    except Exception as error:  # the last line of defence: no traceback unless asked
        if args.debug:
            raise
        print(f"Unexpected error: {error!r} (run again with --debug for details)", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(report.summary(verb))
    if args.timings or not sys.stdout.isatty():
        print(f"Stages: {report.timings}")
    return 0
