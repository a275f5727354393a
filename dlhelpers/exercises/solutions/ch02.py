"""Reference solutions of the Chapter 2 exercises (peek only after trying)."""

import numpy as np

__all__ = ["dense_backward", "sigmoid_derivative", "momentum_step", "train_moons_model"]


def dense_backward(x, kernel, bias, grad_out):
    """Gradients of a dense layer ``y = x @ kernel + bias`` for a batch ``x`` of shape (N, in).

    Returns:
        ``(grad_x, grad_kernel, grad_bias)`` with the shapes of ``x``, ``kernel``, ``bias``.
    """
    grad_x = grad_out @ kernel.T  # each input feeds every unit through its row of the kernel
    grad_kernel = x.T @ grad_out  # sums over the batch
    grad_bias = grad_out.sum(axis=0)  # the bias is added to every row
    return grad_x, grad_kernel, grad_bias


def sigmoid_derivative(z):
    """d sigmoid(z) / dz, elementwise."""
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 - s)


def momentum_step(param, grad, velocity, learning_rate, momentum):
    """One step of SGD with momentum, Keras' convention.

    Returns:
        ``(new_param, new_velocity)``: ``v = momentum * v - learning_rate * grad``, ``p = p + v``.
    """
    new_velocity = momentum * velocity - learning_rate * grad
    return param + new_velocity, new_velocity


def train_moons_model(x_train, y_train):
    """A Keras classifier of the two moons: 16 tanh units (82 parameters), Adam, 40 epochs.

    Returns:
        The trained model; ``check_moons_model`` scores it on moons it never saw.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.05),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    # A tf.data pipeline, shuffled with its own seed at every epoch
    batches = tf.data.Dataset.from_tensor_slices((x_train.astype("float32"), y_train))
    model.fit(batches.shuffle(len(x_train), seed=0).batch(32), epochs=40, shuffle=False, verbose=0)
    return model
