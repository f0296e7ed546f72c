#!/bin/bash
# portent local against ss -tulpn with 2,000 listening sockets, side by side in hyperfine runs,
# inside a private network namespace (unshare -n: the sockets are the bench's alone). Run by hand as
# root, never by ctest; installs hyperfine through scripts/setup.sh when it is missing.
#
#   bench/local/local_vs_ss.sh PORTENT_BINARY   (env: SOCKETS=2000, ROUNDS=5, RUNS=100 a round, WARMUP=10)
set -euo pipefail

if [[ $EUID -ne 0 ]]; then
  echo "$0: needs root: it runs in a private network namespace of its own (unshare -n)" >&2
  exit 1
fi
if ! command -v hyperfine >/dev/null; then
  # shellcheck source=scripts/setup.sh
  . "$(dirname "$0")/../../scripts/setup.sh"
  ensure_packages hyperfine
fi
# shellcheck source=bench/probe/common.sh
. "$(dirname "$0")/../probe/common.sh"
bench_start local "$@"
sockets=${SOCKETS:-2000}
rounds=${ROUNDS:-5}
runs=${RUNS:-100}
warmup=${WARMUP:-10}

# The listeners hold the read end of a pipe: they go when this script goes.
exec 3> >(exec "$python" "$(dirname "$0")/many_listeners.py" "$sockets" 20000 >"$tmp/ready")
helper_pid=$!
for _ in $(seq 200); do [[ -s $tmp/ready ]] && break; sleep 0.05; done
[[ -s $tmp/ready ]] || { echo "$0: the listeners did not start" >&2; exit 1; }

portent_lines=$("$portent" local | tail -n +2 | wc -l)
ss_lines=$(ss -H -tulpn | wc -l)
echo "where:    $where"
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $(ss --version), $(hyperfine --version), processes under /proc: $(ls /proc | grep -c '^[0-9]')"
echo "sockets:  $(cat "$tmp/ready") held; portent lists $portent_lines, ss -tulpn $ss_lines"
[[ $portent_lines -eq $ss_lines ]] || { echo "$0: portent and ss list different numbers of sockets" >&2; exit 1; }
echo

# hyperfine times one command's runs, then the other's: on a machine whose load moves, that can
# favour either. Several rounds, the order swapped each time, show how far one run can be trusted.
for round in $(seq "$rounds"); do
  ours=(-n "portent local" "$portent local") theirs=(-n "ss -tulpn" "ss -tulpn")
  order=("${ours[@]}" "${theirs[@]}")
  ((round % 2 == 0)) && order=("${theirs[@]}" "${ours[@]}")
  hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$tmp/round-$round.json" \
    "${order[@]}" >/dev/null
  echo "round $round of $rounds (load $(cut -d' ' -f1 /proc/loadavg)):"
  "$python" - "$tmp/round-$round.json" <<'PY'
import json, sys
results = {r["command"].split("/")[-1]: r for r in json.load(open(sys.argv[1]))["results"]}
portent, ss = results["portent local"], results["ss -tulpn"]
for r in (portent, ss):
    print(f"  {r['command']:14} median {r['median'] * 1e3:7.2f} ms  mean {r['mean'] * 1e3:7.2f} ± "
          f"{r['stddev'] * 1e3:5.2f} ms  min {r['min'] * 1e3:7.2f} ms  user {r['user'] * 1e3:6.2f} ms  "
          f"sys {r['system'] * 1e3:6.2f} ms")
print(f"  ratio portent/ss: median {portent['median'] / ss['median']:.2f}, min {portent['min'] / ss['min']:.2f}")
PY
done
"$python" - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
ratios = []
for round in range(1, int(sys.argv[2]) + 1):
    results = {r["command"]: r for r in json.load(open(f"{sys.argv[1]}/round-{round}.json"))["results"]}
    ratios.append(results["portent local"]["median"] / results["ss -tulpn"]["median"])
ratio = statistics.median(ratios)
print(f"median of the rounds' ratios portent/ss: {ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})  "
      f"target <= 1.0: {'met' if ratio <= 1.0 else 'MISSED'}")
PY
