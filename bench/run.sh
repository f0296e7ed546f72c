#!/usr/bin/env bash
# Lookup performance checks, run by hand (never by ctest). See bench/README.md.
#
#   bench/run.sh [build|inprocess|hyperfine|nmap|rss|all]     (default: all)
#
#   build      Release build of portent and of the in-process harness (portent_lookup_bench)
#   inprocess  lookups against glibc getservbyname_r/getservbyport_r on /etc/services, and
#              parse + index of nmap-services, /etc/services and the IANA CSV
#   hyperfine  whole process: portent --first --format services KEY vs getent services KEY,
#              on the machine's /etc/services
#   nmap       the same with nmap-services bind-mounted on /etc/services inside a private mount
#              namespace (`unshare -m`): NEEDS ROOT. The host's /etc/services is not touched.
#   rss        peak RSS (/usr/bin/time -v) of portent reading nmap-services (and, for scale,
#              getent and the IANA CSV)
#
# Environment: BUILD (default REPO/build-bench), NMAP_SERVICES, IANA_CSV (default PORTENT_IANA_CSV,
# else REPO/../shared/data/service-names-port-numbers.csv), WARMUP (100),
# RUNS (1000), BATCHES (harness batches, 51). Results (hyperfine JSON) go to $BUILD/bench-results.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build-bench}
NMAP_SERVICES=${NMAP_SERVICES:-/usr/share/nmap/nmap-services}
IANA_CSV=${IANA_CSV:-${PORTENT_IANA_CSV:-$REPO/../shared/data/service-names-port-numbers.csv}}
WARMUP=${WARMUP:-100}
RUNS=${RUNS:-1000}
BATCHES=${BATCHES:-51}
RESULTS=$BUILD/bench-results
PORTENT=$BUILD/src/cli/portent
HARNESS=$BUILD/bench/portent_lookup_bench

build() {
    echo "== build (Release) in $BUILD"
    cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPORTENT_BUILD_TESTS=OFF \
        -DPORTENT_BUILD_BENCH=ON >/dev/null
    cmake --build "$BUILD" -j"$(nproc)" --target portent portent_lookup_bench
}

need_build() {
    [[ -x $PORTENT && -x $HARNESS ]] || build
}

inprocess() {
    echo "== in process (median of batches, steady_clock)"
    "$HARNESS" --services /etc/services --nmap "$NMAP_SERVICES" --csv "$IANA_CSV" --batches "$BATCHES"
}

# compare NAME KEY [PORTENT-OPTION...]: portent and getent side by side in one hyperfine run,
# medians and ratio.
compare() {
    local name=$1 key=$2
    shift 2
    local ours=("$PORTENT" "$@" --first --format services "$key") theirs=(getent services "$key")
    mkdir -p "$RESULTS"
    if diff <("${ours[@]}") <("${theirs[@]}") >/dev/null; then
        echo "-- $name: key $key (same output)"
    else
        echo "-- $name: key $key (OUTPUT DIFFERS: portent '$("${ours[@]}")' vs getent '$("${theirs[@]}")')"
    fi
    hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --style none \
        --export-json "$RESULTS/$name.json" "${ours[*]}" "${theirs[*]}" >/dev/null 2>&1
    jq -r '.results[] | "   \(.command | .[0:60])  median \(.median * 1e6 | round / 1e3) ms  mean \(.mean * 1e6 | round / 1e3) ± \(.stddev * 1e6 | round / 1e3) ms  min \(.min * 1e6 | round / 1e3) ms  user \(.user * 1e6 | round / 1e3) ms  sys \(.system * 1e6 | round / 1e3) ms"' \
        "$RESULTS/$name.json"
    jq -r '"   ratio portent/getent: median \(.results[0].median / .results[1].median * 100 | round / 100), min \(.results[0].min / .results[1].min * 100 | round / 100)  (target <= 1.0: \(if .results[0].median <= .results[1].median then "met" else "MISSED" end))"' \
        "$RESULTS/$name.json"
}

whole_process() {
    echo "== whole process on the machine's /etc/services (hyperfine -N, warmup $WARMUP, runs $RUNS)"
    compare etc-services-http http
    compare etc-services-late-port 60179   # fido, the last entry of /etc/services
}

nmap() {
    if [[ $(id -u) != 0 ]]; then
        echo "== nmap: skipped (needs root for unshare -m and mount --bind)"
        return
    fi
    echo "== whole process with $NMAP_SERVICES bind-mounted on /etc/services (unshare -m)"
    # The mount exists only in the new namespace; the script re-enters itself there.
    unshare -m sh -c 'mount --bind "$1" /etc/services && exec "$2" _nmap_inner' sh "$NMAP_SERVICES" "$0"
}

# --db-format services: read the file as glibc does (the open-frequency as an alias), so that
# both print the same bytes.
nmap_inner() {
    compare nmap-http http --db-format services
    compare nmap-late-name pcanywhere --db-format services  # line 27413 of 27462
    compare nmap-late-port 65532/udp --db-format services   # the last line
}

# peak_rss LABEL COMMAND...: maximum resident set size in MB, from /usr/bin/time -v.
peak_rss() {
    local label=$1
    shift
    local kb
    kb=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}')
    printf '   %-60s %6.1f MB\n' "$label" "$(echo "$kb / 1024" | bc -l)"
}

rss() {
    echo "== peak RSS (/usr/bin/time -v, Maximum resident set size; target <= 10 MB for nmap-services)"
    peak_rss "portent --db nmap-services --first --format services http" \
        "$PORTENT" --db "$NMAP_SERVICES" --first --format services http
    peak_rss "portent --db nmap-services --first --format services 65532/udp" \
        "$PORTENT" --db "$NMAP_SERVICES" --first --format services 65532/udp
    peak_rss "portent --db nmap-services --format services http (whole file indexed)" \
        "$PORTENT" --db "$NMAP_SERVICES" --format services http
    peak_rss "portent --db nmap-services list --top 10 (whole file indexed)" \
        "$PORTENT" --db "$NMAP_SERVICES" list --top 10
    peak_rss "portent (default db /etc/services) --first --format services http" \
        "$PORTENT" --first --format services http
    peak_rss "portent --db IANA-CSV --first --format services http" \
        "$PORTENT" --db "$IANA_CSV" --first --format services http
    peak_rss "getent services http (/etc/services)" getent services http
}

case ${1:-all} in
    build) build ;;
    inprocess) need_build; inprocess ;;
    hyperfine) need_build; whole_process ;;
    nmap) need_build; nmap ;;
    _nmap_inner) nmap_inner ;;
    rss) need_build; rss ;;
    all)
        build
        echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), $(g++ --version | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
        inprocess
        whole_process
        nmap
        rss
        ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
esac
