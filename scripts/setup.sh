# shellcheck shell=bash
# Sourced by scripts/portent and scripts/test: installs the Debian packages portent needs and
# builds it into build/. Both steps do nothing when nothing changed; their output goes to
# stderr so that the program's own output stays clean.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$root/build

# Build: compiler, CMake, Boost 1.81 (not Debian's default 1.74), range-v3, OpenSSL, and Catch2
# 2.13 (the build configures the tests too).
build_packages=(
  cmake make g++ pkg-config
  libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev
  librange-v3-dev libssl-dev catch2
)
# Tests: glibc's getent (libc-bin), real peers (xinetd, nmap, netcat, python3, openssl for a test
# certificate), unshare and ip for private namespaces.
# Completion in the real shells (bash with bash-completion, zsh, fish, driven in tmux); the
# man page (groff, man-db); packaging (dpkg-dev for cpack's dpkg-shlibdeps, file).
test_packages=(
  libc-bin util-linux iproute2 procps xinetd nmap netcat-openbsd python3 openssl
  bash-completion zsh fish tmux groff man-db dpkg-dev file
)

# The style checks (scripts/check): clang-format and clang-tidy 14 (run-clang-tidy comes with
# it), python3 for the check's bookkeeping.
check_packages=(clang-format clang-tidy python3)

# ensure_packages PACKAGE...: installs those that are missing.
ensure_packages() {
  local packages=("$@") installed missing=""
  # dpkg-query fails when it has never heard of a package: that package is missing.
  installed=$(dpkg-query -W -f='${db:Status-Abbrev}|${Package}\n' "${packages[@]}" 2>/dev/null |
    awk -F'|' '$1 ~ /^ii/ {print $2}' || true)
  for package in "${packages[@]}"; do
    grep -qxF "$package" <<<"$installed" || missing+=" $package"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "portent setup: missing Debian packages: $missing (run as root to install them)" >&2
    return 1
  fi
  echo "portent setup: installing $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run (a second build of the project, say) holds the lock for a while: wait for it.
  local wait=(-o DPkg::Lock::Timeout=600)
  apt-get "${wait[@]}" update -q >&2
  # shellcheck disable=SC2086
  apt-get "${wait[@]}" install -y -q --no-install-recommends $missing >&2
}

ensure_build() {
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPORTENT_WERROR=ON -DPORTENT_BUILD_TESTS=ON >&2
  fi
  cmake --build "$build_dir" -j "$(nproc)" "$@" >"$build_dir/last-build.log" 2>&1 || {
    cat "$build_dir/last-build.log" >&2
    echo "portent setup: build failed" >&2
    return 1
  }
}
