"""The Chapter 9 explorer talks to a real service over HTTP on 127.0.0.1."""

import numpy as np
import pytest

from dlhelpers.explorers import ServiceExplorer


@pytest.fixture(scope="module")
def served_model(tmp_path_factory, tf):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(3, activation="softmax")])
    path = tmp_path_factory.mktemp("served") / "tiny.keras"
    model.save(path)
    features = np.random.default_rng(0).normal(size=(5, 16)).astype("float32")
    return path, model, features


@pytest.fixture()
def explorer(served_model):
    path, _, features = served_model
    explorer = ServiceExplorer(path, features, np.arange(5) % 3, image_shape=(4, 4))
    yield explorer
    explorer.close()


def test_answer_matches_the_model_and_changes_with_the_example(explorer, served_model):
    _, model, features = served_model
    assert explorer.url.startswith("http://127.0.0.1:")
    assert explorer.result["status"] == 200
    np.testing.assert_allclose(
        explorer.result["probabilities"],
        model.predict(features[:1], verbose=0)[0],
        rtol=1e-5,
        atol=1e-6,
    )
    explorer.controls["example"].value = 3
    assert explorer.updates == 2 and explorer.result["label"] == 0
    np.testing.assert_allclose(
        explorer.result["probabilities"],
        model.predict(features[3:4], verbose=0)[0],
        rtol=1e-5,
        atol=1e-6,
    )


def test_noise_changes_what_is_sent(explorer):
    clean = explorer.result["example"].copy()
    explorer.controls["noise"].value = 0.5
    assert not np.allclose(explorer.result["example"], clean)
    assert np.isclose(explorer.result["probabilities"].sum(), 1, atol=1e-5)


def test_a_stopped_service_is_reported_not_raised(explorer):
    explorer.close()
    explorer.controls["example"].value = 1
    assert "not reachable" in explorer.error and explorer.fig is None


def test_bad_arguments_are_named(served_model):
    path, _, features = served_model
    with pytest.raises(ValueError, match="image_shape: expected a shape with 16 cells"):
        ServiceExplorer(path, features, np.zeros(5), image_shape=(8, 8))
    with pytest.raises(ValueError, match="features has 5, labels has 4"):
        ServiceExplorer(path, features, np.zeros(4), image_shape=(4, 4))
