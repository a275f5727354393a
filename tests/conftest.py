"""Shared test set-up: a non-interactive matplotlib backend and quiet TensorFlow."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # unit tests only; notebook kernels keep their inline backend

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

# The fixture notebooks exist for the browser test, which runs them in JupyterLab (and
# test_browser.py checks, without a browser, that they build every chapter's explorers); nbval
# executing them as well would run each twice.
collect_ignore_glob = ["fixtures/*.ipynb"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported quietly once per test process."""
    import gc

    import dlhelpers

    module = dlhelpers.import_tensorflow()
    # TensorFlow and Keras leave ~400,000 long-lived objects; every full garbage collection
    # (Keras' clear_session and keras-tuner's trials call gc.collect) walked them all, about
    # 0.5 s each. Freezing what is alive after the import keeps them out of later collections.
    gc.freeze()
    return module


@pytest.fixture(scope="session")
def chromium():
    """One Playwright driver and one Chromium per test process, shared by every browser test.

    Playwright's sync API allows one driver per thread at a time: while one is open, starting
    another raises "using Playwright Sync API inside the asyncio loop". The JupyterLab test and
    the book test each used to start their own, so whenever pytest-xdist gave both modules to
    the same worker the second one failed. Request this only after checking that Playwright and
    Chromium are there (``request.getfixturevalue("chromium")``), so a learner without them skips.
    """
    import browser_support as bs
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = bs.launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------- test order


def pytest_collection_modifyitems(config, items):
    """Keep each notebook's cells in order after pytest-randomly shuffles the unit tests.

    nbval runs a notebook as one test per cell in a single kernel, so its cells must stay in
    order; pytest-randomly (which shuffles every module's tests, printing the seed so a failing
    order can be replayed with ``-p randomly -p "randomly_seed=N"``) sees no module on them and
    would mix them. Notebooks go first, the longest (most cells) first, each whole and in order,
    so that with ``-n 2 --dist loadscope`` the unit tests fill the gaps at the end instead of a
    long notebook starting last; the unit tests keep their shuffled order.
    """
    notebooks: dict[str, list] = {}
    others = []
    for item in items:
        if hasattr(item, "cell_num"):  # an nbval cell
            notebooks.setdefault(str(item.path), []).append(item)
        else:
            others.append(item)
    longest_first = sorted(notebooks, key=lambda path: (-len(notebooks[path]), path))
    cells = [c for path in longest_first for c in sorted(notebooks[path], key=_cell_num)]
    items[:] = cells + others


def _cell_num(item) -> int:
    return item.cell_num


# --------------------------------------------------------------------------- what did not run


def pytest_terminal_summary(terminalreporter):
    """End with one plain line when the real-browser tests could not run here."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons = [
        str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        for report in skipped
        if "test_browser" in report.nodeid
    ]
    if reasons:
        reason = reasons[0].removeprefix("Skipped: ").removeprefix("real-browser test skipped: ")
        terminalreporter.write_line(
            f"NOTE: {len(reasons)} real-browser test(s) did not run: {reason}",
            yellow=True,
            bold=True,
        )
