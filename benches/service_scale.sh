#!/usr/bin/env bash
# Durability and scale of the service (issue 9, BENCHMARKS.md "Service: durability and scale").
#
#   1. crash tests: `cargo test --release --test crash` (kill -9 of `serve` under SQLite, and of
#      a `worker` under PostgreSQL when DATABASE_URL is set; hostile uploads over a socket);
#   2. two `fincase worker` processes on a 2,000-filing batch over PostgreSQL (the test
#      `two_postgres_workers_share_a_large_batch_without_processing_twice` with
#      FINCASE_SCALE_FILINGS=2000; the test suite runs it on 300; DATABASE_URL only);
#   3. a ZIPN-file zip (default 1,000): time to the 202 answer;
#   4. an N-file zip (default 15,000) of small generated PDFs: time to the 202, time until the
#      batch is finished, the server's peak RSS (VmHWM from /proc), and the exactly-once check
#      in the database (every filing terminal, processed_count = 1, one job each);
#   5. load on loopback: `wrk` on the batch status and filing endpoints, 16 and 64 connections,
#      DURATION each (requests/s and p99 latency), against the database step 4 filled.
#
# Usage: benches/service_scale.sh [steps]     steps: any of "crash two zip big load" (default all)
# Env:   N (15000), ZIPN (1000), RUNS (3 runs of step 3), SEED (77), DURATION (10s), WORKERS (in-process workers, 2),
#        SCALE_DB=postgres to run steps 3-5 on DATABASE_URL instead of SQLite,
#        WORK (scratch, default /tmp/fincase-scale), BIN (target/release/fincase).
# Needs: a release build (cargo build --release), curl, zip, sqlite3, and for step 5 `wrk`
#        (a dev-time tool: apt-get install -y wrk). `cargo test` itself needs none of them.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-"crash two zip big load"}
N=${N:-15000}
ZIPN=${ZIPN:-1000}
SEED=${SEED:-77}
DURATION=${DURATION:-10s}
WORKERS=${WORKERS:-2}
BIN=${BIN:-target/release/fincase}
WORK=${WORK:-/tmp/fincase-scale}
ADMIN=fc_scale_admin_token_00000000000000000000
mkdir -p "$WORK"
has() { [[ " $STEPS " == *" $1 "* ]]; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
say() { echo "== $*"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"

if has crash; then
  say "crash tests (tests/crash.rs), DATABASE_URL ${DATABASE_URL:+set}${DATABASE_URL:-unset}"
  t0=$(now)
  cargo test --release --test crash -- --nocapture 2>&1 | grep -E "crash|test result|panicked" || true
  echo "crash tests: $(secs "$t0" "$(now)") s"
fi

if has two; then
  if [ -n "${DATABASE_URL:-}" ]; then
    say "two workers, PostgreSQL, ${TWO_N:-2000} filings"
    FINCASE_SCALE_FILINGS=${TWO_N:-2000} cargo test --release --test crash -- --nocapture \
      two_postgres_workers 2>&1 | grep -E "SCALE|generated|test result|panicked" || true
  else
    say "two workers: skipped (DATABASE_URL unset)"
  fi
fi

# Generated filings as one zip of their PDFs (gold JSON left out).
make_zip() { # count -> prints the zip path
  local n=$1 dir="$WORK/fx$1" zip="$WORK/batch$1.zip"
  if [ ! -f "$zip" ]; then
    local t0; t0=$(now)
    "$BIN" fixtures --seed "$SEED" --count "$n" --out "$dir" >/dev/null
    (cd "$dir" && ls | grep '\.pdf$' | zip -q -@ "$zip")
    echo "generated $n filings + zip ($(du -m "$zip" | cut -f1) MiB) in $(secs "$t0" "$(now)") s" >&2
  fi
  echo "$zip"
}

SERVER_PID=""
SCHEMA=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=""
  if [ -n "$SCHEMA" ]; then psql "$DATABASE_URL" -qc "SET client_min_messages = warning; DROP SCHEMA $SCHEMA CASCADE" >/dev/null 2>&1 || true; fi
  SCHEMA=""
}
trap stop_server EXIT

start_server() { # index-dir in-process-workers
  local idx=$1 workers=$2 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  ADDR=127.0.0.1:$port
  printf '[workers]\nin_process = %s\n' "$workers" > "$WORK/fincase.toml"
  local dburl=""
  if [ "${SCALE_DB:-sqlite}" = postgres ]; then
    SCHEMA="fincase_scale_$(date +%s)_$RANDOM"
    psql "$DATABASE_URL" -qc "CREATE SCHEMA $SCHEMA" >/dev/null
    dburl="$DATABASE_URL?options=-c%20search_path%3D$SCHEMA"
  fi
  rm -rf "$idx"
  DATABASE_URL=$dburl FINCASE_ADMIN_TOKEN=$ADMIN RUST_LOG=warn \
    "$BIN" serve --addr "$ADDR" --index "$idx" --config "$WORK/fincase.toml" 2>"$WORK/serve.log" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
  BANK=$(curl -sf -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d '{"org":"bank-scale","role":"bank","label":"scale"}' "http://$ADDR/api/v1/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

upload() { # zip -> prints seconds to the 202 (the batch id: batch_id below)
  local out code
  out=$(curl -s -o "$WORK/accepted.json" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $BANK" -F "files=@$1;type=application/zip" "http://$ADDR/api/v1/batches")
  code=${out% *}
  [ "$code" = 202 ] || { echo "upload answered $code: $(head -c 300 "$WORK/accepted.json")" >&2; exit 1; }
  echo "${out#* }"
}
batch_id() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["batch_id"])' "$WORK/accepted.json"; }

status() { curl -sf -H "Authorization: Bearer $BANK" "http://$ADDR/api/v1/batches/$BATCH?limit=1"; }

if has zip; then
  zip1=$(make_zip "$ZIPN")
  say "$ZIPN-file zip ($(du -m "$zip1" | cut -f1) MiB), $WORKERS in-process workers, ${RUNS:-3} runs on a fresh index"
  for run in $(seq 1 "${RUNS:-3}"); do
    start_server "$WORK/index-zip" "$WORKERS"
    echo "run $run: 202 after $(upload "$zip1") s (load $(cut -d' ' -f1 /proc/loadavg))"
    stop_server
  done
fi

if has big || has load; then
  zipn=$(make_zip "$N")
  say "$N-file zip ($(du -m "$zipn" | cut -f1) MiB), ${SCALE_DB:-sqlite}, $WORKERS in-process workers, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  start_server "$WORK/index-big" "$WORKERS"
  t0=$(now)
  echo "202 after $(upload "$zipn") s"
  t1=$(now)
  BATCH=$(batch_id)
  while ! status | grep -q '"finished":true'; do sleep 2; done
  t2=$(now)
  echo "finished $(secs "$t1" "$t2") s after the 202 ($(python3 -c "print(f'{$N/($t2-$t1):.1f}')") filings/s); upload + processing $(secs "$t0" "$t2") s"
  echo "server peak RSS (VmHWM): $(awk '/VmHWM/{printf "%.0f MiB", $2/1024}' /proc/$SERVER_PID/status), now $(awk '/VmRSS/{printf "%.0f MiB", $2/1024}' /proc/$SERVER_PID/status)"
  status | python3 -c 'import json,sys; v=json.load(sys.stdin); print("counts:", v["counts"], "total:", v["total"])'
  check="SELECT 'filings', COUNT(*), 'processed_count<>1:', SUM(CASE WHEN processed_count <> 1 THEN 1 ELSE 0 END) FROM filings;
         SELECT 'jobs', COUNT(*), 'not done:', SUM(CASE WHEN state <> 'done' THEN 1 ELSE 0 END),
                'claimed twice:', SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END) FROM jobs;"
  if [ -n "$SCHEMA" ]; then
    psql "$DATABASE_URL" -Atc "SET search_path = $SCHEMA; $check" | grep -v '^SET'
  else
    sqlite3 "$WORK/index-big/cases.db" "$check"
  fi
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

  if has load; then
    command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk"; exit 1; }
    filing=$(curl -sf -H "Authorization: Bearer $BANK" "http://$ADDR/api/v1/batches/$BATCH?limit=1&offset=7" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["filings"][0]["filing_id"])')
    for target in "batch status, page of 500:/api/v1/batches/$BATCH" \
                  "batch status, page of 20:/api/v1/batches/$BATCH?limit=20" \
                  "filing:/api/v1/filings/$filing"; do
      for c in 16 64; do
        r=$(wrk -t2 -c"$c" -d"$DURATION" --latency -H "Authorization: Bearer $BANK" "http://$ADDR${target#*:}")
        rps=$(awk '/Requests\/sec/{print $2}' <<<"$r")
        p50=$(awk '$1=="50%"{print $2}' <<<"$r")
        p99=$(awk '$1=="99%"{print $2}' <<<"$r")
        errs=$(grep -E "Non-2xx|Socket errors" <<<"$r" | tr "\n" " " || true)
        printf 'load %-28s c=%-3s %9s req/s  p50 %-8s p99 %-8s %s\n' "${target%%:*}" "$c" "$rps" "$p50" "$p99" "$errs"
      done
    done
  fi
  stop_server
fi
