"""Reference solutions of the chapter 8 exercises (peek only after trying)."""

import numpy as np

__all__ = ["exponential_decay", "kfold_mean_std", "pick_learning_rate"]


def exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    exponent = step // decay_steps if staircase else step / decay_steps
    return initial_learning_rate * decay_rate**exponent


def kfold_mean_std(scores):
    scores = np.asarray(scores, dtype=float)
    return scores.mean(), scores.std(ddof=1)


def pick_learning_rate(lrs, losses):
    return float(lrs[np.nanargmin(losses)] / 10)
