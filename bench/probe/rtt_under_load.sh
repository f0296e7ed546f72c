#!/bin/bash
# The RTT portent reports for one UDP service alone and inside a full UDP range scan: xinetd's
# daytime on 127.0.0.1:13/udp, probed RUNS times alone (`13/udp`), then RUNS times as one of
# 65535 targets (`1-65535/udp`), where thousands of other probes share the event loop.
#
#   bench/probe/rtt_under_load.sh PORTENT_BINARY [portent probe options...]   (default: --timeout 3s)
#
# Needs root (a private network namespace: xinetd serves daytime only on port 13) and xinetd.
# Env: RUNS (default 5). Run by hand, not by ctest.
set -euo pipefail

# shellcheck source=bench/probe/common.sh
. "$(dirname "$0")/common.sh"
command -v xinetd >/dev/null || { echo "$0: xinetd is not installed" >&2; exit 1; }
[[ $EUID -eq 0 ]] || { echo "$0: needs root for a private network namespace" >&2; exit 1; }
bench_start rtt "$@"
[[ ${#opts[@]} -gt 0 ]] || opts=(--timeout 3s)
runs=${RUNS:-5}

cat >"$tmp/xinetd.conf" <<CONF
defaults
{
    instances = 100
    cps = 1000 1
}
service daytime
{
    type        = INTERNAL
    id          = daytime-dgram
    socket_type = dgram
    protocol    = udp
    user        = root
    wait        = yes
    bind        = 127.0.0.1
    disable     = no
}
CONF
xinetd -f "$tmp/xinetd.conf" -pidfile "$tmp/xinetd.pid" -stayalive
for _ in $(seq 100); do [[ -s $tmp/xinetd.pid ]] && break; sleep 0.05; done
helper_pid=$(cat "$tmp/xinetd.pid")

echo "where:    $where; xinetd daytime on 127.0.0.1:13/udp"
echo "machine:  $(uname -r), $(nproc) cores, ulimit -n $(ulimit -n)"
echo "commands: $portent probe 127.0.0.1 13/udp ${opts[*]} --format json"
echo "          $portent probe 127.0.0.1 1-65535/udp ${opts[*]} --format json"
echo
rtt_of_13() {
  "$python" -c '
import json, statistics, sys
results = json.load(sys.stdin)
for r in results:
    if r["port"] == 13 and r["protocol"] == "udp":
        line = "%s ms (%s, %s)" % (r["rtt_ms"], r["state"], r["verdict"])
others = [r["rtt_ms"] for r in results if r["port"] != 13 and r["rtt_ms"] is not None]
if others:
    line += "; the other %d targets: median %s ms, max %s ms" % (len(others), statistics.median(others), max(others))
print(line)'
}
for scope in 13 1-65535; do
  for run in $(seq "$runs"); do
    start=$(date +%s.%N)
    rtt=$("$portent" probe 127.0.0.1 "$scope/udp" "${opts[@]}" --format json 2>/dev/null | rtt_of_13 || true)
    end=$(date +%s.%N)
    printf '%-12s run %d: daytime/udp RTT %s, whole run %.2f s\n' "$scope/udp" "$run" "$rtt" \
      "$(echo "$end - $start" | bc)"
  done
done
