# shellcheck shell=bash
# Sourced by the probe benchmarks: bench_start NAME "$@" reads PORTENT_BINARY and the probe
# options, re-runs the calling script in a private network namespace when root (loopback up),
# and gives it $portent, $opts, $tmp (removed at exit), $where and $python.
# start_helper MODE ARGS... starts listeners.py in the background (stopped at exit) and waits
# for the ports it prints into $tmp/ports.

bench_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3
helper_pid=

bench_start() {
  local name=$1
  shift
  portent=${1:-${PORTENT:-}}
  if [[ -z $portent || ! -x $portent ]]; then
    echo "usage: $0 PORTENT_BINARY [portent probe options...]" >&2
    exit 1
  fi
  portent=$(realpath "$portent")
  shift || true
  opts=("$@")
  if [[ $EUID -eq 0 && -z ${PORTENT_BENCH_NETNS:-} ]]; then
    export PORTENT_BENCH_NETNS=1
    exec unshare -n -- "$0" "$portent" "${opts[@]}"
  fi
  tmp=$(mktemp -d "/tmp/portent-bench-$name.XXXXXX")
  trap bench_cleanup EXIT
  where="the machine's loopback (not root)"
  if [[ -n ${PORTENT_BENCH_NETNS:-} ]]; then
    ip link set lo up
    where="private network namespace (unshare -n)"
  fi
}

bench_cleanup() {
  if [[ -n $helper_pid ]]; then
    kill "$helper_pid" 2>/dev/null || true
    wait "$helper_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}

start_helper() {
  "$python" "$bench_here/listeners.py" "$@" >"$tmp/ports" &
  helper_pid=$!
  for _ in $(seq 200); do [[ -s $tmp/ports ]] && break; sleep 0.05; done
  [[ -s $tmp/ports ]] || { echo "$0: listeners.py $* did not start" >&2; exit 1; }
}
