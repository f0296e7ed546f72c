#!/usr/bin/python3
"""Memory of a large `portent probe --format jsonl` run does not grow with the number of targets: the peak RSS of
a 1,048,576-target run (4,096 hosts x 256 ports) stays within 4 MiB of that of a 10,240-target run (40 hosts x 256
ports). Targets are closed loopback ports, so each ends at once; the large run is stopped with SIGTERM after 50,000
results (about 7 s here) and then writes every other target as interrupted, one line each, which the test counts.
Runs in a private network namespace (unshare -n, needs root). Usage: test_memory.py PORTENT_BINARY
"""

import sys

sys.dont_write_bytecode = True

import probe_common as pc  # noqa: E402

PORTENT = pc.portent_binary()
pc.skip_when_sanitized("peak RSS")
pc.enter_private_netns()

SMALL = ("127.1.0.0-39", 10_240)
LARGE = ("127.1.0-15.0-255", 1_048_576)
STOP_AFTER = 50_000
MARGIN_KIB = 4096


def measured_run(hosts, stop_after=None, timeout=150):
    """Runs portent on hosts x 1-256/tcp with jsonl; returns (lines, peak RSS in KiB, exit status, seconds)."""
    return pc.peak_rss_run([PORTENT, "probe", "--timeout", "1s", "--format", "jsonl", hosts, "1-256/tcp"], timeout,
                           stop_after)


def main():
    suite = pc.Suite("probe.memory")
    with suite.case("peak RSS: 1,048,576 targets within 4 MiB of 10,240"):
        small_lines, small_rss, small_rc, small_took = measured_run(SMALL[0])
        suite.require(small_lines == SMALL[1] and small_rc == 2,
                      f"small run: {small_lines} lines, exit {small_rc}; expected {SMALL[1]} and 2")
        large_lines, large_rss, large_rc, large_took = measured_run(LARGE[0], stop_after=STOP_AFTER)
        suite.require(large_lines == LARGE[1] and large_rc == 143,
                      f"large run: {large_lines} lines, exit {large_rc}; expected {LARGE[1]} (finished or "
                      "interrupted, one each) and 143")
        suite.check(large_rss <= small_rss + MARGIN_KIB,
                    f"peak RSS {large_rss} KiB for {LARGE[1]} targets, {small_rss} KiB for {SMALL[1]}: "
                    f"more than {MARGIN_KIB} KiB apart")
        suite.note(f"peak RSS: {small_rss} KiB for {SMALL[1]} targets ({small_took:.1f} s), {large_rss} KiB for "
                   f"{LARGE[1]} targets ({large_took:.1f} s, SIGTERM after {STOP_AFTER} results)")
    suite.finish()


if __name__ == "__main__":
    main()
