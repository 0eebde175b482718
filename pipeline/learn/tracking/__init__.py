"""The linker of plan tasks to report sentences (SPEC §9), in pure functions over SPEC records.

It lives under :mod:`pipeline.learn` because its trainer (:mod:`pipeline.learn.track`) needs it and
``learn`` may import nothing above itself; :mod:`pipeline.track` is the front (files, database, CLI).

- :mod:`.text`: report sentences with spans and the part of the report they sit in, progress wording
- :mod:`.features`: features of (task, sentence) pairs and of a task's evidence
- :mod:`.link`: the linker (the trained ``models/track`` or the tuned rules) and which reports a plan meets
- :mod:`.score`: SPEC §9 scoring, as ``tools/score_track.py``
"""
