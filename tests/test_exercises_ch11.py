"""Chapter 11 exercises: references pass, typical mistakes fail with a useful hint."""

import numpy as np

from dlhelpers.exercises import ch11, show_solution


def test_reference_solutions_pass():
    assert ch11.check_box_iou(show_solution(11, "box_iou").function)
    assert ch11.check_dice_score(show_solution(11, "dice_score").function)
    assert ch11.check_transposed_size(show_solution(11, "transposed_size").function)


def test_unwritten_exercises_say_so():
    def todo(*args):
        raise NotImplementedError

    for check in (ch11.check_box_iou, ch11.check_dice_score, ch11.check_transposed_size):
        assert "not written yet" in str(check(todo))


def test_iou_mistakes_get_hints():
    def no_minus(a, b):  # the union counts the overlap twice
        h = max(0, min(a[2], b[2]) - max(a[0], b[0]))
        w = max(0, min(a[3], b[3]) - max(a[1], b[1]))
        return h * w / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]))

    def no_clip(a, b):  # negative sides of disjoint boxes
        h, w = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
        inter = h * w
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)

    feedback = ch11.check_box_iou(no_minus)
    assert not feedback and "counts the overlap once" in feedback.hint
    feedback = ch11.check_box_iou(no_clip)
    assert not feedback and "clip it at 0" in feedback.hint


def test_dice_mistakes_get_hints():
    def iou_instead(t, p):
        t, p = np.asarray(t, bool), np.asarray(p, bool)
        return np.sum(t & p) / max(np.sum(t | p), 1)

    def crashes_on_empty(t, p):
        t, p = np.asarray(t, bool), np.asarray(p, bool)
        with np.errstate(invalid="ignore"):  # 0 / 0 gives nan, the answer checked
            return 2 * np.sum(t & p) / (t.sum() + p.sum())

    feedback = ch11.check_dice_score(iou_instead)
    assert not feedback and "That is the IoU" in feedback.hint
    feedback = ch11.check_dice_score(crashes_on_empty)
    assert not feedback and feedback.case == "both empty"


def test_transposed_size_mistakes_get_hints():
    feedback = ch11.check_transposed_size(lambda n, k, s, pad: (n - 1) * s + k)
    assert not feedback and "gaps at the end count" in feedback.hint
    feedback = ch11.check_transposed_size(lambda n, k, s, pad: (n - k) // s + 1)
    assert not feedback and "Windows of kernel_size cells" in feedback.hint
