#!/bin/bash
# portent probe vs nmap -sT: a full TCP range scan (1-65535) of 127.0.0.1, side by side, then the sets of
# open ports compared (TCP self-connect artefacts of either scanner excluded, see /work/shared/NOTES.md).
#
#   bench/probe/scan_vs_nmap.sh PORTENT_BINARY [portent probe options...]     (default options: --timeout 1s)
#
# As root it runs in a private network namespace (unshare -n): the open ports are exactly the listeners it
# starts (22 80 443 5432 8080 31337), nothing else on the machine interferes. Otherwise it scans the
# machine's loopback as it is, plus 3 listeners on free ports. Needs nmap and python3; hyperfine if
# installed (else plain timed runs). Env: RUNS (default 5). Run by hand, not by ctest.
set -euo pipefail

# shellcheck source=bench/probe/common.sh
. "$(dirname "$0")/common.sh"
command -v nmap >/dev/null || { echo "$0: nmap is not installed" >&2; exit 1; }
bench_start scan "$@"
[[ ${#opts[@]} -gt 0 ]] || opts=(--timeout 1s)
runs=${RUNS:-5}
if [[ -n ${PORTENT_BENCH_NETNS:-} ]]; then
  ports=(22 80 443 5432 8080 31337)
  where="$where; loopback holds only the bench's listeners"
else
  ports=(0 0 0)
  where="$where: its other listeners are scanned too"
fi
start_helper tcp "${ports[@]}"

portent_cmd="$portent probe 127.0.0.1 1-65535/tcp ${opts[*]} --open --format json"
nmap_cmd="nmap -sT -p1-65535 -Pn -n 127.0.0.1"
echo "where:      $where"
echo "listeners:  127.0.0.1 tcp $(cat "$tmp/ports")"
echo "machine:    $(uname -r), $(nproc) cores, ulimit -n $(ulimit -n), $(nmap --version | head -1)"
echo "portent:    $portent_cmd"
echo "nmap:       $nmap_cmd"
echo

if command -v hyperfine >/dev/null; then
  # -i: portent exits 2 when some targets did not answer (closed ports), which is expected here.
  hyperfine -N -i --warmup 1 --runs "$runs" --export-markdown "$tmp/hyperfine.md" \
    -n "portent probe" "$portent_cmd" -n "nmap -sT" "$nmap_cmd"
  echo
  cat "$tmp/hyperfine.md"
else
  echo "(hyperfine not installed: $runs timed runs each)"
  for name in portent nmap; do
    cmd=$portent_cmd; [[ $name == nmap ]] && cmd=$nmap_cmd
    for _ in $(seq "$runs"); do
      start=$(date +%s.%N)
      $cmd >/dev/null 2>&1 || true
      end=$(date +%s.%N)
      echo "$name: $(echo "$end - $start" | bc) s"
    done
  done
fi

# One more run of each, keeping the output, to compare what they found.
set +e
"$portent" probe 127.0.0.1 1-65535/tcp "${opts[@]}" --format json >"$tmp/portent.json" 2>"$tmp/portent.err"
portent_rc=$?
set -e
nmap -sT -p1-65535 -Pn -n -oG "$tmp/nmap.gnmap" 127.0.0.1 >/dev/null
ss -Hltn >"$tmp/listening"
echo
echo "portent exit code: $portent_rc; stderr: $(head -c 300 "$tmp/portent.err")"
"$python" - "$tmp" <<'EOF'
import collections, json, re, sys
tmp = sys.argv[1]
results = json.load(open(f"{tmp}/portent.json"))
states = collections.Counter(r["state"] for r in results)
print(f"portent: {len(results)} targets, states {dict(states)}")
errors = collections.Counter(r["detail"] for r in results if r["state"] == "error")
if errors:
    print(f"portent errors: {dict(errors.most_common(5))}")
portent_open = {r["port"] for r in results if r["state"] == "open"}
nmap_open = {int(p) for p in re.findall(r"(\d+)/open/tcp", open(f"{tmp}/nmap.gnmap").read())}
listening = {int(line.split()[3].rsplit(":", 1)[1]) for line in open(f"{tmp}/listening") if line.strip()}
lo, hi = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
def artefacts(ports):  # open, not listening, inside the ephemeral range: a socket connected to itself
    return {p for p in ports if p not in listening and lo <= p <= hi}
pa, na = artefacts(portent_open), artefacts(nmap_open)
p, n = portent_open - pa, nmap_open - na
print(f"portent open: {sorted(p)}" + (f"   (self-connect artefacts excluded: {sorted(pa)})" if pa else ""))
print(f"nmap    open: {sorted(n)}" + (f"   (self-connect artefacts excluded: {sorted(na)})" if na else ""))
print(f"listening (ss -ltn): {sorted(listening)}")
if p == n:
    print("same open ports: yes")
else:
    print(f"same open ports: NO — only portent: {sorted(p - n)}, only nmap: {sorted(n - p)}")
    sys.exit(1)
EOF
