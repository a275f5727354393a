"""Chapter 13 checkers accept the reference solutions and reject typical mistakes."""

import numpy as np
import pytest

from dlhelpers import language_model as lm
from dlhelpers.exercises import ch13
from dlhelpers.exercises.solutions import ch13 as solutions
from dlhelpers.scratch.attention import causal_mask


def test_references_pass():
    assert ch13.check_perplexity(solutions.perplexity)
    assert ch13.check_causal_mask(solutions.causal_mask)
    assert ch13.check_top_k_filter(solutions.top_k_filter)
    assert ch13.check_bigram_counts(solutions.bigram_counts)


def test_references_agree_with_the_package():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 1, 30)
    assert np.isclose(solutions.perplexity(p), lm.perplexity(np.log(p)))
    np.testing.assert_array_equal(solutions.causal_mask(6), causal_mask(6)[0])
    z = rng.normal(size=12)
    kept = np.exp(solutions.top_k_filter(z, 4))
    np.testing.assert_allclose(kept / kept.sum(), lm.sampling_distribution(z, 1.0, top_k=4))
    ids = rng.integers(0, 5, 100)
    counts = solutions.bigram_counts(ids, 5)
    seen = counts.sum(1) > 0  # a row with no successor is uniform in lm.bigram
    np.testing.assert_allclose(
        lm.bigram(ids, 5, alpha=1e-9)[seen],
        (counts / counts.sum(1, keepdims=True))[seen],
        atol=1e-8,
    )


def test_stubs_are_reported_as_not_written():
    def stub(*args):
        raise NotImplementedError

    for check in (
        ch13.check_perplexity,
        ch13.check_causal_mask,
        ch13.check_top_k_filter,
        ch13.check_bigram_counts,
    ):
        feedback = check(stub)
        assert not feedback and "not written yet" in str(feedback)


@pytest.mark.parametrize(
    "check,wrong,hint",
    [
        (ch13.check_perplexity, lambda p: np.exp(np.mean(np.log(p))), "minus the mean"),
        (ch13.check_perplexity, lambda p: -np.mean(np.log(p)), "its exponential"),
        (ch13.check_perplexity, lambda p: np.mean(1 / p), "geometric mean"),
        (ch13.check_causal_mask, lambda t: np.triu(np.ones((t, t), bool)), "lower triangle"),
        (ch13.check_causal_mask, lambda t: np.tril(np.ones((t, t), bool), -1), "keep the diagonal"),
        (
            ch13.check_top_k_filter,
            lambda z, k: np.where(z <= np.sort(z)[k - 1], z, -np.inf),
            "largest",
        ),
        (
            ch13.check_top_k_filter,
            lambda z, k: np.where(z >= np.sort(z)[-k], z, 0.0),
            "not to 0",
        ),
        (
            ch13.check_top_k_filter,
            lambda z, k: np.where(z >= np.sort(z)[max(-k - 1, -len(z))], z, -np.inf),
            "off by one",
        ),
        (
            ch13.check_bigram_counts,
            lambda ids, v: solutions.bigram_counts(ids, v).T,
            "swap the two indices",
        ),
        (
            ch13.check_bigram_counts,
            lambda ids, v: (solutions.bigram_counts(ids, v) > 0).astype(int),
            "count every occurrence",
        ),
    ],
)
def test_checkers_reject_typical_mistakes(check, wrong, hint):
    feedback = check(wrong)
    assert not feedback
    assert feedback.hint is not None and hint in feedback.hint, str(feedback)


def test_a_base_2_perplexity_is_not_a_mistake():
    assert ch13.check_perplexity(lambda p: 2 ** (-np.mean(np.log2(p))))


def test_causal_mask_must_be_boolean():
    feedback = ch13.check_causal_mask(lambda t: np.tril(np.ones((t, t))))
    assert not feedback and "expected a boolean array, received dtype float64" in str(feedback)
    wrong = ch13.check_causal_mask(lambda t: np.triu(np.ones((t, t), bool)))
    assert not wrong and "received: [[1, 1]," in str(wrong), "a wrong boolean mask prints as 0/1"
