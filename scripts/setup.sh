# shellcheck shell=bash
# Sourced by the scripts (portent, test, check, fuzz, coverage): installs the Debian packages
# they need and builds the trees of the CMake presets (build/, build-sanitize/, build-fuzz/).
# Both steps do nothing when nothing changed; their output goes to stderr or to logs in the
# tree, so that the program's own output stays clean.

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
  # strace holds portent still while probe.soak counts its open files.
  strace
  # Real servers that the probe tests start themselves in a private network namespace, on ports
  # of their own; never started by their installation (see ensure_packages).
  chrony dnsmasq-base dovecot-imapd dovecot-pop3d dovecot-submissiond snmpd vsftpd
  # What `probe --identify` is tested against: each names itself in its own way.
  openssh-server opensmtpd redis-server memcached mosquitto nginx-light postgresql
)
# The programs of those servers: running after an installation, one would have been started by it.
server_programs=(chronyd dnsmasq dovecot snmpd vsftpd sshd smtpd redis-server memcached mosquitto nginx postgres)

# Debian starts a daemon when its package is installed unless /usr/sbin/policy-rc.d exits 101
# (invoke-rc.d and deb-systemd-invoke ask it). One that does is put in place for the install
# when the machine has none, and removed after it.
policy_rc=/usr/sbin/policy-rc.d

# The server programs running in this network namespace (the machine's own: tests run theirs in
# namespaces of their own), one a line.
running_servers() {
  local program pid here
  here=$(readlink /proc/self/ns/net)
  for program in "${server_programs[@]}"; do
    for pid in $(pgrep -x "$program"); do
      if [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$here" ]; then
        echo "$program"
        break
      fi
    done
  done
  return 0
}

# Coverage (scripts/coverage): gcovr reads gcc's --coverage counts.
coverage_packages=(gcovr)

# The style checks (scripts/check): clang-format and clang-tidy 14 (run-clang-tidy comes with
# it), python3 for the check's bookkeeping.
check_packages=(clang-format clang-tidy python3 pyflakes3)

# The fuzz harnesses (scripts/fuzz): clang 14, its runtimes (libFuzzer, ASan, UBSan), and
# llvm-symbolizer for the stacks of their reports.
fuzz_packages=(clang libclang-rt-14-dev llvm)

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
  local made_policy="" before after status=0
  if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\n# portent setup: no daemon starts while packages are installed.\nexit 101\n' >"$policy_rc"
    chmod 755 "$policy_rc"
    made_policy=yes
  fi
  before=$(running_servers)
  # shellcheck disable=SC2086
  apt-get "${wait[@]}" install -y -q --no-install-recommends $missing >&2 || status=$?
  [ -n "$made_policy" ] && rm -f "$policy_rc"
  [ "$status" = 0 ] || return "$status"
  after=$(running_servers)
  if [ "$after" != "$before" ]; then
    echo "portent setup: the installation started a server ($(comm -13 <(echo "$before") <(echo "$after") | xargs));" \
      "$policy_rc does not forbid it: stop it, and make $policy_rc exit 101" >&2
    return 1
  fi
}

# build_tree DIR [ARG...]: builds the configured tree DIR; its log is DIR/last-build.log, shown
# when the build fails.
build_tree() {
  local dir=$1
  shift
  cmake --build "$dir" -j "$(nproc)" "$@" >"$dir/last-build.log" 2>&1 || {
    cat "$dir/last-build.log" >&2
    echo "portent setup: build of $dir failed" >&2
    return 1
  }
}

# ensure_preset_build PRESET DIR [ARG...]: configures DIR with the CMake preset PRESET (its
# binaryDir) when it has never been configured, then builds it (build_tree). Once configured, a
# build configures again by itself when a CMakeLists.txt changes; its log is DIR/configure.log.
ensure_preset_build() {
  local preset=$1 dir=$2
  shift 2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    mkdir -p "$dir"
    (cd "$root" && cmake --preset "$preset") >"$dir/configure.log" 2>&1 || {
      cat "$dir/configure.log" >&2
      echo "portent setup: cannot configure $dir (preset $preset)" >&2
      return 1
    }
  fi
  build_tree "$dir" "$@"
}

# The release preset's tree (build/): portent and its tests, Release.
ensure_build() {
  ensure_preset_build release "$build_dir" "$@"
}

# The sanitize preset's tree: everything, tests included, with ASan and UBSan (scripts/test runs
# the suite there too). The options make any report fail the program that made it: the sanitize
# test preset sets the same for the suite; scripts/fuzz exports them for its harnesses.
sanitize_dir=$root/build-sanitize
sanitizer_options=(
  ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
)

ensure_sanitize_build() {
  ensure_preset_build sanitize "$sanitize_dir" "$@"
}
