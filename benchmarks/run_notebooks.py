"""Execute notebooks one by one in fresh kernels and print wall time, CPU time and peak memory.

    python benchmarks/run_notebooks.py                 # every chapter, outputs discarded
    python benchmarks/run_notebooks.py --inplace nb... # also write the outputs back (Restart & Run All)

Each notebook runs in its own ``jupyter nbconvert --execute`` process; peak
memory is the largest resident set of that process and its kernel
(``wait4`` rusage). The course budget per notebook is 60 s and 2 GB (90 s at most) on a
2-core machine. This is a measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]
# The course's budget per chapter on a 2-core machine: 60 s and 2 GB (90 s is the hard limit).
BUDGET_S, BUDGET_GB, LIMIT_S = 60, 2.0, 90


def run_one(notebook: Path, inplace: bool) -> dict:
    out_dir = tempfile.mkdtemp(prefix="dl-bench-")
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=900",
        "--log-level=ERROR",
        str(notebook),
    ]
    cmd += ["--inplace"] if inplace else ["--output-dir", out_dir]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=notebook.parent, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return {
        "notebook": notebook.name,
        "ok": os.waitstatus_to_exitcode(status) == 0,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_gb": usage.ru_maxrss / 1024**2,  # ru_maxrss is in KiB on Linux
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| notebook | wall (s) | CPU (s) | peak memory (GB) | within 60 s and 2 GB |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        within = r["ok"] and r["wall_s"] <= BUDGET_S and r["peak_gb"] <= BUDGET_GB
        over_limit = r["wall_s"] > LIMIT_S
        status = "yes" if within else ("FAILED" if not r["ok"] else "NO")
        status += " (over the 90 s limit)" if over_limit and r["ok"] else ""
        lines.append(
            f"| {r['notebook']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | "
            f"{r['peak_gb']:.2f} | {status} |"
        )
    total = sum(r["wall_s"] for r in rows)
    lines.append(
        f"| **all, one after another** | {total:.1f} | "
        f"{sum(r['cpu_s'] for r in rows):.1f} | {max(r['peak_gb'] for r in rows):.2f} | |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--inplace", action="store_true", help="write outputs back")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    machine = describe()  # before the runs load the machine
    rows = []
    for nb in notebooks:
        rows.append(run_one(nb.resolve(), args.inplace))
        print(f"{rows[-1]['notebook']}: {rows[-1]['wall_s']:.1f} s", file=sys.stderr, flush=True)
    print(f"\n{machine}\n")
    print(table(rows))
    if not all(r["ok"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
