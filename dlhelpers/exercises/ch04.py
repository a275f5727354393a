"""Chapter 4 exercises: the CNN's parameter count, the FGSM step, a confusion matrix by hand,
the receptive field, and a digit model on a parameter budget, scored on held-out digits.
"""

from __future__ import annotations

import functools

import numpy as np

from dlhelpers._validation import check_same_length
from dlhelpers.cnn import accuracy
from dlhelpers.exercises._core import Case, Feedback, check_cases
from dlhelpers.inspect.core import keras_module

__all__ = [
    "check_digit_model",
    "heldout_digits",
    "check_cnn_param_count",
    "check_fgsm_step",
    "check_confusion_counts",
    "check_receptive_field",
]


def _close(received, value) -> bool:
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return False
    want = np.asarray(value, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want))


# --------------------------------------------------------------------------- FGSM step
def _fgsm(x, grad, epsilon):
    return np.clip(x + epsilon * np.sign(grad), 0.0, 1.0)


def _fgsm_cases() -> list[Case]:
    rng = np.random.default_rng(4)
    cases = [
        Case("one pixel, gradient up", (np.array([0.5]), np.array([1.0]), 0.1), None),
        Case("one pixel, gradient down", (np.array([0.5]), np.array([-0.3]), 0.1), None),
        Case(
            "zero gradient leaves the pixel",
            (np.array([0.2, 0.7]), np.array([0.0, 0.0]), 0.2),
            None,
        ),
    ]
    for shape, eps in (((4, 4), 0.05), ((2, 5, 5, 1), 0.3), ((3, 6), 0.5)):
        x = rng.uniform(0, 1, shape)
        grad = rng.normal(0, 1e-3, shape)  # tiny gradients: only their sign may matter
        cases.append(Case(f"images of shape {shape}, epsilon {eps}", (x, grad, eps), None))
    return [Case(c.name, c.args, _fgsm(*c.args)) for c in cases]


def _fgsm_hint(case: Case, received) -> str | None:
    x, grad, eps = case.args
    if _close(received, np.clip(x - eps * np.sign(grad), 0, 1)):
        return "sign error: FGSM climbs the loss, so add epsilon * sign(gradient)."
    if _close(received, x + eps * np.sign(grad)):
        return "clip the result to the valid pixel range [0, 1]."
    if _close(received, np.clip(x + eps * grad, 0, 1)):
        return "use only the sign of the gradient, not its size: every pixel moves by epsilon."
    return None


def check_fgsm_step(func) -> Feedback:
    """Check ``func(x, grad, epsilon)``: one FGSM step on pixels in [0, 1].

    Expected: ``clip(x + epsilon * sign(grad), 0, 1)`` for NumPy arrays ``x``
    and ``grad`` of the same shape.
    """
    return check_cases(func, _fgsm_cases(), hints=_fgsm_hint, what="fgsm_step")


# --------------------------------------------------------------------------- confusion matrix
def _confusion(y_true, y_pred, n_classes):
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return m


def _confusion_cases() -> list[Case]:
    rng = np.random.default_rng(44)
    cases = [
        Case("two classes, one mistake", (np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), 2), None),
        Case("a class never predicted", (np.array([0, 1, 2, 2]), np.array([0, 0, 2, 0]), 3), None),
        Case("a class that never occurs", (np.array([0, 1, 1]), np.array([1, 1, 0]), 4), None),
    ]
    for n, k in ((30, 3), (100, 10)):
        y_true = rng.integers(0, k, n)
        y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, k, n))
        cases.append(Case(f"{n} labels, {k} classes", (y_true, y_pred, k), None))
    return [Case(c.name, c.args, _confusion(*c.args)) for c in cases]


def _confusion_hint(case: Case, received) -> str | None:
    y_true, y_pred, k = case.args
    if _close(received, _confusion(y_true, y_pred, k).T):
        return "rows are the true classes and columns the predictions: swap the two indices."
    k_seen = int(max(y_true.max(), y_pred.max())) + 1
    if k_seen != k and _close(received, _confusion(y_true, y_pred, k_seen)):
        return "size the matrix by n_classes, not by the largest label seen."
    return None


def check_confusion_counts(func) -> Feedback:
    """Check ``func(y_true, y_pred, n_classes)``: the confusion matrix by hand.

    Expected: an ``(n_classes, n_classes)`` array whose entry ``[i, j]`` counts
    the examples of true class ``i`` predicted as ``j`` (scikit-learn's layout).
    """
    return check_cases(func, _confusion_cases(), hints=_confusion_hint, what="confusion_counts")


# --------------------------------------------------------------------------- receptive field
def _receptive_field(kernel_sizes, strides):
    size, jump = 1, 1
    for k, s in zip(kernel_sizes, strides, strict=True):
        size += (k - 1) * jump
        jump *= s
    return size


_RF_CASES = [
    ((3,), (1,)),
    ((3, 3), (1, 1)),
    ((3, 2), (1, 2)),
    ((3, 2, 3, 2), (1, 2, 1, 2)),
    ((5, 3), (2, 1)),
    ((3, 3, 3), (2, 2, 2)),
    ((7, 3, 2, 3), (2, 1, 2, 1)),
]


def _rf_hint(case: Case, received) -> str | None:
    ks, ss = case.args
    try:
        got = float(received)
    except (TypeError, ValueError):
        return "return one whole number: the side of the square input patch."
    if got == sum(ks):
        return "adding the kernel sizes double-counts the centre pixel: each layer adds k - 1."
    if got == 1 + sum(k - 1 for k in ks):
        return "strides spread later layers out: multiply each layer's k - 1 by the product of the earlier strides."
    if got == _receptive_field(ks, ss) - 1:
        return "off by one: start from 1, the single pixel a 1x1 unit sees."
    return None


def check_receptive_field(func) -> Feedback:
    """Check ``func(kernel_sizes, strides)``: the input patch one output unit sees.

    ``kernel_sizes`` and ``strides`` list the square kernels and strides of
    stacked layers (convolutions and poolings, first layer first). Expected: the
    side in input pixels of the patch that one unit of the last layer depends on.
    """
    cases = [
        Case(f"kernels {ks}, strides {ss}", (ks, ss), _receptive_field(ks, ss))
        for ks, ss in _RF_CASES
    ]
    return check_cases(func, cases, hints=_rf_hint, what="receptive_field")


# --------------------------------------------------------------------------- parameter count
def _cnn_params(
    image_size,
    channels,
    filters,
    dense_units,
    num_classes,
    *,
    bias=True,
    pool=True,
    shrink=True,
    in_channels=True,
):
    """Parameters of build_digit_cnn's layout; the flags switch on typical mistakes."""
    size, c_in, total = image_size, channels, 0
    for f in filters:
        total += 9 * (c_in if in_channels else 1) * f + (f if bias else 0)
        size = size - 2 if shrink else size
        size = size // 2 if pool else size
        c_in = f
    flat = size * size * c_in
    total += flat * dense_units + dense_units * num_classes
    return total + ((dense_units + num_classes) if bias else 0)


_CNN_CASES = [
    (28, 1, (32, 64), 64, 10),
    (28, 1, (8,), 16, 10),
    (16, 3, (4, 6), 8, 5),
    (32, 1, (4, 6, 8), 10, 10),
    (20, 2, (16,), 32, 2),
]


def _cnn_hint(case: Case, received) -> str | None:
    mistakes = {
        "bias": "each conv filter and each dense unit also has one bias: add them.",
        "in_channels": "a conv kernel spans every input channel: 3 x 3 x C_in weights per filter.",
        "pool": "each 2x2 max pooling halves the maps (rounding down) before the next layer.",
        "shrink": "a 3x3 'valid' convolution trims one pixel on each side: size - 2.",
    }
    for flag, hint in mistakes.items():
        if _close(received, _cnn_params(*case.args, **{flag: False})):
            return hint
    return None


def check_cnn_param_count(func) -> Feedback:
    """Check ``func(image_size, channels, filters, dense_units, num_classes)``.

    The network is this chapter's layout (``dlhelpers.cnn.build_digit_cnn``): for
    each entry of ``filters`` a 3x3 'valid' ``Conv2D`` with bias, a ReLU and a 2x2
    max pooling; then flatten, a ``Dense(dense_units)`` and a
    ``Dense(num_classes)``, both with bias. Images are square,
    ``image_size x image_size x channels``. Expected: the number of trainable
    parameters, as ``model.count_params()`` gives it.
    """
    cases = [
        Case(
            f"image {n}x{n}x{c}, filters {f}, dense {d}, classes {k}",
            (n, c, f, d, k),
            _cnn_params(n, c, f, d, k),
        )
        for n, c, f, d, k in _CNN_CASES
    ]
    return check_cases(func, cases, hints=_cnn_hint, what="cnn_param_count")


# --------------------------------------------------------------------------- a model on a budget
HELDOUT_SEED = 4  # split_indices(5000, (0.8, 0.1, 0.1), stratify=labels, seed=4): the chapter
# keeps the 4,000 "train" rows; the 1,000 others (val and test) are this checker's own


@functools.cache
def _mnist():
    from dlhelpers.data import load_mnist

    return load_mnist()


def heldout_digits():
    """The 1,000 MNIST digits (100 per class) the checker scores on, ``(x, y)``, as the chapter
    scales them: ``(1000, 28, 28, 1)`` float32 in [0, 1]. The chapter never uses these rows."""
    from dlhelpers.data import split_indices

    images, labels = _mnist()
    split = split_indices(len(labels), (0.8, 0.1, 0.1), stratify=labels, seed=HELDOUT_SEED)
    rows = np.sort(np.concatenate([split.val, split.test]))
    return (images[rows].astype("float32") / 255.0)[..., None], labels[rows]


def check_digit_model(
    func, x_train, y_train, x_val, y_val, *, min_accuracy=0.94, max_params=10_000
) -> Feedback:
    """Check ``func(x_train, y_train, x_val, y_val) -> model``: a trained digit classifier.

    Your function builds, compiles and trains a Keras model on the chapter's digits and
    returns it. The checker scores it on 1,000 held-out digits it never showed you
    (:func:`heldout_digits`): it passes with at least ``min_accuracy`` accuracy there and at
    most ``max_params`` parameters. If not, the feedback says what to try.

    Raises:
        ValueError: training or validation images and labels of different lengths.
    """
    check_same_length(x_train=x_train, y_train=y_train)
    check_same_length(x_val=x_val, y_val=y_val)
    goal = f">= {min_accuracy} held-out accuracy with <= {max_params:,} parameters"
    if not callable(func):
        return Feedback(False, f"expected a function, received {type(func).__name__}.")
    try:
        model = func(x_train, y_train, x_val, y_val)
    except NotImplementedError:
        return Feedback(False, "digit_model is not written yet (it raised NotImplementedError).")
    except Exception as err:  # the learner's code may raise anything
        return Feedback(False, f"digit_model raised {type(err).__name__}: {err}")
    keras = keras_module()
    if not isinstance(model, keras.Model):
        return Feedback(False, f"digit_model returned {type(model).__name__}, not a Keras model.")

    def fail(problem, received, hint):
        return Feedback(False, problem, "held-out digits", goal, received, hint)

    shape = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    if shape != (28, 28, 1):
        return fail(
            "the model takes the wrong input shape.",
            f"input shape {shape}",
            "start with keras.Input((28, 28, 1)): images are (N, 28, 28, 1), as x_train.",
        )
    if model.outputs[0].shape[-1] != 10:
        return fail(
            "the model does not give one output per digit.",
            f"output shape {tuple(model.outputs[0].shape)}",
            "end with Dense(10, activation='softmax'), one probability per digit.",
        )
    params = model.count_params()
    if params > max_params:
        return fail(
            "the model has too many parameters.",
            f"{params:,} parameters",
            "the dense layer after Flatten holds most of them: pool once more before it, use "
            "fewer filters in the last convolution, or go straight to Dense(10).",
        )
    x_held, y_held = heldout_digits()
    held = accuracy(model, x_held, y_held)
    received = f"accuracy {held:.3f}, {params:,} parameters"
    if held >= min_accuracy:
        return Feedback(True, f"held-out accuracy {held:.3f} with {params:,} parameters.")
    train = accuracy(model, np.asarray(x_train, dtype="float32"), y_train)
    if train < min_accuracy + 0.01:
        hint = (
            f"it underfits (training accuracy {train:.3f}): train for more epochs, raise the "
            "learning rate a little, or give the convolutions more filters within the budget."
        )
    elif train - held > 0.03:
        hint = (
            f"it overfits (training {train:.3f}, held-out {held:.3f}): add Dropout before the "
            "last layer, stop earlier (EarlyStopping on val_loss), or augment the images."
        )
    else:
        hint = "try a convolution block more, or a learning-rate schedule, and watch val_accuracy."
    return fail("the model is not accurate enough on the held-out digits.", received, hint)
