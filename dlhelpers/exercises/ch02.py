"""Chapter 2 exercises: a dense layer's backward pass, the sigmoid derivative, a momentum step,
and a Keras model of the two moons scored on moons the learner never sees.

Example:
    >>> from dlhelpers.exercises.ch02 import check_sigmoid_derivative
    >>> from dlhelpers.exercises import show_solution
    >>> bool(check_sigmoid_derivative(show_solution(2, "sigmoid_derivative").function))
    True
"""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, Feedback, check_cases, compare

__all__ = [
    "check_dense_backward",
    "check_sigmoid_derivative",
    "check_momentum_step",
    "check_moons_model",
]


def _close(a, b) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-8)


def _safe(hint_for, *args):
    """A hint, or none when the learner's odd answer trips the hint function itself."""
    try:
        return hint_for(*args)
    except Exception:  # the answer can be any object at all
        return None


def _check_parts(func, cases, parts, hint_for, what) -> Feedback:
    """Run ``func`` on each case; it must return a tuple with one entry per name in ``parts``."""
    if not callable(func):
        return Feedback(False, f"expected a function, received {type(func).__name__}.")
    for case in cases:
        try:
            received = func(*case.args)
        except NotImplementedError:
            return Feedback(False, f"{what} is not written yet (it raised NotImplementedError).")
        except Exception as err:  # the learner's code may raise anything
            return Feedback(False, f"{what} raised {type(err).__name__}: {err}", case.name)
        if received is None:
            return Feedback(
                False,
                f"{what} returned None.",
                case.name,
                hint=f"return a tuple ({', '.join(parts)}).",
            )
        if not isinstance(received, (tuple, list)) or len(received) != len(parts):
            return Feedback(
                False,
                f"{what} should return {len(parts)} values ({', '.join(parts)}).",
                case.name,
                None,
                received,
            )
        for part, want, got in zip(parts, case.expected, received, strict=True):
            problem = compare(want, got, rtol=1e-6, atol=1e-8)
            if problem is not None:
                return Feedback(
                    False,
                    f"{part} is wrong ({problem}).",
                    case.name,
                    want,
                    got,
                    _safe(hint_for, part, case, got),
                )
    return Feedback(True, f"{what} passed all {len(cases)} hidden cases.")


# --------------------------------------------------------------------------- dense backward
def _dense_cases():
    rng = np.random.default_rng(2002)
    cases = []
    for n, d_in, d_out in [(1, 2, 3), (4, 3, 3), (5, 2, 5), (3, 4, 2)]:
        x, k = rng.normal(size=(n, d_in)), rng.normal(size=(d_in, d_out))
        b, g = rng.normal(size=d_out), rng.normal(size=(n, d_out))
        cases.append(
            Case(f"batch of {n}, kernel {d_in}x{d_out}", (x, k, b, g), _dense_truth(x, k, b, g))
        )
    return cases


def _dense_truth(x, kernel, bias, grad_out):
    """Expected gradients from the NumPy ``Dense`` layer (tested against TensorFlow)."""
    from dlhelpers.scratch.backprop import Dense

    layer = Dense(kernel, bias)
    layer.forward(x)
    grad_x = layer.backward(grad_out)
    return grad_x, layer.grads["kernel"], layer.grads["bias"]


def _dense_hint(part, case, got):
    x, kernel, _, grad_out = case.args
    if part == "grad_bias":
        if got is None or _close(got, np.zeros_like(kernel[0])):
            return (
                "the bias has a gradient too: it is added to every row, so sum grad_out over rows."
            )
        if _close(got, grad_out.mean(axis=0)):
            return "sum over the batch (axis 0), do not average: the loss already did that."
        if np.size(got) == grad_out.shape[0] or _close(np.ravel(got), grad_out.sum(axis=1)):
            return "wrong axis: sum over the batch (axis 0), one value per unit."
        return "grad_bias = grad_out summed over the batch axis."
    if part == "grad_x":
        if np.shape(got) == (x.shape[0], kernel.shape[1]) and kernel.shape[0] != kernel.shape[1]:
            return "grad_x must have the shape of x: multiply by the transposed kernel."
        if kernel.shape[0] == kernel.shape[1] and _close(got, grad_out @ kernel):
            return "transposed weight: grad_x = grad_out @ kernel.T, not grad_out @ kernel."
        return "grad_x = grad_out @ kernel.T (each input reaches every unit)."
    if _close(got, grad_out.T @ x):
        return "transposed: grad_kernel has the kernel's shape (in, out), so use x.T @ grad_out."
    if _close(got, x.T @ grad_out / x.shape[0]):
        return "do not divide by the batch size: sum the contributions of the rows."
    return "grad_kernel = x.T @ grad_out (one outer product per row, summed)."


def check_dense_backward(func) -> Feedback:
    """Check ``func(x, kernel, bias, grad_out) -> (grad_x, grad_kernel, grad_bias)``.

    ``x`` is ``(N, in)``, ``kernel`` ``(in, out)``, ``bias`` ``(out,)``, ``grad_out``
    (dL/dy) ``(N, out)`` for ``y = x @ kernel + bias``.
    """
    return _check_parts(
        func, _dense_cases(), ("grad_x", "grad_kernel", "grad_bias"), _dense_hint, "dense_backward"
    )


# --------------------------------------------------------------------------- sigmoid derivative
def _sigmoid_cases():
    rng = np.random.default_rng(2003)
    inputs = [
        np.array([-2.0, -0.5, 0.5, 2.0]),
        np.array([0.0]),
        rng.normal(scale=3, size=(3, 4)),
        np.array([-30.0, 30.0]),
    ]
    from dlhelpers.scratch.backprop import sigmoid_derivative  # tested against TensorFlow

    return [Case(f"z of shape {z.shape}", (z,), sigmoid_derivative(z)) for z in inputs]


def _sigmoid_hint(case, got):
    z = case.args[0]
    s = 1.0 / (1.0 + np.exp(-z))
    if _close(got, s):
        return "that is sigmoid(z) itself; its derivative is s * (1 - s)."
    if _close(got, z * (1 - z)):
        return "s * (1 - s) uses s = sigmoid(z), not z itself."
    if _close(got, 1 - s**2) or _close(got, 1 - np.tanh(z) ** 2):
        return "1 - s**2 is the tanh rule; for the sigmoid it is s * (1 - s)."
    return "compute s = 1 / (1 + exp(-z)) first, then s * (1 - s)."


def check_sigmoid_derivative(func) -> Feedback:
    """Check ``func(z)`` returns the elementwise derivative of the sigmoid at ``z``."""
    return check_cases(func, _sigmoid_cases(), hints=_sigmoid_hint, what="sigmoid_derivative")


# --------------------------------------------------------------------------- momentum step
def _momentum_cases():
    rng = np.random.default_rng(2004)
    cases = []
    for name, shape, lr, mom, first in [
        ("later step", (3,), 0.1, 0.9, False),
        ("first step (zero velocity)", (3,), 0.1, 0.9, True),
        ("later step, 2-D weights", (2, 3), 0.05, 0.5, False),
    ]:
        p, g = rng.normal(size=shape), rng.normal(size=shape)
        v = np.zeros(shape) if first else rng.normal(scale=0.1, size=shape)
        cases.append(
            Case(
                f"{name}, lr={lr}, momentum={mom}",
                (p, g, v, lr, mom),
                _momentum_truth(p, g, v, lr, mom),
            )
        )
    return cases


def _momentum_truth(param, grad, velocity, learning_rate, momentum):
    """Expected step from the NumPy ``SGD`` (matched update for update with Keras)."""
    from dlhelpers.scratch.optimizers import SGD

    new_param, new_velocity = param.copy(), velocity.copy()

    class _Preloaded(SGD):  # start from the given velocity instead of zeros
        def _build(self, params):
            self.velocities = [new_velocity]

    _Preloaded(learning_rate, momentum=momentum).apply([grad], [new_param])
    return new_param, new_velocity


def _momentum_hint(part, case, got):
    p, g, v, lr, mom = case.args
    if part == "new_param":
        if _close(got, p - lr * g):
            return "that is plain SGD: the velocity (momentum * velocity) is missing."
        if _close(got, p + v):
            return "update the velocity first, then add the *new* velocity to the parameter."
        if _close(got, p - (mom * v + lr * g)):
            return (
                "Keras stores the velocity as the step itself: v = momentum * v - lr * grad, "
                "then param + v."
            )
        return "new_velocity = momentum * velocity - learning_rate * grad; new_param = param + it."
    if _close(got, -(mom * v - lr * g)) or _close(got, mom * v + lr * g):
        return "sign: Keras' velocity is momentum * velocity - learning_rate * grad."
    return "new_velocity = momentum * velocity - learning_rate * grad."


def check_momentum_step(func) -> Feedback:
    """Check ``func(param, grad, velocity, learning_rate, momentum) -> (new_param, new_velocity)``.

    Keras' convention: ``v = momentum * v - learning_rate * grad``, then ``param + v``.
    """
    return _check_parts(
        func, _momentum_cases(), ("new_param", "new_velocity"), _momentum_hint, "momentum_step"
    )


# --------------------------------------------------------------------------- a model of the moons
MOONS_ACCURACY, MOONS_PARAMETERS = 0.95, 100


def _accuracy(model, x, y) -> float:
    """Accuracy of ``model.predict``: argmax of K >= 2 columns, or one column > 0.5."""
    out = np.asarray(model.predict(np.asarray(x, dtype="float32"), verbose=0))
    if out.ndim == 2 and out.shape[1] >= 2:
        predicted = out.argmax(axis=1)
    elif out.size == len(x):
        predicted = (out.reshape(-1) > 0.5).astype(int)
    else:
        raise ValueError(f"one row per point expected, the model returned shape {out.shape}")
    return float(np.mean(predicted == y))


def check_moons_model(model, x_train, y_train) -> Feedback:
    """Score a trained classifier of the two moons on 1,000 moons it never saw.

    Passes at ``MOONS_ACCURACY`` (0.95) or more with at most ``MOONS_PARAMETERS`` (100)
    parameters. Otherwise the feedback says what to try: a smaller model, longer or
    faster training (underfitting), or less capacity (overfitting: training accuracy
    well above the new moons').

    Args:
        model: a trained Keras model taking ``(n, 2)`` points and returning class
            probabilities ``(n, 2)`` (or one column: the probability of class 1).
        x_train, y_train: the ``(n, 2)`` points and ``(n,)`` labels it was trained on.

    Raises:
        ValueError: ``x_train`` is not ``(n, 2)`` or ``y_train`` not ``n`` labels 0/1.
    """
    from sklearn.datasets import make_moons

    from dlhelpers._validation import check_array, check_same_length, fail

    x_train = check_array(x_train, "x_train", ndim=2)
    if x_train.shape[1] != 2:
        fail("x_train", "(n, 2) points of the moons", x_train)
    y_train = check_array(y_train, "y_train", ndim=1)
    check_same_length(x_train=x_train, y_train=y_train)
    if not np.isin(y_train, (0, 1)).all():
        fail("y_train", "labels 0 and 1", y_train)
    if not (hasattr(model, "predict") and hasattr(model, "count_params")):
        return Feedback(False, f"expected a trained Keras model, received {type(model).__name__}.")
    goal = f"accuracy >= {MOONS_ACCURACY} with <= {MOONS_PARAMETERS} parameters"
    params = int(model.count_params())
    if params > MOONS_PARAMETERS:
        return Feedback(
            False,
            f"the model has {params} parameters, more than {MOONS_PARAMETERS}.",
            "parameter count",
            goal,
            params,
            "the moons need few units: one hidden layer of 8 to 16 is enough.",
        )
    x_new, y_new = make_moons(1000, noise=0.2, random_state=2002)  # never shown to the learner
    try:
        train_acc, new_acc = _accuracy(model, x_train, y_train), _accuracy(model, x_new, y_new)
    except Exception as err:  # the learner's model can fail in any way
        return Feedback(False, f"the model could not classify (n, 2) points: {err}")
    scores = f"accuracy {new_acc:.3f} on 1,000 new moons, {train_acc:.3f} on the training points"
    if new_acc >= MOONS_ACCURACY:
        return Feedback(True, f"{scores}, with {params} parameters.")
    if train_acc < MOONS_ACCURACY:
        hint = (
            "it underfits (training accuracy is low too): train longer or with a larger "
            "learning rate, check the hidden layer has a nonlinear activation, or add units."
        )
    elif train_acc - new_acc > 0.03:
        hint = (
            "it overfits (far better on its training points): fewer units or epochs, "
            "or stop early on a validation split."
        )
    else:
        hint = "close: train a little longer, or try another seed or learning rate."
    return Feedback(False, f"{scores}.", "1,000 new moons (noise 0.2)", goal, scores, hint)
