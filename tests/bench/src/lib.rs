//! Benchmark programs for kubectl-ai, one binary each under `src/bin/`: they hold
//! the speed and memory targets (run by `.ci/bench`), which timed tests must not.
