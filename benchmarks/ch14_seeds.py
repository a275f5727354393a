"""Chapter 14's DQN on more seeds: the greedy return on fresh episodes against a random policy.

    python benchmarks/ch14_seeds.py            # seeds 0-5, 4000 steps each (about 6 s a seed)
    python benchmarks/ch14_seeds.py --seeds 10 --steps 4000

Trains exactly the chapter's DQN (``dlhelpers.rl.train_dqn`` with its defaults) once per seed,
then plays its greedy policy on the chapter's ten fresh evaluation episodes (seeds 1000-1009),
which the random policy also plays. Prints one row per seed, the mean and the spread, and the
machine: float32 results differ from CPU to CPU.
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
    print("| seed | training episodes | greedy mean | min | max | x random | train s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    means = []
    for seed in range(args.seeds):
        start = time.perf_counter()
        run = rl.train_dqn(args.steps, seed=seed)
        seconds = time.perf_counter() - start
        returns = rl.greedy_returns(run.q_network, env, eval_seeds)
        means.append(returns.mean())
        print(
            f"| {seed} | {len(run.returns)} | {returns.mean():.0f} | {returns.min():.0f} | "
            f"{returns.max():.0f} | {returns.mean() / random_mean:.1f} | {seconds:.1f} |",
            flush=True,
        )
    means = np.array(means)
    print(
        f"\n{args.seeds} seeds, {args.steps} steps each: greedy mean return {means.mean():.0f} "
        f"(std {means.std(ddof=1):.0f}, range {means.min():.0f}-{means.max():.0f}) "
        f"vs random {random_mean:.1f}; every seed at least 2x random: "
        f"{bool(np.all(means >= 2 * random_mean))}"
    )


if __name__ == "__main__":
    main()
