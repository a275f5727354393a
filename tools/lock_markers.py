"""Read `pip freeze` output on stdin; write requirements.lock on stdout.

TensorFlow ships as `tensorflow-cpu` on Linux and Windows (no CUDA download)
and as `tensorflow` on macOS, so that one line becomes two with markers.
"""

import sys

HEADER = """\
# Exact, tested versions of everything the course installs (make lab / make test).
# Regenerate with `make lock`; environment.yml is derived from this file.
"""


def main() -> None:
    sys.stdout.write(HEADER)
    for line in sorted(sys.stdin.read().splitlines(), key=str.lower):
        name, sep, version = line.partition("==")
        if not sep or name.lower() == "dlhelpers":
            continue
        if name.lower().replace("_", "-") == "tensorflow-cpu":
            print(f'tensorflow-cpu=={version} ; sys_platform == "linux" or sys_platform == "win32"')
            print(f'tensorflow=={version} ; sys_platform == "darwin"')
        else:
            print(f"{name}=={version}")


if __name__ == "__main__":
    main()
