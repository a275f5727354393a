"""Chapter 12 checkers accept the reference solutions and reject typical mistakes."""

import math

import numpy as np
import pytest

from dlhelpers.exercises import ch12, show_solution
from dlhelpers.exercises.solutions import ch12 as solutions
from dlhelpers.scratch import cost as by_hand


def test_references_pass():
    assert ch12.check_stft_shape(solutions.stft_shape)
    assert ch12.check_bin_frequencies(solutions.bin_frequencies)
    assert ch12.check_conv2d_macs(solutions.conv2d_macs)


def test_references_agree_with_the_package():
    from dlhelpers.scratch import spectral

    signal = np.zeros(1000)
    assert solutions.stft_shape(1000, 200, 50, 256) == spectral.stft(signal, 200, 50, 256).shape
    assert solutions.conv2d_macs(17, 15, 3, 4, 3, 2, "same") == by_hand.conv2d_macs(
        (17, 15, 3), 4, 3, 2, "same"
    )
    np.testing.assert_allclose(solutions.bin_frequencies(8000, 256), np.fft.rfftfreq(256, 1 / 8000))


def test_stubs_are_reported_as_not_written():
    def stub(*args):
        raise NotImplementedError

    for check in (ch12.check_stft_shape, ch12.check_bin_frequencies, ch12.check_conv2d_macs):
        feedback = check(stub)
        assert not feedback and "not written yet" in str(feedback)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda n, L, s, f: (1 + (n - L) // s, f // 2), "add 1 bin"),
        (lambda n, L, s, f: (1 + (n - L) // s, L // 2 + 1), "comes from fft_length"),
        (lambda n, L, s, f: ((n - L) // s, f // 2 + 1), "count the first frame"),
        (lambda n, L, s, f: (n // s, f // 2 + 1), "must fit entirely"),
    ],
)
def test_stft_shape_hints(wrong, hint):
    feedback = ch12.check_stft_shape(wrong)
    assert not feedback and hint in feedback.hint


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda r, f: np.arange(f // 2) * r / f, "include both ends"),
        (lambda r, f: np.linspace(0, r, f // 2 + 1), "Nyquist"),
        (lambda r, f: np.fft.fftfreq(f, 1 / r), "non-negative frequencies"),
    ],
)
def test_bin_frequency_hints(wrong, hint):
    feedback = ch12.check_bin_frequencies(wrong)
    assert not feedback and hint in feedback.hint


def _macs(h, w, c, f, k, s, padding, *, positions="out", channels=True, stride_in_same=True):
    def out(size):
        if positions == "in":
            return size
        if padding == "same":
            return math.ceil(size / (s if stride_in_same else 1))
        return (size - k) // s + 1

    return out(h) * out(w) * f * k * k * (c if channels else 1)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda *a: _macs(*a, positions="in"), "output positions"),
        (lambda *a: _macs(*a, channels=False), "all input channels"),
        (lambda *a: _macs(*a, stride_in_same=False), "ceil(size / strides)"),
        (lambda *a: str(_macs(*a)) + "!", "one whole number"),
    ],
)
def test_conv2d_macs_hints(wrong, hint):
    feedback = ch12.check_conv2d_macs(wrong)
    assert not feedback and hint in feedback.hint


def test_show_solution_lists_the_three():
    assert show_solution(12, "conv2d_macs").function is solutions.conv2d_macs
    with pytest.raises(ValueError, match="bin_frequencies"):
        show_solution(12, "nope")
