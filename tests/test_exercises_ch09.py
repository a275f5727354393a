"""Chapter 9 checkers accept the reference solutions and reject typical wrong answers."""

import numpy as np

from dlhelpers.exercises import ch09
from dlhelpers.exercises.solutions import ch09 as solutions


def test_references_pass():
    assert ch09.check_validate_payload(solutions.validate_payload)
    assert ch09.check_latency_percentiles(solutions.latency_percentiles)


def test_the_service_parser_passes_too():
    from dlhelpers.serve import parse_instances

    assert ch09.check_validate_payload(lambda p, n: parse_instances(p, (n,)))


def test_validate_payload_wrong_answers():
    def accepts_bools(payload, n):
        if not isinstance(payload, dict) or "instances" not in payload or not payload["instances"]:
            raise ValueError("bad")
        rows = payload["instances"]
        if any(not isinstance(r, list) or len(r) != n for r in rows):
            raise ValueError("bad")
        if any(not isinstance(v, (int, float)) for r in rows for v in r):
            raise ValueError("bad")
        out = np.asarray(rows, dtype=np.float32)
        if not np.all(np.isfinite(out)):
            raise ValueError("bad")
        return out

    feedback = ch09.check_validate_payload(accepts_bools)
    assert not feedback and "boolean" in feedback.case and "subclass of int" in feedback.hint

    def float64(payload, n):
        return solutions.validate_payload(payload, n).astype(np.float64)

    feedback = ch09.check_validate_payload(float64)
    assert not feedback and "float32" in feedback.hint

    def no_checks(payload, n):
        return np.asarray(payload["instances"], dtype=np.float32)

    feedback = ch09.check_validate_payload(no_checks)
    assert not feedback and feedback.case == "a list instead of an object"

    def refuses_all(payload, n):
        raise ValueError("no")

    feedback = ch09.check_validate_payload(refuses_all)
    assert not feedback and "not be refused" in feedback.hint


def test_latency_wrong_answers():
    feedback = ch09.check_latency_percentiles(lambda v: (np.mean(v), np.percentile(v, 99)))
    assert not feedback and "median" in feedback.hint
    feedback = ch09.check_latency_percentiles(lambda v: (np.median(v), np.max(v)))
    assert not feedback and "not the maximum" in feedback.hint
    feedback = ch09.check_latency_percentiles(
        lambda v: (np.median(v), np.sort(v)[int(0.99 * len(v))])
    )
    assert not feedback and "off" in feedback.hint
