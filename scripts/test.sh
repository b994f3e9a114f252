#!/usr/bin/env bash
# Every test: native Rust, wasm-bindgen-test in Node and in headless Chromium, and node --test
# over the built package, each against a fresh mock on 127.0.0.1. Any failure fails the run.
#
# `npm test -- SUITE` runs one suite (the names are the `=== name` headings: native, wasm-node,
# node-pkg, …); `npm test -- node-pkg tests/node/FILE.test.mjs` one file of the node suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source .tools/env.sh
mkdir -p test-output
summary=()
passed_total=0
only=${1:-}
file=${2:-}
node_tests=${file:-tests/node/}

# Runs a suite (unless another was asked for), keeps its output in test-output/<name>.log, and
# records the count of passed tests its runner printed.
suite() {
  local name=$1 pattern=$2
  shift 2
  [ -z "$only" ] || [ "$only" = "$name" ] || return 0
  echo
  echo "=== $name"
  local log="test-output/$name.log" status=0
  "$@" 2>&1 | tee "$log" || status=$?
  [ "$status" -eq 0 ] || { echo "test: suite '$name' failed (exit $status); see $log"; exit "$status"; }
  local count
  # `lines:REGEX` counts the lines that match; otherwise the numbers the matches carry are summed.
  if [[ $pattern == lines:* ]]; then
    count=$(grep -Ec "${pattern#lines:}" "$log" || true)
  else
    count=$(grep -Eo "$pattern" "$log" | grep -Eo '[0-9]+' | awk '{ n += $1 } END { print n + 0 }')
  fi
  [ "$count" -gt 0 ] || { echo "test: suite '$name' ran no test"; exit 1; }
  summary+=("$(printf '%-28s %4d passed' "$name" "$count")")
  passed_total=$((passed_total + count))
}

suite native 'test result: ok\. [0-9]+ passed' cargo test --workspace --color never
# The Rust as rustfmt writes it (rustfmt.toml) and with no clippy warning (native targets; the
# wasm-only boundary in src/wasm/ is linted by its build's warnings); the JavaScript with no
# ESLint finding (eslint.config.mjs: the recommended rules).
suite lint 'lines:^lint: passed' bash -c '
  checked() { "$@" && echo "lint: passed: $*"; }
  checked cargo fmt --all --check && checked cargo clippy --workspace --all-targets --quiet -- -D warnings \
    && checked eslint --max-warnings 0 .'
# The JavaScript from its source in js/, over a scripted core: no cargo, no wasm, in seconds
# (npm run test:unit).
suite unit '^# pass [0-9]+' node --test tests/unit/
if [ "$only" != native ] && [ "$only" != lint ] && [ "$only" != unit ]; then
  echo "=== build"
  cargo build --release -p upvest-mock
  bash scripts/build.sh
fi
wasm_test() { # runs wasm-pack test with the wasm toolchain's environment
  ( source .tools/wasm-env.sh && wasm-pack test --mode no-install "$@" )
}
# wasm-bindgen-test-runner's page has been seen to stall at start-up under chromedriver (before
# any test runs, until chromedriver's 300 s limit). A stall (exit 124 from `timeout`) is tried
# once more; any other failure fails at once.
browser_wasm_test() {
  local status=0
  timeout 240 bash -c "$(declare -f wasm_test); wasm_test $*" || status=$?
  if [ "$status" -eq 124 ]; then
    echo "wasm-chromium: the test runner stalled before running; trying once more"
    status=0
    timeout 240 bash -c "$(declare -f wasm_test); wasm_test $*" || status=$?
  fi
  return "$status"
}
suite wasm-node 'test result: ok\. [0-9]+ passed' \
  node scripts/with-mock.mjs -- bash -c "$(declare -f wasm_test); wasm_test --node . --test wasm_node"
suite wasm-chromium 'test result: ok\. [0-9]+ passed' \
  node scripts/with-mock.mjs -- bash -c "$(declare -f wasm_test browser_wasm_test); browser_wasm_test --headless --chrome --chromedriver \"\$CHROMEDRIVER\" . --test wasm_browser"
suite node-pkg '^# pass [0-9]+' node scripts/with-mock.mjs -- node --test --test-concurrency=1 "$node_tests"
suite contract-schemathesis 'generated, [0-9]+ passed' node scripts/with-mock.mjs --seed 20 --require-signature-headers -- bash scripts/contract-check.sh
suite contract-prism '^# pass [0-9]+' node --test tests/contract/prism.test.mjs
suite chromium-pkg 'chromium: [0-9]+ passed' node tests/browser/run.mjs
suite admin-page '^# pass [0-9]+' node --test tests/admin/admin.test.mjs
suite package 'package: [0-9]+ passed' node tests/package/run.mjs
suite environments 'environments: [0-9]+ passed' node tests/environments/run.mjs
suite bench-smoke 'bench: [0-9]+ passed' node --expose-gc bench/run.mjs --smoke
# The declarations against the OpenAPI contract: openapi-typescript's types for each operation
# and ours must be assignable both ways (tests/contract-types/check.ts). The admin page (www/,
# JavaScript typed in JSDoc) is checked against the package's declarations as well.
# Each check prints its line only once it has passed; the count is of those lines.
suite types 'lines:^types: passed' bash -c '
  checked() { "$@" && echo "types: passed: $*"; }
  checked tsc -p tests/types && checked tsc -p tests/types/tsconfig.node.json && checked tsc -p js && checked tsc -p js/entries && checked tsc -p js/mock \
    && checked tsc -p www && node scripts/contract-types.mjs && checked tsc -p tests/contract-types'
# The declarations as published: resolvable under every TypeScript module resolution
# (arethetypeswrong on the packed package; the .wasm subpath is an asset, not a module), and an
# API reference generated from them by TypeDoc with warnings as errors.
# attw prints one line per entry point and resolution (🟢 when it resolves); TypeDoc, which
# prints nothing when it passes, counts as one.
suite api-reference 'lines:^(node10|node16 \(from (CJS|ESM)\)|bundler): 🟢|^typedoc: passed' bash -c '
  attw --pack pkg --exclude-entrypoints upvest_account_groups_bg.wasm --format ascii \
    && typedoc --options package/typedoc.json --logLevel Warn && echo "typedoc: passed (into test-output/api-reference)"'

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "tests: $passed_total passed, 0 failed"
