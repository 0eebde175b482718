import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SAMPLES = CORPORA / "samples"
POOL = CORPORA / "pool"
GOLDEN = ROOT / "tests" / "data" / "golden"
GEN = os.environ.get("PIPELINE_GEN_TEST_DATA") == "1"


REFERENCE_SCORER = Path(os.environ.get("TASKDB_REFERENCE_SCORER", ROOT.parent / "shared" / "tools" / "score.py"))


@pytest.fixture(scope="session")
def reference_scorer():
    """The reference scorer of SPEC §7 (tools/score.py beside the repository), loaded from its file."""
    import importlib.util

    if not REFERENCE_SCORER.is_file():
        pytest.skip(f"reference scorer not found at {REFERENCE_SCORER} (set TASKDB_REFERENCE_SCORER)")
    spec = importlib.util.spec_from_file_location("reference_score", REFERENCE_SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sample_stems() -> list[str]:
    return sorted(p.stem for p in SAMPLES.glob("*.txt"))


def corpus_txts() -> list[Path]:
    return sorted(CORPORA.rglob("*.txt"))


@pytest.fixture(scope="session")
def extract_cached():
    from pipeline.api import extract

    cache = {}

    def get(path):
        path = str(path)
        if path not in cache:
            cache[path] = extract(path)
        return cache[path]

    return get


def taskdb_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def count_documents(url: str) -> int:
    """Documents stored in the database at ``url`` (0 before its tables exist)."""
    from sqlalchemy import func, select

    from pipeline.store.db import make_engine
    from pipeline.store.schema import documents

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(documents)).scalar())
    except Exception:  # the tables are not there yet
        return 0
    finally:
        engine.dispose()


def assert_no_live_formulas(wb) -> int:
    """Every cell of an openpyxl workbook is a value, never a formula, and no text cell starts with a formula
    character; returns how many text cells were quoted (a leading ' in front of one)."""
    from pipeline.safe_text import FORMULA_START

    quoted = 0
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(FORMULA_START), (ws.title, c.coordinate, c.value)
                    quoted += c.value.startswith("'")
    return quoted


def doc_of(tmp_path, text: str, until: str = "structure"):
    """A small made-up document written to ``tmp_path`` and run through the pipeline up to ``until``."""
    from pipeline.run import extract

    p = tmp_path / "doc.txt"
    p.write_text(text, encoding="utf-8")
    return extract(p, until=until)


def best_candidate(cands, gold: str):
    """(Jaccard, sources) of the task candidate closest to the gold task text ``gold``."""
    from pipeline.learn.match import jaccard

    return max(((jaccard(t.text, gold), info["sources"]) for t, info in cands), key=lambda x: x[0])
