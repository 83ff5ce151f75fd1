"""Indonesian named-entity recognition (PER, LOC, ORG) with a CRF model shipped in the package.

- :mod:`.tagger` — ``load_tagger(convention)``: the shipped ``model/ner.crfsuite``, opened lazily once.
- :mod:`.features` — token features (word, affixes, shape, window, learned word classes, gazetteers).
- :mod:`.encoder`, :mod:`.crfmodel` — the tagger's fast path: the same features as attribute ids from
  per-word-form caches, scored and decoded with the model's weights exactly as crfsuite does.
- :mod:`.baseline` — the plain CRF features the benchmark anchors on.
- :mod:`.train` — ``python -m kabar.understand.ner.train``: rebuilds the model from ``../shared/ner``.
- :mod:`.clusters` — ``python -m kabar.understand.ner.clusters``: rebuilds ``data/clusters.tsv.gz``.
- :mod:`.gazetteer`, :mod:`.aliases`, :mod:`.roles`, :mod:`.credits` — the data-driven helpers
  :mod:`kabar.understand.entities` uses to turn tags into entities with roles.
- :mod:`.tagfile` — ``kabar tag``: CoNLL in, CoNLL plus a tag column out.

Nothing is trained or downloaded at import or at run time. Data notices: ``model/NOTICE.txt``.
"""
