"""dlhelpers.tuning: schedules by hand equal Keras', the LR finder, k-fold CV, keras-tuner."""

import numpy as np
import pytest

from dlhelpers import tuning as T


def _model(n_inputs=6, n_classes=3, *, units=32, learning_rate=1e-3, seed=0):
    """training.build_mlp compiled as train_mlp compiles it."""
    import keras

    from dlhelpers.training import build_mlp

    model = build_mlp(n_inputs, n_classes, (units,), seed=seed)
    model.compile(
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _data(n=120, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = (x[:, :classes].argmax(axis=1)).astype(np.int64)
    return x, y


# --------------------------------------------------------------------------- schedules
def _random_params(kind, rng):
    if kind == "constant":
        return {"learning_rate": float(rng.uniform(1e-4, 1e-1))}
    if kind == "exponential":
        return {
            "initial_learning_rate": float(rng.uniform(1e-3, 1e-1)),
            "decay_steps": int(rng.integers(1, 60)),
            "decay_rate": float(rng.uniform(0.1, 1)),
            "staircase": bool(rng.integers(2)),
        }
    if kind == "piecewise":
        bounds = np.sort(rng.choice(np.arange(1, 150), size=int(rng.integers(1, 4)), replace=False))
        return {
            "boundaries": bounds.tolist(),
            "values": rng.uniform(1e-4, 1e-1, size=len(bounds) + 1).tolist(),
        }
    return {
        "max_lr": float(rng.uniform(1e-3, 1e-1)),
        "total_steps": int(rng.integers(10, 150)),
        "warmup_fraction": float(rng.uniform(0.1, 0.6)),
        "div_factor": float(rng.uniform(5, 30)),
        "final_fraction": float(rng.uniform(0, 0.1)),
    }


@pytest.mark.parametrize("kind", T.SCHEDULES)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_schedule_by_hand_equals_keras(tf, kind, seed):
    rng = np.random.default_rng(seed)
    params = _random_params(kind, rng)
    steps = np.arange(200)
    by_hand = T.schedule_lrs(kind, steps, **params)
    schedule = T.make_schedule(kind, **params)
    if kind == "constant":
        keras_lrs = np.full(len(steps), schedule)
    else:
        keras_lrs = np.array([float(schedule(int(s))) for s in steps])
    np.testing.assert_allclose(by_hand, keras_lrs, rtol=2e-6, atol=1e-12)
    assert by_hand.shape == (200,) and by_hand.dtype == np.float64


def test_schedule_shapes_of_the_curves():
    exp = T.schedule_lrs(
        "exponential",
        100,
        initial_learning_rate=0.1,
        decay_steps=10,
        decay_rate=0.5,
        staircase=True,
    )
    assert exp[0] == 0.1 and exp[9] == 0.1 and exp[10] == 0.05
    piece = T.schedule_lrs("piecewise", 30, boundaries=[10, 20], values=[3.0, 2.0, 1.0])
    assert piece[10] == 3.0 and piece[11] == 2.0 and piece[21] == 1.0
    cycle = T.schedule_lrs(
        "one_cycle",
        101,
        max_lr=1.0,
        total_steps=100,
        warmup_fraction=0.3,
        div_factor=10.0,
        final_fraction=0.0,
    )
    assert cycle[0] == pytest.approx(0.1) and cycle.argmax() == 30 and cycle[30] == 1.0
    assert np.all(np.diff(cycle[:31]) > 0) and np.all(np.diff(cycle[30:]) <= 1e-12)
    assert cycle[100] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "kind, params, match",
    [
        ("cosine", {}, "kind: expected one of 'constant'"),
        ("exponential", {"initial_learning_rate": 0.1}, "params: expected the 'exponential'"),
        ("constant", {"learning_rate": 0.1, "lr": 1}, "params: expected the 'constant'"),
        ("constant", {"learning_rate": -1.0}, "learning_rate: expected a number > 0"),
        (
            "piecewise",
            {"boundaries": [10, 5], "values": [1, 2, 3]},
            "boundaries: expected strictly increasing",
        ),
        ("piecewise", {"boundaries": [10], "values": [1, 2, 3]}, "values: expected 2 values"),
        (
            "one_cycle",
            {"max_lr": 0.1, "total_steps": 10, "warmup_fraction": 0.01},
            "warmup_fraction: expected a fraction giving 1 to 9 warm-up steps",
        ),
        (
            "exponential",
            {"initial_learning_rate": 0.1, "decay_steps": 0, "decay_rate": 0.5},
            "decay_steps: expected an integer >= 1",
        ),
    ],
)
def test_schedule_errors(kind, params, match):
    with pytest.raises(ValueError, match=match):
        T.schedule_lrs(kind, 10, **params)


def test_schedule_steps_errors():
    with pytest.raises(ValueError, match="steps: expected non-negative step numbers"):
        T.schedule_lrs("constant", [-1, 2], learning_rate=0.1)


# --------------------------------------------------------------------------- LR finder
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.98])
def test_smooth_losses_by_hand(beta):
    losses = np.random.default_rng(3).random(30)
    avg, expected = 0.0, []
    for t, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        expected.append(avg / (1 - beta ** (t + 1)))
    np.testing.assert_allclose(T.smooth_losses(losses, beta), expected)


def test_suggest_learning_rate():
    lrs = np.geomspace(1e-4, 1, 50)
    losses = (np.log10(lrs) + 1.5) ** 2  # lowest at lr = 10**-1.5
    best = lrs[np.argmin(losses)]
    assert T.suggest_learning_rate(lrs, losses) == pytest.approx(best / 10)
    assert T.suggest_learning_rate(lrs, losses, factor=3) == pytest.approx(best / 3)
    losses[-5:] = np.nan
    assert T.suggest_learning_rate(lrs, losses) == pytest.approx(best / 10)
    with pytest.raises(ValueError, match="lrs: expected positive, strictly increasing"):
        T.suggest_learning_rate(lrs[::-1], losses)
    with pytest.raises(ValueError, match="losses: expected at least one finite loss"):
        T.suggest_learning_rate(lrs, np.full(50, np.nan))
    with pytest.raises(ValueError, match="lrs, losses: expected the same number of rows"):
        T.suggest_learning_rate(lrs[:3], losses)


@pytest.mark.parametrize("seed, batch_size", [(0, 8), (1, 16), (2, 50)])
def test_lr_finder_steps_by_hand(tf, seed, batch_size):
    """Loss 0 is the untouched model's; loss 1 follows one SGD step at lrs[0] by hand."""
    import keras

    x, y = _data(seed=seed)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="tanh"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy")
    weights = [w.copy() for w in model.get_weights()]
    result = T.find_learning_rate(
        model, x, y, min_lr=1e-2, max_lr=10.0, steps=30, batch_size=batch_size, seed=seed
    )
    order = np.random.default_rng(seed).permutation(len(x))
    b0, b1 = order[:batch_size], order[batch_size : 2 * batch_size]
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    np.testing.assert_allclose(result.losses[0], loss_fn(y[b0], model(x[b0])), rtol=1e-5)
    with tf.GradientTape() as tape:
        loss = loss_fn(y[b0], model(x[b0]))
    grads = tape.gradient(loss, model.trainable_variables)
    for var, grad in zip(model.trainable_variables, grads, strict=True):
        var.assign(var - result.lrs[0] * grad)
    np.testing.assert_allclose(result.losses[1], loss_fn(y[b1], model(x[b1])), rtol=1e-5)
    model.set_weights(weights)
    expected = 1e-2 * 1000.0 ** (np.arange(len(result.lrs)) / 29)
    np.testing.assert_allclose(result.lrs, expected)


def test_lr_finder_restores_model_and_stops_on_divergence(tf):
    x, y = _data(n=200)
    model = _model(units=16)
    model.fit(x, y, epochs=1, verbose=0)  # optimizer state exists already
    weights = model.get_weights()
    state = [v.numpy() for v in model.optimizer.variables]
    result = T.find_learning_rate(model, x, y, min_lr=1e-4, max_lr=1e4, steps=300, seed=1)
    assert len(result.lrs) < 300  # a rate of 1e4 blows up long before the end
    assert result.lrs[0] <= result.suggestion <= result.lrs[-1]
    assert np.nanmin(result.smoothed) < result.smoothed[0]
    for a, b in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(state, model.optimizer.variables, strict=True):
        np.testing.assert_array_equal(a, b.numpy())
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(1e-3)


def test_lr_finder_errors(tf):
    import keras

    x, y = _data()
    model = _model()
    with pytest.raises(ValueError, match=r"max_lr: expected a number > min_lr \(0.1\)"):
        T.find_learning_rate(model, x, y, min_lr=0.1, max_lr=0.01)
    with pytest.raises(ValueError, match="steps: expected an integer >= 2"):
        T.find_learning_rate(model, x, y, steps=1)
    with pytest.raises(ValueError, match="x, y: expected the same number of rows"):
        T.find_learning_rate(model, x, y[:-1])
    raw = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="model: expected a compiled Keras model"):
        T.find_learning_rate(raw, x, y)
    scheduled = _model(
        learning_rate=T.make_schedule(
            "exponential", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5
        ),
    )
    with pytest.raises(ValueError, match="model: expected an optimizer with a plain learning"):
        T.find_learning_rate(scheduled, x, y)


# --------------------------------------------------------------------------- model, sweep
@pytest.mark.parametrize("layers, units", [(0, 8), (2, 7)])
def test_train_mlp_builds_the_chapters_classifier(tf, layers, units):
    x, y = _data(n=40)
    model, history = T.train_mlp(
        x[:30], y[:30], x[30:], y[30:], hidden_layers=layers, units=units, epochs=1
    )
    widths = [6] + [units] * layers + [3]
    expected = sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:], strict=True))
    assert model.count_params() == expected and model.output_shape == (None, 3)
    assert type(model.optimizer).__name__ == "Adam" and set(history) == {
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
    }


def test_build_and_train_errors(tf):
    x, y = _data()
    with pytest.raises(ValueError, match="y_train: expected integer class labels"):
        T.train_mlp(x, y.astype(float), x, y)
    with pytest.raises(ValueError, match=r"X_val\): expected 6 columns like X_train"):
        T.train_mlp(x, y, x[:, :4], y)
    with pytest.raises(ValueError, match="param: expected one of 'learning_rate'"):
        T.sweep("dropout", [0.1], (x, y, x, y))
    with pytest.raises(ValueError, match="fixed: expected keyword arguments other than"):
        T.sweep("units", [4], (x, y, x, y), units=8)
    with pytest.raises(ValueError, match="data: expected a tuple"):
        T.sweep("units", [4], (x, y))


def test_sweep_trains_once_per_value_and_equals_train_mlp(tf):
    x, y = _data(n=90)
    data = (x[:60], y[:60], x[60:], y[60:])
    result = T.sweep("units", [2, 8], data, epochs=3, batch_size=16, learning_rate=1e-2)
    assert result.param == "units" and result.values == [2, 8]
    assert [len(h["val_loss"]) for h in result.histories] == [3, 3]
    _, single = T.train_mlp(*data, units=8, epochs=3, batch_size=16, learning_rate=1e-2)
    np.testing.assert_allclose(result.histories[1]["val_loss"], single["val_loss"], rtol=1e-6)


# --------------------------------------------------------------------------- k-fold CV
@pytest.mark.parametrize("scores", [[0.5, 0.7], [0.9, 0.8, 0.95, 0.85, 0.9]])
def test_summarize_scores(scores):
    mean, std = T.summarize_scores(scores)
    assert mean == pytest.approx(np.mean(scores))
    assert std == pytest.approx(np.std(scores, ddof=1))


def test_summarize_scores_needs_two():
    with pytest.raises(ValueError, match="scores: expected at least 2 element"):
        T.summarize_scores([0.9])


@pytest.mark.parametrize("k", [2])
def test_cross_validate_equals_a_loop_by_hand(tf, k):
    import keras
    from sklearn.model_selection import StratifiedKFold

    x, y = _data(n=36, seed=k)

    def build():
        return _model(units=4, learning_rate=1e-2)

    x_pool, y_pool = _data(n=20, seed=10 + k)
    result = T.cross_validate(
        build, x, y, cv=k, epochs=1, batch_size=16, seed=3, also_score=(x_pool, y_pool)
    )
    by_hand, on_pool = [], []
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=3)
    for fold, (train, test) in enumerate(splitter.split(x, y)):
        keras.utils.set_random_seed(3 + fold)
        model = build()
        model.fit(x[train], y[train], epochs=1, batch_size=16, verbose=0)
        by_hand.append(model.evaluate(x[test], y[test], verbose=0, return_dict=True)["accuracy"])
        on_pool.append(model.evaluate(x_pool, y_pool, verbose=0, return_dict=True)["accuracy"])
    np.testing.assert_allclose(result.scores, by_hand, rtol=1e-6)
    np.testing.assert_allclose(result.extra_scores, on_pool, rtol=1e-6)
    assert result.mean == pytest.approx(np.mean(by_hand))
    assert result.std == pytest.approx(np.std(by_hand, ddof=1))


def test_cross_validate_accepts_any_splitter(tf):
    from sklearn.model_selection import RepeatedKFold

    x, y = _data(n=40)
    result = T.cross_validate(
        lambda: _model(units=4),
        x,
        y,
        cv=RepeatedKFold(n_splits=2, n_repeats=2, random_state=0),
        epochs=1,
        metric="loss",
    )
    assert result.scores.shape == (4,) and np.all(result.scores > 0)


def test_cross_validate_errors(tf):
    x, y = _data(n=30)
    with pytest.raises(ValueError, match="build_model: expected a function"):
        T.cross_validate(None, x, y)
    with pytest.raises(ValueError, match="cv: expected a number of folds or a scikit-learn"):
        T.cross_validate(_model, x, y, cv="five")
    with pytest.raises(ValueError, match="cv: expected an integer >= 2"):
        T.cross_validate(_model, x, y, cv=1)
    with pytest.raises(ValueError, match="metric: expected one of"):
        T.cross_validate(_model, x, y, cv=2, epochs=1, metric="f1")
    with pytest.raises(ValueError, match="also_score: expected a pair"):
        T.cross_validate(_model, x, y, cv=2, also_score=x)
    with pytest.raises(ValueError, match="x_extra has 30, y_extra has 29"):
        T.cross_validate(_model, x, y, cv=2, also_score=(x, y[:-1]))


# --------------------------------------------------------------------------- keras-tuner
@pytest.mark.parametrize("kind", T.TUNERS)
def test_tuners_run_and_table(tf, tmp_path, kind):
    x, y = _data(n=40)
    build = T.mlp_hypermodel(6, 3, learning_rates=(1e-3, 1e-2), units=(4, 8), hidden_layers=(1,))
    tuner = T.make_tuner(kind, build, directory=str(tmp_path), max_trials=3, seed=1)
    tuner.search(x[:30], y[:30], validation_data=(x[30:], y[30:]), epochs=1, verbose=0)
    table = T.trials_table(tuner)
    assert list(table["trial"]) == [1, 2, 3]
    assert {"learning_rate", "units", "hidden_layers", "score", "best_so_far"} <= set(table)
    assert np.all(np.diff(table["best_so_far"]) >= 0)
    assert table["best_so_far"].iloc[-1] == table["score"].max()
    if kind == "bayesian":
        assert tuner.oracle.num_initial_points == 2
    if kind == "grid":  # grid search walks the grid: no configuration twice
        assert not table[["learning_rate", "units"]].duplicated().any()
    assert (tmp_path / kind).is_dir()


def test_tuner_errors(tmp_path):
    build = T.mlp_hypermodel(6, 3)
    with pytest.raises(ValueError, match="kind: expected one of 'grid', 'random', 'bayesian'"):
        T.make_tuner("hyperband", build, directory=str(tmp_path))
    with pytest.raises(ValueError, match="directory: expected a folder path"):
        T.make_tuner("random", build, directory="")
    with pytest.raises(ValueError, match="units: expected a non-empty tuple"):
        T.mlp_hypermodel(6, 3, units=())
    with pytest.raises(ValueError, match="tuner: expected a keras-tuner Tuner"):
        T.trials_table(object())


def _count_trainings(monkeypatch):
    """A list that grows by one each time train_mlp builds (and so trains) a model."""
    calls = []
    real = T.build_mlp  # what train_mlp builds with: dlhelpers.training.build_mlp

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(T, "build_mlp", counting)
    return calls


def test_sweep_cache_reuses_identical_runs_only(tf, monkeypatch):
    x, y = _data(n=90)
    data = (x[:60], y[:60], x[60:], y[60:])
    calls = _count_trainings(monkeypatch)
    cache = {}
    first = T.sweep("units", [2, 8], data, cache=cache, epochs=2, learning_rate=1e-2)
    second = T.sweep("learning_rate", [1e-3, 1e-2], data, cache=cache, epochs=2, units=8)
    assert len(calls) == 3  # units=8, lr=1e-2 ran once
    assert second.histories[1] is first.histories[1]
    other = (x[:60] + 1.0, y[:60], x[60:], y[60:])  # other data: never served from the cache
    T.sweep("units", [8], other, cache=cache, epochs=2, learning_rate=1e-2)
    assert len(calls) == 4
    with pytest.raises(ValueError, match="cache: expected a dict"):
        T.sweep("units", [8], data, cache=[], epochs=1)


def test_train_mlp_cache_serves_the_same_model_and_history(tf, monkeypatch):
    x, y = _data(n=90)
    data = (x[:60], y[:60], x[60:], y[60:])
    calls = _count_trainings(monkeypatch)
    cache = {}
    model, history = T.train_mlp(*data, units=4, epochs=2, cache=cache)
    again = T.train_mlp(*data, units=np.int64(4), epochs=2, cache=cache)  # NumPy int: same key
    assert again[0] is model and again[1] is history and len(calls) == 1
    T.train_mlp(*data, units=4, epochs=2, seed=1, cache=cache)  # another seed: another run
    assert len(calls) == 2 and len(cache) == 2
    _, uncached = T.train_mlp(*data, units=4, epochs=2)
    np.testing.assert_allclose(uncached["val_loss"], history["val_loss"], rtol=1e-6)
    with pytest.raises(ValueError, match="cache: expected a dict"):
        T.train_mlp(*data, epochs=1, cache=[])


def test_train_mlp_cache_skips_callbacks_and_keys_schedules_by_config(tf, monkeypatch):
    import keras

    x, y = _data(n=90)
    data = (x[:60], y[:60], x[60:], y[60:])
    calls = _count_trainings(monkeypatch)
    cache = {}
    T.train_mlp(*data, epochs=1, cache=cache, callbacks=[keras.callbacks.History()])
    assert cache == {} and len(calls) == 1  # a run with callbacks is neither stored nor served
    params = dict(initial_learning_rate=1e-2, decay_steps=2, decay_rate=0.5)
    first = T.train_mlp(
        *data, epochs=1, learning_rate=T.make_schedule("exponential", **params), cache=cache
    )
    second = T.train_mlp(
        *data, epochs=1, learning_rate=T.make_schedule("exponential", **params), cache=cache
    )
    assert second is first and len(calls) == 2  # two equal schedules are one setting
    other = {**params, "decay_rate": 0.9}
    T.train_mlp(*data, epochs=1, learning_rate=T.make_schedule("exponential", **other), cache=cache)
    assert len(calls) == 3


def test_tuner_through_a_cache_trains_each_configuration_once(tf, tmp_path):
    x, y = _data(n=80)
    data = (x[:60], y[:60], x[60:], y[60:])
    settings = dict(units=4, epochs=2, batch_size=16)
    build = T.mlp_hypermodel(6, 3, learning_rates=(1e-3, 1e-2), units=(4,), hidden_layers=(1,))
    cache = {}
    T.train_mlp(*data, learning_rate=1e-2, **settings, cache=cache)
    assert len(cache) == 1
    for kind in ("grid", "random"):
        tuner = T.make_tuner(
            kind, build, directory=str(tmp_path / kind), max_trials=2, seed=1, cache=cache
        )
        tuner.search(
            x[:60], y[:60], validation_data=(x[60:], y[60:]), epochs=2, batch_size=16, verbose=0
        )
        table = T.trials_table(tuner)
        assert len(table) == 2
        for _, row in table.iterrows():  # each score is train_mlp's last-epoch val_accuracy
            _, history = T.train_mlp(
                *data, learning_rate=row["learning_rate"], **settings, cache=cache
            )
            assert row["score"] == pytest.approx(history["val_accuracy"][-1])
    assert len(cache) == 2  # lr=1e-2 came from the cache, lr=1e-3 trained once for both
    best = tuner.get_best_hyperparameters(1)[0].values
    assert set(best) == {"hidden_layers", "units", "learning_rate"}


def test_tuner_cache_errors(tf, tmp_path):
    build = T.mlp_hypermodel(6, 3)
    with pytest.raises(ValueError, match="cache: expected a dict"):
        T.make_tuner("random", build, directory=str(tmp_path), cache=[])

    def other(hp):
        hp.Choice("dropout", [0.1, 0.2])
        return _model()

    with pytest.raises(ValueError, match="hypermodel: expected one from mlp_hypermodel"):
        T.make_tuner("random", other, directory=str(tmp_path), cache={})


# --------------------------------------------------------------------------- split vs k-fold
def test_split_vs_kfold_equals_a_loop_by_hand():
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, train_test_split

    x, y = _data(n=150, seed=4)
    model = LogisticRegression(max_iter=500)
    result = T.split_vs_kfold(model, x, y, subset_size=60, n_subsets=3, n_splits=3, seed=5)
    assert result.pool_size == 90
    for r in range(3):
        subset, pool = train_test_split(
            np.arange(150), train_size=60, stratify=y, random_state=5 + r
        )
        folds = StratifiedKFold(3, shuffle=True, random_state=5 + r)
        scores, on_pool = [], []
        for train, held_out in folds.split(x[subset], y[subset]):
            fitted = clone(model).fit(x[subset][train], y[subset][train])
            scores.append(fitted.score(x[subset][held_out], y[subset][held_out]))
            on_pool.append(fitted.score(x[pool], y[pool]))
        assert result.single[r] == scores[0] and result.single_reference[r] == on_pool[0]
        assert result.kfold[r] == pytest.approx(np.mean(scores))
        assert result.kfold_reference[r] == pytest.approx(np.mean(on_pool))


def test_split_vs_kfold_errors():
    from sklearn.linear_model import LogisticRegression

    x, y = _data(n=40)
    model = LogisticRegression()
    with pytest.raises(ValueError, match="estimator: expected a scikit-learn estimator"):
        T.split_vs_kfold(object(), x, y, subset_size=20)
    with pytest.raises(ValueError, match="subset_size: expected an integer <= 38"):
        T.split_vs_kfold(model, x, y, subset_size=39)
    with pytest.raises(ValueError, match="n_splits: expected an integer <= 10"):
        T.split_vs_kfold(model, x, y, subset_size=20, n_splits=11)
    with pytest.raises(ValueError, match="y: expected integer class labels"):
        T.split_vs_kfold(model, x, y.astype(float), subset_size=20)


# --------------------------------------------------------------------------- plots
def test_plots_draw_their_data():
    import pandas as pd

    from dlhelpers import plots

    a = {"val_loss": [1.0, 0.5, 0.3]}
    b = {"val_loss": [0.9, 0.2, 0.1]}
    fig = plots.plot_sweeps([T.SweepResult("units", [4, 8], [a, b])])
    assert [line.get_ydata().tolist() for line in fig.axes[0].lines] == [
        a["val_loss"],
        b["val_loss"],
    ]
    lrs, losses = np.geomspace(1e-4, 1, 20), np.linspace(2, 1, 20)
    fig = plots.plot_lr_finder(T.LRFinderResult(lrs, losses, losses * 0.9, 0.1))
    raw, smoothed = fig.axes[0].lines[:2]
    np.testing.assert_array_equal(raw.get_xdata(), lrs)
    np.testing.assert_array_equal(raw.get_ydata(), losses)
    np.testing.assert_array_equal(smoothed.get_ydata(), losses * 0.9)
    curve = np.geomspace(0.1, 0.01, 10)
    fig = plots.plot_schedules({"exp": curve})
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), curve)
    fig = plots.plot_cv_spread([0.02, -0.03, 0.01], [0.005, -0.004])
    dots = [c.get_offsets()[:, 1].tolist() for c in fig.axes[0].collections[:1]]
    assert dots == [[0.02, -0.03, 0.01]]
    table = pd.DataFrame({"trial": [1, 2], "score": [0.5, 0.7], "best_so_far": [0.5, 0.7]})
    fig = plots.plot_trials({"random": table})
    assert fig.axes[0].lines[0].get_ydata().tolist() == [0.5, 0.7]


def test_plots_return_figures_and_check_input():
    import pandas as pd
    from matplotlib.figure import Figure

    from dlhelpers import plots

    history = {"val_loss": [1.0, 0.5, 0.3], "val_accuracy": [0.5, 0.7, 0.8]}
    sweep = T.SweepResult("units", [4, 8], [history, history])
    assert isinstance(plots.plot_sweeps([sweep, sweep]), Figure)
    assert len(plots.plot_sweeps([sweep, sweep]).axes) == 2
    fig = plots.plot_run_histories({"a": history}, "val_accuracy")
    assert fig.axes[0].lines[0].get_ydata().tolist() == history["val_accuracy"]
    lrs = np.geomspace(1e-4, 1, 20)
    result = T.LRFinderResult(lrs, np.linspace(2, 1, 20), np.linspace(2, 1, 20), 0.1)
    assert isinstance(plots.plot_lr_finder(result), Figure)
    assert isinstance(plots.plot_schedules({"c": np.full(10, 0.1)}), Figure)
    fig = plots.plot_cv_spread([0.02, -0.03, 0.01], [0.005, -0.004])
    zero = [line for line in fig.axes[0].lines if list(line.get_ydata()) == [0.0, 0.0]]
    assert len(zero) == 1, "the reference is drawn as a line at zero error"
    table = pd.DataFrame({"trial": [1, 2], "score": [0.5, 0.7], "best_so_far": [0.5, 0.7]})
    assert isinstance(plots.plot_trials({"random": table}), Figure)
    fig = plots.plot_trials({"random": table, "bayesian": table})  # identical best-so-far lines
    ax = fig.axes[0]
    steps = [line for line in ax.lines if line.get_label() in ("random", "bayesian")]
    assert len({line.get_linestyle() for line in steps}) == 2
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    with pytest.raises(ValueError, match="histories: expected history dicts with a 'val_f1'"):
        plots.plot_run_histories({"a": history}, "val_f1")
    with pytest.raises(ValueError, match="sweeps: expected a non-empty list of SweepResult"):
        plots.plot_sweeps([])
    with pytest.raises(ValueError, match="result: expected an LRFinderResult"):
        plots.plot_lr_finder(history)
    with pytest.raises(ValueError, match=r"tables\['grid'\]: expected a table from trials_table"):
        plots.plot_trials({"grid": pd.DataFrame({"trial": [1]})})
    with pytest.raises(ValueError, match="kfold_errors: expected a 1-D array"):
        plots.plot_cv_spread([0.8, 0.9], [[0.8]])


def test_make_tuner_refuses_seed_zero_which_keras_tuner_would_replace(tmp_path):
    build = T.mlp_hypermodel(6, 3, learning_rates=(1e-3,), units=(4,), hidden_layers=(1,))
    with pytest.raises(ValueError, match=r"seed: expected an integer >= 1, received 0"):
        T.make_tuner("random", build, directory=str(tmp_path), seed=0)
