"""Reference solutions of the chapter 9 exercises (peek only after trying)."""

import numpy as np

__all__ = ["validate_payload", "latency_percentiles"]


def validate_payload(payload, n_features):
    if not isinstance(payload, dict) or "instances" not in payload:
        raise ValueError('payload: expected an object with an "instances" list')
    rows = payload["instances"]
    if not isinstance(rows, list) or not rows:
        raise ValueError("instances: expected a non-empty list")
    for row in rows:
        if not isinstance(row, list) or len(row) != n_features:
            raise ValueError(f"instances: expected rows of {n_features} numbers")
        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"instances: expected numbers, received {value!r}")
    out = np.asarray(rows, dtype=np.float32)
    if not np.all(np.isfinite(out)):
        raise ValueError("instances: expected finite numbers")
    return out


def latency_percentiles(latencies):
    p50, p99 = np.percentile(latencies, [50, 99])
    return float(p50), float(p99)
