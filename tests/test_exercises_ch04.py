"""Chapter 4 checkers accept the reference solutions and reject typical mistakes."""

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from dlhelpers.exercises import ch04
from dlhelpers.exercises.solutions import ch04 as solutions


def test_references_pass():
    assert ch04.check_fgsm_step(solutions.fgsm_step)
    assert ch04.check_confusion_counts(solutions.confusion_counts)
    assert ch04.check_receptive_field(solutions.receptive_field)
    assert ch04.check_cnn_param_count(solutions.cnn_param_count)


def test_reference_confusion_counts_equal_scikit_learn():
    rng = np.random.default_rng(0)
    for k in (2, 5, 10):
        y_true, y_pred = rng.integers(0, k, 200), rng.integers(0, k, 200)
        np.testing.assert_array_equal(
            solutions.confusion_counts(y_true, y_pred, k),
            confusion_matrix(y_true, y_pred, labels=range(k)),
        )


def test_stubs_are_reported_as_not_written():
    def stub(*args):
        raise NotImplementedError

    for check in (ch04.check_fgsm_step, ch04.check_confusion_counts, ch04.check_receptive_field):
        feedback = check(stub)
        assert not feedback and "not written yet" in str(feedback)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x, g, e: np.clip(x - e * np.sign(g), 0, 1), "sign error"),
        (lambda x, g, e: x + e * np.sign(g), "clip the result"),
        (lambda x, g, e: np.clip(x + e * g, 0, 1), "only the sign of the gradient"),
        (lambda x, g, e: np.clip(x + 2 * e * np.sign(g), 0, 1), None),
    ],
)
def test_fgsm_checker_rejects_typical_mistakes(wrong, hint):
    feedback = ch04.check_fgsm_step(wrong)
    assert not feedback
    assert feedback.hint == hint if hint is None else hint in feedback.hint


def test_confusion_checker_rejects_transposed_and_undersized():
    transposed = ch04.check_confusion_counts(lambda t, p, k: solutions.confusion_counts(p, t, k))
    assert not transposed and "swap the two indices" in transposed.hint
    undersized = ch04.check_confusion_counts(
        lambda t, p, k: solutions.confusion_counts(t, p, int(max(max(t), max(p))) + 1)
    )
    assert not undersized and "n_classes" in undersized.hint
    assert "expected" in str(undersized) and "case:" in str(undersized)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda ks, ss: sum(ks), "double-counts"),
        (lambda ks, ss: 1 + sum(k - 1 for k in ks), "product of the earlier strides"),
        (lambda ks, ss: solutions.receptive_field(ks, ss) - 1, "off by one"),
        (lambda ks, ss: None, "one whole number"),
    ],
)
def test_receptive_field_checker_rejects_typical_mistakes(wrong, hint):
    feedback = ch04.check_receptive_field(wrong)
    assert not feedback and hint in feedback.hint


def test_feedback_text_is_deterministic():
    def wrong(x, g, e):
        return np.clip(x - e * np.sign(g), 0, 1)

    assert str(ch04.check_fgsm_step(wrong)) == str(ch04.check_fgsm_step(wrong))


@pytest.mark.parametrize(
    "args", [(28, 1, (32, 64), 64, 10), (16, 3, (4, 6), 8, 5), (30, 2, (5, 7, 9), 12, 3)]
)
def test_reference_cnn_param_count_equals_keras(tf, args):
    from dlhelpers.cnn import build_digit_cnn

    n, c, filters, dense, k = args
    model = build_digit_cnn(filters, dense_units=dense, input_shape=(n, n, c), num_classes=k)
    assert solutions.cnn_param_count(*args) == model.count_params()


@pytest.mark.parametrize(
    "flag,hint",
    [("bias", "bias"), ("in_channels", "C_in"), ("pool", "halves"), ("shrink", "size - 2")],
)
def test_cnn_param_checker_names_the_typical_mistake(flag, hint):
    def wrong(n, c, f, d, k):
        return ch04._cnn_params(n, c, f, d, k, **{flag: False})

    assert ch04.check_cnn_param_count(solutions.cnn_param_count)
    feedback = ch04.check_cnn_param_count(wrong)
    assert not feedback and hint in feedback.hint
    assert not ch04.check_cnn_param_count(lambda *a: solutions.cnn_param_count(*a) + 1)


# --------------------------------------------------------------------------- a model on a budget
@pytest.fixture(scope="module")
def digits():
    """The chapter's splits (Step 1): a 60/20/20 split of the 4,000 rows the checker leaves."""
    from dlhelpers.data import load_mnist, split_indices, train_val_test_split

    images, labels = load_mnist()
    x_all = (images.astype("float32") / 255.0)[..., None]
    kept = split_indices(len(labels), (0.8, 0.1, 0.1), stratify=labels, seed=ch04.HELDOUT_SEED)
    rows = kept.train
    x_tr, x_va, _, y_tr, y_va, _ = train_val_test_split(
        x_all[rows], labels[rows], fractions=(0.6, 0.2, 0.2), stratify=labels[rows], seed=0
    )
    return x_all, labels, kept, (x_tr, y_tr, x_va, y_va)


def test_heldout_digits_are_the_rows_the_chapter_leaves(digits):
    x_all, labels, kept, _ = digits
    x_held, y_held = ch04.heldout_digits()
    rows = np.sort(np.concatenate([kept.val, kept.test]))
    assert not np.isin(rows, kept.train).any()
    np.testing.assert_array_equal(x_held, x_all[rows])  # the fast loader reads the same file
    np.testing.assert_array_equal(y_held, labels[rows])
    assert np.all(np.bincount(y_held) == 100) and x_held.dtype == np.float32


def _model(keras, input_shape=(28, 28, 1), units=10, dense=0):
    stack = [keras.Input(input_shape), keras.layers.Flatten()]
    stack += [keras.layers.Dense(dense, activation="relu")] if dense else []
    return keras.Sequential([*stack, keras.layers.Dense(units, activation="softmax")])


def test_digit_model_checker_passes_the_reference_and_explains_failures(tf, digits):
    import keras

    *_, data = digits
    keras.utils.set_random_seed(0)
    feedback = ch04.check_digit_model(solutions.digit_model, *data)
    assert feedback, str(feedback)
    assert "held-out accuracy" in feedback.message
    not_yet = ch04.check_digit_model(lambda *a: (_ for _ in ()).throw(NotImplementedError()), *data)
    assert not not_yet and "not written yet" in not_yet.message
    shape = ch04.check_digit_model(lambda *a: _model(keras, (784,)), *data)
    assert not shape and "keras.Input((28, 28, 1))" in shape.hint
    classes = ch04.check_digit_model(lambda *a: _model(keras, units=5), *data)
    assert not classes and "Dense(10" in classes.hint
    big = ch04.check_digit_model(lambda *a: _model(keras, dense=64), *data)
    assert not big and "50,890 parameters" in big.received and "pool" in big.hint
    untrained = ch04.check_digit_model(lambda *a: _model(keras), *data)  # 7,850 parameters
    assert not untrained and "underfits" in untrained.hint
    assert not ch04.check_digit_model(lambda *a: "a model", *data)
    assert "not a Keras model" in ch04.check_digit_model(lambda *a: None, *data).message
    assert "expected a function" in ch04.check_digit_model(None, *data).message


def test_digit_model_checker_calls_an_overfit_model_so(tf, digits):
    import keras

    *_, (x_tr, y_tr, x_va, y_va) = digits

    def memorise(x, y, *_):  # 100 digits, 25 epochs: fits them, not the rest
        keras.utils.set_random_seed(0)
        model = _model(keras)
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
        model.fit(x[:100], y[:100], epochs=25, batch_size=100, verbose=0)
        return model

    feedback = ch04.check_digit_model(memorise, x_tr[:100], y_tr[:100], x_va, y_va)
    assert not feedback and "overfits" in feedback.hint


def test_digit_model_checker_rejects_mismatched_data():
    x = np.zeros((4, 28, 28, 1))
    with pytest.raises(ValueError, match="x_train, y_train: expected the same number of rows"):
        ch04.check_digit_model(solutions.digit_model, x, np.zeros(3), x, np.zeros(4))
    with pytest.raises(ValueError, match="x_val, y_val: expected the same number of rows"):
        ch04.check_digit_model(solutions.digit_model, x, np.zeros(4), x, np.zeros(2))
