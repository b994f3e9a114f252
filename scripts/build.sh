#!/usr/bin/env bash
# Builds the package in pkg/: one release wasm, bound for Node and for browsers, optimised, with
# the hand-written wrappers, types and package.json. Skips the work when no input changed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .tools/env.sh ] || bash scripts/setup.sh
source .tools/env.sh
source .tools/wasm-env.sh

inputs_hash() {
  find src js package api quick-check/src quick-check/Cargo.toml mock/src mock/wasm/src mock/Cargo.toml mock/wasm/Cargo.toml Cargo.toml Cargo.lock scripts/build.sh scripts/assemble-pkg.mjs LICENSE size-budget.json -type f -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
hash="$(inputs_hash)-$UPVEST_WASM_ROUTE_USED-std${UPVEST_STD_FROM_SOURCE:-0}"
if [ -f pkg/.build-hash ] && [ "$(cat pkg/.build-hash)" = "$hash" ] && [ -z "${UPVEST_FORCE_BUILD:-}" ]; then
  echo "build: pkg/ is up to date" >&2
  exit 0
fi

echo "build: cargo build --profile wasm-release --target wasm32-unknown-unknown (route: $UPVEST_WASM_ROUTE_USED, std from source: ${UPVEST_STD_FROM_SOURCE:-no})" >&2
(
  if [ -n "${UPVEST_STD_FROM_SOURCE:-}" ]; then
    # std compiled with the size profile, and a panic is a bare trap (it already aborted; now
    # without the formatting machinery). Unstable flags, so under RUSTC_BOOTSTRAP, for this
    # build only.
    export RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-Zunstable-options -Cpanic=immediate-abort"
  fi
  cargo build --profile wasm-release --target wasm32-unknown-unknown -p upvest-account-groups --lib
)
wasm=target/wasm32-unknown-unknown/wasm-release/upvest_account_groups.wasm

# The in-process mock (upvest-account-groups/mock): the mock's library compiled to wasm, with std
# as rustup ships it. No wasm-opt: -Os made its gzip larger here (283 vs 278 KB).
echo "build: cargo build --profile mock-wasm --target wasm32-unknown-unknown -p upvest-mock-wasm" >&2
cargo build --profile mock-wasm --target wasm32-unknown-unknown -p upvest-mock-wasm
mock_wasm=target/wasm32-unknown-unknown/mock-wasm/upvest_mock_wasm.wasm

rm -rf pkg
# One glue for every platform (`--target web`: the Node entry instantiates it with `initSync`),
# bundled by scripts/assemble-pkg.mjs.
wasm-bindgen --target web --out-dir pkg/web --out-name upvest_account_groups \
  --no-typescript --remove-name-section --remove-producers-section "$wasm"
# The features rustc enables for wasm32 (reference types among them) must stay enabled.
# --low-memory-unused: rustc puts the 1 MiB stack first, growing down from 1 MiB, and the data
# after it, so the lowest 1 KiB is touched only by a stack already overflowing; the promise lets
# wasm-opt fold small constant offsets into loads and stores (-265 B gzip).
wasm-opt -Oz --converge --low-memory-unused --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue --enable-simd \
  -o pkg/web/upvest_account_groups_bg.wasm pkg/web/upvest_account_groups_bg.wasm
wasm-bindgen --target web --out-dir pkg/mock --out-name upvest_mock --no-typescript \
  --remove-name-section --remove-producers-section "$mock_wasm"
node scripts/assemble-pkg.mjs
echo "$hash" > pkg/.build-hash
