"""Chapter 14's DQN on more seeds: the greedy return on fresh episodes against a random policy.

    python benchmarks/ch14_seeds.py            # seeds 0-5, 4000 steps each (about 6 s a seed)
    python benchmarks/ch14_seeds.py --seeds 16 --steps 4000

Trains exactly the chapter's DQN (``dlhelpers.rl.train_dqn`` with its defaults) once per seed,
then plays its greedy policy on the chapter's ten fresh evaluation episodes (seeds 1000-1009),
which the random policy also plays. Prints one row per seed (with the chapter's learning curve,
the mean return of the last ten training episodes, at its first and last points: steps 100 and
the last step), the mean and the spread, and the machine: float32 results differ from CPU to CPU.
"""

from __future__ import annotations

import argparse
import time

from machine import describe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6, help="seeds 0 .. N-1")
    parser.add_argument("--steps", type=int, default=4000, help="environment steps per seed")
    args = parser.parse_args()

    import dlhelpers

    dlhelpers.set_seed(0)
    import gymnasium as gym
    import numpy as np

    from dlhelpers import rl

    print(describe())
    env, eval_seeds = gym.make("CartPole-v1"), range(1000, 1010)
    random_mean = rl.random_returns(env, eval_seeds).mean()
    print(f"random policy on the 10 evaluation episodes: mean return {random_mean:.1f}\n")
    print(
        "| seed | training episodes | greedy mean | min | max | x random | curve start | curve end "
        "| train s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    means, starts, ends = [], [], []
    grid = np.array([100, args.steps])
    for seed in range(args.seeds):
        start = time.perf_counter()
        run = rl.train_dqn(args.steps, seed=seed)
        seconds = time.perf_counter() - start
        returns = rl.greedy_returns(run.q_network, env, eval_seeds)
        start_curve, end_curve = rl.returns_by_step(run.end_steps, run.returns, grid, window=10)
        means.append(returns.mean())
        starts.append(start_curve)
        ends.append(end_curve)
        print(
            f"| {seed} | {len(run.returns)} | {returns.mean():.0f} | {returns.min():.0f} | "
            f"{returns.max():.0f} | {returns.mean() / random_mean:.1f} | {start_curve:.0f} | "
            f"{end_curve:.0f} | {seconds:.1f} |",
            flush=True,
        )
    means, starts, ends = np.array(means), np.array(starts), np.array(ends)
    print(
        f"\n{args.seeds} seeds, {args.steps} steps each: greedy mean return {means.mean():.0f} "
        f"(std {means.std(ddof=1):.0f}, range {means.min():.0f}-{means.max():.0f}) "
        f"vs random {random_mean:.1f}; lowest seed {means.min() / random_mean:.1f}x random, "
        f"mean over seeds {means.mean() / random_mean:.1f}x random"
    )
    print(
        f"learning curve (last 10 training episodes): start {np.nanmean(starts):.0f} "
        f"(range {np.nanmin(starts):.0f}-{np.nanmax(starts):.0f}), end {ends.mean():.0f} "
        f"(range {ends.min():.0f}-{ends.max():.0f}); end / start per seed: "
        f"{np.round(ends / starts, 1).tolist()}"
    )
    for k in (3,):
        groups = [means[i : i + k].mean() / random_mean for i in range(0, len(means) - k + 1, k)]
        print(f"mean of {k} consecutive seeds, x random: {np.round(groups, 1).tolist()}")


if __name__ == "__main__":
    main()
