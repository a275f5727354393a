"""Chapter 13 on several seeds, each model trained on its own: the classifier's test accuracy,
and the test perplexity of the Transformer and the GRU language model against the unigram and
bigram baselines.

The notebook itself trains three seeds of each language model, the six together in one ``fit``
(one model with an output per copy; every copy sees the same batches in the same order). This
script is the independent check: each seed is a separate ``fit`` that also reshuffles the
batches with its own seed, with the notebook's data split, vocabulary, windows (the same random
sample of 7,000 training windows), sizes, optimizer (Adam 0.01), batches and epochs; it prints
each seed, the mean, the spread and whether the seeds agree on a winner. ``--epochs`` trains
longer than the notebook can afford, to see whether the ranking holds. About a minute of CPU.

    python benchmarks/ch13_seeds.py [--seeds 0 1 2] [--epochs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

import dlhelpers  # noqa: E402
from dlhelpers import language_model as lm  # noqa: E402
from dlhelpers import text  # noqa: E402

CONTEXT, EPOCHS_LM, BATCH_LM, N_WINDOWS = 32, 2, 128, 7000
MAX_TOKENS, LENGTH, EPOCHS_CLF = 3000, 64, 6


def data():
    """The notebook's split, character streams and windows, and the classifier's ids."""
    paras = text.paragraphs(text.load_topics(), min_words=8)
    parts = text.split_paragraphs(paras, fractions=(0.8, 0.1, 0.1), seed=0)
    chars = text.CharVocabulary("\n".join(p.text for p in parts.train), min_count=20)
    streams = {k: chars.encode("\n".join(p.text for p in v)) for k, v in parts._asdict().items()}
    windows = {k: lm.next_token_windows(s, CONTEXT) for k, s in streams.items()}
    return parts, chars, streams, windows


def classifier_accuracies(parts, seeds):
    import keras
    import tensorflow as tf

    (xtr, ytr), (xte, yte) = (
        text.labelled_paragraphs(parts.train),
        text.labelled_paragraphs(parts.test),
    )
    vectorize = keras.layers.TextVectorization(max_tokens=MAX_TOKENS, output_sequence_length=LENGTH)
    vectorize.adapt(xtr)
    itr, ite = vectorize(np.array(xtr)).numpy(), vectorize(np.array(xte)).numpy()
    ds = tf.data.Dataset.from_tensor_slices((itr, ytr)).shuffle(2000, seed=0).batch(64)
    out = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        model = text.build_text_classifier(MAX_TOKENS, LENGTH, 4, embed_dim=16)
        model.fit(ds, epochs=EPOCHS_CLF, verbose=0, shuffle=False)
        out.append(float(np.mean(model.predict(ite, verbose=0).argmax(1) == yte)))
    return out, float(np.mean(yte == np.bincount(ytr).argmax()))


def lm_perplexities(chars, streams, windows, seeds, epochs=EPOCHS_LM):
    import keras
    import tensorflow as tf

    v = len(chars)
    (x, y), (xt, yt) = windows["train"], windows["test"]
    pick = np.random.default_rng(0).choice(len(x), N_WINDOWS, replace=False)  # as the notebook
    x, y = x[pick], y[pick]
    uni = lm.unigram(streams["train"], v, alpha=1.0)
    bi = lm.bigram(streams["train"], v, alpha=0.1)  # the notebook's choice on validation
    result = {
        "unigram": [lm.perplexity(np.log(uni[yt]))] * len(seeds),
        "bigram": [lm.perplexity(np.log(bi[xt, yt]))] * len(seeds),
        "Transformer": [],
        "GRU": [],
    }
    builders = {
        "Transformer": lambda: lm.build_transformer_lm(v, CONTEXT, 32, 2, 64),
        "GRU": lambda: lm.build_gru_lm(v, CONTEXT, embed_dim=32, units=40),
    }
    for seed in seeds:
        for name, build in builders.items():
            keras.utils.set_random_seed(seed)
            model = build()
            ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)
            model.fit(ds.batch(BATCH_LM), epochs=epochs, verbose=0, shuffle=False)
            logits = model.predict(xt, verbose=0)
            result[name].append(lm.perplexity(lm.token_log_probs(logits, yt)))
            print(f"  seed {seed} {name:<11} test perplexity {result[name][-1]:.2f}", flush=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=EPOCHS_LM)
    args = parser.parse_args(argv)
    seeds = args.seeds
    print(describe())
    dlhelpers.set_seed(0)
    start = time.perf_counter()
    parts, chars, streams, windows = data()
    accs, majority = classifier_accuracies(parts, seeds)
    print(f"\nclassifier test accuracy, seeds {seeds}: {[round(a, 3) for a in accs]}")
    print(
        f"  mean {np.mean(accs):.3f}, spread (max - min) {np.ptp(accs):.3f}; majority {majority:.3f}"
    )
    print(f"\nlanguage models (character level, context {CONTEXT}, {args.epochs} epochs):")
    ppl = lm_perplexities(chars, streams, windows, seeds, args.epochs)
    print(f"\n| model | test perplexity per seed {seeds} | mean | spread (max - min) |")
    print("|---|---|---:|---:|")
    for name, values in ppl.items():
        print(
            f"| {name} | {[round(p, 2) for p in values]} | {np.mean(values):.2f} | {np.ptp(values):.2f} |"
        )
    t, g = np.array(ppl["Transformer"]), np.array(ppl["GRU"])
    if np.all(t < g):
        verdict = "the Transformer is better (lower) on every seed"
    elif np.all(g < t):
        verdict = "the GRU is better (lower) on every seed"
    else:
        verdict = "no reliable winner: the seeds disagree"
    print(
        f"\nTransformer vs GRU: {verdict}; Transformer - GRU per seed: {np.round(t - g, 2).tolist()}"
    )
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
