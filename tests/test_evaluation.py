"""Evaluation helpers agree with scikit-learn and explain bad input."""

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from dlhelpers import evaluation


@pytest.mark.parametrize("n_classes, seed", [(2, 0), (3, 1), (5, 2)])
def test_classification_metrics_match_sklearn(n_classes, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, 200)
    logits = rng.normal(size=(200, n_classes)) + 2 * np.eye(n_classes)[y]
    prob = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    out = evaluation.classification_metrics(y, prob)
    pred = prob.argmax(1)
    assert out["accuracy"] == pytest.approx(metrics.accuracy_score(y, pred))
    average = "binary" if n_classes == 2 else "macro"
    assert out["recall"] == pytest.approx(metrics.recall_score(y, pred, average=average))
    assert out["precision"] == pytest.approx(metrics.precision_score(y, pred, average=average))
    np.testing.assert_array_equal(out["confusion"].to_numpy(), metrics.confusion_matrix(y, pred))
    assert out["confusion"].to_numpy().sum() == 200
    assert 0.5 < out["roc_auc"] <= 1


def test_binary_sigmoid_probabilities_are_accepted():
    y = np.array([0, 1, 1, 0])
    out = evaluation.classification_metrics(y, np.array([0.1, 0.8, 0.4, 0.3]), ["no", "yes"])
    assert out["accuracy"] == 0.75 and list(out["confusion"].index) == ["no", "yes"]
    assert out["roc_auc"] == 1.0


def test_classification_metrics_reject_bad_input():
    prob = np.full((3, 2), 0.5)
    with pytest.raises(ValueError, match=r"y_true: expected integer class labels in \[0, 1\]"):
        evaluation.classification_metrics(np.array([0, 1, 2]), prob)
    with pytest.raises(ValueError, match="y_true has 2, y_prob has 3"):
        evaluation.classification_metrics(np.array([0, 1]), prob)
    with pytest.raises(ValueError, match="class_names: expected 2 names"):
        evaluation.classification_metrics(np.array([0, 1, 0]), prob, ["a"])
    with pytest.raises(ValueError, match="y_prob: expected probabilities between 0 and 1"):
        evaluation.classification_metrics(np.array([0, 1, 0]), prob * 3)


def test_regression_metrics_match_sklearn():
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    pred = y + rng.normal(scale=0.3, size=50)
    out = evaluation.regression_metrics(y, pred[:, None])
    assert out["mse"] == pytest.approx(metrics.mean_squared_error(y, pred))
    assert out["mae"] == pytest.approx(metrics.mean_absolute_error(y, pred))
    assert out["r2"] == pytest.approx(metrics.r2_score(y, pred))
    with pytest.raises(ValueError, match="y_true has 50, y_pred has 49"):
        evaluation.regression_metrics(y, pred[:-1])


def test_misclassified_lists_wrong_rows_most_confident_first():
    frame = pd.DataFrame({"id": [10, 11, 12, 13]})
    prob = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    wrong = evaluation.misclassified(frame, np.array([0, 0, 1, 1]), prob, ["a", "b"])
    assert list(wrong["id"]) == [11, 12]
    assert list(wrong["predicted"]) == ["b", "a"]
    np.testing.assert_allclose(wrong["confidence"], [0.8, 0.6])
