"""``taskdb eval``: score the extraction against the gold annotations of a corpus (SPEC §7).

The scoring agrees figure for figure with the reference scorer ``tools/score.py`` beside the
SPEC (checked by ``tests/test_eval.py`` on the corpus and on hand-made edge cases); ``year``
accuracy is ours (score.py has none). The parts:

- :mod:`.matching`: which predicted task, unit, deadline, metric answers which gold one
  (normalisation and bigram Jaccard from :mod:`pipeline.learn.match`);
- :mod:`.scores`: :class:`PRF`, :class:`Acc`, :func:`score_document`, :func:`score_corpus`,
  :class:`FormatScore`, and the cuts by genre, folder and ``dev/`` numbering (:func:`breakdown`);
- :mod:`.diagnostics`: unit canonicalisation and the metric category methods;
- :mod:`.corpus`: :func:`evaluate` walks a corpus folder, every file extracted once, per format;
- :mod:`.cv`: :func:`cross_validate`, ``--cv K``: models trained on K−1 folds grouped by source,
  the held-out fold extracted and scored, counts pooled;
- :mod:`.baseline`: ``eval_baseline.json``, the figures CI must not fall below;
- :mod:`.report`: rendering; :mod:`.command`: :func:`run`, what ``taskdb eval`` does.
"""

from __future__ import annotations

from ..learn.match import bigrams, greedy_pairs, jaccard, norm
from ..train import GoldDoc, find_gold
from .baseline import (
    BASELINE_FIGURES, BASELINE_TOLERANCE, RENDITION_TOLERANCE, baseline_figures, check_baseline, compare_figures,
    figure_deltas, read_baseline, write_baseline)
from .command import run
from .corpus import FORMATS, Report, evaluate, extract_records, gold_docs, parse_formats
from .cv import CVReport, Fold, check_folds, cross_validate, folds, splits
from .diagnostics import (
    CATEGORY_METHODS, CONTEXT_WIDTH, CanonicalScore, CategoryMethods, _category_module, metric_context,
    score_canonicals, score_category_methods)
from .matching import (
    MASKED_METRIC_THRESHOLD, SUBJECT_THRESHOLD, TASK_THRESHOLD, deadline_key, match_deadlines, match_metrics,
    match_tasks, match_units, metric_similarity, task_similarity, units_match)
from .report import render, render_breakdown, render_cv
from .scores import (
    ACC_KEYS, ALL_ACC_KEYS, DEV_GENRES, EXTRA_ACC_KEYS, PRF, PRF_KEYS, Acc, DocScore, Finding, FormatScore,
    breakdown, breakdown_json, dev_genre_of, folder_of, score_corpus, score_document)

__all__ = [
    "ACC_KEYS", "ALL_ACC_KEYS", "BASELINE_FIGURES", "BASELINE_TOLERANCE", "CATEGORY_METHODS", "CONTEXT_WIDTH",
    "CVReport", "CanonicalScore", "CategoryMethods", "DEV_GENRES", "DocScore", "EXTRA_ACC_KEYS", "FORMATS",
    "Finding", "Fold", "FormatScore", "GoldDoc", "MASKED_METRIC_THRESHOLD", "PRF", "PRF_KEYS",
    "RENDITION_TOLERANCE", "Report", "SUBJECT_THRESHOLD", "TASK_THRESHOLD", "Acc", "_category_module",
    "baseline_figures", "bigrams", "breakdown", "breakdown_json", "check_baseline", "check_folds",
    "compare_figures", "cross_validate", "deadline_key", "dev_genre_of", "evaluate", "extract_records",
    "figure_deltas", "find_gold", "folder_of", "folds", "gold_docs", "greedy_pairs", "jaccard", "match_deadlines",
    "match_metrics", "match_tasks", "match_units", "metric_context", "metric_similarity", "norm",
    "parse_formats", "read_baseline", "render", "render_breakdown", "render_cv", "run", "score_canonicals",
    "score_category_methods", "score_corpus", "score_document", "splits", "task_similarity", "units_match",
    "write_baseline",
]
