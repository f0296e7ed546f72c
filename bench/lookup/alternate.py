#!/usr/bin/python3
"""Times two commands run one after the other in turn, RUNS pairs, as whole processes (posix_spawn,
stdout and stderr to /dev/null): a load that comes and goes on a shared machine falls on both alike.

  alternate.py RUNS 'COMMAND A' 'COMMAND B'     (words split on blanks: no quoting)

Prints one line: the median wall time of each (ms), the median of the pairs' ratios A/B, and the
median CPU time (user + system, from wait4) of each (ms). The order within a pair swaps every pair."""

import os
import statistics
import sys
import time


def run_once(argv, devnull):
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, _, usage = os.wait4(pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main():
    runs, first, second = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split()
    devnull = os.open(os.devnull, os.O_WRONLY)
    wall = ([], [])
    cpu = ([], [])
    for i in range(runs):
        order = (0, 1) if i % 2 == 0 else (1, 0)
        for which in order:
            took, used = run_once((first, second)[which], devnull)
            wall[which].append(took)
            cpu[which].append(used)
    ratios = [a / b for a, b in zip(*wall)]
    print(f"{statistics.median(wall[0]) * 1e3:.3f} {statistics.median(wall[1]) * 1e3:.3f} "
          f"{statistics.median(ratios):.3f} {statistics.median(cpu[0]) * 1e3:.3f} {statistics.median(cpu[1]) * 1e3:.3f}")


if __name__ == "__main__":
    main()
