"""dlhelpers.scaleout: cluster settings, sharding rule, process cleanup, and the real thing on localhost."""

import json
import os
import sys
import time

import numpy as np
import pytest

from dlhelpers import scaleout
from dlhelpers.exercises import ch10, show_solution
from dlhelpers.explorers import ShardingExplorer
from dlhelpers.plots import plot_shards


# ----------------------------------------------------------------- settings and sharding rule
@pytest.mark.parametrize("n", [1, 3, 7])
def test_tf_config_lists_every_worker_and_this_ones_index(n):
    ports = scaleout.free_ports(n)
    assert len(set(ports)) == n
    for i in range(n):
        config = scaleout.tf_config(ports, i)
        assert config["cluster"]["worker"] == [f"127.0.0.1:{p}" for p in ports]
        assert config["task"] == {"type": "worker", "index": i}
        json.dumps(config)  # it travels as a JSON string


def test_tf_config_refuses_an_index_outside_the_cluster():
    with pytest.raises(ValueError, match=r"index: expected an integer <= 1, received 2"):
        scaleout.tf_config([2222, 2223], 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_worker_rows_split_each_global_batch_into_disjoint_equal_shares(seed):
    rng = np.random.default_rng(seed)
    workers = int(rng.integers(1, 6))
    batch = workers * int(rng.integers(1, 9))
    for step in range(4):
        shares = [scaleout.worker_rows(step, batch, workers, k) for k in range(workers)]
        together = np.concatenate(shares)
        np.testing.assert_array_equal(together, np.arange(step * batch, (step + 1) * batch))
        assert {len(s) for s in shares} == {batch // workers}


def test_worker_rows_refuses_a_batch_the_workers_cannot_share():
    with pytest.raises(ValueError, match=r"global_batch: expected a multiple of workers \(3\)"):
        scaleout.worker_rows(0, 10, 3, 0)


# ----------------------------------------------------------------------- process cleanup
def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_leaving_the_block_stops_a_process_and_the_children_it_started(tmp_path):
    script = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"
    with scaleout.Processes(tmp_path) as procs:
        proc = procs.start([sys.executable, "-c", script], name="sleeper")
        time.sleep(0.5)
        assert procs.alive() == [proc.pid]
    assert procs.alive() == []
    deadline = time.monotonic() + 5
    while _group_exists(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_exists(proc.pid), "the child 'sleep' was left behind"


def test_wait_raises_with_the_log_when_a_process_fails_or_hangs(tmp_path):
    with scaleout.Processes(tmp_path) as procs:
        procs.start([sys.executable, "-c", "print('boom'); raise SystemExit(3)"], name="bad")
        with pytest.raises(RuntimeError, match=r"(?s)exit \[3\].*boom"):
            procs.wait(timeout_s=30)
    with scaleout.Processes(tmp_path) as procs:
        procs.start([sys.executable, "-c", "import time; time.sleep(60)"], name="slow")
        with pytest.raises(RuntimeError, match="still running after 0.5 s"):
            procs.wait(timeout_s=0.5)
        assert procs.alive() == []


# ----------------------------------------------------------------------- explorer and plot
def test_sharding_explorer_follows_its_controls_and_refuses_unequal_shares():
    explorer = ShardingExplorer(workers=2, global_batch=12, steps=3)
    owner = explorer.result["owner"]
    assert owner.shape == (3, 12) and explorer.result["per_worker"] == 6
    np.testing.assert_array_equal(owner[1], [0] * 6 + [1] * 6)
    explorer.controls["workers"].value = 4
    assert explorer.result["per_worker"] == 3 and set(explorer.result["owner"].ravel()) == {
        0,
        1,
        2,
        3,
    }
    explorer.controls["global_batch"].value = 30
    assert "multiple of workers (4)" in explorer.error and explorer.fig is None


def test_plot_shards_draws_the_owner_array():
    owner = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    fig = plot_shards(owner)
    image = fig.axes[0].images[0]
    np.testing.assert_array_equal(image.get_array(), owner)


# ----------------------------------------------------------------------------- exercises
@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("make_tf_config", ch10.check_make_tf_config),
        ("my_rows", ch10.check_my_rows),
        ("global_average_loss", ch10.check_global_average_loss),
    ],
)
def test_reference_solutions_pass(name, check):
    assert check(show_solution(10, name).function)


def test_typical_mistakes_fail_with_a_hint():
    local_mean = ch10.check_global_average_loss(lambda losses, g: float(np.mean(losses)))
    assert not local_mean and "global batch" in local_mean.hint
    no_offset = ch10.check_my_rows(lambda s, b, w, k: np.arange(k * (b // w), (k + 1) * (b // w)))
    assert not no_offset and "offset" in no_offset.hint
    wrong_index = ch10.check_make_tf_config(
        lambda ports, i: {
            "cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
            "task": {"type": "worker", "index": 0},
        }
    )
    assert not wrong_index and "index" in wrong_index.hint


# ------------------------------------------------------------------- the real thing, localhost
def test_two_workers_end_with_the_weights_of_one_process(tmp_path, tf):
    with scaleout.start_workers(tmp_path, workers=2, rows=128, epochs=2, global_batch=32) as procs:
        procs.wait(timeout_s=240)
    assert procs.alive() == []
    x, y = scaleout.regression_data(128, 8, seed=0)
    weights, seen, _ = scaleout.train_data_parallel(
        tf.distribute.get_strategy(), x, y, epochs=2, global_batch=32, seed=0
    )
    for i in range(2):
        saved = np.load(tmp_path / f"worker{i}.npz")
        report = json.loads((tmp_path / f"worker{i}.json").read_text())
        # two half-batch gradient sums all-reduced vs one sum: float32 in another order
        for a, b in zip([saved[f"arr_{k}"] for k in range(len(saved.files))], weights, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        for step, rows in enumerate(report["seen"]):
            assert rows == scaleout.worker_rows(step % 4, 32, 2, i).tolist()
            assert set(rows) <= set(seen[step])


def test_a_shared_search_runs_every_trial_once_and_matches_one_process(tmp_path):
    shared_dir = tmp_path / "shared"
    with scaleout.start_search(shared_dir, workers=2, trials=2, seed=3, epochs=2) as procs:
        procs.wait(timeout_s=300)
    assert procs.alive() == []
    shared = json.loads((shared_dir / "trials.json").read_text())
    ran = sorted(t for f in shared_dir.glob("ran_by_*.txt") for t in f.read_text().split())
    assert ran == sorted(t["trial_id"] for t in shared) and len(ran) == 2
    solo = scaleout.trial_summary(
        scaleout.run_search(tmp_path / "solo", trials=2, seed=3, epochs=2)
    )
    assert [t["values"] for t in shared] == [t["values"] for t in solo]
    np.testing.assert_allclose([t["score"] for t in shared], [t["score"] for t in solo], rtol=1e-4)


def test_run_search_refuses_seed_zero_which_keras_tuner_would_replace():
    with pytest.raises(ValueError, match=r"seed: expected an integer >= 1, received 0"):
        scaleout.run_search("/nonexistent", seed=0)


def test_load_test_counts_statuses_and_returns_the_answers(tmp_path, tf):
    import keras

    from dlhelpers.serve import create_app, run_in_background

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.save(tmp_path / "m.keras")
    x = np.random.default_rng(0).random((10, 4))
    with run_in_background(create_app(tmp_path / "m.keras")) as server:
        result = scaleout.load_test(server.url, x, requests_total=30, threads=2, malformed_every=5)
    assert result["statuses"] == {200: 24, 422: 6}
    expected = model.predict(x, verbose=0)
    for row, answer in result["answers"].items():
        np.testing.assert_allclose(answer, expected[row], rtol=1e-5, atol=1e-6)
    assert result["p99_ms"] >= result["p50_ms"] > 0


def test_wait_can_show_a_progress_bar_of_finished_processes(tmp_path, capsys):
    with scaleout.Processes(tmp_path) as procs:
        for i in range(2):
            procs.start([sys.executable, "-c", "pass"], name=f"quick{i}")
        procs.wait(timeout_s=60, desc="quick processes")
    assert "quick processes" in capsys.readouterr().err
    assert [p.returncode for p in procs.procs] == [0, 0]
