#!/bin/bash
# Whole processes on the big databases, each portent command against the grep, sort or getent
# command that does strictly less, side by side in one hyperfine run a row: the median wall
# ratio, and peak RSS of each (/usr/bin/time -f %M); then the two run in turn, RUNS pairs
# (alternate.py): the median of the pairs' wall ratios and the ratio of median CPU times, which a
# load that comes and goes on a shared machine disturbs less. Run by hand, never by ctest.
#
#   bench/lookup/vs_grep.sh PORTENT_BINARY [ROW...]      (rows: every one when none is named)
#   env: NMAP_SERVICES (/usr/share/nmap/nmap-services),
#        PORTENT_IANA_CSV (REPO/../shared/data/service-names-port-numbers.csv),
#        PREFIX (ht), RUNS (200 a run), WARMUP (20), ROUNDS (3: the order swapped each round,
#        the median of the rounds' ratios kept), RSS_RUNS (21: the median peak RSS kept; grep's
#        own peak RSS moves by ±10% from run to run)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
portent=$(realpath "$1")
shift
nmap=${NMAP_SERVICES:-/usr/share/nmap/nmap-services}
iana=$(realpath "${PORTENT_IANA_CSV:-$repo/../shared/data/service-names-port-numbers.csv}")
prefix=${PREFIX:-ht}
runs=${RUNS:-200} warmup=${WARMUP:-20} rounds=${ROUNDS:-3} rss_runs=${RSS_RUNS:-21}
for tool in hyperfine python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$0: needs $tool (apt-get install hyperfine python3 time)" >&2; exit 1; }
done
[[ -r $nmap && -r $iana ]] || { echo "$0: needs $nmap and $iana" >&2; exit 1; }

# name | portent command | the command it is measured against
rows=(
  "nmap-all-http|$portent --db $nmap --format services http|grep -w http $nmap"
  "iana-all-http|$portent --db $iana --format services http|grep -w http $iana"
  "iana-first-x11|$portent --db $iana --first --format services x11|grep -w x11 $iana"
  "nmap-search-ssh|$portent --db $nmap search ssh|grep -i ssh $nmap"
  "nmap-list-top|$portent --db $nmap --format services list --top 10|sort -k3 -gr $nmap"
  "nmap-complete|$portent __complete --db $nmap $prefix|grep -E ^$prefix $nmap"
  "iana-complete|$portent __complete --db $iana $prefix|grep -E ^$prefix $iana"
  "first-http|$portent --first --format services http|getent services http"
)
wanted=" $* "

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The median peak RSS in KiB of rss_runs runs of a command.
peak_rss() {
  for _ in $(seq "$rss_runs"); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n |
    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Page faults of one run, when perf is there.
page_faults() {
  command -v perf >/dev/null || { echo -; return; }
  perf stat -x, -e page-faults "$@" 2>&1 >/dev/null | awk -F, '/page-faults/ { print $1 }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (before)"
echo "files:   $nmap ($(stat -c %s "$nmap") B), $iana ($(stat -c %s "$iana") B); $runs runs x $rounds rounds"
for row in "${rows[@]}"; do
  IFS='|' read -r name ours theirs <<<"$row"
  [[ $wanted == "  " || $wanted == *" $name "* ]] || continue
  for round in $(seq "$rounds"); do
    order=(-n portent "$ours" -n other "$theirs")
    ((round % 2 == 0)) && order=(-n other "$theirs" -n portent "$ours")
    hyperfine -N -i --style none --warmup "$warmup" --runs "$runs" --export-json "$tmp/$name.$round.json" \
      "${order[@]}" >/dev/null 2>&1
  done
  # word splitting on purpose: the commands hold no quoted words
  # shellcheck disable=SC2086
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$ours" "$theirs" "$(peak_rss $ours)" "$(peak_rss $theirs)" \
    "$(page_faults $ours)" "$(page_faults $theirs)" \
    "$(python3 "$repo/bench/lookup/alternate.py" "$runs" "$ours" "$(command -v "${theirs%% *}") ${theirs#* }")" \
    >>"$tmp/rows.tsv"
done
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (after)"
python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
print(f"{'row':<16} {'portent ms':>10} {'other ms':>9} {'ratio':>6} {'rounds':<17} {'RSS KiB':>8} {'other':>6} "
      f"{'x':>5} {'faults':>6} {'other':>6} {'pairs':>6} {'cpu':>5}  verdict")
for line in open(f"{tmp}/rows.tsv"):
    name, ours, theirs, rss_ours, rss_theirs, faults_ours, faults_theirs, alternate = line.rstrip("\n").split("\t")
    _, _, pairs, cpu_ours, cpu_theirs = (float(x) for x in alternate.split())
    cpu = cpu_ours / cpu_theirs
    ratios, mine, other = [], [], []
    for r in range(1, rounds + 1):
        results = {x["command"]: x for x in json.load(open(f"{tmp}/{name}.{r}.json"))["results"]}
        ratios.append(results["portent"]["median"] / results["other"]["median"])
        mine.append(results["portent"]["median"] * 1e3)
        other.append(results["other"]["median"] * 1e3)
    ratio = statistics.median(ratios)
    rss = int(rss_ours) / int(rss_theirs)
    verdict = ("met" if ratio <= 1.0 and rss <= 2.0 else "MISSED") + \
        (", pairs met" if pairs <= 1.0 and rss <= 2.0 else ", pairs MISSED")
    print(f"{name:<16} {statistics.median(mine):>10.2f} {statistics.median(other):>9.2f} {ratio:>6.2f} "
          f"{'/'.join(f'{x:.2f}' for x in ratios):<17} {rss_ours:>8} {rss_theirs:>6} {rss:>5.2f} "
          f"{faults_ours:>6} {faults_theirs:>6} {pairs:>6.2f} {cpu:>5.2f}  {verdict}")
    print(f"{'':<16} {ours}\n{'':<16} vs {theirs}")
PY
