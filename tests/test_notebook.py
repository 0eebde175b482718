"""notebooks/explore.ipynb runs from top to bottom: a failing cell fails the test (CI executes it); its outputs show
a CJK font with the glyphs, the calendar on a time axis, a colour per category and the plan progress plot."""

import os
import re

import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def test_explore_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    os.environ.setdefault("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, when one fails
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # tasks per unit, deadline calendar, metrics, plan progress
    text = "".join(o.get("text", "") for o in outputs)
    assert "raw text" in text and "cleaned text" in text
    nbformat.write(nb, tmp_path / "explore.executed.ipynb")  # for a look when it fails

    # Chinese: a font found by file that has the glyphs (the notebook asserts it and prints its name)
    font = re.search(r"CJK font: (.+) \((.+)\) covers", text)
    assert font, text[:2000]
    from matplotlib.ft2font import FT2Font  # the printed file really has the glyphs
    import matplotlib.font_manager as fm

    path = next((f for f in fm.findSystemFonts() if os.path.basename(f) == font.group(2)), None)
    if path is not None:
        assert FT2Font(path).get_char_index(ord("安"))
    # the calendar on a time axis, one colour per metric category, plan progress from track
    assert re.search(r"time axis: \d{4}-\d\d-\d\d … \d{4}-\d\d-\d\d", text)
    n_cats, n_colours = map(int, re.search(r"(\d+) categories, (\d+) colours", text).groups())
    assert n_cats == n_colours > 10
    progress = re.search(r"plan progress: (\d+) plans, (\d+) tasks: (.+)", text)
    assert progress and int(progress.group(1)) >= 6, text[-3000:]  # the six pairs' plans at least
    assert "'done'" in progress.group(3) and "'not_reported'" in progress.group(3)
    progress_cell = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "per_plan.plot" in c.source)
    assert any("image/png" in o.get("data", {}) for o in nb.cells[progress_cell].outputs)
