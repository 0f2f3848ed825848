#!/usr/bin/env bash
# Peak memory and throughput of `fincase process` over generated batches (issue 6).
#
# For each batch size, runs `fincase process` RUNS times on a fresh output folder and index and
# reports the median of: wall time, max RSS (/usr/bin/time %M: heap + mapped files), and, sampled
# every 50 ms from /proc/PID/status, the peak RssAnon (heap: what grows if data accumulates) and
# the peak RssFile (mostly the memory-mapped tantivy segments), plus per-format draft times
# from summary.json (`timings_ms`: CPU time summed over filings, i.e. drafts/s per core).
#
# Usage: benches/memory.sh [COUNTS] [RUNS]      e.g. benches/memory.sh "500 2000 10000" 5
# Env:   BIN (default target/release/fincase), FX (fixture root, default /tmp/fx), SEED (5),
#        WORK (scratch, default /tmp/fincase-mem), EXTRA_ENV (e.g. "MALLOC_ARENA_MAX=2").
# Inputs are generated once with `fincase fixtures --seed SEED --count N --out ${FX}N`
# (/tmp/fx500, /tmp/fx2000, …); build first: cargo build --release.
set -euo pipefail
COUNTS=${1:-"500 2000 10000"}
RUNS=${2:-5}
BIN=${BIN:-target/release/fincase}
FX=${FX:-/tmp/fx}
SEED=${SEED:-5}
WORK=${WORK:-/tmp/fincase-mem}
EXTRA_ENV=${EXTRA_ENV:-}
mkdir -p "$WORK"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# Samples /proc/$1/status until the process exits; prints "peak_anon_kB peak_file_kB hwm_kB".
sample() {
  local pid=$1 anon=0 file=0 hwm=0 a f h
  while [ -r "/proc/$pid/status" ]; do
    read -r a f h < <(awk '/^RssAnon/{a=$2} /^RssFile/{f=$2} /^VmHWM/{h=$2} END{print a+0, f+0, h+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0 0")
    [ "$a" -gt "$anon" ] && anon=$a
    [ "$f" -gt "$file" ] && file=$f
    [ "$h" -gt "$hwm" ] && hwm=$h
    sleep 0.05
  done
  echo "$anon $file $hwm"
}

printf '%-7s %-4s %9s %10s %10s %10s %8s %8s %8s %8s\n' filings run wall_s maxrss_MB anon_MB file_MB drafted html/s docx/s pdf/s
for n in $COUNTS; do
  in="${FX}${n}"
  if [ ! -d "$in" ]; then
    "$BIN" fixtures --seed "$SEED" --count "$n" --out "$in" >/dev/null
  fi
  rows=()
  for run in $(seq 1 "$RUNS"); do
    out="$WORK/out"; idx="$WORK/index"
    rm -rf "$out" "$idx"
    sync
    env $EXTRA_ENV /usr/bin/time -f '%M %e' -o "$WORK/time" \
      "$BIN" process "$in" --out "$out" --index "$idx" --quiet >/dev/null &
    tpid=$!
    pid=""
    for _ in $(seq 1 100); do pid=$(pgrep -P "$tpid" || true); [ -n "$pid" ] && break; sleep 0.01; done
    read -r anon file hwm < <(sample "${pid:-$tpid}")
    wait "$tpid"
    read -r maxrss wall < "$WORK/time"
    # drafted count and per-format CPU milliseconds from the summary
    read -r drafted html docx pdf < <(python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["timings_ms"]; d = s["by_status"].get("drafted", 0)
rate = lambda ms: d / (ms / 1000) if ms else 0
print(d, round(rate(t.get("draft", 0))), round(rate(t.get("docx", 0))), round(rate(t.get("pdf", 0))))
PY
)
    row=$(printf '%-7s %-4s %9s %10.1f %10.1f %10.1f %8s %8s %8s %8s' "$n" "$run" "$wall" \
      "$(echo "$maxrss/1024" | bc -l)" "$(echo "$anon/1024" | bc -l)" "$(echo "$file/1024" | bc -l)" \
      "$drafted" "$html" "$docx" "$pdf")
    echo "$row"
    rows+=("$row")
  done
  for col in 3 4 5 6 8 9 10; do
    printf '%s ' "$(printf '%s\n' "${rows[@]}" | awk -v c=$col '{print $c}' | median)"
  done | awk -v n="$n" '{printf "%-7s %-4s %9s %10s %10s %10s %8s %8s %8s %8s\n", n, "med", $1, $2, $3, $4, "-", $5, $6, $7}'
done
