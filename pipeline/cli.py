"""The ``taskdb`` command: a thin shell over :mod:`pipeline.api`.

Exit status: 0 when every file was read, 2 when any file failed, 1 for a usage error.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="taskdb: tasks, units, deadlines and metrics "
                  "from Chinese work-safety documents.")


class OutFormat(str, Enum):
    jsonl = "jsonl"
    text = "text"


@app.callback()
def _root() -> None:
    """taskdb: tasks, units, deadlines and metrics from Chinese work-safety documents."""


@app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="Documents to read (.txt .docx .pdf .html .doc).")],
    format: Annotated[OutFormat, typer.Option("--format", "-f", help="jsonl: SPEC records; text: cleaned text "
                                              "with its section outline.")] = OutFormat.jsonl,
) -> None:
    """Print one record per file, in input order; a bad file gives an error line and the batch goes on.

    Example: taskdb extract corpora/samples/*.txt --format jsonl
    """
    from .api import extract_many

    _STATE["ran"] = True
    failed = 0
    out = sys.stdout
    for res in extract_many(files):
        if not res.ok:
            failed += 1
        if format is OutFormat.jsonl:
            out.write(json.dumps(res.to_record(), ensure_ascii=False) + "\n")
        elif res.ok:
            doc = res.document
            out.write(f"# {doc.source}\n# title: {doc.title}  type: {doc.doc_type}  year: {doc.year}  "
                      f"issuer: {doc.issuer}\n")
            if doc.sections:
                out.write("## outline\n" + doc.outline() + "\n")
            if doc.flags:
                out.write("## flags\n" + "\n".join(f"- {f.code}: {f.message}" for f in doc.flags) + "\n")
            out.write("## text\n" + doc.text + "\n\n")
        else:
            out.write(f"# {res.source}\nerror {res.code}: {res.message}\n\n")
        out.flush()
    if failed:
        raise typer.Exit(2)


_STATE = {"ran": False}  # set once a command has parsed its arguments


def main(argv: list[str] | None = None) -> int:
    """Run the CLI. Usage errors exit 1 (SPEC §2) rather than click's 2, which here means "a file failed"."""
    try:
        app(args=argv, prog_name="taskdb")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code == 2 and not _STATE["ran"]:
            return 1
        return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
