"""Stemming speed on the IndoSum corpus: kabar's Sastrawi port against PySastrawi.

    .venv/bin/python -m benchmarks.stemming [--sample N]

All figures come from one run and count CPU seconds of this process
(``time.process_time``): the machine is shared, and wall time under other people's load
says more about them than about the stemmer. Every figure goes through
``Analyzer.analyze`` (tokenise, drop stopwords, stem through the per-form cache) except
the uncached rows, which call ``stem_word`` once per token of a sample (PySastrawi
uncached needs ~90 µs a token; the whole corpus would take minutes).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from benchmarks._common import result
from benchmarks.synth import load_corpus
from kabar.lang.analysis import Analyzer, AnalyzerOptions, tokenize
from kabar.lang.stemmer import SastrawiStemmer

QUICK_ARGS = ["--sample", "20000"]


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _analyze_all(analyzer: Analyzer, texts: Sequence[str]) -> Callable[[], object]:
    return lambda: [analyzer.analyze(t) for t in texts]


def _stem_each(stem_word: Callable[[str], str], tokens: Sequence[str]) -> Callable[[], object]:
    return lambda: [stem_word(t) for t in tokens]


def _row(label: str, n: int, seconds: float, note: str = "") -> None:
    print(f"  {label:<44} {n / seconds:>12,.0f} tokens/s  ({seconds:.2f} s CPU{note})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=100_000, help="tokens for the uncached rows")
    args = ap.parse_args()

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    texts = [f"{a.headline or ''}\n{a.body}" for a in load_corpus()]
    n_tokens = sum(len(tokenize(t)) for t in texts)
    # Both stemmers load their dictionaries before any clock runs.
    pysastrawi = StemmerFactory().create_stemmer().delegatedStemmer
    port = SastrawiStemmer()

    kabar = Analyzer(AnalyzerOptions(stemmer=port))
    kabar_cold = _cpu(_analyze_all(kabar, texts))
    kabar_warm = _cpu(_analyze_all(kabar, texts))
    cached_ref = Analyzer(AnalyzerOptions(stemmer=pysastrawi))
    ref_cold = _cpu(_analyze_all(cached_ref, texts))

    analyzer = Analyzer()
    sample = [
        t.lower()
        for text in texts
        for t in tokenize(text)
        if not analyzer.is_stopword(t) and not any(c.isdigit() for c in t)
    ][: args.sample]
    ref_uncached = _cpu(_stem_each(pysastrawi.stem_word, sample))
    port_uncached = _cpu(_stem_each(port.stem_word, sample))

    forms = kabar.cache_info()
    print("== stemming (IndoSum dev corpus, headline + body, one core, CPU time)")
    print(f"  corpus tokens {n_tokens:,}, distinct stemmed forms {forms:,}")
    _row("kabar analyze, cold cache, one pass", n_tokens, kabar_cold)
    _row("kabar analyze, warm cache (2nd pass)", n_tokens, kabar_warm)
    _row("PySastrawi behind the same cache, cold", n_tokens, ref_cold)
    note = f", first {len(sample):,} content tokens"
    _row("kabar port uncached (stem_word per token)", len(sample), port_uncached, note)
    _row("anchor: PySastrawi uncached", len(sample), ref_uncached, note)
    print(
        f"  cold-pass speed-up over PySastrawi+cache {ref_cold / kabar_cold:.2f}x; "
        f"per uncached call {ref_uncached / port_uncached:.2f}x"
    )
    result("stemming, analyze with cache, cold", n_tokens / kabar_cold, "tokens/CPU s",
           anchor="PySastrawi behind the same cache", anchor_value=n_tokens / ref_cold)  # fmt: skip
    result("stemming, uncached per token", len(sample) / port_uncached, "tokens/CPU s",
           anchor="PySastrawi uncached", anchor_value=len(sample) / ref_uncached)  # fmt: skip


if __name__ == "__main__":
    main()
