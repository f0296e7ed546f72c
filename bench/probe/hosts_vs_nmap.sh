#!/bin/bash
# portent probe --top 100 vs nmap -sT --top-ports 100 over 64 loopback hosts, side by side in one hyperfine run,
# then the sets of open (host, port) compared. Listeners: ports 22, 80 and 443 on each of 127.0.1.1-64, and 3389
# on 127.0.1.1-8 (all four are in nmap-services' top 100 TCP ports), inside a private network namespace that the
# script makes itself (root only: it never runs on the machine's own loopback).
#
#   bench/probe/hosts_vs_nmap.sh PORTENT_BINARY [portent probe options...]
#
# Needs nmap (and its /usr/share/nmap/nmap-services), hyperfine and python3. Env: RUNS (default 5);
# BASELINE: another portent binary (an older build) timed in the same hyperfine run, as a third command.
set -euo pipefail

if [[ $EUID -ne 0 ]]; then
  echo "$0: needs root, to make a private network namespace (unshare -n)" >&2
  exit 1
fi
# shellcheck source=bench/probe/common.sh
. "$(dirname "$0")/common.sh"
command -v nmap >/dev/null || { echo "$0: nmap is not installed" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "$0: hyperfine is not installed" >&2; exit 1; }
bench_start hosts "$@"
[[ -n ${PORTENT_BENCH_NETNS:-} ]] || { echo "$0: not in a private network namespace" >&2; exit 1; }
runs=${RUNS:-5}
db=/usr/share/nmap/nmap-services

start_helper tcp-hosts 127.0.1.1-64 22,80,443 127.0.1.1-8 3389

portent_cmd="$portent --db $db probe 127.0.1.1-64 --top 100 ${opts[*]} --format json"
nmap_cmd="nmap -sT -Pn -n --top-ports 100 127.0.1.1-64"
baseline=()
if [[ -n ${BASELINE:-} ]]; then
  baseline_cmd="$(realpath "$BASELINE") --db $db probe 127.0.1.1-64 --top 100 ${opts[*]} --format json"
  baseline=(-n "baseline portent" "$baseline_cmd")
fi
echo "where:      $where; listeners on 127.0.1.1-64 (22, 80, 443) and 127.0.1.1-8 (3389)"
echo "machine:    $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(nmap --version | head -1)"
echo "portent:    $portent_cmd"
echo "nmap:       $nmap_cmd"
[[ -n ${BASELINE:-} ]] && echo "baseline:   $baseline_cmd"
echo
hyperfine -N -i --warmup 1 --runs "$runs" --export-markdown "$tmp/hyperfine.md" --export-json "$tmp/hyperfine.json" \
  -n "portent probe --top 100" "$portent_cmd" -n "nmap -sT --top-ports 100" "$nmap_cmd" "${baseline[@]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
cat "$tmp/hyperfine.md"

set +e
$portent_cmd >"$tmp/portent.json" 2>"$tmp/portent.err"
set -e
nmap -sT -Pn -n --top-ports 100 -oG "$tmp/nmap.gnmap" 127.0.1.1-64 >/dev/null
"$python" - "$tmp" <<'PY'
import json, re, sys
tmp = sys.argv[1]
results = json.load(open(f"{tmp}/portent.json"))
portent_open = {(r["host"], r["port"]) for r in results if r["state"] == "open"}
nmap_open = set()
for line in open(f"{tmp}/nmap.gnmap"):
    m = re.match(r"Host: (\S+) .*Ports: (.*)", line)
    if m:
        nmap_open |= {(m.group(1), int(p)) for p in re.findall(r"(\d+)/open/tcp", m.group(2))}
timing = json.load(open(f"{tmp}/hyperfine.json"))["results"]
ratio = timing[0]["median"] / timing[1]["median"]
print(f"portent: {len(results)} targets, {len(portent_open)} open; nmap: {len(nmap_open)} open")
print(f"same open set: {portent_open == nmap_open}")
print(f"wall ratio portent/nmap (medians): {ratio:.3f} (target <= 0.5)")
for t in timing:
    print(f"  {t['command']}: median {t['median'] * 1e3:.1f} ms, user {t['user'] * 1e3:.1f} ms, "
          f"system {t['system'] * 1e3:.1f} ms, ratio to nmap {t['median'] / timing[1]['median']:.3f}")
sys.exit(0 if portent_open == nmap_open else 1)
PY
