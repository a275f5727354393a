"""Tuning a small Keras model: sweeps, a learning-rate finder, schedules, k-fold CV, keras-tuner.

Every experiment varies one run, :func:`train_mlp`; with ``cache=``, sweeps and keras-tuner
trials share its runs. TensorFlow is imported inside the functions.
"""

from __future__ import annotations

import hashlib
import math
from collections import namedtuple

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_array, check_choice, check_same_length, check_scalar, fail
from dlhelpers.training import build_mlp, fit_model

__all__ = [
    "train_mlp",
    "train_mlp_code",
    "SweepResult",
    "sweep",
    "LRFinderResult",
    "find_learning_rate",
    "smooth_losses",
    "suggest_learning_rate",
    "SCHEDULES",
    "schedule_lrs",
    "make_schedule",
    "CVResult",
    "cross_validate",
    "summarize_scores",
    "SplitVsKFold",
    "split_vs_kfold",
    "TUNERS",
    "mlp_hypermodel",
    "make_tuner",
    "trials_table",
]

SweepResult = namedtuple("SweepResult", ["param", "values", "histories"])
LRFinderResult = namedtuple("LRFinderResult", ["lrs", "losses", "smoothed", "suggestion"])
CVResult = namedtuple("CVResult", ["scores", "mean", "std", "extra_scores"], defaults=[None])
SplitVsKFold = namedtuple(
    "SplitVsKFold", ["single", "kfold", "single_reference", "kfold_reference", "pool_size"]
)
SCHEDULES = ("constant", "exponential", "piecewise", "one_cycle")
TUNERS = ("grid", "random", "bayesian")


# --------------------------------------------------------------------------- the model
def _classifier(n_inputs, n_classes, hidden_layers, units, learning_rate, seed):
    """:func:`dlhelpers.training.build_mlp` compiled as the chapter's classifier (Adam)."""
    import keras

    model = build_mlp(n_inputs, n_classes, (units,) * hidden_layers, seed=seed)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def train_mlp(
    x_train,
    y_train,
    x_val,
    y_val,
    *,
    hidden_layers: int = 1,
    units: int = 32,
    learning_rate=1e-3,
    batch_size: int = 32,
    epochs: int = 10,
    seed: int = 0,
    callbacks=None,
    cache: dict | None = None,
):
    """Train one dense classifier; the one training run every experiment of Chapter 8 varies.

    The model is :func:`dlhelpers.training.build_mlp` with ``hidden_layers`` ReLU layers of
    ``units`` (seeded with ``seed``), compiled with ``Adam(learning_rate)`` (a number or a
    Keras schedule), sparse categorical cross-entropy and accuracy, and trained by
    :func:`dlhelpers.training.fit_model` on ``(N, F)`` features and ``(N,)`` integer labels.

    Args:
        cache: an optional dict shared between calls: a run whose data and settings are
            already in it is returned from it instead of retrained (training is
            deterministic). Runs with ``callbacks`` are neither stored nor served. A served
            model is the same object each time: evaluate it, do not train it further.

    Returns:
        ``(model, history)``, ``history`` a dict of per-epoch lists (``loss``, ``accuracy``,
        ``val_loss``, ``val_accuracy``).
    """
    for name, y in (("y_train", y_train), ("y_val", y_val)):
        if np.asarray(y).dtype.kind not in "iu":
            fail(name, "integer class labels", np.asarray(y))
    hidden_layers = check_scalar(hidden_layers, "hidden_layers", int, low=0, high=10)
    if cache is not None and not isinstance(cache, dict):
        fail("cache", "a dict (or None)", cache)
    key = None
    if cache is not None and not callbacks:
        settings = dict(
            hidden_layers=hidden_layers,
            units=units,
            learning_rate=learning_rate,
            batch_size=batch_size,
            epochs=epochs,
            seed=seed,
        )
        key = _run_key((x_train, y_train, x_val, y_val), settings)
        if key in cache:
            return cache[key]
    n_classes = max(int(max(np.max(y_train), np.max(y_val))) + 1, 2)
    model = _classifier(np.shape(x_train)[-1], n_classes, hidden_layers, units, learning_rate, seed)
    history = fit_model(
        model,
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks,
    )
    run = model, {k: [float(v) for v in vals] for k, vals in history.history.items()}
    if key is not None:
        cache[key] = run
    return run


def train_mlp_code(
    n_features: int, n_classes: int, *, units, learning_rate: str, batch_size, epochs, seed
) -> str:
    """The plain Keras code of a one-hidden-layer :func:`train_mlp` run, as explorers show it.

    Args:
        learning_rate: Python source for the rate (``"0.01"``, or a name such as
            ``"schedule"`` that lines placed before this code define).

    Returns:
        Code that defines ``model`` and ``history`` from ``x_train, y_train, x_val, y_val``.
    """
    return f"""keras.utils.set_random_seed({seed})
model = keras.Sequential(
    [
        keras.Input(({n_features},)),
        keras.layers.Dense({units}, activation="relu"),
        keras.layers.Dense({n_classes}, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate={learning_rate}),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs={epochs},
    batch_size={batch_size},
    verbose=0,
)"""


def _run_key(data, settings: dict) -> tuple:
    """The cache key of a run: a digest of the data and the settings' reprs."""
    # NumPy scalars and Python numbers of the same value give the same key
    settings = {
        k: v.item() if isinstance(v, (np.integer, np.floating)) else v for k, v in settings.items()
    }
    if hasattr(settings.get("learning_rate"), "get_config"):  # a schedule: key on its config
        lr = settings["learning_rate"]
        settings["learning_rate"] = (type(lr).__name__, sorted(lr.get_config().items()))
    digest = hashlib.sha1()  # of the data's bytes, so a cache never mixes runs on different data
    for a in map(np.ascontiguousarray, data):
        digest.update(f"{a.shape}{a.dtype}".encode())
        digest.update(a.tobytes())
    return digest.hexdigest(), tuple(sorted((k, repr(v)) for k, v in settings.items()))


def sweep(param: str, values, data, *, cache: dict | None = None, **fixed) -> SweepResult:
    """Train :func:`train_mlp` once per value of one hyperparameter, all else fixed.

    Args:
        param: ``"learning_rate"``, ``"batch_size"``, ``"hidden_layers"``, ``"units"`` or
            ``"epochs"``; values: the values to try.
        data: ``(x_train, y_train, x_val, y_val)``.
        cache, fixed: passed to every :func:`train_mlp` run (``fixed`` are the keyword
            arguments other than ``param``).

    Returns:
        ``SweepResult(param, values, histories)``, ``histories[i]`` the history of ``values[i]``.
    """
    check_choice(
        param, "param", ("learning_rate", "batch_size", "hidden_layers", "units", "epochs")
    )
    if param in fixed:
        fail("fixed", f"keyword arguments other than the swept {param!r}", sorted(fixed))
    values = list(values)
    if not values:
        fail("values", "at least one value to try", values)
    if not (isinstance(data, (tuple, list)) and len(data) == 4):
        fail("data", "a tuple (x_train, y_train, x_val, y_val)", data)
    histories = [train_mlp(*data, **{**fixed, param: value}, cache=cache)[1] for value in values]
    return SweepResult(param, values, histories)


# --------------------------------------------------------------------------- LR finder
def smooth_losses(losses, beta: float = 0.9) -> np.ndarray:
    """Exponential moving average with bias correction (as in Adam), NaN kept as NaN.

    ``s_t = beta * m_{t-1} + (1 - beta) * loss_t`` divided by ``1 - beta**(t+1)``.
    """
    losses = check_array(losses, "losses", ndim=1, allow_nan=True)
    beta = check_scalar(beta, "beta", float, low=0, high=1, closed="left")
    out, avg = np.empty_like(losses), 0.0
    for t, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out[t] = avg / (1 - beta ** (t + 1))
    return out


def suggest_learning_rate(lrs, losses, *, factor: float = 10.0) -> float:
    """The learning rate where the (smoothed) loss is lowest, divided by ``factor``.

    At the lowest point the rate is already about to become too large; a
    tenth of it still learns fast and stays clear of divergence (a rule of
    thumb, not a law: check it by training).

    Args:
        lrs: ``(S,)`` increasing learning rates.
        losses: ``(S,)`` losses recorded at those rates (NaN where training blew up).
        factor: how far below the minimum to go (>= 1).

    Returns:
        The suggested learning rate (a float).
    """
    lrs = check_array(lrs, "lrs", ndim=1)
    losses = check_array(losses, "losses", ndim=1, allow_nan=True)
    check_same_length(lrs=lrs, losses=losses)
    factor = check_scalar(factor, "factor", float, low=1)
    if np.any(lrs <= 0) or np.any(np.diff(lrs) <= 0):
        fail("lrs", "positive, strictly increasing learning rates", lrs)
    if not np.any(np.isfinite(losses)):
        fail("losses", "at least one finite loss", losses)
    best = int(np.nanargmin(np.where(np.isfinite(losses), losses, np.nan)))
    return float(lrs[best] / factor)


def find_learning_rate(
    model,
    x,
    y,
    *,
    min_lr: float = 1e-5,
    max_lr: float = 1.0,
    steps: int = 200,
    batch_size: int = 32,
    beta: float = 0.9,
    diverge_factor: float = 4.0,
    seed: int = 0,
) -> LRFinderResult:
    """Learning-rate range test: train with a rate that grows exponentially each step.

    Step ``t`` trains one random mini-batch (``model.train_on_batch``) at
    ``min_lr * (max_lr / min_lr) ** (t / (steps - 1))`` and records its loss, until the
    smoothed loss (:func:`smooth_losses` with ``beta``) exceeds ``diverge_factor`` times its
    best. The model's weights and optimizer state are restored afterwards.

    Args:
        model: a compiled Keras model whose optimizer has a plain learning rate (no schedule).
        x, y: training inputs and targets. steps, batch_size: at most ``steps`` mini-batches.
        seed: seeds the order of the mini-batches.

    Returns:
        ``LRFinderResult(lrs, losses, smoothed, suggestion)``: the rates used, the raw and
        smoothed losses, and :func:`suggest_learning_rate` of the smoothed curve.
    """
    min_lr = check_scalar(min_lr, "min_lr", float, low=0, closed="neither")
    max_lr = check_scalar(max_lr, "max_lr", float, low=0, closed="neither")
    if max_lr <= min_lr:
        fail("max_lr", f"a number > min_lr ({min_lr:g})", max_lr)
    steps = check_scalar(steps, "steps", int, low=2)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    diverge_factor = check_scalar(diverge_factor, "diverge_factor", float, low=1, closed="neither")
    seed = check_scalar(seed, "seed", int, low=0)
    x = np.asarray(x)
    y = np.asarray(y)
    n = check_same_length(x=x, y=y)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        fail("model", "a compiled Keras model (call model.compile first)", model)
    import_tensorflow()
    import keras

    # Public API: a plain rate is a keras.Variable; a schedule (or a callable) shows as the
    # rate it gives now, a tensor, which the finder could not overwrite step by step.
    if not isinstance(optimizer.learning_rate, keras.Variable):
        fail(
            "model",
            "an optimizer with a plain learning rate, not a schedule",
            f"{type(optimizer).__name__} whose learning_rate is {optimizer.learning_rate!r}",
        )
    weights = model.get_weights()
    lr_before = float(optimizer.learning_rate.numpy())
    if not optimizer.built:  # build now so its fresh state can be saved and restored
        optimizer.build(model.trainable_variables)
    optimizer_state = [v.numpy() for v in optimizer.variables]
    rng = np.random.default_rng(seed)
    lrs = min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))
    losses, order = [], np.array([], dtype=np.int64)
    best, avg = np.inf, 0.0
    try:
        for t, lr in enumerate(lrs):
            if len(order) < batch_size:  # a fresh shuffle whenever the pass is used up
                order = np.concatenate([order, rng.permutation(n)])
            batch, order = order[:batch_size], order[batch_size:]
            optimizer.learning_rate.assign(lr)
            logs = model.train_on_batch(x[batch], y[batch], return_dict=True)
            loss = float(logs["loss"])
            losses.append(loss)
            avg = beta * avg + (1 - beta) * loss
            smoothed = avg / (1 - beta ** (t + 1))
            if not np.isfinite(smoothed) or smoothed > diverge_factor * best:
                break
            best = min(best, smoothed)
    finally:
        model.set_weights(weights)
        optimizer.learning_rate.assign(lr_before)
        for var, value in zip(optimizer.variables, optimizer_state, strict=True):
            var.assign(value)
    losses = np.asarray(losses)
    lrs = lrs[: len(losses)]
    smoothed = smooth_losses(losses, beta)
    return LRFinderResult(lrs, losses, smoothed, suggest_learning_rate(lrs, smoothed))


# --------------------------------------------------------------------------- schedules
def _schedule_params(kind: str, params: dict) -> dict:
    required = {
        "constant": ("learning_rate",),
        "exponential": ("initial_learning_rate", "decay_steps", "decay_rate"),
        "piecewise": ("boundaries", "values"),
        "one_cycle": ("max_lr", "total_steps"),
    }[kind]
    optional = {
        "exponential": {"staircase": False},
        "one_cycle": {"warmup_fraction": 0.3, "div_factor": 25.0, "final_fraction": 1e-3},
    }.get(kind, {})
    if set(required) - set(params) or set(params) - set(required) - set(optional):
        extra = f" (optional: {', '.join(optional)})" if optional else ""
        fail(
            "params",
            f"the {kind!r} schedule's arguments {', '.join(required)}{extra}",
            sorted(params),
        )
    p = {**optional, **params}
    positive = dict(low=0, closed="neither")
    for name in ("learning_rate", "initial_learning_rate", "decay_rate", "max_lr"):
        if name in p:
            check_scalar(p[name], name, float, **positive)
    if kind == "exponential":
        check_scalar(p["decay_steps"], "decay_steps", int, low=1)
    elif kind == "piecewise":
        bounds, values = check_array(p["boundaries"], "boundaries", ndim=1), p["values"]
        if len(check_array(values, "values", ndim=1)) != len(bounds) + 1:
            fail("values", f"{len(bounds) + 1} values (one more than boundaries)", values)
        if np.any(np.diff(bounds) <= 0):
            fail("boundaries", "strictly increasing step numbers", bounds)
    elif kind == "one_cycle":
        total = check_scalar(p["total_steps"], "total_steps", int, low=2)
        frac = check_scalar(p["warmup_fraction"], "warmup_fraction", float, high=1, **positive)
        check_scalar(p["div_factor"], "div_factor", float, low=1)
        check_scalar(p["final_fraction"], "final_fraction", float, low=0, high=1)
        if not 1 <= round(frac * total) < total:
            fail("warmup_fraction", f"a fraction giving 1 to {total - 1} warm-up steps", frac)
    return p


def schedule_lrs(kind: str, steps, **params) -> np.ndarray:
    """Learning rate at each step, computed by hand with NumPy (float64).

    The formulas are Keras' own, so the result matches :func:`make_schedule`:

    - ``"constant"``: ``learning_rate``.
    - ``"exponential"``: ``initial_learning_rate * decay_rate ** (step / decay_steps)``;
      with ``staircase=True`` the exponent is floored (the rate drops in steps).
    - ``"piecewise"``: ``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``.
    - ``"one_cycle"``: a linear warm-up from ``max_lr / div_factor`` to ``max_lr`` over
      ``round(warmup_fraction * total_steps)`` steps, then a cosine decay down to
      ``max_lr * final_fraction`` at ``total_steps`` (Keras' ``CosineDecay`` with warm-up).

    Args:
        kind: one of :data:`SCHEDULES`.
        steps: an int ``S`` (steps ``0..S-1``) or an array of step numbers.
        **params: the schedule's arguments (named as in Keras).

    Returns:
        ``(S,)`` float64 learning rates.
    """
    check_choice(kind, "kind", SCHEDULES)
    p = _schedule_params(kind, params)
    if isinstance(steps, (int, np.integer)) and not isinstance(steps, bool):
        step = np.arange(check_scalar(steps, "steps", int, low=1), dtype=np.float64)
    else:
        step = check_array(steps, "steps", ndim=1)
        if np.any(step < 0):
            fail("steps", "non-negative step numbers", step)
    if kind == "constant":
        return np.full(step.shape, float(p["learning_rate"]))
    if kind == "exponential":
        exponent = step / p["decay_steps"]
        if p["staircase"]:
            exponent = np.floor(exponent)
        return p["initial_learning_rate"] * p["decay_rate"] ** exponent
    if kind == "piecewise":
        index = np.searchsorted(np.asarray(p["boundaries"], float), step, side="left")
        return np.asarray(p["values"], float)[index]
    warmup = round(p["warmup_fraction"] * p["total_steps"])
    decay = p["total_steps"] - warmup
    start = p["max_lr"] / p["div_factor"]
    step = np.minimum(step, p["total_steps"])
    up = start + (p["max_lr"] - start) * step / warmup
    frac = np.clip(step - warmup, 0, None) / decay
    alpha = p["final_fraction"]
    down = p["max_lr"] * ((1 - alpha) * 0.5 * (1 + np.cos(math.pi * frac)) + alpha)
    return np.where(step < warmup, up, down)


def make_schedule(kind: str, **params):
    """The Keras object for a schedule of :func:`schedule_lrs` (same arguments).

    Returns:
        A float for ``"constant"``, else a ``keras.optimizers.schedules`` object
        (``ExponentialDecay``, ``PiecewiseConstantDecay`` or ``CosineDecay`` with
        warm-up for the one-cycle schedule) to pass as an optimizer's learning rate.
    """
    check_choice(kind, "kind", SCHEDULES)
    p = _schedule_params(kind, params)
    import_tensorflow()
    from keras.optimizers import schedules

    if kind == "constant":
        return float(p["learning_rate"])
    if kind == "exponential":
        return schedules.ExponentialDecay(
            p["initial_learning_rate"],
            p["decay_steps"],
            p["decay_rate"],
            staircase=p["staircase"],
        )
    if kind == "piecewise":
        return schedules.PiecewiseConstantDecay(
            [int(b) for b in p["boundaries"]], [float(v) for v in p["values"]]
        )
    warmup = round(p["warmup_fraction"] * p["total_steps"])
    return schedules.CosineDecay(
        initial_learning_rate=p["max_lr"] / p["div_factor"],
        decay_steps=p["total_steps"] - warmup,
        alpha=p["final_fraction"],
        warmup_target=p["max_lr"],
        warmup_steps=warmup,
    )


# --------------------------------------------------------------------------- k-fold CV
def summarize_scores(scores) -> tuple[float, float]:
    """Mean and sample standard deviation (``ddof=1``) of per-fold scores.

    The sample standard deviation estimates how much one fold's score varies;
    with a handful of folds ``ddof=0`` would understate it.

    Returns:
        ``(mean, std)`` as floats.
    """
    scores = check_array(scores, "scores", ndim=1, min_size=2)
    return float(np.mean(scores)), float(np.std(scores, ddof=1))


def cross_validate(
    build_model,
    x,
    y,
    *,
    cv=5,
    epochs: int = 10,
    batch_size: int = 32,
    metric: str = "accuracy",
    seed: int = 0,
    also_score: tuple | None = None,
) -> CVResult:
    """K-fold cross-validation of a Keras model with a scikit-learn splitter.

    For each split, a fresh ``build_model()`` (Keras seed ``seed + fold``) is trained on the
    training rows and scored on the held-out rows.

    Args:
        build_model: a function of no arguments returning a compiled Keras model.
        x: ``(N, ...)`` inputs. y: ``(N,)`` targets.
        cv: a number of folds (``StratifiedKFold`` for integer labels, else ``KFold``,
            shuffled with ``seed``) or any scikit-learn splitter (``RepeatedKFold``...).
        epochs, batch_size: training settings for each fold.
        metric: the name ``model.evaluate(..., return_dict=True)`` gives the score.
        also_score: optional ``(x_extra, y_extra)`` every fold's model is also scored on.

    Returns:
        ``CVResult(scores, mean, std, extra_scores)``: ``(K,)`` per-split scores,
        their mean and sample standard deviation, and ``(K,)`` scores on
        ``also_score`` (``None`` without it).
    """
    if not callable(build_model):
        fail("build_model", "a function that returns a compiled Keras model", build_model)
    x = check_array(x, "x", ndim=(2, 3, 4))
    y = check_array(y, "y", ndim=1, dtype=None)
    n = check_same_length(x=x, y=y)
    epochs = check_scalar(epochs, "epochs", int, low=1)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    seed = check_scalar(seed, "seed", int, low=0)
    from sklearn.model_selection import KFold, StratifiedKFold

    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        k = check_scalar(cv, "cv", int, low=2, high=n)
        splitter_cls = StratifiedKFold if y.dtype.kind in "iu" else KFold
        cv = splitter_cls(n_splits=k, shuffle=True, random_state=seed)
    elif not (hasattr(cv, "split") and hasattr(cv, "get_n_splits")):
        fail("cv", "a number of folds or a scikit-learn splitter", cv)
    if also_score is not None:
        if not (isinstance(also_score, tuple) and len(also_score) == 2):
            fail("also_score", "a pair (x_extra, y_extra)", also_score)
        x_extra = check_array(also_score[0], "also_score[0]", ndim=x.ndim)
        y_extra = check_array(also_score[1], "also_score[1]", ndim=1, dtype=None)
        check_same_length(x_extra=x_extra, y_extra=y_extra)
    import_tensorflow()
    import keras

    scores, extra = [], []
    for fold, (train, test) in enumerate(cv.split(x, y)):
        keras.utils.set_random_seed(seed + fold)
        model = build_model()
        model.fit(x[train], y[train], epochs=epochs, batch_size=batch_size, verbose=0)
        result = model.evaluate(x[test], y[test], verbose=0, return_dict=True)
        if metric not in result:
            fail("metric", "one of " + ", ".join(map(repr, result)), metric)
        scores.append(float(result[metric]))
        if also_score is not None:
            on_extra = model.evaluate(x_extra, y_extra, verbose=0, return_dict=True)
            extra.append(float(on_extra[metric]))
    scores = np.asarray(scores)
    mean, std = summarize_scores(scores) if len(scores) > 1 else (float(scores[0]), 0.0)
    return CVResult(scores, mean, std, np.asarray(extra) if also_score is not None else None)


def split_vs_kfold(
    estimator,
    x,
    y,
    *,
    subset_size: int = 400,
    n_subsets: int = 30,
    n_splits: int = 5,
    seed: int = 0,
) -> SplitVsKFold:
    """How far one validation split and a k-fold mean each land from a large unseen pool.

    For each of ``n_subsets`` random stratified subsets of ``subset_size`` rows (subset
    ``r`` drawn with ``seed + r``), a shuffled ``StratifiedKFold(n_splits)`` trains clones
    of ``estimator`` (a scikit-learn classifier, scored by its ``score``); each is scored on
    its held-out fold and on the *pool*, every row outside the subset. The first fold alone
    is what a single split reports, the mean over the folds the k-fold estimate; what the
    same model(s) score on the pool is each estimate's reference.

    Returns:
        ``SplitVsKFold(single, kfold, single_reference, kfold_reference, pool_size)``:
        four ``(n_subsets,)`` float arrays and the number of pool rows.
    """
    x = check_array(x, "x", ndim=2)
    y = check_array(y, "y", ndim=1, dtype=None)
    if y.dtype.kind not in "iu":
        fail("y", "integer class labels", y)
    n = check_same_length(x=x, y=y)
    subset_size = check_scalar(subset_size, "subset_size", int, low=2, high=n - 2)
    n_subsets = check_scalar(n_subsets, "n_subsets", int, low=2)
    n_splits = check_scalar(n_splits, "n_splits", int, low=2, high=subset_size // 2)
    seed = check_scalar(seed, "seed", int, low=0)
    if not hasattr(estimator, "fit") or not hasattr(estimator, "score"):
        fail("estimator", "a scikit-learn estimator with fit and score", estimator)
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, train_test_split
    from threadpoolctl import threadpool_limits

    out = np.empty((4, n_subsets))
    # One BLAS thread: on fits this small, extra threads cost more time than they save.
    with threadpool_limits(limits=1):
        for r in range(n_subsets):
            subset, pool = train_test_split(
                np.arange(n), train_size=subset_size, stratify=y, random_state=seed + r
            )
            xs, ys = x[subset], y[subset]
            folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed + r)
            scores, on_pool = [], []
            for train, held_out in folds.split(xs, ys):
                model = clone(estimator).fit(xs[train], ys[train])
                scores.append(model.score(xs[held_out], ys[held_out]))
                on_pool.append(model.score(x[pool], y[pool]))
            out[:, r] = scores[0], np.mean(scores), on_pool[0], np.mean(on_pool)
    return SplitVsKFold(*out, pool_size=n - subset_size)


# --------------------------------------------------------------------------- keras-tuner
def mlp_hypermodel(
    n_inputs: int,
    n_classes: int,
    *,
    learning_rates=(1e-3, 3e-3, 1e-2, 3e-2),
    units=(16, 64),
    hidden_layers=(1, 2),
):
    """A keras-tuner build function for :func:`train_mlp`'s classifier over a small space.

    Args:
        n_inputs, n_classes: the data's shape.
        learning_rates, units, hidden_layers: the values each hyperparameter may
            take (``hp.Choice``), so grid, random and Bayesian search share one space.

    Returns:
        ``build(hp)``, a function keras-tuner calls with its ``HyperParameters``.
    """
    n_inputs = check_scalar(n_inputs, "n_inputs", int, low=1)
    n_classes = check_scalar(n_classes, "n_classes", int, low=2)
    space = {"learning_rate": learning_rates, "units": units, "hidden_layers": hidden_layers}
    for name, values in space.items():
        if not (isinstance(values, (tuple, list)) and len(values) >= 1):
            fail(name, "a non-empty tuple of values to search", values)

    def build(hp):
        return _classifier(
            n_inputs,
            n_classes,
            hidden_layers=hp.Choice("hidden_layers", list(hidden_layers)),
            units=hp.Choice("units", list(units)),
            learning_rate=hp.Choice("learning_rate", [float(v) for v in learning_rates]),
            seed=0,
        )

    return build


def make_tuner(
    kind: str,
    hypermodel,
    *,
    directory: str,
    max_trials: int = 5,
    objective: str = "val_accuracy",
    seed: int = 1,
    project_name: str | None = None,
    initial_points: int = 2,
    cache: dict | None = None,
):
    """A keras-tuner ``GridSearch``, ``RandomSearch`` or ``BayesianOptimization`` (``kind``).

    Args:
        kind: ``"grid"``, ``"random"`` or ``"bayesian"``.
        hypermodel: a build function such as :func:`mlp_hypermodel` returns.
        directory: where trials are stored; use a ``tempfile.mkdtemp()`` folder.
        max_trials, objective: the budget and the logged metric to maximise.
        seed: seeds the oracle's sampling; at least 1, because keras-tuner reads 0 as "no
            seed" and draws one from Python's global ``random`` state instead
            (``self.seed = seed or random.randint(1, 10000)`` in its ``oracle.py``).
        project_name: sub-folder name (default: ``kind``).
        initial_points: for ``"bayesian"``, the random trials before the Gaussian process
            guides (keras-tuner's default, 3 per hyperparameter, would spend a small budget).
        cache: optional, for a ``hypermodel`` from :func:`mlp_hypermodel`: each trial is
            then one :func:`train_mlp` run through this cache, so a configuration already
            trained with the same data and settings is scored without training it again.
            The score is then the objective at the last epoch (not the best) and no
            checkpoints are written: use ``get_best_hyperparameters``, not ``get_best_models``.

    Returns:
        The tuner; call ``tuner.search(x, y, validation_data=..., epochs=..., verbose=0)``.
    """
    check_choice(kind, "kind", TUNERS)
    max_trials = check_scalar(max_trials, "max_trials", int, low=1)
    seed = check_scalar(seed, "seed", int, low=1)
    if not isinstance(directory, str) or not directory:
        fail("directory", "a folder path (for example tempfile.mkdtemp())", directory)
    import_tensorflow()
    import keras_tuner as kt

    tuners = {"grid": kt.GridSearch, "random": kt.RandomSearch, "bayesian": kt.BayesianOptimization}
    cls = tuners[kind]
    extra = {}
    if kind == "bayesian":  # keras-tuner's own default would spend a small budget at random
        extra["num_initial_points"] = check_scalar(initial_points, "initial_points", int, low=1)
    if cache is not None:
        if not isinstance(cache, dict):
            fail("cache", "a dict (or None)", cache)
        cls = _trials_through_cache(cls)
        extra["cache"] = cache
    tuner = cls(
        hypermodel,
        objective=kt.Objective(objective, direction="max"),
        max_trials=max_trials,
        seed=seed,
        directory=directory,
        project_name=project_name or kind,
        overwrite=True,
        **extra,
    )
    if cache is not None:  # each trial becomes a train_mlp run: the space must be its arguments
        names = sorted(tuner.oracle.get_space().values)
        if not set(names) <= {"hidden_layers", "units", "learning_rate"}:
            fail("hypermodel", "one from mlp_hypermodel when a cache is given", names)
    return tuner


def _trials_through_cache(base):
    """``base`` (a keras-tuner Tuner class) whose trials are :func:`train_mlp` runs with a cache.

    Overriding ``run_trial`` is keras-tuner's documented way to decide how a trial
    trains: it returns the trial's metrics and the oracle does the rest.
    """

    class CachedSearch(base):
        def __init__(self, *args, cache, **kwargs):
            self.run_cache = cache
            super().__init__(*args, **kwargs)

        def search(self, *args, **kwargs):
            # One BLAS thread: the Gaussian process of a Bayesian search works on matrices of
            # a few trials, where threads cost more time than they save (Keras is unaffected).
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=1):
                return super().search(*args, **kwargs)

        def run_trial(self, trial, x, y, *, validation_data, epochs=10, batch_size=32, **_):
            settings = trial.hyperparameters.values
            _, history = train_mlp(
                x,
                y,
                *validation_data,
                **settings,
                epochs=epochs,
                batch_size=batch_size,
                cache=self.run_cache,
            )
            return {name: values[-1] for name, values in history.items()}

    CachedSearch.__name__ = CachedSearch.__qualname__ = f"Cached{base.__name__}"
    return CachedSearch


def trials_table(tuner):
    """One row per completed trial, in the order the trials ran.

    Returns:
        A pandas DataFrame with ``trial`` (1, 2, ...), one column per
        hyperparameter, and ``score`` (the objective), plus ``best_so_far``.
    """
    import pandas as pd

    oracle = getattr(tuner, "oracle", None)
    if oracle is None:
        fail("tuner", "a keras-tuner Tuner", tuner)
    rows = []
    for trial_id in sorted(oracle.trials, key=lambda t: int(t)):
        trial = oracle.trials[trial_id]
        if trial.score is None:
            continue
        rows.append(
            {
                "trial": int(trial_id) + 1,
                **trial.hyperparameters.values,
                "score": float(trial.score),
            }
        )
    table = pd.DataFrame(rows)
    if len(table):
        table["best_so_far"] = table["score"].cummax()
    return table
