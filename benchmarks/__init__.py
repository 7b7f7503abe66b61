"""legcramp's benchmark suite: `uv run python -m benchmarks` (see benchmarks/README.md).

Every timed figure is measured next to a baseline in the same run and reported as a ratio,
because the machines this runs on are shared and noisy: an absolute millisecond means little,
a ratio to a trivial program on the same broker at the same moment means a lot more.
"""
