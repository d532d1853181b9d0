"""`dltutor` command line: parse arguments, then run the app or a text command.

Text commands (`list`, `check`, `bench`) never import Textual; the app is
built by `tutor.ui.startup.make_app`, the same factory the tests use.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tutor import __version__, locations

if TYPE_CHECKING:
    from tutor.options import AppOptions
    from tutor.ui.app import TutorApp

COMMANDS = ("list", "check", "quiz", "bench", "warmup", "serve", "report", "room")
WORKSHOP_COMMANDS = ("serve", "report", "room")  # tutor.workshop.cli.cmd_NAME


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state-dir", metavar="DIR",
                        help=f"where progress is saved (or ${locations.STATE_DIR_ENV})")
    parser.add_argument("--content", metavar="DIR",
                        help=f"folder of decks to use (or ${locations.CONTENT_DIR_ENV})")
    parser.add_argument("--participant", metavar="NAME",
                        help="whose progress this is (default: your user name)")
    parser.add_argument("--ascii", action="store_true",
                        help="draw with plain ASCII only (no Unicode box or block characters)")
    parser.add_argument("--screenshot-dir", metavar="DIR",
                        help="where F2 saves screenshots (SVG; default: the current folder)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dltutor",
        description="Learn deep learning in your terminal: slides, live tiny networks, a quiz.",
        epilog="commands: dltutor list | dltutor check [PATH] | dltutor quiz [DECK] | "
               "dltutor bench [--json] | dltutor warmup | "
               "dltutor serve | dltutor report [DIR] | dltutor room [DIR] "
               "(run 'dltutor COMMAND --help' for details)",
    )
    parser.add_argument("--version", action="version", version=f"dltutor {__version__}")
    parser.add_argument("deck", nargs="?", help="open this deck (see 'dltutor list')")
    parser.add_argument("--slide", metavar="ID|N", help="with DECK: start at this slide")
    _common(parser)
    return parser


def _content_dir(arg: str | None) -> Path:
    return Path(arg).expanduser() if arg else locations.content_dir()


def cmd_list(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="dltutor list", description="List the decks as text.")
    parser.add_argument("--content", metavar="DIR", help="folder of decks")
    args = parser.parse_args(argv)
    from tutor.content import load_library
    from tutor.content.inert import inert

    library = load_library(_content_dir(args.content))
    for deck in library.decks:
        facts = [f"{len(deck.slides)} slides", f"{deck.minutes:g} min",
                 f"{len(deck.questions)} quiz questions"]
        if deck.prerequisites:
            facts.append(f"after: {', '.join(deck.prerequisites)}")
        print(inert(f"{deck.id}  {deck.title}"))
        for text in (deck.summary, ", ".join(facts)):  # 80 columns at most
            print(inert(textwrap.fill(text, 78, initial_indent="  ", subsequent_indent="  ")))
    for problem in library.problems:
        print(inert(f"warning: {problem}"), file=sys.stderr)
    return 0 if library.decks else 1


def cmd_check(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="dltutor check",
        description="Validate a folder of decks (or one deck); exit 1 if anything is wrong.")
    parser.add_argument("path", nargs="?", help="content folder or deck folder "
                        "(default: the bundled decks)")
    parser.add_argument("--stats", action="store_true",
                        help="also print each deck's word count, slides that scroll at 80x24 "
                             "and how often the longest quiz choice is the right one")
    parser.add_argument("--demos", action="store_true",
                        help="list the live demos a slide's 'demo:' line may name, "
                             "with their parameters, and exit")
    args = parser.parse_args(argv)
    if args.demos:
        from tutor.content.demos import describe_demos

        print(describe_demos())
        return 0
    from tutor.checks import deck_stats, format_stats, lint_deck
    from tutor.content import load_library
    from tutor.content.inert import inert

    root = _content_dir(args.path)
    library = load_library(root)
    problems = list(library.problems)
    for deck in library.decks:
        stats = deck_stats(deck)
        problems += lint_deck(deck, stats)
        if args.stats:
            print(format_stats(stats))
    for problem in problems:
        print(inert(str(problem)))  # a file name can hold control characters too
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    slides = sum(len(d.slides) for d in library.decks)
    questions = sum(len(d.questions) for d in library.decks)
    print(f"ok: {len(library.decks)} deck(s), {slides} slides, {questions} quiz questions")
    return 0


def cache_refusal(prog: str, exc: locations.UnsafeDirectory) -> str:
    """What `prog` says when it refuses a kernel cache others could write."""
    return f"{prog}: refusing the kernel cache: {exc}"


def _unsafe_cache() -> str | None:
    """Why the kernel cache may not be used (others could plant code there), or None."""
    try:
        chosen = os.environ.get("NUMBA_CACHE_DIR")
        locations.private_cache(Path(chosen)) if chosen else locations.kernel_cache_dir()
    except locations.UnsafeDirectory as exc:
        return cache_refusal("dltutor", exc)
    except OSError:  # unusable for another reason: the engine falls back on its own
        pass
    return None


def app_options(args: argparse.Namespace, state_dir: Path, deck: str | None,
                quiz: bool) -> AppOptions:
    """The app's options from the command line (and a workshop server's link)."""
    from tutor.options import AppOptions

    link = locations.room_link()
    return AppOptions(
        content_dir=_content_dir(args.content), state_dir=state_dir,
        participant=args.participant, room_link=link,
        deck=deck, slide=getattr(args, "slide", None),
        quiz=quiz, ascii=args.ascii,
        # A workshop session: the server filled the kernel cache before the
        # room came, and a demo loads only its own kernels when it opens.
        # Warming every deck kernel in each of 30 sessions cost 57 MiB and
        # CPU per session for demos most never reached at once.
        warm_up=link is None,
        screenshot_dir=Path(args.screenshot_dir).expanduser() if args.screenshot_dir else None,
    )


def _run_app(args: argparse.Namespace, deck: str | None, quiz: bool) -> int:
    unsafe = _unsafe_cache()
    if unsafe:
        print(unsafe, file=sys.stderr)
        return 2
    try:
        state_dir = locations.state_dir(args.state_dir)
    except OSError as exc:
        print(f"dltutor: cannot use state directory: {exc}", file=sys.stderr)
        return 2
    options = app_options(args, state_dir, deck, quiz)
    # Python's cycle collector ran about ninety times while Textual was
    # imported and the first screen built (a tenth of the time to it), with
    # next to no garbage to find: it is held off until the first frame is out
    # (see TutorApp.first_frame_out), and back on here whatever happens.
    gc.disable()
    try:
        return _start_app(options)
    finally:
        gc.enable()


def _start_app(options: AppOptions) -> int:
    from tutor.ui.startup import StartupError, make_app

    try:
        app = make_app(options)
    except StartupError as exc:
        print(f"dltutor: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the progress file exists but cannot be used (permissions, lock)
        print(f"dltutor: {exc}", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal there is nobody to read keys from; Textual would
        # spin on a closed input instead of ending.
        app.store.close()
        print("dltutor: needs an interactive terminal (use 'dltutor list' for text output)",
              file=sys.stderr)
        return 2
    try:
        app.run()
    except OSError:
        if app.exit_signal is None:
            raise
        # Ending on a hang-up, Textual prints what failed (restoring the
        # terminal) to the terminal that is gone, and that fails too.
    finally:
        app.store.close()  # done already unless the app ended abnormally
    return exit_status(app)


def exit_status(app: TutorApp) -> int:
    """What the process returns: 128 + the signal that ended the app (whatever
    failed after it), the app's code, and 1 after a crash Textual reported."""
    if app.exit_signal is not None:
        return 128 + app.exit_signal
    return app.return_code or (1 if app.crashed else 0)


def cmd_warmup(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="dltutor warmup",
        description="Compile every learning kernel into the cache now (run it once on a "
                    "workshop server before the room arrives).")
    parser.add_argument("--groups", help="comma-separated kernel groups (default: all)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    unsafe = _unsafe_cache()
    if unsafe:
        print(unsafe, file=sys.stderr)
        return 2
    import time

    from tutor.nn.warmup import GROUPS, warm_up

    groups = args.groups.split(",") if args.groups else list(GROUPS)
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        print(f"dltutor warmup: no kernel group {', '.join(unknown)} "
              f"(groups: {', '.join(GROUPS)})", file=sys.stderr)
        return 2
    if args.quiet:
        warm_up(groups)
        return 0
    print(f"compiling the kernels of {len(groups)} model families "
          "(a minute or two the first time, instant once cached)", flush=True)
    live = sys.stdout.isatty()
    started = time.perf_counter()

    def show(group: str, done: int, total: int) -> None:
        if live:  # one line per group, redrawn as its kernels compile
            print(f"\r{group:<12} {done:3d} of {total:<3d} kernels "
                  f"{time.perf_counter() - started:6.1f} s", end="", flush=True)

    seconds: dict[str, float] = {}
    for group in groups:
        seconds.update(warm_up([group], on_progress=show))
        print(f"\r{group:<12} ready {'':14} {seconds[group]:6.2f} s", flush=True)
    print(f"{'total':<12} {'':20} {sum(seconds.values()):6.2f} s   "
          f"cache: {os.environ['NUMBA_CACHE_DIR']}")
    return 0


def cmd_quiz(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="dltutor quiz", description="Go straight into a quiz.")
    parser.add_argument("deck", nargs="?", default="deep-learning", help="deck whose quiz to take")
    _common(parser)
    args = parser.parse_args(argv)
    return _run_app(args, args.deck, quiz=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        command, rest = argv[0], argv[1:]
        if command == "bench" and "--serve" in rest:
            from tutor.workshop import bench as serve_bench

            return serve_bench.main([arg for arg in rest if arg != "--serve"])
        if command == "bench":
            from tutor import bench

            return bench.main(rest)
        if command in WORKSHOP_COMMANDS:
            from tutor.workshop import cli as workshop

            return int(getattr(workshop, f"cmd_{command}")(rest))
        commands = {"list": cmd_list, "check": cmd_check, "quiz": cmd_quiz, "warmup": cmd_warmup}
        return commands[command](rest)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.slide and not args.deck:
        parser.error("--slide needs a DECK, e.g. dltutor deep-learning --slide 12")
    return _run_app(args, args.deck, quiz=False)


if __name__ == "__main__":
    raise SystemExit(main())
