"""One line naming the machine a benchmark ran on: CPU model, cores, instruction set, load."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def has_avx512() -> bool | None:
    """Whether the CPU has AVX-512 (oneDNN's float32 kernels differ with it); None if unknown."""
    try:
        return " avx512f" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return None


def describe() -> str:
    avx = {True: "AVX-512", False: "no AVX-512", None: "AVX-512 unknown"}[has_avx512()]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"Machine: {cpu_model()} ({avx}), {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load:.1f} at the start, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    print(describe())
