#!/usr/bin/env bash
# Installs what building and testing need, and skips what is already there, so a second run is
# fast. Called by `npm start` and `npm test`; safe to run by hand.
#
# It writes only to: this checkout's .tools/ and node_modules/; a per-user tool cache
# (UPVEST_TOOLS_DIR, default ~/.cache/upvest-account-groups) for the cargo-installed CLIs; and,
# through apt-get, Debian packages (Chromium, and the Debian Rust toolchain when rustup cannot
# give the wasm target). It never edits shell profiles or rustup's default toolchain.
#
# UPVEST_WASM_ROUTE=debian forces the Debian toolchain route (so that fallback stays tested);
# UPVEST_WASM_ROUTE=rustup forbids it; the default tries rustup first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$(date +%s)
tools=${UPVEST_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/upvest-account-groups}
route=${UPVEST_WASM_ROUTE:-auto}
wasm_pack_version=0.15.1
binaryen_version=132
schemathesis_version=4.32.5

say() { echo "setup: $*" >&2; }
fail() { echo "setup: FAILED: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 is not on PATH ($2)"; }

need cargo "install Rust with rustup"
need rustup "the wasm target comes from rustup or from Debian packages; rustup is expected"
need node "install Node.js 20.19 or newer"
need npm "install npm with Node.js"
mkdir -p .tools "$tools"

apt_updated=
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to apt-get install ${missing[*]}"
    sudo=sudo
  fi
  command -v apt-get >/dev/null 2>&1 || fail "apt-get is missing; install ${missing[*]} by hand"
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    $sudo apt-get update -qq >.tools/apt.log 2>&1 || { tail -n 20 .tools/apt.log >&2; fail "apt-get update failed"; }
    apt_updated=1
  fi
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >>.tools/apt.log 2>&1 \
    || { tail -n 20 .tools/apt.log >&2; fail "apt-get install ${missing[*]} failed (log: .tools/apt.log)"; }
}

# 1. A Rust standard library for wasm32-unknown-unknown.
has_rustup_target() { rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; }
use_route=
if [ "$route" != debian ]; then
  if has_rustup_target; then
    use_route=rustup
  else
    say "adding rustup target wasm32-unknown-unknown (60 s limit)"
    if timeout 60 rustup target add wasm32-unknown-unknown >&2 && has_rustup_target; then
      use_route=rustup
    elif [ "$route" = rustup ]; then
      fail "rustup could not add wasm32-unknown-unknown and UPVEST_WASM_ROUTE=rustup forbids the Debian route"
    else
      say "rustup could not add the target; falling back to Debian's Rust with build-std"
    fi
  fi
fi
if [ -z "$use_route" ]; then
  use_route=debian
  apt_install rustc-web cargo-web rust-web-src lld-22
  [ -d /usr/lib/rustlib/src/rust/library ] || fail "rust-web-src did not provide /usr/lib/rustlib/src/rust/library"
  mkdir -p .tools/debian-rust/bin
  for t in cargo rustc rustdoc; do
    [ -x "/usr/bin/$t" ] || fail "/usr/bin/$t is missing after installing rustc-web and cargo-web"
    ln -sf "/usr/bin/$t" ".tools/debian-rust/bin/$t"
  done
  # Debian's rustc ships no rust-lld; lld-22's wasm-ld links instead.
  [ -x /usr/bin/wasm-ld-22 ] || fail "/usr/bin/wasm-ld-22 is missing after installing lld-22"
fi

# 1b. The standard library's source, so the shipped wasm can build std itself: with the crate's
# size profile, and with panics as bare traps (-Cpanic=immediate-abort), about 8 KB gzip less.
# The Debian route has it (rust-web-src); on the rustup route it is one more component, and
# without it the build still works, with the prebuilt std.
std_from_source=
wasm_rustc=rustc
has_rust_src() { [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; }
if [ "$use_route" = debian ]; then
  std_from_source=1
  wasm_rustc=/usr/bin/rustc
elif has_rust_src; then
  std_from_source=1
else
  say "adding rustup component rust-src (60 s limit)"
  if timeout 60 rustup component add rust-src >&2 && has_rust_src; then
    std_from_source=1
  else
    say "rust-src is not available: the wasm is built with the prebuilt std (larger, same behaviour)"
  fi
fi
# The immediate-abort panic strategy is newer than the crate's minimum Rust (1.92 or so).
if [ -n "$std_from_source" ] && ! RUSTC_BOOTSTRAP=1 "$wasm_rustc" -Zunstable-options -Cpanic=immediate-abort \
    --target wasm32-unknown-unknown --print cfg >/dev/null 2>&1; then
  say "$("$wasm_rustc" --version) has no -Cpanic=immediate-abort: the wasm is built with the prebuilt std"
  std_from_source=
fi

# 2. wasm-bindgen's CLI at exactly the version in Cargo.lock, and wasm-pack.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[version="]|[[:space:]]/, ""); print; exit }' Cargo.lock)
[ -n "$wasm_bindgen_version" ] || fail "cannot read the wasm-bindgen version from Cargo.lock"
cargo_tool() { # crate version binary [extra cargo-install flags]
  local crate=$1 version=$2 binary=$3 dir="$tools/$1-$2"
  shift 3
  if [ -x "$dir/bin/$binary" ]; then echo "$dir/bin"; return; fi
  local found
  found=$(command -v "$binary" 2>/dev/null || true)
  if [ -n "$found" ] && "$found" --version 2>/dev/null | grep -qw "$version"; then dirname "$found"; return; fi
  say "cargo install $crate $version (a few minutes, once per machine)"
  cargo install "$crate" --version "$version" --root "$dir" "$@" >&2 || fail "cargo install $crate $version failed"
  echo "$dir/bin"
}
wasm_bindgen_bin=$(cargo_tool wasm-bindgen-cli "$wasm_bindgen_version" wasm-bindgen)
# --locked fails for wasm-bindgen-cli (its lockfile names a yanked crate), but works for wasm-pack.
wasm_pack_bin=$(cargo_tool wasm-pack "$wasm_pack_version" wasm-pack --locked)

# 3. Chromium and its driver, for the browser tests.
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || apt_install chromium chromium-driver

# 3b. Redis, for the webhook stores' tests (they start their own server on a free loopback port;
# the package never needs Redis unless its user runs the BullMQ store).
[ -x /usr/bin/redis-server ] || apt_install redis-server

# 4. npm dev dependencies (wasm-opt from binaryen among them), from the committed lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >&2 || fail "npm ci failed"
fi
[ -x node_modules/.bin/wasm-opt ] || fail "node_modules/.bin/wasm-opt is missing (npm package binaryen@$binaryen_version)"

# 5. schemathesis, in a virtualenv of its own in the tool cache.
need python3 "schemathesis checks the mock against the contract"
schemathesis_dir="$tools/schemathesis-$schemathesis_version"
if [ ! -x "$schemathesis_dir/bin/schemathesis" ]; then
  say "pip install schemathesis==$schemathesis_version (into $schemathesis_dir)"
  rm -rf "$schemathesis_dir"
  python3 -m venv "$schemathesis_dir" >&2 || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$schemathesis_dir/bin/pip" install -q "schemathesis==$schemathesis_version" >&2 || fail "pip install schemathesis==$schemathesis_version failed"
fi

# The environment the other scripts source.
{
  echo "# Written by scripts/setup.sh; sourced by the build and test scripts."
  echo "export UPVEST_WASM_ROUTE_USED=$use_route"
  echo "export PATH=\"$wasm_bindgen_bin:$wasm_pack_bin:$schemathesis_dir/bin:$root/node_modules/.bin:\$PATH\""
  echo "export CHROMEDRIVER=/usr/bin/chromedriver"
  echo "export WASM_BINDGEN_TEST_TIMEOUT=60"
} > .tools/env.sh
# Only the wasm build gets these: the Debian toolchain first on PATH, and build-std under
# RUSTC_BOOTSTRAP. Native builds and tests keep rustup's stable toolchain.
{
  echo "# Written by scripts/setup.sh; sourced for wasm builds only."
  echo "export UPVEST_STD_FROM_SOURCE=$std_from_source"
  if [ "$use_route" = debian ]; then
    echo "export PATH=\"$root/.tools/debian-rust/bin:\$PATH\""
    echo "export RUSTC=$root/.tools/debian-rust/bin/rustc RUSTDOC=$root/.tools/debian-rust/bin/rustdoc"
    echo "export RUSTC_BOOTSTRAP=1"
    echo "export CARGO_UNSTABLE_BUILD_STD=std,panic_abort"
    echo "export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/bin/wasm-ld-22"
  fi
} > .tools/wasm-env.sh
say "ready in $(( $(date +%s) - started )) s (wasm route: $use_route, wasm-bindgen $wasm_bindgen_version)"
