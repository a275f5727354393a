"""Chapter 5 exercises: one RNN step, a SimpleRNN's parameter count, clipping by norm."""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, Feedback, check_cases
from dlhelpers.scratch import clip_by_norm, rnn_step, sigmoid

__all__ = ["check_clip_by_norm", "check_rnn_step", "check_simple_rnn_params"]


def _step_cases() -> list[Case]:
    rng = np.random.default_rng(5)
    cases = []
    # Non-square kernels so a transposed kernel fails loudly; units > 1 so a transposed
    # recurrent kernel changes the answer.
    for name, (n, features, units) in {
        "one example, 3 features, 4 units": (1, 3, 4),
        "batch of 5, 2 features, 6 units": (5, 2, 6),
        "batch of 2, 7 features, 3 units, non-zero h_prev": (2, 7, 3),
    }.items():
        x_t = rng.normal(size=(n, features))
        h_prev = np.tanh(rng.normal(size=(n, units)))
        kernel = rng.normal(size=(features, units))
        recurrent = rng.normal(size=(units, units))
        bias = rng.normal(size=units)
        args = (x_t, h_prev, kernel, recurrent, bias)
        cases.append(Case(name, args, rnn_step(*args)))
    return cases


def _step_hint(case: Case, received) -> str | None:
    x_t, h_prev, kernel, recurrent, bias = case.args
    z = x_t @ kernel + h_prev @ recurrent + bias
    got = np.asarray(received, dtype=float) if received is not None else None
    if got is None or got.shape != z.shape:
        return "the new hidden state has one row per example and one column per unit."
    wrong = {
        "tanh is missing: the step returns the pre-activation.": z,
        "the bias is missing.": np.tanh(z - bias),
        "the recurrent kernel is transposed: use h_prev @ recurrent_kernel.": np.tanh(
            x_t @ kernel + h_prev @ recurrent.T + bias
        ),
        "the previous hidden state is ignored (h_prev @ recurrent_kernel is missing).": np.tanh(
            x_t @ kernel + bias
        ),
        "use tanh, not the sigmoid (Keras' SimpleRNN default).": sigmoid(z),
        "use tanh, not ReLU (Keras' SimpleRNN default).": np.maximum(z, 0),
    }
    for hint, value in wrong.items():
        if np.allclose(got, value):
            return hint
    return "compute tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)."


def check_rnn_step(func) -> Feedback:
    """Check ``func(x_t, h_prev, kernel, recurrent_kernel, bias)`` -> ``h_t``."""
    return check_cases(func, _step_cases(), hints=_step_hint, what="your rnn_step")


def _params_hint(case: Case, received) -> str | None:
    features, units = case.args
    use_bias = (case.kwargs or {}).get("use_bias", True)
    bias = units if use_bias else 0
    wrong = [
        (features * units + units * units + units, "with use_bias=False there is no bias."),
        (features * units + units * units, "count the bias: one number per unit."),
        (features * units + bias, "the recurrent kernel (units x units) has weights too."),
        (units * units + bias, "the input kernel (features x units) has weights too."),
        (features * units + units + bias, "the recurrent kernel is units x units, not units."),
    ]
    for value, hint in wrong:
        if received == value and value != case.expected:
            return hint
    return None


def check_simple_rnn_params(func) -> Feedback:
    """Check ``func(features, units, use_bias=True)`` -> number of SimpleRNN parameters."""
    cases = []
    for features, units, use_bias in [(10, 32, True), (3, 4, True), (1, 16, True), (5, 7, False)]:
        expected = features * units + units * units + (units if use_bias else 0)
        cases.append(
            Case(
                f"features={features}, units={units}, use_bias={use_bias}",
                (features, units),
                expected,
                {"use_bias": use_bias},
            )
        )
    return check_cases(func, cases, hints=_params_hint, what="your simple_rnn_params")


def _clip_hint(case: Case, received) -> str | None:
    grad, clip_norm = case.args
    got = np.asarray(received, dtype=float) if received is not None else None
    if got is None or got.shape != grad.shape:
        return "return an array of the same shape as grad."
    norm = np.sqrt(np.sum(grad**2))
    if np.allclose(got, np.clip(grad, -clip_norm, clip_norm)):
        return "that clips each entry (clip by value); scale the whole array instead."
    if np.allclose(got, grad * clip_norm / norm):
        return "only shrink gradients that are longer than clip_norm; leave short ones alone."
    if np.allclose(got, grad / norm):
        return "after dividing by the norm, multiply by clip_norm."
    return "scale grad by clip_norm / norm(grad) when norm(grad) > clip_norm."


def check_clip_by_norm(func) -> Feedback:
    """Check ``func(grad, clip_norm)`` -> ``grad`` rescaled to norm at most ``clip_norm``."""
    rng = np.random.default_rng(11)
    cases = []
    for name, shape, clip_norm, scale in [
        ("a long gradient vector, clip_norm=1", (6,), 1.0, 10.0),
        ("a (3, 4) weight gradient, clip_norm=2.5", (3, 4), 2.5, 5.0),
        ("a short gradient, clip_norm=5 (leave it alone)", (4, 2), 5.0, 0.1),
        ("a gradient with one huge entry, clip_norm=0.5", (5,), 0.5, 1.0),
    ]:
        grad = scale * rng.normal(size=shape)
        if name.startswith("a gradient with one huge"):
            grad[2] = 1e4
        cases.append(Case(name, (grad, clip_norm), clip_by_norm(grad, clip_norm)))
    return check_cases(func, cases, hints=_clip_hint, what="your clip_by_norm")
