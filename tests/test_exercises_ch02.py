"""Chapter 2 checkers accept the reference solutions and reject the usual mistakes."""

import numpy as np
import pytest

from dlhelpers.exercises.ch02 import (
    check_dense_backward,
    check_momentum_step,
    check_moons_model,
    check_sigmoid_derivative,
)
from dlhelpers.exercises.solutions import ch02 as sol
from dlhelpers.scratch import SGD, Dense, sigmoid


def test_references_pass():
    for check, func in [
        (check_dense_backward, sol.dense_backward),
        (check_sigmoid_derivative, sol.sigmoid_derivative),
        (check_momentum_step, sol.momentum_step),
    ]:
        feedback = check(func)
        assert feedback, str(feedback)
        assert str(feedback).startswith("Correct!")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", [(4, 3, 2), (1, 5, 5), (6, 2, 7)])
def test_dense_reference_agrees_with_the_package_layer(seed, shape):
    n, d_in, d_out = shape
    rng = np.random.default_rng(seed)
    x, k, b, g = (rng.normal(size=s) for s in [(n, d_in), (d_in, d_out), (d_out,), (n, d_out)])
    layer = Dense(k, b)
    layer.forward(x)
    grad_x = layer.backward(g)
    ours = sol.dense_backward(x, k, b, g)
    np.testing.assert_allclose(ours[0], grad_x)
    np.testing.assert_allclose(ours[1], layer.grads["kernel"])
    np.testing.assert_allclose(ours[2], layer.grads["bias"])


def test_sigmoid_reference_agrees_with_the_package():
    z = np.linspace(-6, 6, 25)
    s = sigmoid(z)
    np.testing.assert_allclose(sol.sigmoid_derivative(z), s * (1 - s))


def test_momentum_reference_agrees_with_the_package_sgd():
    rng = np.random.default_rng(0)
    p, g1, g2 = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    opt, w = SGD(0.1, momentum=0.9), p.copy()
    opt.apply([g1], [w])
    opt.apply([g2], [w])
    q, v = sol.momentum_step(p, g1, np.zeros(4), 0.1, 0.9)
    q, v = sol.momentum_step(q, g2, v, 0.1, 0.9)
    np.testing.assert_allclose(q, w)
    np.testing.assert_allclose(v, opt.velocities[0])


def _dense_wrong(kind):
    def func(x, kernel, bias, grad_out):
        gx, gk, gb = sol.dense_backward(x, kernel, bias, grad_out)
        if kind == "no bias":
            return gx, gk, np.zeros_like(bias)
        if kind == "bias None":
            return gx, gk, None
        if kind == "bias mean":
            return gx, gk, grad_out.mean(axis=0)
        if kind == "bias wrong axis":
            return gx, gk, grad_out.sum(axis=1)
        if kind == "transposed weight":
            return grad_out @ kernel if kernel.shape[0] == kernel.shape[1] else gx, gk, gb
        if kind == "kernel transposed":
            return gx, grad_out.T @ x, gb
        if kind == "kernel averaged":
            return gx, gk / x.shape[0], gb
        if kind == "two values":
            return gx, gk
        raise AssertionError(kind)

    return func


@pytest.mark.parametrize(
    "kind,part,hint",
    [
        ("no bias", "grad_bias", "the bias has a gradient too"),
        ("bias None", "grad_bias", "the bias has a gradient too"),
        ("bias mean", "grad_bias", "do not average"),
        ("bias wrong axis", "grad_bias", "wrong axis"),
        ("transposed weight", "grad_x", "transposed weight"),
        ("kernel transposed", "grad_kernel", "transposed: grad_kernel has the kernel's shape"),
        ("kernel averaged", "grad_kernel", "do not divide by the batch size"),
    ],
)
def test_dense_checker_rejects_typical_mistakes(kind, part, hint):
    feedback = check_dense_backward(_dense_wrong(kind))
    assert not feedback
    assert feedback.message.startswith(f"{part} is wrong")
    assert hint in feedback.hint


def test_dense_checker_explains_structural_problems():
    assert "should return 3 values" in check_dense_backward(_dense_wrong("two values")).message
    assert "returned None" in check_dense_backward(lambda *a: None).message

    def stub(x, kernel, bias, grad_out):
        raise NotImplementedError

    assert "not written yet" in str(check_dense_backward(stub))
    assert "raised IndexError" in check_dense_backward(lambda *a: [][1]).message
    assert "expected a function" in check_dense_backward(42).message


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda z: 1 / (1 + np.exp(-z)), "that is sigmoid(z) itself"),
        (lambda z: z * (1 - z), "uses s = sigmoid(z), not z"),
        (lambda z: 1 - (1 / (1 + np.exp(-z))) ** 2, "tanh rule"),
        (lambda z: np.exp(-z) / (1 + np.exp(-z)), "compute s = 1 / (1 + exp(-z)) first"),
    ],
)
def test_sigmoid_checker_rejects_typical_mistakes(wrong, hint):
    feedback = check_sigmoid_derivative(wrong)
    assert not feedback
    assert hint in feedback.hint


def test_sigmoid_checker_rejects_a_wrong_shape():
    feedback = check_sigmoid_derivative(lambda z: float(np.mean(sol.sigmoid_derivative(z))))
    assert not feedback and feedback.case is not None


@pytest.mark.parametrize(
    "wrong,part,hint",
    [
        (lambda p, g, v, lr, m: (p - lr * g, m * v - lr * g), "new_param", "plain SGD"),
        (lambda p, g, v, lr, m: (p + v, m * v - lr * g), "new_param", "add the *new* velocity"),
        # the other sign convention (v = m v + lr g; p - v) only differs once v is non-zero
        (
            lambda p, g, v, lr, m: (p - (m * v + lr * g), m * v + lr * g),
            "new_param",
            "Keras stores the velocity as the step itself",
        ),
        (lambda p, g, v, lr, m: (p + m * v - lr * g, -(m * v - lr * g)), "new_velocity", "sign"),
    ],
)
def test_momentum_checker_rejects_typical_mistakes(wrong, part, hint):
    feedback = check_momentum_step(wrong)
    assert not feedback
    assert feedback.message.startswith(f"{part} is wrong")
    assert hint in feedback.hint


def test_feedback_text_is_deterministic():
    def stub(z):
        raise NotImplementedError

    texts = {str(check_sigmoid_derivative(lambda z: z * (1 - z))) for _ in range(3)}
    assert len(texts) == 1
    assert str(check_sigmoid_derivative(stub)).startswith("Not yet: sigmoid_derivative is not")


def test_odd_answers_get_feedback_not_a_crash():
    ragged = check_dense_backward(lambda *a: ([[1.0], [1.0, 2.0]], "kernel", {"b": 1}))
    assert not ragged and ragged.message.startswith("grad_x is wrong")
    words = check_momentum_step(lambda *a: ("param", "velocity"))
    assert not words and words.message.startswith("new_param is wrong")
    assert not check_sigmoid_derivative(lambda z: "0.25")


def test_checkers_do_not_take_their_answers_from_the_solutions(monkeypatch):
    """A broken reference must fail its checker: expected values are computed independently."""

    def wrong_dense(x, kernel, bias, grad_out):
        return grad_out @ kernel.T, x.T @ grad_out, np.zeros_like(bias)  # no bias gradient

    def wrong_momentum(param, grad, velocity, learning_rate, momentum):
        return param - learning_rate * grad, velocity  # plain SGD

    monkeypatch.setattr(sol, "dense_backward", wrong_dense)
    monkeypatch.setattr(sol, "sigmoid_derivative", sigmoid)
    monkeypatch.setattr(sol, "momentum_step", wrong_momentum)
    assert not check_dense_backward(sol.dense_backward)
    assert not check_sigmoid_derivative(sol.sigmoid_derivative)
    assert not check_momentum_step(sol.momentum_step)


# --------------------------------------------------------------------------- the moons model
@pytest.fixture(scope="module")
def moons():
    from sklearn.datasets import make_moons

    x, y = make_moons(300, noise=0.2, random_state=0)
    return x[:200], y[:200]


class _Memoriser:
    """Right on the points it has seen, a coin flip elsewhere: it overfits by construction."""

    def __init__(self, x, y):
        self.seen = {self._key(row): label for row, label in zip(x, y, strict=True)}

    @staticmethod
    def _key(row):
        return tuple(np.round(np.asarray(row, dtype="float32"), 4))

    def count_params(self):
        return 10

    def predict(self, x, verbose=0):
        rng = np.random.default_rng(0)
        labels = [self.seen.get(self._key(r), rng.integers(0, 2)) for r in x]
        return np.eye(2)[labels]


def test_the_reference_moons_model_passes(moons, tf):
    model = sol.train_moons_model(*moons)
    feedback = check_moons_model(model, *moons)
    assert feedback, str(feedback)
    assert "on 1,000 new moons" in feedback.message and "82 parameters" in feedback.message


def test_moons_feedback_says_too_big_underfits_or_overfits(moons, tf):
    from dlhelpers.training import build_mlp

    big = check_moons_model(build_mlp(2, 2, (64,)), *moons)
    assert not big and "322 parameters, more than 100" in big.message
    assert "8 to 16" in big.hint
    untrained = check_moons_model(build_mlp(2, 2, (8,), seed=0), *moons)
    assert not untrained and "underfits" in untrained.hint
    memoriser = check_moons_model(_Memoriser(*moons), *moons)
    assert not memoriser and "overfits" in memoriser.hint
    assert "1.000 on the training points" in memoriser.message


def test_moons_checker_explains_what_is_not_a_model_and_rejects_wrong_data(moons, tf):
    from dlhelpers.training import build_mlp

    x, y = moons
    nothing = check_moons_model(None, x, y)
    assert not nothing and "expected a trained Keras model, received NoneType" in nothing.message
    wrong_input = check_moons_model(build_mlp(3, 2, (4,)), x, y)
    assert not wrong_input and "could not classify (n, 2) points" in wrong_input.message
    with pytest.raises(ValueError, match=r"x_train: expected \(n, 2\) points"):
        check_moons_model(None, np.hstack([x, x]), y)
    with pytest.raises(ValueError, match="x_train has 200, y_train has 199"):
        check_moons_model(None, x, y[:-1])
    with pytest.raises(ValueError, match="y_train: expected labels 0 and 1"):
        check_moons_model(None, x, y + 1)
