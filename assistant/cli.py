"""`assistant index | ask | chat | eval | serve`: a thin shell over `Assistant`.

Flags override `ASSISTANT_*` environment variables, which override defaults. Errors the user
can act on are printed as one line, without a traceback, and exit with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import Answer, AssistantError, IndexNotBuiltError, IndexReport, QuestionError

if TYPE_CHECKING:
    from .api import Assistant


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return args.func(args)
    except AssistantError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output left (`assistant ask … | head -1`): not an error of ours.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a process ended by SIGPIPE


# C0 and C1 control characters but newline and tab: a document can hold escape sequences
# that would recolour, retitle or clear the user's terminal when an answer quotes them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_text(text: str) -> str:
    """Text from a document made safe to print on a terminal (controls shown as U+FFFD)."""
    return _CONTROLS.sub("\ufffd", text)


def one_line(text: str) -> str:
    return " ".join(safe_text(text).split())


def to_json(value: object) -> str:
    """JSON escapes C0 controls itself; C1 ones (ESC's 8-bit forms) are escaped here too."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Ask questions about your documents, offline.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, help="documents folder (ASSISTANT_CORPUS_DIR, "
                        "default ./corpus)")
    common.add_argument("--index", dest="index_dir", type=Path, help="index folder "
                        "(ASSISTANT_INDEX_DIR, default ./index)")
    common.add_argument("--chroma", dest="chroma_url", metavar="URL", help="a Chroma server "
                        "holding the index, http://host:port/name (ASSISTANT_CHROMA_URL; "
                        "default: the index folder)")
    common.add_argument("--reader", choices=("llm", "extractive"), help="who answers: a "
                        "language model in its own words, citations checked (llm), or quotes "
                        "(extractive); ASSISTANT_READER, default extractive")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", parents=[common], help="build or update the index")
    p.add_argument("path", nargs="?", type=Path, help="documents folder (same as --corpus)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="ask one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", parents=[common], help="a conversation in the terminal: "
                       "follow-ups use the earlier questions (Ctrl-D leaves)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("eval", parents=[common], help="score answers against a gold set")
    p.add_argument("file", type=Path, help="JSON Lines: question, answers, history, source, "
                   "answerable; or the page's feedback, index/feedback.jsonl")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("fetch-model", help="fetch the local language model (1.1 GB, once)")
    p.set_defaults(func=cmd_fetch_model)

    p = sub.add_parser("serve", parents=[common], help="serve the web chat")
    p.add_argument("--host", help="address to bind (ASSISTANT_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (ASSISTANT_PORT, default 7860)")
    p.add_argument("--auth", metavar="USER:PASSWORD", help="ask for this login "
                   "(ASSISTANT_AUTH); required unless the host is 127.0.0.1/localhost")
    p.add_argument("--no-auth", action="store_true",
                   help="serve a non-loopback address without a login (anyone reaching it "
                   "can read your documents)")
    p.add_argument("--no-index", action="store_true",
                   help="serve the index as it is, without updating it from the corpus first")
    p.set_defaults(func=cmd_serve)
    return parser


def _assistant(args: argparse.Namespace, **extra: object) -> Assistant:
    from .api import Assistant  # the answering modules: half a second to import

    corpus = getattr(args, "path", None) or args.corpus
    return Assistant(corpus, args.index_dir, reader=args.reader, chroma_url=args.chroma_url,
                     **extra)


def _check_index_early(args: argparse.Namespace, *, count: bool = True) -> None:
    """Start the index's health check (a child process that then searches it) before the
    heavy modules are imported, so that the two run side by side; `count=False` for a command
    that updates the index (it re-embeds lost chunks instead of refusing them)."""
    from . import health, manifest
    from .config import Settings

    settings = Settings.load().replace(index_dir=args.index_dir, chroma_url=args.chroma_url)
    if settings.chroma_url:
        return  # the server's files are the server's to check
    index = Path(settings.index_dir)
    health.start_early(index, manifest.read(index / manifest.FILE), count=count)


def _update_index(bot: Assistant, rebuild: bool = False) -> IndexReport:
    """Index with a progress bar; notes and per-file warnings go to stderr."""
    report = bot.index(rebuild=rebuild, progress=_progress_bar(sys.stderr),
                       say=lambda m: print(one_line(m), file=sys.stderr))
    for warning in report.warnings:
        print(f"warning: {one_line(warning)}", file=sys.stderr)
    return report


def cmd_index(args: argparse.Namespace) -> int:
    _check_index_early(args, count=False)
    print(_update_index(_assistant(args), rebuild=args.rebuild).summary())
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    _check_index_early(args)
    bot = _assistant(args)
    live = sys.stdout.isatty() and not args.json
    answer = _ask(bot, args.question, (), sys.stdout if live else None)
    if args.json:
        print(to_json(answer.to_dict()))
    else:
        print(format_answer(answer))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Questions from stdin, one per line, each read with the conversation so far. On a
    terminal: line editing and the questions asked (up arrow) via readline, a prompt, the
    draft shown as it is written; `/new` starts a new conversation, Ctrl-C drops the line,
    Ctrl-D leaves."""
    _check_index_early(args)
    bot = _assistant(args)
    from .chat import MAX_TURNS  # the turns a follow-up is read with (loaded with the api)

    tty = sys.stdin.isatty()
    if tty:
        # input() edits lines and recalls them once readline is imported (not everywhere)
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401
        print("Ask about your documents; follow-ups use the conversation. /new starts "
              "another, Ctrl-D leaves.", file=sys.stderr)
    history: list[tuple[str, str]] = []
    while True:
        try:
            question = input("? " if tty else "").strip()
        except EOFError:
            if tty:
                print(file=sys.stderr)
            return 0
        except KeyboardInterrupt:
            print(file=sys.stderr)
            continue
        if question == "/new":
            history.clear()
            continue
        if not question:
            continue
        try:
            answer = _ask(bot, question, history[-MAX_TURNS:],
                          sys.stdout if sys.stdout.isatty() else None)
        except QuestionError as exc:  # this question's fault: the conversation goes on
            print(f"error: {one_line(str(exc))}", file=sys.stderr)
            continue
        print(format_answer(answer) + "\n", flush=True)
        history.append((question, answer.text))


def _ask(bot: Assistant, question: str, history: object, terminal: TextIO | None) -> Answer:
    """One answer, its draft shown on `terminal`; the index's warning goes to stderr."""
    try:
        answer = _answer(bot.stream(question, history), terminal)
    except IndexNotBuiltError as exc:
        raise IndexNotBuiltError(f"{exc} (`make run` also builds it)") from None
    if answer.warning:
        print(f"warning: {one_line(answer.warning)}", file=sys.stderr)
    return answer


def _answer(pieces: Iterator[str | Answer], terminal: TextIO | None) -> Answer:
    """The final answer; on a terminal the draft is shown dimmed as it is written, then
    erased, so what stays on screen is only the checked answer."""
    draft = ""
    for piece in pieces:
        if isinstance(piece, Answer):
            if terminal and draft:
                width = shutil.get_terminal_size().columns
                rows = sum(max(1, -(-len(line) // width)) for line in draft.split("\n"))
                terminal.write(f"\033[0m\r\033[{rows - 1}A\033[J" if rows > 1 else
                               "\033[0m\r\033[J")
                terminal.flush()
            return piece
        if terminal:
            terminal.write(("\033[2m" if not draft else "") + safe_text(piece))
            terminal.flush()
        draft += piece
    raise RuntimeError("the reader ended without an answer")


def cmd_fetch_model(args: argparse.Namespace) -> int:
    from .api import Assistant

    Assistant.fetch_model(say=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, read_gold

    left_out: list[str] = []
    gold = read_gold(args.file, left_out)
    if left_out:
        print(f"note: {len(left_out)} answer{'s' if len(left_out) > 1 else ''} marked wrong "
              "without the right answer left out (they say only \"not this\"); type the right "
              "answer on the page to use them", file=sys.stderr)
    scores = evaluate(_assistant(args), gold)
    if args.json:
        print(to_json(scores.to_dict()))
    else:
        print(scores.table())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _check_index_early(args, count=args.no_index)  # it runs while gradio is imported
    bot = _assistant(args, host=args.host, port=args.port, auth=args.auth)
    s = bot.settings.serve
    from .guard import check_exposure, check_port
    from .web import serve  # gradio is imported only here

    check_exposure(s.host, s.auth, args.no_auth)  # before minutes of indexing, not after
    check_port(s.host, s.port)
    if not args.no_index:
        print(f"index: {_update_index(bot).summary()}", file=sys.stderr)
    # quiet: Gradio's own lines suggest share=True, which this page must never use
    app = serve(bot, host=s.host, port=s.port, auth=s.auth, no_auth=args.no_auth, quiet=True,
                prevent_thread_lock=True)
    shown = f"[{s.host}]" if ":" in s.host else s.host
    print(f"serving the chat on http://{shown}:{s.port}/ (Ctrl-C stops it)", file=sys.stderr,
          flush=True)
    app.block_thread()
    return 0


def format_answer(answer: Answer) -> str:
    """The answer as the terminal shows it; document text in it cannot drive the terminal."""
    lines = [safe_text(answer.text)]
    if answer.citations:
        lines.append("")
    for c in answer.citations:
        where = f"{c.source}" + (f", page {c.page}" if c.page else "")
        quote = one_line(c.quote)
        lines.append(f"[{c.index}] {safe_text(where)}, characters {c.start}-{c.end}: “{quote}”")
    if answer.reason:
        lines += ["", f"note: {one_line(answer.reason)}"]
    return "\n".join(lines)


def _progress_bar(stream: TextIO):  # noqa: ANN202
    """A one-line bar on a terminal; a line every 10% elsewhere (logs stay readable)."""
    started = time.monotonic()
    state = {"last": -1}

    def show(done: int, total: int) -> None:
        if total == 0:
            return
        rate = done / max(time.monotonic() - started, 1e-6)
        if stream.isatty():
            filled = int(30 * done / total)
            stream.write(f"\rembedding {done}/{total} chunks [{'#' * filled:<30}] "
                         f"{rate:.1f}/s")
            if done >= total:
                stream.write("\n")
            stream.flush()
        else:
            step = int(10 * done / total)
            if step != state["last"]:
                state["last"] = step
                print(f"embedding {done}/{total} chunks", file=stream, flush=True)

    return show


if __name__ == "__main__":
    sys.exit(main())
