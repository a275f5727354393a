"""Layers, activations, losses, an MLP and gradient checking in NumPy (Chapter 2).

Everything follows Keras' conventions so Keras weights drop straight in: a dense
layer computes ``x @ kernel + bias`` with ``kernel`` of shape ``(in, out)``, and
``get_weights()`` lists ``[kernel, bias]`` per dense layer, in order.

Gradients *accumulate*: ``backward`` adds into ``layer.grads``. That is what makes
a value used twice (a shared layer, a reused activation) come out right, and it is
why ``zero_grad()`` must be called before each new step.

Example:
    >>> import numpy as np
    >>> from dlhelpers.scratch import MLP, SGD
    >>> x, y = np.random.default_rng(0).normal(size=(8, 2)), np.arange(8) % 2
    >>> model = MLP([2, 4, 2], activation="tanh", seed=0)
    >>> loss = model.train_step(x, y, SGD(0.1))
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from dlhelpers._validation import check_array, check_choice, check_scalar, fail

__all__ = [
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
    "linear",
    "linear_derivative",
    "softmax",
    "softmax_backward",
    "ACTIVATIONS",
    "one_hot",
    "check_labels",
    "mean_squared_error",
    "mean_squared_error_grad",
    "categorical_crossentropy",
    "categorical_crossentropy_grad",
    "softmax_cross_entropy",
    "initialize",
    "Layer",
    "Dense",
    "Activation",
    "Sequential",
    "MLP",
    "History",
    "numerical_gradient",
    "relative_error",
    "gradient_check",
    "check_model_gradients",
    "gradient_norms",
]


# --------------------------------------------------------------------------- activations
def relu(x):
    """``max(x, 0)``, elementwise."""
    x = np.asarray(x, dtype=float)
    return np.maximum(x, 0.0)


def relu_derivative(x):
    """1 where ``x > 0``, else 0 (TensorFlow also uses 0 at exactly 0)."""
    x = np.asarray(x, dtype=float)
    return (x > 0).astype(x.dtype)


def sigmoid(x):
    """``1 / (1 + exp(-x))``, computed without overflow for large ``|x|``.

    Float inputs keep their dtype (float32 stays float32, as in Keras); others become float64.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(float)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x):
    """``s (1 - s)`` with ``s = sigmoid(x)``: at most 0.25, reached at 0."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    """Hyperbolic tangent, elementwise."""
    return np.tanh(np.asarray(x, dtype=float))


def tanh_derivative(x):
    """``1 - tanh(x)**2``: at most 1, reached at 0."""
    return 1.0 - np.tanh(np.asarray(x, dtype=float)) ** 2


def linear(x):
    """The identity (a layer with no activation)."""
    return np.asarray(x, dtype=float)


def linear_derivative(x):
    """Ones, the derivative of the identity."""
    return np.ones_like(np.asarray(x, dtype=float))


def softmax(x, axis: int = -1):
    """Probabilities along ``axis``; the row maximum is subtracted first so exp never overflows."""
    x = np.asarray(x, dtype=float)
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


def softmax_backward(probs, grad, axis: int = -1):
    """Push ``grad`` (dL/dprobs) back through a softmax whose output was ``probs``.

    The softmax Jacobian is ``diag(p) - p p^T``; multiplying by it without building
    it gives ``p * (grad - sum(grad * p))`` per row.

    Returns:
        dL/dlogits, the shape of ``probs``.
    """
    probs = np.asarray(probs, dtype=float)
    grad = np.asarray(grad, dtype=float)
    return probs * (grad - np.sum(grad * probs, axis=axis, keepdims=True))


#: name -> (function, derivative with respect to the function's *input*).
ACTIVATIONS = {
    "relu": (relu, relu_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "linear": (linear, linear_derivative),
}


# --------------------------------------------------------------------------- losses
def check_labels(labels, num_classes: int, name: str = "labels") -> np.ndarray:
    """Check integer class labels lie in ``[0, num_classes)``; return them as int64.

    Raises:
        ValueError: labels are not whole numbers, not 1-D, or out of range.
    """
    arr = check_array(labels, name, ndim=1, dtype=None)
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind != "f" or not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            fail(name, "integer class labels", arr)
    arr = arr.astype(np.int64)
    if arr.min() < 0 or arr.max() >= num_classes:
        raise ValueError(
            f"{name}: expected class labels in 0..{num_classes - 1} ({num_classes} classes), "
            f"received values from {arr.min()} to {arr.max()}."
        )
    return arr


def one_hot(labels, num_classes: int) -> np.ndarray:
    """``(N,)`` integer labels to an ``(N, num_classes)`` float64 one-hot matrix."""
    num_classes = check_scalar(num_classes, "num_classes", int, low=1)
    labels = check_labels(labels, num_classes)
    out = np.zeros((labels.size, num_classes))
    out[np.arange(labels.size), labels] = 1.0
    return out


def _pair(y_true, y_pred):
    y_true = check_array(y_true, "y_true", ndim=(1, 2, 3))
    y_pred = check_array(y_pred, "y_pred", ndim=(1, 2, 3))
    if y_true.shape != y_pred.shape:
        fail("y_pred", f"the shape of y_true {y_true.shape}", y_pred)
    return y_true, y_pred


def mean_squared_error(y_true, y_pred) -> float:
    """Mean of ``(y_pred - y_true)**2`` over every element (Keras' ``MeanSquaredError``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean((y_pred - y_true) ** 2))


def mean_squared_error_grad(y_true, y_pred) -> np.ndarray:
    """dMSE/dy_pred: ``2 (y_pred - y_true) / size``, the shape of ``y_pred``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_pred.size


def _probs_pair(y_true, probs):
    y_true, probs = _pair(y_true, probs)
    if np.any(probs < 0) or np.any(probs > 1):
        raise ValueError(
            "probs: expected probabilities in [0, 1] (apply softmax first), "
            f"received values from {probs.min():.3g} to {probs.max():.3g}."
        )
    if np.any((probs == 0) & (y_true != 0)):
        raise ValueError(
            "probs: expected a probability > 0 wherever y_true is not 0 (log(0) is -inf), "
            f"received {int(np.sum((probs == 0) & (y_true != 0)))} zero(s) there."
        )
    return y_true, probs


def categorical_crossentropy(y_true, probs) -> float:
    """Mean over rows of ``-sum(y_true * log(probs))`` (Keras' ``CategoricalCrossentropy``).

    Args:
        y_true: ``(N, K)`` one-hot (or soft) targets.
        probs: ``(N, K)`` predicted probabilities, > 0 wherever ``y_true`` is not 0.
    """
    y_true, probs = _probs_pair(y_true, probs)
    log_p = np.log(np.where(y_true != 0, probs, 1.0))  # a zero p only where it counts for 0
    return float(np.mean(-np.sum(y_true * log_p, axis=-1)))


def categorical_crossentropy_grad(y_true, probs) -> np.ndarray:
    """dCCE/dprobs: ``-y_true / probs / N``."""
    y_true, probs = _probs_pair(y_true, probs)
    n = probs.size // probs.shape[-1]
    return -y_true / np.where(y_true != 0, probs, 1.0) / n


def softmax_cross_entropy(logits, labels):
    """Softmax followed by cross-entropy, and the short gradient of the pair.

    Chaining ``softmax_backward`` and ``categorical_crossentropy_grad`` collapses to
    ``(softmax(logits) - one_hot(labels)) / N``: no division by a tiny probability.

    Args:
        logits: ``(N, K)`` scores before the softmax.
        labels: ``(N,)`` integer classes in ``0..K-1``.

    Returns:
        ``(loss, grad)``: the mean loss (float) and dL/dlogits ``(N, K)``.
    """
    logits = check_array(logits, "logits", ndim=2)
    labels = check_labels(labels, logits.shape[1])
    if labels.size != logits.shape[0]:
        fail("labels", f"{logits.shape[0]} labels, one per row of logits", labels)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    rows = np.arange(labels.size)
    loss = float(-np.mean(log_probs[rows, labels]))
    grad = np.exp(log_probs)
    grad[rows, labels] -= 1.0
    return loss, grad / labels.size


# --------------------------------------------------------------------------- layers
def initialize(fan_in: int, fan_out: int, method: str = "glorot_uniform", *, seed=0):
    """A random ``(fan_in, fan_out)`` kernel.

    ``glorot_uniform`` draws from ``U(-l, l)`` with ``l = sqrt(6 / (fan_in + fan_out))``
    (Keras' default); ``he_normal`` from ``N(0, 2 / fan_in)`` (a plain normal, where Keras
    truncates at two standard deviations), which keeps ReLU activations at a steady scale.
    ``seed`` is an int or a ``numpy.random.Generator``.
    """
    fan_in = check_scalar(fan_in, "fan_in", int, low=1)
    fan_out = check_scalar(fan_out, "fan_out", int, low=1)
    check_choice(method, "method", ("glorot_uniform", "he_normal"))
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if method == "glorot_uniform":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


class Layer:
    """Base of the NumPy layers: ``forward`` caches what ``backward`` needs.

    Each ``forward`` call pushes its input on a stack and each ``backward`` pops the
    latest one, so a layer used twice in one pass gets both uses back, in reverse
    order, and its gradients add up. ``grads`` accumulate until :meth:`zero_grad`.
    """

    kind = "layer"

    def __init__(self, name: str | None = None):
        self.name = name or self.kind
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._cache: list = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    @property
    def label(self) -> str:
        """How errors name this layer, e.g. ``"layer 'dense_1' (Dense)"``."""
        return f"layer '{self.name}' ({type(self).__name__})"

    def zero_grad(self) -> None:
        """Set every accumulated gradient back to zero."""
        for key, value in self.params.items():
            self.grads[key] = np.zeros_like(value)

    def _check_input(self, x) -> np.ndarray:
        return check_array(x, f"x (input of {self.label})", ndim=(2, 3, 4))

    def _pop(self):
        if not self._cache:
            raise RuntimeError(
                f"{self.label}: backward called more times than forward; call forward "
                "before each backward (the cached input of the last forward is used up)."
            )
        return self._cache.pop()

    def _check_grad(self, grad, shape) -> np.ndarray:
        name = f"grad (gradient arriving at {self.label})"
        grad = check_array(grad, name, dtype=float, allow_nan=True)
        if grad.shape != shape:
            fail(name, f"the shape of this layer's output {shape}", grad)
        return _check_finite(grad, name)

    def forward(self, x, *, cache: bool = True):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError


def _check_finite(arr: np.ndarray, name: str) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name}: expected finite values, received {bad} NaN or infinite value(s) in "
            f"an array of shape {arr.shape} (a learning rate too high, or unscaled inputs?)."
        )
    return arr


class Dense(Layer):
    """``y = x @ kernel + bias`` over the last axis, as ``keras.layers.Dense`` without activation.

    Args:
        kernel: ``(in_features, units)`` weights.
        bias: ``(units,)``; zeros when omitted.
        name: used in error messages.

    Raises:
        ValueError: a bias whose length is not ``units``; at ``forward``, an input
            whose last axis is not ``in_features`` or holds NaN/inf; at ``backward``,
            a gradient of the wrong shape or holding NaN/inf.
    """

    kind = "dense"

    def __init__(self, kernel, bias=None, *, name: str | None = None):
        super().__init__(name)
        kernel = check_array(kernel, "kernel", ndim=2).copy()
        bias = np.zeros(kernel.shape[1]) if bias is None else check_array(bias, "bias", ndim=1)
        if bias.shape != (kernel.shape[1],):
            fail("bias", f"shape ({kernel.shape[1]},) to match kernel {kernel.shape}", bias)
        self.params = {"kernel": kernel, "bias": bias.copy()}
        self.zero_grad()

    @classmethod
    def create(cls, in_features: int, units: int, *, init="glorot_uniform", seed=0, name=None):
        """A new layer with a random kernel (see :func:`initialize`) and zero bias."""
        return cls(initialize(in_features, units, init, seed=seed), name=name)

    @property
    def kernel(self) -> np.ndarray:
        return self.params["kernel"]

    @property
    def bias(self) -> np.ndarray:
        return self.params["bias"]

    @property
    def in_features(self) -> int:
        return self.kernel.shape[0]

    @property
    def units(self) -> int:
        return self.kernel.shape[1]

    def forward(self, x, *, cache: bool = True):
        """Affine map of the last axis; caches ``x`` for ``backward`` when ``cache``."""
        x = self._check_input(x)
        if x.shape[-1] != self.in_features:
            fail(f"x (input of {self.label})", f"{self.in_features} features on the last axis", x)
        if cache:
            self._cache.append(x)
        return x @ self.kernel + self.bias

    def backward(self, grad):
        """Add dL/dkernel and dL/dbias into ``grads``; return dL/dx.

        With ``x`` flattened to rows ``(M, in)`` and ``grad`` to ``(M, units)``:
        dL/dkernel = ``x.T @ grad`` (sum over rows), dL/dbias = ``grad.sum(axis=0)``,
        dL/dx = ``grad @ kernel.T``.
        """
        x = self._pop()
        grad = self._check_grad(grad, x.shape[:-1] + (self.units,))
        rows_x = x.reshape(-1, self.in_features)
        rows_g = grad.reshape(-1, self.units)
        self.grads["kernel"] += rows_x.T @ rows_g
        self.grads["bias"] += rows_g.sum(axis=0)
        return grad @ self.kernel.T


class Activation(Layer):
    """An elementwise activation (``relu``, ``sigmoid``, ``tanh``, ``linear``) or ``softmax``."""

    kind = "activation"

    def __init__(self, activation: str = "relu", *, name: str | None = None):
        check_choice(activation, "activation", (*ACTIVATIONS, "softmax"))
        super().__init__(name)
        self.activation = activation

    def forward(self, x, *, cache: bool = True):
        x = self._check_input(x)
        if self.activation == "softmax":
            out = softmax(x)
            if cache:
                self._cache.append(out)
            return out
        if cache:
            self._cache.append(x)
        return ACTIVATIONS[self.activation][0](x)

    def backward(self, grad):
        """dL/dx = dL/dy times the activation's derivative at the cached input."""
        saved = self._pop()
        grad = self._check_grad(grad, saved.shape)
        if self.activation == "softmax":
            return softmax_backward(saved, grad)
        return grad * ACTIVATIONS[self.activation][1](saved)


# --------------------------------------------------------------------------- models
History = namedtuple("History", ["loss", "accuracy", "snapshots"])
History.__doc__ = """What ``fit`` returns: per-epoch ``loss`` and ``accuracy`` lists (accuracy
is empty for regression) and ``snapshots``, a list of ``(epoch, weights)`` pairs."""

LOSSES = ("softmax_crossentropy", "mse")


class Sequential:
    """Layers applied one after another, trained with a NumPy optimizer.

    Args:
        layers: :class:`Dense` and :class:`Activation` layers. Names are made unique
            (``dense``, ``dense_1``...) where they clash.
        loss: ``"softmax_crossentropy"`` (integer labels, the last layer gives logits)
            or ``"mse"`` (targets shaped like the output).

    Raises:
        ValueError: consecutive dense layers whose sizes do not chain, named by layer.
    """

    def __init__(self, layers, *, loss: str = "softmax_crossentropy"):
        layers = list(layers)
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            fail("layers", "a non-empty list of Layer objects", layers)
        self.loss_name = check_choice(loss, "loss", LOSSES)
        self.layers = layers
        self._name_uniquely()
        self._check_chain()

    def _name_uniquely(self) -> None:
        seen: dict[str, int] = {}
        done: set[int] = set()
        for layer in self.layers:
            if id(layer) in done:  # a shared layer keeps its one name
                continue
            done.add(id(layer))
            base = layer.name
            if base in seen:
                seen[base] += 1
                layer.name = f"{base}_{seen[base]}"
            else:
                seen[base] = 0

    def _check_chain(self) -> None:
        previous = None
        for layer in self.layers:
            if isinstance(layer, Dense):
                if previous is not None and previous.units != layer.in_features:
                    raise ValueError(
                        f"layers: {layer.label} expects {layer.in_features} input features, "
                        f"but {previous.label} before it gives {previous.units}."
                    )
                previous = layer

    # ---- the pieces of a training step
    def _unique_layers(self):
        seen, out = set(), []
        for layer in self.layers:
            if id(layer) not in seen:
                seen.add(id(layer))
                out.append(layer)
        return out

    def forward(self, x, *, cache: bool = True):
        """Outputs (logits for classification) of every row of ``x``."""
        if cache:
            for layer in self._unique_layers():
                layer._cache.clear()  # inputs of forward calls no backward used
        for layer in self.layers:
            x = layer.forward(x, cache=cache)
        return x

    def backward(self, grad):
        """Backpropagate dL/doutput through every layer; returns dL/dx."""
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def zero_grad(self) -> None:
        for layer in self._unique_layers():
            layer.zero_grad()

    def loss_and_grad(self, outputs, y):
        """The loss of ``outputs`` against targets ``y``, and dL/doutputs."""
        if self.loss_name == "softmax_crossentropy":
            return softmax_cross_entropy(outputs, y)
        y = check_array(y, "y", ndim=(1, 2))
        if y.ndim == 1 and outputs.ndim == 2 and outputs.shape[1] == 1:
            y = y[:, None]
        return mean_squared_error(y, outputs), mean_squared_error_grad(y, outputs)

    def loss(self, x, y) -> float:
        """The loss on ``(x, y)`` without caching anything."""
        return self.loss_and_grad(self.forward(x, cache=False), y)[0]

    def compute_gradients(self, x, y) -> float:
        """Zero the gradients, run forward and backward; returns the loss."""
        self.zero_grad()
        loss, grad = self.loss_and_grad(self.forward(x), y)
        self.backward(grad)
        return loss

    def train_step(self, x, y, optimizer) -> float:
        """One gradient step on ``(x, y)``; returns the loss before the step."""
        loss = self.compute_gradients(x, y)
        optimizer.apply(self.gradients(), self.parameters(), names=self.parameter_names())
        return loss

    # ---- parameters in Keras order
    def _param_items(self):
        for layer in self._unique_layers():
            for key in layer.params:
                yield layer, key

    def parameters(self) -> list[np.ndarray]:
        """The parameter arrays themselves (updated in place), Keras order."""
        return [layer.params[key] for layer, key in self._param_items()]

    def gradients(self) -> list[np.ndarray]:
        """The accumulated gradients, in the order of :meth:`parameters`."""
        return [layer.grads[key] for layer, key in self._param_items()]

    def parameter_names(self) -> list[str]:
        """``"dense/kernel"``-style names, in the order of :meth:`parameters`."""
        return [f"{layer.name}/{key}" for layer, key in self._param_items()]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters: ``[kernel, bias, kernel, bias, ...]`` like Keras."""
        return [p.copy() for p in self.parameters()]

    def set_weights(self, weights) -> None:
        """Load weights in Keras order (``keras_model.get_weights()`` drops straight in)."""
        params = self.parameters()
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                f"weights: expected {len(params)} arrays (kernel and bias per dense "
                f"layer), received {len(weights)}."
            )
        for name, p, w in zip(self.parameter_names(), params, weights, strict=True):
            w = check_array(w, f"weights ({name})")
            if w.shape != p.shape:
                fail(f"weights ({name})", f"shape {p.shape}", w)
            p[...] = w

    def count_params(self) -> int:
        return int(sum(p.size for p in self.parameters()))

    # ---- using the model
    def predict(self, x) -> np.ndarray:
        """Class labels for classification, outputs for regression."""
        out = self.forward(x, cache=False)
        return out.argmax(axis=1) if self.loss_name == "softmax_crossentropy" else out

    def predict_proba(self, x) -> np.ndarray:
        """Softmax probabilities ``(N, K)`` (classification only)."""
        if self.loss_name != "softmax_crossentropy":
            raise ValueError(
                f"predict_proba: expected a classification model, received loss={self.loss_name!r}."
            )
        return softmax(self.forward(x, cache=False))

    def fit(
        self,
        x,
        y,
        optimizer,
        *,
        epochs: int = 100,
        batch_size: int | None = None,
        seed: int = 0,
        snapshot_every: int | None = None,
    ) -> History:
        """Train with mini-batches (``batch_size=None``: the whole set each step).

        Each epoch shuffles the rows with ``seed`` and cuts them into batches of
        ``batch_size`` rows (the last one holds the rest, as in Keras); the loss recorded for an epoch is the
        mean of its batch losses, measured before each step. A NaN/inf loss stops
        training with a ``ValueError``.

        Returns:
            A :class:`History`; ``snapshots`` holds the weights every ``snapshot_every``
            epochs (and after the last one) for drawing how the model learns.
        """
        x = check_array(x, "x", ndim=2)
        y = check_array(y, "y", ndim=(1, 2), dtype=None)
        epochs = check_scalar(epochs, "epochs", int, low=1)
        n = x.shape[0]
        if len(y) != n:
            fail("y", f"{n} targets, one per row of x", y)
        batch = n if batch_size is None else check_scalar(batch_size, "batch_size", int, low=1)
        rng = np.random.default_rng(seed)
        losses, accs, snaps = [], [], []
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if batch < n else np.arange(n)
            batch_losses = [  # full batches of `batch` rows and a smaller last one, like Keras
                self.train_step(x[order[i : i + batch]], y[order[i : i + batch]], optimizer)
                for i in range(0, n, batch)
            ]
            loss = float(np.mean(batch_losses))
            if not np.isfinite(loss):
                raise ValueError(
                    f"fit: expected a finite loss, received {loss} at epoch {epoch} "
                    "(lower the learning rate)."
                )
            losses.append(loss)
            if self.loss_name == "softmax_crossentropy":
                accs.append(float(np.mean(self.predict(x) == y)))
            if snapshot_every and (epoch % snapshot_every == 0 or epoch == epochs):
                snaps.append((epoch, self.get_weights()))
        return History(losses, accs, snaps)


class MLP(Sequential):
    """A multilayer perceptron: dense layers with one activation between them.

    Args:
        sizes: ``[inputs, hidden..., outputs]``, e.g. ``[2, 16, 2]``.
        activation: ``"relu"``, ``"tanh"``, ``"sigmoid"`` or ``"linear"`` for hidden layers.
        loss: ``"softmax_crossentropy"`` or ``"mse"``; the last layer is linear.
        init: ``"glorot_uniform"`` or ``"he_normal"``; by default He for ReLU, else Glorot.
        seed: seeds the initial kernels (biases start at zero).
    """

    def __init__(
        self,
        sizes,
        activation: str = "relu",
        *,
        loss: str = "softmax_crossentropy",
        init: str | None = None,
        seed: int = 0,
    ):
        if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
            fail("sizes", "a list of at least 2 layer sizes, e.g. [2, 16, 2]", sizes)
        sizes = [check_scalar(s, "sizes", int, low=1) for s in sizes]
        check_choice(activation, "activation", tuple(ACTIVATIONS))
        if init is None:
            init = "he_normal" if activation == "relu" else "glorot_uniform"
        rng = np.random.default_rng(seed)
        layers: list[Layer] = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(Dense.create(a, b, init=init, seed=rng))
            if i < len(sizes) - 2:
                layers.append(Activation(activation))
        super().__init__(layers, loss=loss)
        self.sizes, self.activation = sizes, activation


# --------------------------------------------------------------------------- checking
def numerical_gradient(f, x, eps: float = 1e-5) -> np.ndarray:
    """Central differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every element.

    Args:
        f: a function of one array returning a scalar.
        x: where to differentiate (copied to float64; never changed).
        eps: the step; ~1e-5 balances truncation error against rounding in float64.

    Returns:
        An array the shape of ``x``.
    """
    x = check_array(x, "x").copy()
    eps = float(eps)
    if not eps > 0:
        fail("eps", "a positive step", eps)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):  # one element at a time: a check, not a training path
        old = x[idx]
        x[idx] = old + eps
        up = f(x)
        x[idx] = old - eps
        down = f(x)
        x[idx] = old
        if np.ndim(up) != 0:
            raise ValueError(
                f"f: expected a function returning a scalar, received a value of "
                f"shape {np.shape(up)}."
            )
        grad[idx] = (float(up) - float(down)) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    """``|a - b| / max(|a| + |b|, 1e-300)`` in the Euclidean norm; 0 when both are zero."""
    a = check_array(a, "a", dtype=float, allow_nan=True)
    b = check_array(b, "b", dtype=float, allow_nan=True)
    if a.shape != b.shape:
        fail("b", f"the shape of a {a.shape}", b)
    num = np.linalg.norm(a - b)
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else float(num / den)


def gradient_check(f, x, grad, eps: float = 1e-5) -> float:
    """Relative error between an analytic ``grad`` of ``f`` at ``x`` and central differences.

    In float64 a correct gradient gives about 1e-9 or less; above 1e-5 something is wrong.
    """
    return relative_error(grad, numerical_gradient(f, x, eps))


def check_model_gradients(model: Sequential, x, y, eps: float = 1e-5) -> dict[str, float]:
    """Compare backprop with central differences for every parameter of ``model``.

    Returns:
        ``{"dense/kernel": relative error, ...}`` in Keras order. The model's weights
        are left as they were.
    """
    model.compute_gradients(x, y)
    analytic = [g.copy() for g in model.gradients()]
    errors = {}
    for name, param, grad in zip(
        model.parameter_names(), model.parameters(), analytic, strict=True
    ):
        saved = param.copy()

        def loss_at(value, param=param):
            param[...] = value
            return model.loss(x, y)

        try:
            errors[name] = gradient_check(loss_at, saved, grad, eps)
        finally:
            param[...] = saved
    return errors


def gradient_norms(model: Sequential, x, y) -> np.ndarray:
    """Euclidean norm of dL/dkernel for each dense layer, input side first."""
    model.compute_gradients(x, y)
    norms = [
        np.linalg.norm(layer.grads["kernel"])
        for layer in model._unique_layers()
        if isinstance(layer, Dense)
    ]
    return np.array(norms)
