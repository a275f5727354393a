"""Write environment.yml (for conda users) from requirements.lock.

Conda installs Python and pip; pip then installs the very versions of the
lock, so conda and venv users run the same tested stack. tests/test_environment.py
fails if the two files drift apart.
"""

import sys
from pathlib import Path


def lock_requirements(lock_path: str) -> list[str]:
    """The requirement lines of a lock file, comments and blanks dropped."""
    lines = Path(lock_path).read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def render(requirements: list[str]) -> str:
    out = [
        "# Generated from requirements.lock by `make environment`; do not edit by hand.",
        "name: dl-course",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    out += [f"      - {_quote(req)}" for req in requirements]
    out.append("      - -e .")
    return "\n".join(out) + "\n"


def _quote(req: str) -> str:
    return f"'{req}'" if any(c in req for c in ';:#"') else req


if __name__ == "__main__":
    sys.stdout.write(
        render(lock_requirements(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"))
    )
