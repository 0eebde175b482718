"""The spaCy view of a processed Document: every result a span of a blank-zh/jieba Doc."""

from conftest import SAMPLES


def test_to_spacy_holds_every_task_and_metric_as_a_span(extract_cached):
    from pipeline.extraction import to_spacy

    doc = extract_cached(SAMPLES / "002_2d6767afaa7999d4.txt")
    sdoc = to_spacy(doc)
    assert sdoc.text == doc.text
    assert len(sdoc.spans["tasks"]) == len(doc.tasks) > 50
    for span, task in zip(sdoc.spans["tasks"], doc.tasks):
        # "expand" alignment: the span covers the task's characters, at most out to token boundaries
        assert span.start_char <= task.span[0] and span.end_char >= task.span[1]
        assert task.text in span.text
    assert len(sdoc.spans["deadlines"]) == sum(len(t.deadlines) for t in doc.tasks) > 10
    assert len(sdoc.spans["metrics"]) == len(doc.metrics)


def test_jieba_keeps_gazetteer_unit_names_whole():
    from pipeline.extraction import spacy_doc

    tokens = [t.text for t in spacy_doc("区应急管理局要会同区消防救援大队开展检查")]
    assert "区应急管理局" in tokens and "区消防救援大队" in tokens
