"""The backprop explorer (driven by setting control values) and the chapter's plot helpers."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.datasets import make_moons

from dlhelpers.explorers import BackpropExplorer
from dlhelpers.plots import (
    plot_activations,
    plot_computation_graph,
    plot_decision_boundary,
    plot_gradient_norms,
    plot_learning_snapshots,
    plot_training_losses,
)
from dlhelpers.scratch import MLP, SGD


@pytest.fixture(scope="module")
def moons():
    return make_moons(150, noise=0.2, random_state=0)


def test_explorer_trains_on_creation_and_retrains_on_each_change(moons):
    explorer = BackpropExplorer(*moons)
    assert explorer.updates == 1 and explorer.error is None
    assert isinstance(explorer.fig, Figure)
    first = explorer.result
    assert len(first.history.loss) == explorer.controls["epochs"].value
    assert first.history.loss[-1] < first.history.loss[0]

    explorer.controls["epochs"].value = 50
    assert explorer.updates == 2 and len(explorer.result.history.loss) == 50

    explorer.controls["hidden_units"].value = 4
    assert explorer.result.model.sizes == [2, 4, 2]

    explorer.controls["activation"].value = "relu"
    assert explorer.result.model.activation == "relu"

    explorer.controls["optimizer"].value = "adam"
    explorer.controls["learning_rate"].value = 0.01
    assert explorer.updates == 6
    assert explorer.result.history.loss != first.history.loss


def test_explorer_learns_the_moons_with_its_defaults(moons):
    explorer = BackpropExplorer(*moons)
    assert explorer.result.accuracy > 0.85


def test_explorer_reports_divergence_instead_of_raising(moons):
    x, y = moons
    explorer = BackpropExplorer(x * 1000, y)
    explorer.controls["activation"].value = "relu"
    explorer.controls["optimizer"].value = "sgd"
    explorer.controls["learning_rate"].value = 3.0
    assert explorer.error is not None and "finite" in explorer.error
    assert "finite" in explorer.message.value
    explorer.controls["learning_rate"].value = 0.001  # recovers
    assert explorer.error is None


def test_explorer_responds_within_a_second_or_two(moons):
    import time

    explorer = BackpropExplorer(*moons)
    explorer.controls["hidden_units"].value = 64
    start = time.process_time()
    explorer.controls["epochs"].value = 1000
    assert time.process_time() - start < 3.0


def test_explorer_rejects_bad_data(moons):
    x, y = moons
    with pytest.raises(ValueError, match="x: expected 2 features"):
        BackpropExplorer(np.hstack([x, x]), y)
    with pytest.raises(ValueError, match="y: expected 150 labels"):
        BackpropExplorer(x, y[:-1])
    with pytest.raises(ValueError, match="y: expected a 1-D array"):
        BackpropExplorer(x, 1)
    with pytest.raises(ValueError, match="y: expected integer class labels"):
        BackpropExplorer(x, np.array(["a", "b", "c"] * 50))
    with pytest.raises(ValueError, match="y: expected class labels in 0..1"):
        BackpropExplorer(x, -y)
    with pytest.raises(ValueError, match="y: expected integer class labels"):
        BackpropExplorer(x, y + 0.5)


def test_explorer_high_learning_rate_does_not_settle_and_one_unit_underfits(moons):
    x, y = moons
    explorer = BackpropExplorer(x, y)
    assert explorer.result.accuracy > 0.9
    explorer.controls["optimizer"].value = "sgd"
    explorer.controls["activation"].value = "relu"
    explorer.controls["learning_rate"].value = 10**1.5
    loss = explorer.result.history.loss
    assert explorer.error is None and loss[-1] > loss[0] and explorer.result.accuracy < 0.7
    explorer.controls["learning_rate"].value = 0.1
    explorer.controls["hidden_units"].value = 1
    assert explorer.result.accuracy < 0.9


@pytest.mark.parametrize("k", [3, 4, 12])
def test_decision_boundary_colours_each_class_like_its_points(k):
    from matplotlib.collections import PathCollection
    from matplotlib.contour import QuadContourSet

    rng = np.random.default_rng(k)
    x, y = rng.normal(size=(60, 2)), np.arange(60) % k
    centres = rng.normal(size=(k, 2)) * 3

    def nearest(v):
        d = -((v[:, None, :] - centres[None]) ** 2).sum(axis=2)
        return np.eye(k)[d.argmax(axis=1)]

    ax = plot_decision_boundary(nearest, x, y).axes[0]
    shading = next(c for c in ax.get_children() if isinstance(c, QuadContourSet))
    points = next(c for c in ax.get_children() if isinstance(c, PathCollection))
    np.testing.assert_allclose(shading.levels, np.arange(k + 1) - 0.5)
    region_colours = shading.cmap(shading.norm((shading.levels[:-1] + shading.levels[1:]) / 2))
    point_colours = points.cmap(points.norm(np.arange(k)))
    np.testing.assert_allclose(region_colours, point_colours)
    assert len({tuple(c) for c in np.round(point_colours, 6)}) == k  # k distinct colours


def test_plots_return_figures(moons):
    x, y = moons
    model = MLP([2, 8, 2], "tanh", seed=0)
    history = model.fit(x, y, SGD(0.5), epochs=20, snapshot_every=10)
    z = np.linspace(-1, 1, 5)
    figs = [
        plot_activations(z, {"tanh": (np.tanh(z), 1 - np.tanh(z) ** 2)}),
        plot_decision_boundary(model, x, y),
        plot_decision_boundary(lambda v: np.full((len(v), 3), 1 / 3), x, y),
        plot_learning_snapshots(model, history.snapshots, x, y, columns=1),
        plot_training_losses({"a": history.loss, "b": np.array(history.loss) / 2}),
        plot_gradient_norms({"sigmoid": [1e-3, 1e-2, 1e-1]}),
        plot_computation_graph({"x": (0, 0, "x = 2"), "y": (1, 0, "y = x**2")}, [("x", "y")]),
    ]
    assert all(isinstance(f, Figure) for f in figs)
    assert len(figs[3].axes) == 2  # one panel per snapshot


def test_learning_snapshots_restore_the_weights(moons):
    x, y = moons
    model = MLP([2, 4, 2], seed=0)
    history = model.fit(x, y, SGD(0.1), epochs=4, snapshot_every=2)
    model.set_weights(history.snapshots[0][1])
    before = model.get_weights()
    plot_learning_snapshots(model, history.snapshots, x, y)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "call,match",
    [
        (
            lambda x, y: plot_decision_boundary(lambda v: v, np.hstack([x, x]), y),
            "x: expected 2 features",
        ),
        (lambda x, y: plot_decision_boundary(lambda v: v, x, y[:3]), "y: expected 150 labels"),
        (lambda x, y: plot_decision_boundary(3, x, y), "predict_proba: expected a function"),
        (lambda x, y: plot_activations(x[:, 0], {}), "curves: expected a non-empty dict"),
        (
            lambda x, y: plot_activations(x[:, 0], {"relu": x[:, 0]}),
            r"curves\['relu'\]: expected a pair",
        ),
        (
            lambda x, y: plot_activations(x[:, 0], {"relu": (x[:3, 0], x[:3, 0])}),
            r"curves\['relu'\]: expected arrays of the shape of x",
        ),
        (
            lambda x, y: plot_decision_boundary(lambda v: v[:, 0], x, y),
            r"predict_proba: expected a function returning \(",
        ),
        (lambda x, y: plot_training_losses({}), "curves: expected a non-empty dict"),
        (lambda x, y: plot_gradient_norms([1, 2]), "norms: expected a non-empty dict"),
        (
            lambda x, y: plot_learning_snapshots(MLP([2, 2]), [], x, y),
            "snapshots: expected at least one",
        ),
        (
            lambda x, y: plot_computation_graph({"a": (0, 0, "a")}, [("a", "b")]),
            "edges: expected node names",
        ),
    ],
)
def test_plot_errors_name_the_argument(moons, call, match):
    with pytest.raises(ValueError, match=match):
        call(*moons)


def test_activation_panels_draw_the_given_values_and_derivatives():
    z = np.linspace(-3, 3, 13)
    curves = {"relu": (np.maximum(z, 0), (z > 0) * 1.0), "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2)}
    left, right = plot_activations(z, curves).axes
    for k, (values, derivative) in enumerate(curves.values()):
        np.testing.assert_array_equal(left.lines[k].get_xdata(), z)
        np.testing.assert_array_equal(left.lines[k].get_ydata(), values)
        np.testing.assert_array_equal(right.lines[k].get_ydata(), derivative)
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["relu'", "tanh'"]


def test_training_losses_draw_one_line_or_a_mean_with_its_band():
    runs = np.array([[1.0, 0.5, 0.25], [2.0, 1.0, 0.5], [3.0, 1.5, 0.75]])
    ax = plot_training_losses({"one": runs[0], "three": runs}).axes[0]
    one, mean = ax.lines
    np.testing.assert_array_equal(one.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(one.get_ydata(), runs[0])
    np.testing.assert_allclose(mean.get_ydata(), runs.mean(axis=0))
    (band,) = ax.collections  # the lowest to the highest run
    corners = band.get_paths()[0].vertices
    np.testing.assert_allclose(corners[:, 1].min(), 0.25)
    np.testing.assert_allclose(corners[:, 1].max(), 3.0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["one", "three: mean of 3, band min-max"]


def test_gradient_norms_draw_one_point_per_layer():
    ax = plot_gradient_norms({"sigmoid": [1e-3, 1e-2, 1e-1]}).axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1e-3, 1e-2, 1e-1])
    assert ax.lines[0].get_marker() == "o" and ax.get_yscale() == "log"


def test_explorer_says_it_is_training_and_shows_the_keras_code_of_its_settings(moons, tf):
    from dlhelpers.training import assert_same_model, build_mlp

    x, y = moons
    explorer = BackpropExplorer(x, y)
    assert explorer.busy_text == "training..."
    explorer.controls["epochs"].value = 10
    explorer.controls["hidden_units"].value = 5
    explorer.controls["activation"].value = "relu"
    explorer.controls["optimizer"].value = "adam"
    assert "keras.optimizers.Adam(learning_rate=0.1)" in explorer.code_text
    assert (
        "epochs=10" in explorer.code_text and 'kernel_initializer="he_normal"' in explorer.code_text
    )
    namespace = {"x_train": x.astype("float32"), "y_train": y}
    exec(explorer.code_text, namespace)  # the code a learner copies runs as it is
    keras_model, mlp = namespace["model"], explorer.result.model
    assert len(namespace["history"].history["loss"]) == 10
    keras_copy = build_mlp(2, 2, (5,), activation="relu", output_activation="linear")
    keras_copy.set_weights(mlp.get_weights())
    assert_same_model(keras_copy, keras_model, x[:8])  # same layers, same outputs
    assert keras_model.count_params() == mlp.count_params()
    np.testing.assert_allclose(  # with the NumPy weights it computes the NumPy logits
        keras_copy(x[:8]).numpy(), mlp.forward(x[:8], cache=False), rtol=1e-4, atol=1e-5
    )
