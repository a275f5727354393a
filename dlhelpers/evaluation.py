"""Evaluation on the untouched test split, with scikit-learn's metrics (not re-implemented)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dlhelpers._validation import check_array, check_same_length, fail

__all__ = ["classification_metrics", "regression_metrics", "misclassified"]


def _labels_and_probabilities(y_true, y_prob):
    y_true = check_array(y_true, "y_true", ndim=1, dtype=None)
    y_prob = check_array(y_prob, "y_prob", ndim=(1, 2), dtype=np.float64)
    check_same_length(y_true=y_true, y_prob=y_prob)
    if y_prob.ndim == 1:  # one sigmoid output: probability of class 1
        y_prob = np.column_stack([1.0 - y_prob, y_prob])
    if np.any(y_prob < 0) or np.any(y_prob > 1):
        fail("y_prob", "probabilities between 0 and 1", y_prob)
    y_true = y_true.astype(np.int64)
    n_classes = y_prob.shape[1]
    if y_true.min() < 0 or y_true.max() >= n_classes:
        fail(
            "y_true",
            f"integer class labels in [0, {n_classes - 1}]",
            f"labels from {y_true.min()} to {y_true.max()}",
        )
    return y_true, y_prob


def classification_metrics(y_true, y_prob, class_names: Sequence[str] | None = None) -> dict:
    """Accuracy, macro precision/recall/F1, ROC-AUC and the confusion matrix.

    Args:
        y_true: ``(n,)`` integer class labels.
        y_prob: ``(n, n_classes)`` predicted probabilities (rows sum to 1), or
            ``(n,)`` probabilities of class 1 for a binary sigmoid output.
        class_names: optional names, in label order.

    Returns:
        dict with ``accuracy``, ``precision``, ``recall``, ``f1`` (of class 1
        for two classes, macro averages over classes otherwise), ``roc_auc`` (one-vs-rest macro for more than two classes),
        ``confusion`` (a DataFrame, true classes as rows) and ``y_pred``.
    """
    from sklearn import metrics

    y_true, y_prob = _labels_and_probabilities(y_true, y_prob)
    n_classes = y_prob.shape[1]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n_classes)]
    if len(names) != n_classes:
        fail("class_names", f"{n_classes} names, one per column of y_prob", names)
    y_pred = y_prob.argmax(axis=1)
    labels = np.arange(n_classes)
    if n_classes == 2:
        auc = metrics.roc_auc_score(y_true, y_prob[:, 1])
    else:
        auc = metrics.roc_auc_score(y_true, y_prob, multi_class="ovr", labels=labels)
    average = "binary" if n_classes == 2 else "macro"
    precision, recall, f1, _ = metrics.precision_recall_fscore_support(
        y_true,
        y_pred,
        labels=None if n_classes == 2 else labels,
        average=average,
        zero_division=0,
    )
    confusion = pd.DataFrame(
        metrics.confusion_matrix(y_true, y_pred, labels=labels),
        index=pd.Index(names, name="true"),
        columns=pd.Index(names, name="predicted"),
    )
    return {
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "roc_auc": auc,
        "confusion": confusion,
        "y_pred": y_pred,
    }


def regression_metrics(y_true, y_pred) -> dict:
    """Mean squared error, mean absolute error and R² (scikit-learn).

    Args:
        y_true, y_pred: ``(n,)`` targets and predictions (``(n, 1)`` is flattened).
    """
    from sklearn import metrics

    y_true = check_array(y_true, "y_true", ndim=(1, 2)).reshape(len(y_true), -1)
    y_pred = check_array(y_pred, "y_pred", ndim=(1, 2)).reshape(len(y_pred), -1)
    check_same_length(y_true=y_true, y_pred=y_pred)
    if y_true.shape != y_pred.shape:
        fail("y_pred", f"shape {y_true.shape} like y_true", y_pred)
    return {
        "mse": metrics.mean_squared_error(y_true, y_pred),
        "mae": metrics.mean_absolute_error(y_true, y_pred),
        "r2": metrics.r2_score(y_true, y_pred),
    }


def misclassified(frame: pd.DataFrame, y_true, y_prob, class_names: Sequence[str]) -> pd.DataFrame:
    """The rows a classifier got wrong, with what it said and how sure it was.

    Args:
        frame: the original rows (any columns), in the same order as ``y_true``.
        y_true: ``(n,)`` integer labels.
        y_prob: ``(n, n_classes)`` probabilities.
        class_names: names in label order.

    Returns:
        The wrong rows of ``frame`` with ``true``, ``predicted`` and
        ``confidence`` (probability given to the predicted class) added,
        most confident mistakes first.
    """
    y_true, y_prob = _labels_and_probabilities(y_true, y_prob)
    check_same_length(frame=frame, y_true=y_true)
    names = np.asarray(class_names, dtype=object)
    y_pred = y_prob.argmax(axis=1)
    wrong = np.flatnonzero(y_pred != y_true)
    out = frame.iloc[wrong].copy()
    out["true"] = names[y_true[wrong]]
    out["predicted"] = names[y_pred[wrong]]
    out["confidence"] = y_prob[wrong, y_pred[wrong]]
    return out.sort_values("confidence", ascending=False)
