"""SGD, momentum and Adam in NumPy, matching ``keras.optimizers`` update for update (Chapter 2).

Each optimizer keeps one state slot per parameter (by position) and updates the
parameter arrays *in place*, like Keras updates its variables:

- ``SGD``: ``w -= lr * g``.
- ``SGD(momentum=m)``: ``v = m * v - lr * g``; ``w += v``
  (``nesterov=True``: ``w += m * v - lr * g`` with the new ``v``).
- ``Adam``: ``m += (1 - b1) (g - m)``; ``v += (1 - b2) (g**2 - v)``;
  ``w -= lr_t * m / (sqrt(v) + eps)`` with ``lr_t = lr * sqrt(1 - b2**t) / (1 - b1**t)``.

Example:
    >>> import numpy as np
    >>> w = np.array([1.0, -2.0])
    >>> SGD(learning_rate=0.1).apply([np.array([0.5, 0.5])], [w])
    >>> w
    array([ 0.95, -2.05])
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_choice, check_scalar, fail

__all__ = ["Optimizer", "SGD", "Adam", "get_optimizer"]


class Optimizer:
    """Base class: validates ``apply``'s arguments and counts ``iterations``."""

    def __init__(self, learning_rate: float):
        self.learning_rate = check_scalar(
            learning_rate, "learning_rate", float, low=0, closed="neither"
        )
        self.iterations = 0
        self._shapes: list[tuple] | None = None

    def apply(self, grads, params, *, names=None) -> None:
        """Update every array in ``params`` in place with its gradient in ``grads``.

        Args:
            grads: list of gradient arrays (Keras' argument order: grads first).
            params: list of parameter arrays of the same shapes, updated in place.
            names: optional names used in error messages (``"dense/kernel"``...).

        Raises:
            ValueError: different lengths or shapes (``names`` included), a shape that changed since the
                first call, or a NaN/inf gradient (named).
        """
        grads, params = list(grads), list(params)
        if len(grads) != len(params):
            raise ValueError(
                f"grads: expected {len(params)} arrays, one per parameter, received {len(grads)}."
            )
        if names is None:
            names = [f"params[{i}]" for i in range(len(params))]
        else:
            names = [str(name) for name in names]
            if len(names) != len(params):
                raise ValueError(
                    f"names: expected {len(params)} names, one per parameter, "
                    f"received {len(names)}."
                )
        checked = []
        for name, g, p in zip(names, grads, params, strict=True):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                fail(f"params ({name})", "a float NumPy array updated in place", p)
            g = check_array(g, f"grads ({name})")
            if g.shape != p.shape:
                fail(f"grads ({name})", f"the shape of its parameter {p.shape}", g)
            checked.append(g)
        shapes = [p.shape for p in params]
        if self._shapes is None:
            self._shapes = shapes
            self._build(params)
        elif shapes != self._shapes:
            raise ValueError(
                f"params: expected the same shapes as on the first call "
                f"{self._shapes}, received {shapes}."
            )
        for i, (g, p) in enumerate(zip(checked, params, strict=True)):
            self._update(i, g, p)
        self.iterations += 1

    def _build(self, params) -> None:
        pass

    def _update(self, i: int, grad: np.ndarray, param: np.ndarray) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum, like ``keras.optimizers.SGD``.

    Args:
        learning_rate: step size, > 0.
        momentum: 0 for plain SGD; 0.9 is common.
        nesterov: look ahead along the velocity.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = check_scalar(momentum, "momentum", float, low=0, high=1)
        self.nesterov = bool(nesterov)
        self.velocities: list[np.ndarray] = []

    def _build(self, params) -> None:
        self.velocities = [np.zeros_like(p) for p in params]

    def _update(self, i, grad, param) -> None:
        lr, m = self.learning_rate, self.momentum
        if m == 0:
            param -= lr * grad
            return
        v = self.velocities[i]
        v[...] = m * v - lr * grad
        param += (m * v - lr * grad) if self.nesterov else v


class Adam(Optimizer):
    """Adam with bias correction folded into the step size, like ``keras.optimizers.Adam``.

    Args:
        learning_rate: step size, > 0.
        beta_1, beta_2: decay rates of the first and second moment estimates, in [0, 1).
        epsilon: added to ``sqrt(v)``; Keras' default is 1e-7.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ):
        super().__init__(learning_rate)
        self.beta_1 = check_scalar(beta_1, "beta_1", float, low=0, high=1, closed="left")
        self.beta_2 = check_scalar(beta_2, "beta_2", float, low=0, high=1, closed="left")
        self.epsilon = check_scalar(epsilon, "epsilon", float, low=0)
        self.m: list[np.ndarray] = []
        self.v: list[np.ndarray] = []

    def _build(self, params) -> None:
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def _update(self, i, grad, param) -> None:
        t = self.iterations + 1
        alpha = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m, v = self.m[i], self.v[i]
        m += (grad - m) * (1 - self.beta_1)
        v += (grad**2 - v) * (1 - self.beta_2)
        param -= alpha * m / (np.sqrt(v) + self.epsilon)


def get_optimizer(name: str, learning_rate: float) -> Optimizer:
    """``"sgd"``, ``"momentum"`` (SGD with momentum 0.9) or ``"adam"`` at ``learning_rate``."""
    check_choice(name, "name", ("sgd", "momentum", "adam"))
    if name == "adam":
        return Adam(learning_rate)
    return SGD(learning_rate, momentum=0.9 if name == "momentum" else 0.0)
