"""Chapter 12's sound classifier on three seeds: held-out accuracy per seed, mean and spread.

The notebook trains one seed (and makes no comparison from it); this script trains the same
network, on the same generated clips, split and settings, from seeds 0, 1 and 2, and prints
the test accuracy of each. Run: ``python benchmarks/ch12_seeds.py`` (about 30 s on 2 cores).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from machine import describe  # noqa: E402

import dlhelpers  # noqa: E402


def main(seeds=(0, 1, 2)) -> None:
    dlhelpers.set_seed(0)
    import keras

    from dlhelpers import sound
    from dlhelpers.data import split_indices

    print(describe())
    clips = sound.make_clips(150, seed=0)
    split = split_indices(len(clips.labels), (0.6, 0.2, 0.2), stratify=clips.labels, seed=0)
    features = sound.clip_features(clips.audio)
    (x_train, x_val, x_test), (y_train, y_val, y_test) = (
        [features[i] for i in split],
        [clips.labels[i] for i in split],
    )
    rows = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        start = time.perf_counter()
        model = sound.build_sound_cnn(x_train.shape[1:], len(clips.names), seed=seed)
        model.get_layer("standardise").adapt(x_train)
        model.compile(
            optimizer=keras.optimizers.Adam(3e-3),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=15, batch_size=60,
                  verbose=0)  # fmt: skip
        val = float(np.mean(model.predict(x_val, verbose=0).argmax(1) == y_val))
        test = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test))
        rows.append((seed, val, test, time.perf_counter() - start))
        print(f"seed {seed}: validation {val:.3f}, test {test:.3f} ({rows[-1][3]:.1f} s)")
    tests = np.array([r[2] for r in rows])
    print(
        f"test accuracy over {len(tests)} seeds: mean {tests.mean():.3f}, "
        f"min {tests.min():.3f}, max {tests.max():.3f}, spread {np.ptp(tests):.3f} "
        f"({len(y_test)} held-out clips; a guess: {1 / len(clips.names):.3f})"
    )


if __name__ == "__main__":
    main()
