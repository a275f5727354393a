"""Time the NumPy convolutions against ``tf.nn.conv2d`` and print markdown table rows.

    python benchmarks/conv_speed.py            # batch (64, 28, 28, 8), kernel (3, 3, 8, 16), 'valid'
    python benchmarks/conv_speed.py --repeats 51

The two calls alternate, so a busy machine slows both alike; each time is the
median over the repeats. The course target: ``dlhelpers.scratch.conv2d`` within
5x of TensorFlow on this input. The loop version runs on a slice of the batch
(it is hundreds of times slower) and is scaled up to the full batch. This is a
measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from machine import describe


def _median_times(funcs: dict, repeats: int) -> dict:
    for f in funcs.values():  # warm up (TensorFlow builds its kernels on the first call)
        f()
    times = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, f in funcs.items():
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import dlhelpers
    from dlhelpers.scratch import conv2d, conv2d_loop

    tf = dlhelpers.import_tensorflow()
    rng = np.random.default_rng(args.seed)
    x = rng.normal(size=(64, 28, 28, 8)).astype(np.float32)
    kernel = rng.normal(size=(3, 3, 8, 16)).astype(np.float32)
    expected = tf.nn.conv2d(x, kernel, strides=1, padding="VALID").numpy()
    np.testing.assert_allclose(conv2d(x, kernel), expected, rtol=1e-4, atol=1e-4)

    def im2col_one_tall_matrix():
        # the alternative conv2d does not use: the same windows flattened to one
        # (N * out_h * out_w, kh * kw * C_in) matrix, so BLAS may split it over threads
        windows = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2))
        cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, 72)
        return (cols @ kernel.reshape(72, 16)).reshape(64, 26, 26, 16)

    np.testing.assert_allclose(im2col_one_tall_matrix(), expected, rtol=1e-4, atol=1e-4)
    t = _median_times(
        {
            "tf": lambda: tf.nn.conv2d(x, kernel, strides=1, padding="VALID").numpy(),
            "numpy": lambda: conv2d(x, kernel),
            "tall": im2col_one_tall_matrix,
        },
        args.repeats,
    )
    few = 2  # the loop version on 2 images, scaled to 64
    loop = _median_times({"loop": lambda: conv2d_loop(x[:few], kernel)}, 3)["loop"] * 64 / few

    print(
        f"{describe()}; NumPy {np.__version__}, TensorFlow {tf.__version__}; "
        f"x (64, 28, 28, 8), kernel (3, 3, 8, 16), 'valid', float32, median of {args.repeats}\n"
    )
    print("| implementation | time (ms) | time / TensorFlow |")
    print("|---|---:|---:|")
    print(f"| `tf.nn.conv2d` | {t['tf'] * 1e3:.2f} | 1.0x |")
    print(
        f"| `dlhelpers.scratch.conv2d` (sliding windows, im2col, stacked per-row matmul) | "
        f"{t['numpy'] * 1e3:.2f} | {t['numpy'] / t['tf']:.1f}x |"
    )
    print(
        f"| same im2col flattened to one tall matrix (not used) | {t['tall'] * 1e3:.2f} | "
        f"{t['tall'] / t['tf']:.1f}x |"
    )
    print(
        f"| `dlhelpers.scratch.conv2d_loop` (explicit loops, scaled from {few} images) | "
        f"{loop * 1e3:.0f} | {loop / t['tf']:.0f}x |"
    )


if __name__ == "__main__":
    main()
