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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; usage errors exit 1 (SPEC §2), not click's 2."""
    import click

    try:
        app(args=argv, standalone_mode=False, prog_name="taskdb")
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort:
        return 130
    except click.UsageError as e:
        e.show()
        return 1
    except click.ClickException as e:
        e.show()
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
