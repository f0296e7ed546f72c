#!/bin/bash
# 1000 UDP probes to ports that never reply (bound sockets that never read: no answer, no ICMP),
# --timeout 1s: wall time should be ≈ 1 s × ceil(1000 / parallel).
#
#   bench/probe/udp_blackhole.sh PORTENT_BINARY [portent probe options...]
#
# Compares portent's default --parallel with --parallel 100 and --parallel 1000 (plus any options given).
# As root it runs in a private network namespace (unshare -n) on 127.0.0.1 ports 20000-20999; otherwise
# on the machine's loopback, RANGE (default 20000-20999) must be free. Needs python3; hyperfine if
# installed (else plain timed runs). Env: RUNS (default 3). Run by hand, not by ctest.
set -euo pipefail

# shellcheck source=bench/probe/common.sh
. "$(dirname "$0")/common.sh"
bench_start udp "$@"
runs=${RUNS:-3}
range=${RANGE:-20000-20999}
start_helper udp-blackhole "$range"

base="$portent probe 127.0.0.1 $range/udp --timeout 1s ${opts[*]} --format json"
echo "where:    $where; black-holed UDP ports 127.0.0.1:$range"
echo "machine:  $(uname -r), $(nproc) cores, ulimit -n $(ulimit -n)"
echo "command:  $base [--parallel N]"
echo

if command -v hyperfine >/dev/null; then
  # -i: portent exits 2 because no target answered, which is the point here.
  hyperfine -N -i --runs "$runs" --export-markdown "$tmp/hyperfine.md" \
    -n "default parallel" "$base" \
    -n "parallel 100" "$base --parallel 100" \
    -n "parallel 1000" "$base --parallel 1000"
  echo
  cat "$tmp/hyperfine.md"
else
  echo "(hyperfine not installed: $runs timed runs each)"
  for extra in "" "--parallel 100" "--parallel 1000"; do
    for _ in $(seq "$runs"); do
      start=$(date +%s.%N)
      $base $extra >/dev/null 2>&1 || true
      end=$(date +%s.%N)
      echo "${extra:-default --parallel}: $(echo "$end - $start" | bc) s"
    done
  done
fi

set +e
$base --parallel 1000 >"$tmp/out.json" 2>"$tmp/err"
rc=$?
set -e
echo
echo "one run with --parallel 1000: exit code $rc; stderr: $(head -c 300 "$tmp/err")"
"$python" - "$tmp/out.json" <<'EOF'
import collections, json, sys
results = json.load(open(sys.argv[1]))
print(f"{len(results)} targets, states {dict(collections.Counter(r['state'] for r in results))}")
print(f"details: {dict(collections.Counter(r['detail'] for r in results).most_common(3))}")
EOF
