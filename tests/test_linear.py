"""The compiled (NumPy) form of the linear models gives the scikit-learn models' results (pipeline/learn/linear.py)."""

import json
import shutil
import subprocess
import sys

import joblib
import numpy as np
import pytest

from conftest import CORPORA, ROOT
from pipeline.learn import use_models
from pipeline.learn.linear import LinearModel, compile_model
from pipeline.run import extract

MODELS = ROOT / "models"
DOCS = [CORPORA / "dev" / "416_shiquan_yingfeng_zhen_2019_qingming_anquan_bushuhui.txt",
        CORPORA / "heldout5" / "02_hebi_shi_2021_anquan_mubiao_renwu_fenjiebiao_tab.txt",
        CORPORA / "samples" / "004_292e0180c7549e92.txt",
        CORPORA / "dev" / "110_qingdao_sifang_2008_qingming_yingji_zhishou_tongzhi_fanti.txt"]


def test_every_linear_model_ships_its_compiled_form():
    for name in ("boilerplate", "doctype", "tasks", "metric_category", "subject"):
        assert (MODELS / f"{name}.light.pkl.gz").exists(), name
    assert not (MODELS / "units.light.pkl.gz").exists()  # a CRF is not compiled: loaded as it is


def test_the_records_are_the_same_with_the_scikit_learn_models(tmp_path):
    """Whole documents through the pipeline: compiled models and the estimators they came from agree."""
    for f in MODELS.iterdir():
        if not f.name.endswith(".light.pkl.gz"):
            shutil.copy(f, tmp_path)
    with use_models(MODELS):
        light = [extract(p).to_record() for p in DOCS]
    with use_models(tmp_path):
        full = [extract(p).to_record() for p in DOCS]
    for a, b in zip(light, full):
        assert json.dumps(a, ensure_ascii=False, sort_keys=True) == json.dumps(b, ensure_ascii=False, sort_keys=True)


def test_probabilities_agree_on_corpus_inputs():
    from pipeline.learn import doctype

    est = joblib.load(MODELS / "doctype.joblib")
    light = compile_model(est)
    rows = [e["x"] for p in DOCS for e in doctype.examples(extract(p, until="structure"), {"doc_type": "plan"}, "g")]
    assert len(rows) == len(DOCS)
    np.testing.assert_allclose(light.predict_proba(rows), est.predict_proba(rows), atol=1e-12)
    assert list(light.predict(rows)) == list(est.predict(rows))


def test_compile_refuses_what_it_cannot_score():
    from sklearn.svm import LinearSVC

    with pytest.raises(NotImplementedError):
        compile_model(LinearSVC())
    m = compile_model({"model": joblib.load(MODELS / "subject.joblib"), "threshold": 0.5})
    assert isinstance(m["model"], LinearModel) and m["threshold"] == 0.5


def test_reading_and_structuring_do_not_import_scikit_learn():
    code = ("import sys; from pipeline.run import extract; "
            "d = extract('corpora/dev/416_shiquan_yingfeng_zhen_2019_qingming_anquan_bushuhui.txt', until='structure'); "
            "assert d.meta['doc_type_proba'], d.meta; print(sorted(m for m in sys.modules if m.startswith(('sklearn', 'scipy'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
