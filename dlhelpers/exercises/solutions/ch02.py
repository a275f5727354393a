"""Reference solutions of the Chapter 2 exercises (peek only after trying)."""

import numpy as np

__all__ = ["dense_backward", "sigmoid_derivative", "momentum_step"]


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
