"""Chapter 1 exercises: one-hot encoding, scaling without leakage, accuracy from probabilities."""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, Feedback, check_cases

__all__ = ["check_one_hot", "check_standardize", "check_accuracy"]


def check_one_hot(one_hot) -> Feedback:
    """Exercise 1: ``one_hot(labels, n_classes)`` -> ``(n, n_classes)`` array of 0/1."""
    cases = []
    for seed, (n, k) in enumerate([(5, 3), (1, 2), (12, 10), (7, 7)]):
        labels = np.random.default_rng(seed).integers(0, k, size=n)
        cases.append(Case(f"{n} labels, {k} classes", (labels, k), np.eye(k)[labels]))

    def hint(case, received):
        shape = np.shape(received)
        n, k = len(case.args[0]), case.args[1]
        if shape == (k, n):
            return "one row per sample and one column per class: your array is transposed."
        if shape in ((n, k + 1), (n, k - 1)):
            return "n_classes columns exactly: labels run from 0 to n_classes - 1."
        return None

    return check_cases(one_hot, cases, hints=hint, what="one_hot")


def check_standardize(standardize) -> Feedback:
    """Exercise 2: ``standardize(train, other)`` -> both scaled with the *training* mean and std."""
    cases = []
    for seed, shape in enumerate([(20, 3), (50, 1), (8, 5)]):
        rng = np.random.default_rng(seed + 10)
        train = rng.normal(5, 3, size=shape)
        other = rng.normal(8, 1, size=(6, shape[1]))  # shifted: leakage shows up
        mean, std = train.mean(axis=0), train.std(axis=0)
        expected = np.concatenate([(train - mean) / std, (other - mean) / std])
        cases.append(Case(f"train {shape}, other (6, {shape[1]})", (train, other), expected))

    def joined(train, other):
        result = standardize(train, other)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError("return a pair (train_scaled, other_scaled)")
        return np.concatenate([np.asarray(result[0]), np.asarray(result[1])])

    def hint(case, received):
        train, other = case.args
        n = len(train)
        received = np.asarray(received)
        if received.shape == case.expected.shape:
            if np.allclose(received[n:].mean(axis=0), 0):
                return (
                    "the other split was scaled with its own statistics: fit mean and std "
                    "on the training split only, then apply them to both."
                )
            both = np.concatenate([train, other])
            if np.allclose(received, (both - both.mean(0)) / both.std(0)):
                return "mean and std came from all rows: that leaks the other split into training."
            if np.allclose(received[:n], (train - train.mean(0)) / train.std(0, ddof=1)):
                return "use the population std (ddof=0), as scikit-learn's StandardScaler does."
            if np.allclose(received[:n], (train - train.mean()) / train.std()):
                return "compute mean and std per column (axis=0), not over the whole array."
        return None

    return check_cases(joined, cases, hints=hint, what="standardize")


def check_accuracy(accuracy) -> Feedback:
    """Exercise 3: ``accuracy(y_true, y_prob)`` from ``(n,)`` labels and ``(n, k)`` probabilities."""
    cases = []
    for seed, (n, k) in enumerate([(10, 3), (4, 2), (30, 5)]):
        rng = np.random.default_rng(seed + 20)
        logits = rng.normal(size=(n, k))
        prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        y = rng.integers(0, k, size=n)
        cases.append(
            Case(f"{n} samples, {k} classes", (y, prob), float(np.mean(prob.argmax(axis=1) == y)))
        )

    def hint(case, received):
        y, prob = case.args
        if np.isclose(received, np.mean(prob.argmax(axis=0)[: len(y)] == y[: prob.shape[1]])):
            return "take the argmax along axis=1: one predicted class per row (sample)."
        if np.isclose(received, np.sum(prob.argmax(axis=1) == y)):
            return "accuracy is a fraction: divide the number correct by the number of samples."
        return None

    return check_cases(accuracy, cases, hints=hint, what="accuracy")
