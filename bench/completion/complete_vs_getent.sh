#!/bin/bash
# Completing a two-letter prefix over nmap-services (`portent __complete --db nmap-services ht`,
# what Tab runs) against `getent services http`, side by side in hyperfine runs: several rounds,
# the order swapped each round, and the median of the rounds' ratios. Run by hand, never by ctest.
#
#   bench/completion/complete_vs_getent.sh PORTENT_BINARY [PREFIX]
#   (env: NMAP_SERVICES=/usr/share/nmap/nmap-services, ROUNDS=5, RUNS=300 a round, WARMUP=30)
set -euo pipefail
portent=$(realpath "$1")
prefix=${2:-ht}
nmap_services=${NMAP_SERVICES:-/usr/share/nmap/nmap-services}
rounds=${ROUNDS:-5} runs=${RUNS:-300} warmup=${WARMUP:-30}
command -v hyperfine >/dev/null || { echo "$0: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ours="$portent __complete --db $nmap_services $prefix"
theirs="getent services http"
echo "machine:    $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "candidates: $($ours | tail -n +2 | wc -l) for '$prefix' from $nmap_services ($(stat -c %s "$nmap_services") bytes)"
for round in $(seq "$rounds"); do
  order=(-n complete "$ours" -n getent "$theirs")
  ((round % 2 == 0)) && order=(-n getent "$theirs" -n complete "$ours")
  hyperfine -N --style none --warmup "$warmup" --runs "$runs" --export-json "$tmp/$round.json" "${order[@]}" >/dev/null
done
python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
ratios = []
for round in range(1, int(sys.argv[2]) + 1):
    results = {r["command"]: r for r in json.load(open(f"{sys.argv[1]}/{round}.json"))["results"]}
    ours, theirs = results["complete"], results["getent"]
    ratios.append(ours["median"] / theirs["median"])
    print(f"round {round}: complete median {ours['median'] * 1e3:.2f} ms (user {ours['user'] * 1e3:.2f}, sys "
          f"{ours['system'] * 1e3:.2f}), getent median {theirs['median'] * 1e3:.2f} ms, ratio {ratios[-1]:.2f}")
ratio = statistics.median(ratios)
print(f"median of the rounds' ratios complete/getent: {ratio:.2f}  target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'}")
PY
