#!/usr/bin/env bash
# The long fuzz run: a million generated inputs (UPVEST_FUZZ_CASES) through each property in
# src/core/fuzz.rs, and a million simulated calls (UPVEST_SIMULATE_SCHEDULES) through
# src/core/simulate.rs, in release mode. `npm test` runs the same properties with 2,000 cases
# each and 10,000 schedules.
set -euo pipefail
cd "$(dirname "$0")/.."
export UPVEST_FUZZ_CASES=${UPVEST_FUZZ_CASES:-1000000}
export UPVEST_SIMULATE_SCHEDULES=${UPVEST_SIMULATE_SCHEDULES:-1000000}
started=$(date +%s)
cargo test --release -p upvest-account-groups --lib -- --nocapture --test-threads 2 core::fuzz core::simulate 2>&1 | grep -E '^fuzz |^simulate |test result'
echo "fuzz: $UPVEST_FUZZ_CASES cases per property in $(( $(date +%s) - started )) s"
