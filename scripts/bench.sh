#!/usr/bin/env bash
# Performance, measured side by side on fresh embedded clusters (random free
# loopback ports) and printed as one summary table:
#   - Go benchmarks: BenchmarkDecodePlotted, BenchmarkIngest, BenchmarkFrame,
#     BenchmarkConsume, BenchmarkSend (-benchmem)
#   - produce -d 0 --quiet rate; consume --until-end --quiet vs kcat on the
#     same 1,000,000 records, both rates and the ratio, ROUNDS rounds
#   - produce→drawn latency (generator at 2 steps/s) through the dashboard's
#     own consumer, bridge, model and Screen: BenchmarkProduceToDrawn
#   - history on assignment: 2 partitions x 2 minutes at 100 events/s each,
#     and 1,000,000 and 10,000,000 records in one partition's window (every
#     record read), from the assignment to the frame that draws them;
#     BenchmarkHistory, BenchmarkReadRange
#   - rebalance timings of real dashboards in tmux (join, q, kill -9), and
#     of a mixed group: the tutorial's library (librdkafka, through
#     testdata/interop/group_member.py) joining and leaving a dashboard's
#     group
#   - catch-up on one core: 1,000,000 records each of the sensor, seed 003's
#     click (Avro), a Protobuf message and plain JSON, read by franz-go
#     (benchkit raw), consume --until-end --quiet and a new dashboard
#     (--history none), side by side, CATCHUP_ROUNDS rounds (default 3)
#   - idle CPU of a dashboard over 30 s
#   - a dashboard on one core (GOMAXPROCS=1) under 10,000,000 events across
#     1,000 sensors at INGEST_RATE events/s: lag, and RSS (its peak is the
#     kernel's VmHWM)
# SECTIONS="catchup ingest" runs only those parts (go throughput latency
# backfill window rebalance catchup idle ingest; default all); each figure that
# depends on the machine comes with its load average.
# Needs Go, kcat, tmux and python3-confluent-kafka (.ci/run installs them).
# About 6 minutes on 2 cores. Not part of CI: the machine is small and noisy,
# so every figure that is compared is measured in the same run. A figure that
# could not be measured (a step failed, a dashboard did not join or died, a
# flood did not finish) is printed as "NO (not measured: why)", never as met.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
ingest_rate=${INGEST_RATE:-250000}
work=$(mktemp -d)
sock=kafkaplot-bench-$$
pids=()
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '%s\n' "$*" >&2; }
# SECTIONS names the parts to run (default all): go throughput latency
# backfill window rebalance catchup idle ingest; the summary has their rows only.
sections=" ${SECTIONS:-all} "
want() { [[ $sections == *" all "* || $sections == *" $1 "* ]]; }
touch "$work"/{b_decode,b_ui,b_stream,b_fold,latency}.txt
# Figures of the sections not run stay empty (their rows are not printed).
produce_rates=() kp_rates=() kcat_rates=() ratios=() why_throughput="" why_ratio=""
why_rebalance="" why_idle="" why_ingest="" ingest_load="" idle_pct="" idle_consume_pct=""
backfill_load="" window_load="" why_window="" needle_met="" needle_took=""

command -v kcat >/dev/null || { say "kcat is not installed (.ci/run installs it)"; exit 1; }
command -v tmux >/dev/null || { say "tmux is not installed (.ci/run installs it)"; exit 1; }

say "building"
go build -o "$work/kafkaplot" .
go build -o "$work/benchkit" ./tools/benchkit
kp=$work/kafkaplot
bk=$work/benchkit

# start_cluster [TOPIC] starts "kafkaplot cluster" on free ports (with
# TOPIC, default temperature) and sets broker, registry and cluster_pid.
start_cluster() {
  broker=127.0.0.1:$("$bk" port)
  registry=127.0.0.1:$("$bk" port)
  "$kp" cluster --broker "$broker" --registry "$registry" -t "${1:-temperature}" > "$work/cluster.log" 2>&1 &
  cluster_pid=$!
  pids+=("$cluster_pid")
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/${registry%:*}/${registry#*:}") 2>/dev/null && return 0
    sleep 0.1
  done
  say "cluster did not start:"; cat "$work/cluster.log" >&2; exit 1
}
stop_cluster() { [ -n "${cluster_pid:-}" ] || return 0; kill "$cluster_pid" 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true; }
flags() { echo --brokers "$broker" --registry "http://$registry"; }
now_ns() { date +%s%N; }
# load1 prints the machine's load average over the last minute.
load1() { cut -d' ' -f1 /proc/loadavg; }
# value KEY FILE prints the value of a key=value line.
value() { sed -n "s/^$1=//p" "$2" | tail -n1; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# --- Go benchmarks ---------------------------------------------------------
gobench() { # OUT ARGS...: a failed run leaves its metrics missing (not measured)
  local out=$1; shift
  go test -run '^$' -benchmem "$@" >> "$out" 2>&1 || say "go test -bench $* failed: $(tail -n 3 "$out")"
}
if want go; then
  say "go benchmarks"
  gobench "$work/b_decode.txt" -count 5 -bench '^(BenchmarkDecodePlotted|BenchmarkDecodeProtobuf)$' ./schema
  gobench "$work/b_ui.txt" -count 3 -bench '^(BenchmarkIngest|BenchmarkFrame)$' ./ui
  gobench "$work/b_stream.txt" -bench '^BenchmarkConsume$' -benchtime 5x ./stream
  gobench "$work/b_stream.txt" -bench '^BenchmarkSend$' ./stream
  gobench "$work/b_stream.txt" -bench '^(BenchmarkHistory|BenchmarkReadRange)$' -benchtime 3x ./stream
  gobench "$work/b_fold.txt" -bench '^BenchmarkFoldMemory$' -benchtime 1x ./ui/chart
fi

# metric FILE BENCH UNIT prints the value before UNIT on BENCH's line.
metric() { awk -v b="$2" -v u="$3" '$1 ~ "^"b"(-[0-9]+)?$" {for (i=2;i<=NF;i++) if ($i==u) print $(i-1)}' "$1" | head -n1; }
# minmetric FILE BENCH UNIT prints the least value before UNIT on BENCH's lines.
minmetric() { awk -v b="$2" -v u="$3" '$1 ~ "^"b"(-[0-9]+)?$" {for (i=2;i<=NF;i++) if ($i==u) print $(i-1)}' "$1" | sort -g | head -n1; }
# The plotted-field rows read the benchmark's own CPU time (cpu-ns/op), which
# other processes on the machine do not inflate, the least of 5 runs.
decode_ns=$(minmetric "$work/b_decode.txt" BenchmarkDecodePlotted/sensor cpu-ns/op)
decode_allocs=$(metric "$work/b_decode.txt" BenchmarkDecodePlotted/sensor allocs/op)
click_ns=$(minmetric "$work/b_decode.txt" BenchmarkDecodePlotted/click cpu-ns/op)
click_allocs=$(metric "$work/b_decode.txt" BenchmarkDecodePlotted/click allocs/op)
proto_ns=$(minmetric "$work/b_decode.txt" BenchmarkDecodePlotted/protobuf cpu-ns/op)
proto_allocs=$(metric "$work/b_decode.txt" BenchmarkDecodePlotted/protobuf allocs/op)
json_ns=$(minmetric "$work/b_decode.txt" BenchmarkDecodePlotted/json-benchkit cpu-ns/op)
json_allocs=$(metric "$work/b_decode.txt" BenchmarkDecodePlotted/json-benchkit allocs/op)
proto_generic_ns=$(metric "$work/b_decode.txt" BenchmarkDecodeProtobuf/generic ns/op)
ingest_ns=$(minmetric "$work/b_ui.txt" BenchmarkIngest ns/op)
frame_ns=$(minmetric "$work/b_ui.txt" BenchmarkFrame ns/op)
consume_ns=$(metric "$work/b_stream.txt" BenchmarkConsume ns/record)
send_ns=$(metric "$work/b_stream.txt" BenchmarkSend ns/op)
history_ms=$(metric "$work/b_stream.txt" BenchmarkHistory ms/history)
range_ms=$(metric "$work/b_stream.txt" BenchmarkReadRange/whole ms/range)
range_sliced_ms=$(metric "$work/b_stream.txt" BenchmarkReadRange/a_tenth_in_slices ms/range)
fold_full=$(metric "$work/b_fold.txt" BenchmarkFoldMemory MiB-at-15m)
fold_end=$(metric "$work/b_fold.txt" BenchmarkFoldMemory MiB-at-30m)

# --- produce, and consume vs kcat --------------------------------------------
if want throughput; then
  for r in $(seq "$rounds"); do
    say "throughput round $r/$rounds"
    start_cluster
    # shellcheck disable=SC2046
    if ! "$kp" produce -e 125000 -d 0 --quiet $(flags) > "$work/produce.out" 2>&1 ||
      ! grep -q '^produced 1000000 events (0 failed)' "$work/produce.out"; then
      why_throughput="round $r: produce did not deliver 1000000 events: $(tail -n 1 "$work/produce.out")"
      say "  $why_throughput"; stop_cluster; continue
    fi
    produce_rates+=("$(sed -n 's/^produced .* \([0-9]*\) events\/s$/\1/p' "$work/produce.out")")
    # Alternate who goes first; each reads the whole topic from the beginning.
    for who in $( [ $((r % 2)) -eq 1 ] && echo "kp kcat" || echo "kcat kp"); do
      t0=$(now_ns)
      if [ "$who" = kp ]; then
        ok=true
        # shellcheck disable=SC2046
        "$kp" consume --until-end --quiet --group "bench-$r" $(flags) > "$work/consume.out" 2>&1 || ok=false
        grep -q '^consumed 1000000 records (0 errors)' "$work/consume.out" || ok=false
      else
        ok=true
        kcat -C -e -q -o beginning -b "$broker" -t temperature > /dev/null || ok=false
      fi
      t1=$(now_ns)
      rate=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 1e6 / ((b - a) / 1e9)}')
      $ok || rate="" why_ratio="round $r: $who did not read 1000000 records"
      if [ "$who" = kp ]; then kp_rate=$rate; else kcat_rate=$rate; fi
    done
    # kcat read all of it (not timed: its default output has no separator).
    n=$(kcat -C -e -q -o beginning -b "$broker" -t temperature -f '%o\n' | wc -l || true)
    if [ "$n" -ne 1000000 ]; then kcat_rate="" why_ratio="round $r: kcat read $n records, want 1000000"; fi
    if [ -z "$kp_rate" ] || [ -z "$kcat_rate" ]; then say "  $why_ratio"; stop_cluster; continue; fi
    kp_rates+=("$kp_rate"); kcat_rates+=("$kcat_rate")
    ratios+=("$(awk -v a="$kp_rate" -v b="$kcat_rate" 'BEGIN {printf "%.2f", a / b}')")
    say "  produce ${produce_rates[-1]}/s, kafkaplot consume $kp_rate/s, kcat $kcat_rate/s, ratio ${ratios[-1]}"
    stop_cluster
  done
fi

# A failed round leaves its figure out; the row then says why it is not measured.
produce_rate=$(printf '%s\n' "${produce_rates[@]}" | median)
kp_rate=$(printf '%s\n' "${kp_rates[@]}" | median)
kcat_rate=$(printf '%s\n' "${kcat_rates[@]}" | median)
ratio=$(printf '%s\n' "${ratios[@]}" | median)
ratio_min=$(printf '%s\n' "${ratios[@]}" | sort -g | head -n1)
[ -z "$why_throughput" ] || produce_rate=""
[ -z "$why_throughput$why_ratio" ] || ratio_min=""

# --- latency -----------------------------------------------------------------
if want latency; then
  say "latency: 30 s at 2 steps/s through the dashboard's bridge (BenchmarkProduceToDrawn)"
  # -short: the root package's end-to-end tests (and their binary) are not needed.
  gobench "$work/latency.txt" -short -bench '^BenchmarkProduceToDrawn$' -benchtime 60x ./internal/dashboard
fi

# --- history on assignment --------------------------------------------------------
if want backfill; then
  say "backfill: 2 partitions x 2 min at 100 events/s; 1,000,000 and 10,000,000 records in one partition's window"
  start_cluster
  # shellcheck disable=SC2046
  "$bk" backfill $(flags) --records 12000 --prefix backfill > "$work/backfill.out" 2> "$work/backfill.log" ||
    why_backfill="benchkit backfill failed: $(tail -n 1 "$work/backfill.log")"
  stop_cluster
  start_cluster
  # shellcheck disable=SC2046
  "$bk" backfill $(flags) --records 1000000 --partition 0 --batch 64 --prefix backfill_1m >> "$work/backfill.out" 2> "$work/backfill.log" ||
    why_backfill_1m="benchkit backfill failed: $(tail -n 1 "$work/backfill.log")"
  backfill_load="1M at load $(load1)"
  stop_cluster
  start_cluster
  # shellcheck disable=SC2046
  "$bk" backfill $(flags) --records 10000000 --partition 0 --batch 1024 --span 10m --prefix backfill_10m >> "$work/backfill.out" 2> "$work/backfill.log" ||
    why_backfill_10m="benchkit backfill failed: $(tail -n 1 "$work/backfill.log")"
  backfill_load+=", 10M at load $(load1)"
  stop_cluster
  # The same 1,000,000 through the dashboard's own bridge, model and Screen.
  KAFKAPLOT_BENCH_HISTORY_RECORDS=1000000 gobench "$work/b_history.txt" -bench '^BenchmarkHistoryDrawn$' -benchtime 3x ./internal/dashboard
  backfill_load+=", bridge 1M at load $(load1)"
  KAFKAPLOT_BENCH_HISTORY_RECORDS=10000000 gobench "$work/b_history10m.txt" -bench '^BenchmarkHistoryDrawn$' -benchtime 1x ./internal/dashboard
  backfill_load+=", bridge 10M at load $(load1)"
fi

# --- windows: memory of a 15 m window, a window of the past drawn ----------------
# A dashboard (--window 15m) holding 1,000 series at 10,000 events/s in all:
# 13,500,000 events stamped 10,000 per second of event time up to now (22.5
# minutes of it), sent as fast as they go, so that the window is full after
# 9,000,000 and half a window later at the end; its RSS at both. Then a
# window of 1,000,000 records 90 minutes back read outside the group and
# drawn (BenchmarkPastDrawn), as ← or @ there does.
window_events=13500000 window_full=9000000
if want window; then
  say "window: a 15 m window of 1,000 series at 10,000 events/s (13,500,000 events), RSS; 1,000,000 records of the past drawn"
  start_cluster
  tmux -L "$sock" new-session -d -s window -x 200 -y 50 \
    "exec env TERM=xterm-256color $kp $(flags) --group window --from latest --window 15m --log $work/window.log" 2>/dev/null || true
  window_pid=""
  for _ in $(seq 200); do
    if tmux -L "$sock" capture-pane -p -t window 2>/dev/null | grep -q 'owns \[0,1\]'; then
      window_pid=$(tmux -L "$sock" list-panes -t window -F '#{pane_pid}'); break
    fi
    sleep 0.1
  done
  if [ -z "$window_pid" ]; then
    why_window="the dashboard did not own both partitions within 20 s"
  else
    # shellcheck disable=SC2046
    "$bk" flood $(flags) --events "$window_events" --sensors 1000 --stamp-rate 10000 > "$work/window_flood.out" 2> "$work/window_flood.log" &
    flood_pid=$!
    pids+=("$flood_pid")
    "$bk" lag --brokers "$broker" --group window --pid "$window_pid" --interval 1s --until-end --min-high "$window_events" \
      --rss-at "$window_full" --duration 300s --prefix window > "$work/window.out" 2> "$work/window_lag.log" ||
      why_window="sampling the dashboard failed (did it exit?): $(tail -n 1 "$work/window_lag.log")"
    wait "$flood_pid" || why_window="the flood failed: $(tail -n 1 "$work/window_flood.log")"
    tmux -L "$sock" send-keys -t window q
  fi
  window_load="at load $(load1)"
  stop_cluster
  KAFKAPLOT_BENCH_PAST_RECORDS=1000000 gobench "$work/b_past.txt" -bench '^BenchmarkPastDrawn$' -benchtime 3x ./internal/dashboard
  window_load+=", past at load $(load1)"
  # The acceptance's needle, full size: one 5,000 among 1,000,000 records
  # of 10-30 written by franz-go, in a dashboard's 5 m window (its CI run
  # writes 50,000). The e2e binary is built with -race.
  say "needle: one 5,000 among 1,000,000 records in a 5 m window (e2e TestNeedleInHistory, -race)"
  if KAFKAPLOT_E2E_NEEDLE_RECORDS=1000000 go test -race -count=1 -v -run '^TestNeedleInHistory$' ./e2e > "$work/needle.out" 2>&1; then
    needle_met=yes
  else
    needle_met="NO ($(grep -m1 -E 'timed out|Error|FAIL' "$work/needle.out" | cut -c1-80))"
  fi
  needle_took=$(sed -n 's/.*needle drawn \([0-9.]*[a-z]*\) after the start.*/\1/p' "$work/needle.out" | head -n1)
  window_load+=", needle at load $(load1)"
fi

# --- rebalance -----------------------------------------------------------------
if want rebalance; then
  say "rebalance: 3 rounds of join, q, join, kill -9; then librdkafka joins and leaves, 3 rounds"
  "$bk" rebalance --bin "$kp" --rounds 3 --dir "$work" --librdkafka testdata/interop/group_member.py > "$work/rebalance.out" 2> "$work/rebalance.log" ||
    why_rebalance="benchkit rebalance failed: $(tail -n 1 "$work/rebalance.log")"
fi

# --- catch-up on one core beside franz-go's raw read -------------------------------
# For each record kind, 1,000,000 records in a fresh cluster, read from the
# start by three programs on one core each (GOMAXPROCS=1), CATCHUP_ROUNDS
# rounds in turn, who goes first rotating: franz-go (benchkit raw: a kgo
# PollFetches loop counting records), consume --until-end --quiet, and a
# dashboard in a new group with --history none until the group has
# committed everything (sampled every 50 ms). Rates are wall-clock,
# records/s, from starting the program; each ratio is to franz-go's rate of
# the same round, and the row gives the median ratio of the rounds with the
# machine's load average (1 min) while they ran: the machine is shared.
# The click dashboard names series by creative_id: the clicks are keyed by
# their own id, which would make a line per click.
catchup_n=${CATCHUP_RECORDS:-1000000}
catchup_rounds=${CATCHUP_ROUNDS:-3}
declare -A cu_raw cu_consume cu_dash cu_rc cu_rd cu_load cu_rss cu_why
rate_of() { awk -v a="$1" -v b="$2" -v n="$catchup_n" 'BEGIN {printf "%.0f", n / ((b - a) / 1e9)}'; }
# catchup_one KIND ROUND WHO measures one program; it appends its rate to
# cu_raw, cu_consume or cu_dash[KIND] and sets cu_why[KIND] if it failed.
catchup_one() {
  local kind=$1 r=$2 who=$3 topic=bench-$1 t0 t1 series="" pid=""
  cu_load[$kind]+="$(load1) "
  t0=$(now_ns)
  case $who in
  raw)
    if GOMAXPROCS=1 "$bk" raw --brokers "$broker" --topic "$topic" --records "$catchup_n" > "$work/cu_raw.out" 2>&1; then
      cu_raw[$kind]+="$(rate_of "$t0" "$(now_ns)") "
    else
      cu_why[$kind]="round $r: raw read failed: $(tail -n 1 "$work/cu_raw.out")"
    fi ;;
  consume)
    # shellcheck disable=SC2046
    GOMAXPROCS=1 "$kp" consume --until-end --quiet --group "cu-$kind-$r" -t "$topic" $(flags) > "$work/cu_consume.out" 2>&1
    t1=$(now_ns)
    if grep -q "^consumed $catchup_n records (0 errors)" "$work/cu_consume.out"; then
      cu_consume[$kind]+="$(rate_of "$t0" "$t1") "
    else
      cu_why[$kind]="round $r: consume: $(tail -n 1 "$work/cu_consume.out")"
    fi ;;
  dash)
    [ "$kind" = click ] && series="--series creative_id"
    tmux -L "$sock" new-session -d -s "cu-$kind-$r" -x 200 -y 50 \
      "exec env GOMAXPROCS=1 TERM=xterm-256color $kp $(flags) -t $topic --group cu-dash-$kind-$r --from earliest --history none $series --log $work/cu-$kind.log" 2>/dev/null
    for _ in $(seq 100); do
      pid=$(tmux -L "$sock" list-panes -t "cu-$kind-$r" -F '#{pane_pid}' 2>/dev/null || true)
      [ -n "$pid" ] && break
      sleep 0.01
    done
    if [ -n "$pid" ] && "$bk" lag --brokers "$broker" --topic "$topic" --group "cu-dash-$kind-$r" --pid "$pid" --interval 50ms --until-end \
      --min-high "$catchup_n" --duration 300s --prefix cu > "$work/cu_lag.out" 2> "$work/cu_lag.log"; then
      cu_dash[$kind]+="$(rate_of "$t0" "$(now_ns)") "
      cu_rss[$kind]+="$(value cu_rss_max_kb "$work/cu_lag.out") "
    else
      cu_why[$kind]="round $r: the dashboard did not catch up within 300 s: $(tail -n 1 "$work/cu_lag.log")"
    fi
    tmux -L "$sock" send-keys -t "cu-$kind-$r" q 2>/dev/null || true
    sleep 0.5
    tmux -L "$sock" kill-session -t "cu-$kind-$r" 2>/dev/null || true ;;
  esac
}
# nth N LIST prints the N-th word (1-based) of LIST.
nth() { awk -v n="$1" '{print $n}' <<< "$2"; }
# ratios A B prints A[i]/B[i] for the words of A and B.
ratios() { paste <(tr ' ' '\n' <<< "$1" | sed '/^$/d') <(tr ' ' '\n' <<< "$2" | sed '/^$/d') | awk '$2 > 0 {printf "%s%.2f", (NR > 1 ? " " : ""), $1 / $2}'; }
if want catchup; then
  for kind in sensor click protobuf json; do
    say "catch-up: $catchup_n $kind records on one core, $catchup_rounds rounds: franz-go raw, consume --quiet, dashboard"
    start_cluster "bench-$kind"
    # shellcheck disable=SC2046
    if ! "$bk" flood $(flags) --topic "bench-$kind" --kind "$kind" --events "$catchup_n" > "$work/cu_flood.out" 2>&1; then
      cu_why[$kind]="flood failed: $(tail -n 1 "$work/cu_flood.out")"; stop_cluster; continue
    fi
    for r in $(seq "$catchup_rounds"); do
      case $((r % 3)) in
      1) order="raw consume dash" ;;
      2) order="consume dash raw" ;;
      *) order="dash raw consume" ;;
      esac
      for who in $order; do catchup_one "$kind" "$r" "$who"; done
      say "  round $r (load $(load1)): raw $(nth "$r" "${cu_raw[$kind]:-}")/s, consume $(nth "$r" "${cu_consume[$kind]:-}")/s, dashboard $(nth "$r" "${cu_dash[$kind]:-}")/s"
    done
    if [ -z "${cu_why[$kind]:-}" ]; then
      cu_rc[$kind]=$(ratios "${cu_consume[$kind]}" "${cu_raw[$kind]}")
      cu_rd[$kind]=$(ratios "${cu_dash[$kind]}" "${cu_raw[$kind]}")
    fi
    stop_cluster
  done
fi

# --- idle CPU, then ingest and memory on one core --------------------------------
if want idle || want ingest; then start_cluster; fi
# dashboard NAME ENV starts a dashboard in tmux and prints its pid once it
# owns both partitions; it fails if that does not happen within 20 s.
dashboard() {
  tmux -L "$sock" new-window -d -t bench -n "$1" \
    "exec env $2 TERM=xterm-256color $kp $(flags) --group $1 --from latest --log $work/$1.log" 2>/dev/null ||
    tmux -L "$sock" new-session -d -s bench -n "$1" -x 200 -y 50 \
      "exec env $2 TERM=xterm-256color $kp $(flags) --group $1 --from latest --log $work/$1.log"
  for _ in $(seq 200); do
    if tmux -L "$sock" capture-pane -p -t "bench:$1" 2>/dev/null | grep -q 'owns \[0,1\]'; then
      tmux -L "$sock" list-panes -t "bench:$1" -F '#{pane_pid}'
      return 0
    fi
    sleep 0.1
  done
  return 1
}
# ticks PID prints the process's CPU ticks (user + system); it fails once
# the process is gone.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
pct() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", 100 * t / hz / 30}'; }

if want idle; then
  say "idle CPU: a dashboard and a headless consumer, 30 s"
  idle_pct="" idle_consume_pct="" why_idle=""
  # shellcheck disable=SC2046
  "$kp" consume --group idle-consume --from latest $(flags) > /dev/null 2>&1 &
  consume_pid=$!
  pids+=("$consume_pid")
  if idle_pid=$(dashboard idle ""); then
    sleep 3
    d0=$(ticks "$idle_pid" || true) c0=$(ticks "$consume_pid" || true)
    sleep 30
    d1=$(ticks "$idle_pid" || true) c1=$(ticks "$consume_pid" || true)
    if [ -z "$d0" ] || [ -z "$d1" ]; then
      why_idle="the dashboard exited during the 30 s"
    else
      idle_pct=$(pct $((d1 - d0)))
    fi
    if [ -n "$c0" ] && [ -n "$c1" ]; then idle_consume_pct=$(pct $((c1 - c0))); else idle_consume_pct="not measured: it exited"; fi
    tmux -L "$sock" send-keys -t bench:idle q
  else
    why_idle="the dashboard did not own both partitions within 20 s"
  fi
  kill -INT "$consume_pid" 2>/dev/null || true
  wait "$consume_pid" 2>/dev/null || true
fi

if want ingest; then
  say "ingest: 10,000,000 events across 1,000 sensors at $ingest_rate/s into a dashboard on one core"
  why_ingest=""
  if ingest_pid=$(dashboard ingest GOMAXPROCS=1); then
    secs=$(awk -v r="$ingest_rate" 'BEGIN {printf "%d", 1e7 / r + 4}')
    # shellcheck disable=SC2046
    "$bk" flood $(flags) --events 10000000 --sensors 1000 --rate "$ingest_rate" > "$work/flood.out" 2> "$work/flood.log" &
    flood_pid=$!
    pids+=("$flood_pid")
    # Sampled until the dashboard has committed all 10,000,000 (then its
    # RSS is the RSS after them), at most 60 s past the flood's planned end.
    "$bk" lag --brokers "$broker" --group ingest --pid "$ingest_pid" --interval 2s --until-end --min-high 10000000 \
      --duration "$((secs + 60))s" --prefix ingest > "$work/ingest.out" 2> "$work/ingest.log" ||
      why_ingest="sampling the dashboard failed (did it exit?): $(tail -n 1 "$work/ingest.log")"
    wait "$flood_pid" || why_ingest="the flood failed: $(tail -n 1 "$work/flood.log")"
    tmux -L "$sock" send-keys -t bench:ingest q
  else
    why_ingest="the dashboard did not own both partitions within 20 s"
  fi
  ingest_load=$(load1)
fi
stop_cluster

# --- summary ---------------------------------------------------------------------
R=$work/rebalance.out I=$work/ingest.out F=$work/flood.out B=$work/backfill.out
touch "$R" "$I" "$F" "$B"
# check VALUE OP TARGET WHY prints "yes" or "NO" for a number, and
# "NO (not measured: WHY)" for anything else (an empty or broken figure).
check() {
  [[ $1 =~ ^-?[0-9]+([.][0-9]+)?$ ]] || { echo "NO (not measured: $4)"; return; }
  awk -v v="$1" -v t="$3" "BEGIN {print (v + 0 $2 t + 0) ? \"yes\" : \"NO\"}"
}
# all RESULT... prints the first result that is not "yes", else "yes".
all() { for r in "$@"; do [ "$r" = yes ] || { echo "$r"; return; }; done; echo yes; }
# measured VALUE WHY prints "" for a number (a row without a target),
# else "NO (not measured: WHY)".
measured() { [[ $1 =~ ^-?[0-9]+([.][0-9]+)?$ ]] && echo "" || echo "NO (not measured: $2)"; }
ms() { awk -v n="$1" 'BEGIN {printf "%.3f", n / 1e6}'; }
mib() { [[ $1 =~ ^[0-9]+$ ]] && echo $(($1 / 1024)) || echo "?"; }
row() { printf '%-46s %-40s %-50s %s\n' "$@"; }
nobench="no result line in the go test -bench output"
lat50=$(metric "$work/latency.txt" BenchmarkProduceToDrawn p50-ms) lat99=$(metric "$work/latency.txt" BenchmarkProduceToDrawn p99-ms)
lat_n=$(metric "$work/latency.txt" BenchmarkProduceToDrawn drawn-events) lat_lost=$(metric "$work/latency.txt" BenchmarkProduceToDrawn lost-events)
why_rb=${why_rebalance:-"no such figure in benchkit rebalance's output"}
join=$(value rebalance_join_max_ms "$R") quit=$(value rebalance_quit_max_ms "$R") kill9=$(value rebalance_kill_max_ms "$R")
mjoin=$(value rebalance_mixed_join_max_ms "$R") mleave=$(value rebalance_mixed_leave_max_ms "$R")
flood_events=$(value flood_events "$F")
lag_last=$(value ingest_lag_last "$I") lag_max=$(value ingest_lag_max "$I")
rss_end=$(value ingest_rss_end_kb "$I") rss_half=$(value ingest_rss_half_kb "$I") rss_max=$(value ingest_rss_max_kb "$I")
flood_rate=$(value flood_rate "$F")
# The flood must reach 90% of its planned rate, or the dashboard was not
# tested at INGEST_RATE (a slow producer looks like a keeping-up dashboard).
flood_met=$(check "$flood_rate" ">=" "$(awk -v r="$ingest_rate" 'BEGIN {print 0.9 * r}')" "${why_ingest:-no flood_rate in the output of benchkit flood}")
# The RSS counts only for a dashboard that consumed all 10,000,000 events
# of a finished flood (it is then the RSS after them), whatever the flood's
# rate; the lag figures also need the flood to have kept its rate.
if [ -z "$why_ingest" ] && [ "$flood_events" != 10000000 ]; then why_ingest="the flood sent ${flood_events:-no} events, not 10000000"; fi
if [ -z "$why_ingest" ] && [ "$lag_last" != 0 ]; then why_ingest="the dashboard had not consumed all 10,000,000 events within 60 s of the flood's end (lag ${lag_last:-?})"; fi
why_rss=$why_ingest
if [ -z "$why_ingest" ] && [ "$flood_met" != yes ]; then why_ingest="the flood reached ${flood_rate:-an unreported number of} events/s, not 90% of the planned $ingest_rate"; fi
if [ -n "$why_ingest" ]; then lag_last="" lag_max=""; fi
if [ -n "$why_rss" ]; then rss_end="" rss_max=""; fi
echo
row "measure" "target" "result" "met"
if want throughput; then
  row "consume --until-end vs kcat, 1,000,000 records" ">= 1.0x kcat (every round)" "${ratio:-?}x (min ${ratio_min:-?}x): ${kp_rate:-?}/s vs ${kcat_rate:-?}/s" "$(check "$ratio_min" ">=" 1 "${why_ratio:-${why_throughput:-no round finished}}")"
  row "produce -e 125000 -d 0 --quiet" ">= 200,000/s" "${produce_rate:-?} events/s" "$(check "$produce_rate" ">=" 200000 "${why_throughput:-no round finished}")"
fi
if want go; then
  row "plotted fields: sensor (Avro, 3 fields)" "<= 60 ns, 0 alloc" "${decode_ns:-?} cpu-ns/op, ${decode_allocs:-?} allocs/op" "$(all "$(check "$decode_ns" "<=" 60 "$nobench")" "$(check "$decode_allocs" "==" 0 "$nobench")")"
  row "plotted fields: click (Avro, 9 fields)" "<= 100 ns, 0 alloc" "${click_ns:-?} cpu-ns/op, ${click_allocs:-?} allocs/op" "$(all "$(check "$click_ns" "<=" 100 "$nobench")" "$(check "$click_allocs" "==" 0 "$nobench")")"
  row "plotted fields: sensor (Protobuf)" "<= 500 ns, 0 alloc" "${proto_ns:-?} cpu-ns/op, ${proto_allocs:-?} allocs/op (dynamicpb ${proto_generic_ns:-?} ns/op)" "$(all "$(check "$proto_ns" "<=" 500 "$nobench")" "$(check "$proto_allocs" "==" 0 "$nobench")")"
  row "plotted fields: the catch-up's plain JSON record" "0 alloc" "${json_ns:-?} cpu-ns/op, ${json_allocs:-?} allocs/op" "$(check "$json_allocs" "==" 0 "$nobench")"
  row "BenchmarkFrame (2x8x2048 points at 200x50)" "<= 2 ms" "$( [ -n "$frame_ns" ] && ms "$frame_ns" || echo "?") ms/op" "$(check "$frame_ns" "<=" 2000000 "$nobench")"
  row "BenchmarkIngest" "" "${ingest_ns:-?} ns/event" "$(measured "$ingest_ns" "$nobench")"
  row "BenchmarkConsume (in-process kfake)" "" "${consume_ns:-?} ns/record" "$(measured "$consume_ns" "$nobench")"
  row "BenchmarkSend (in-process kfake)" "" "${send_ns:-?} ns/event" "$(measured "$send_ns" "$nobench")"
  # (the history row is measured only when all of its figures are numbers)
  row "BenchmarkHistory, BenchmarkReadRange (kfake)" "" "200,000 whole ${history_ms:-?} ms; range of 400,000 ${range_ms:-?} ms, in slices ${range_sliced_ms:-?} ms" "$(measured "${history_ms:+${range_ms:+$range_sliced_ms}}" "$nobench")"
  row "BenchmarkFoldMemory: 1,000 series, 10,000/s, 15m" "flat (30 m <= 1.05x 15 m)" "${fold_full:-?} MiB once the window is full, ${fold_end:-?} MiB 15 m later" "$(check "$( [ -n "$fold_full" ] && [ -n "$fold_end" ] && awk -v a="$fold_end" -v b="$fold_full" 'BEGIN {print a / b}')" "<=" 1.05 "$nobench")"
fi
if want backfill; then
  bf=$(value backfill_ms "$B") bf1m=$(value backfill_1m_ms "$B") bf10m=$(value backfill_10m_ms "$B") nobackfill="no such figure in the output of benchkit backfill"
  # drawn RECORDS PREFIX: "yes" when the history drew every record it holds.
  drawn() { [ "$(value "$2_drawn" "$B")" = "$1" ] && echo yes || echo "NO ($(value "$2_drawn" "$B") of $1 records drawn)"; }
  row "history: 2 partitions x 2 min at 100/s each" "<= 500 ms" "${bf:-?} ms assignment->drawn ($(value backfill_drawn "$B") of $(value backfill_records "$B") records, $(value backfill_read "$B"))" "$(check "$bf" "<=" 500 "${why_backfill:-$nobackfill}")"
  row "history: 1,000,000 records in the window" "<= 1 s, every record" "${bf1m:-?} ms assignment->drawn ($(value backfill_1m_drawn "$B") drawn, $(value backfill_1m_read "$B"))" "$(all "$(check "$bf1m" "<=" 1000 "${why_backfill_1m:-$nobackfill}")" "$(drawn 1000000 backfill_1m)")"
  row "history: 10,000,000 records in the window" "<= 5 s, every record" "${bf10m:-?} ms assignment->drawn ($(value backfill_10m_drawn "$B") drawn, $(value backfill_10m_read "$B"))" "$(all "$(check "$bf10m" "<=" 5000 "${why_backfill_10m:-$nobackfill}")" "$(drawn 10000000 backfill_10m)")"
  hd=$(metric "$work/b_history.txt" BenchmarkHistoryDrawn ms/history) hd_cpu=$(metric "$work/b_history.txt" BenchmarkHistoryDrawn cpu-ms/history)
  hd_n=$(metric "$work/b_history.txt" BenchmarkHistoryDrawn events)
  row "history 1,000,000 via the bridge (HistoryDrawn)" "<= 1 s, every record" "${hd:-?} ms (CPU ${hd_cpu:-?} ms, broker in process; ${hd_n:-?} drawn)" "$(all "$(check "$hd" "<=" 1000 "$nobench")" "$(check "$hd_n" "==" 1000000 "$nobench")")"
  hd10=$(metric "$work/b_history10m.txt" BenchmarkHistoryDrawn ms/history) hd10_cpu=$(metric "$work/b_history10m.txt" BenchmarkHistoryDrawn cpu-ms/history)
  hd10_n=$(metric "$work/b_history10m.txt" BenchmarkHistoryDrawn events)
  row "history 10,000,000 via the bridge (HistoryDrawn)" "<= 5 s, every record" "${hd10:-?} ms (CPU ${hd10_cpu:-?} ms, broker in process; ${hd10_n:-?} drawn)" "$(all "$(check "$hd10" "<=" 5000 "$nobench")" "$(check "$hd10_n" "==" 10000000 "$nobench")")"
  echo "  (history rows: ${backfill_load:-load not taken})"
fi
if want ingest; then
  row "flood into the dashboard (benchkit flood)" ">= 90% of ${ingest_rate} events/s" "${flood_rate:-?} events/s (${flood_events:-?} events)" "$flood_met"
  row "dashboard on 1 core at ${ingest_rate} events/s" "lag back to 0, max <= 1 s of events" "lag last ${lag_last:-?}, max ${lag_max:-?}; $(value ingest_rate "$I")/s consumed, load ${ingest_load:-?}" "$(all "$(check "$lag_last" "==" 0 "$why_ingest")" "$(check "$lag_max" "<=" "$ingest_rate" "$why_ingest")")"
fi
if want catchup; then
  for kind in sensor click protobuf json; do
    why=${cu_why[$kind]:-} rc=${cu_rc[$kind]:-} rd=${cu_rd[$kind]:-}
    mrc=$(tr ' ' '\n' <<< "$rc" | sed '/^$/d' | median) mrd=$(tr ' ' '\n' <<< "$rd" | sed '/^$/d' | median)
    mraw=$(tr ' ' '\n' <<< "${cu_raw[$kind]:-}" | sed '/^$/d' | median)
    mcon=$(tr ' ' '\n' <<< "${cu_consume[$kind]:-}" | sed '/^$/d' | median)
    mdash=$(tr ' ' '\n' <<< "${cu_dash[$kind]:-}" | sed '/^$/d' | median)
    loads=$(tr ' ' '\n' <<< "${cu_load[$kind]:-}" | sed '/^$/d' | sort -g | sed -n '1p;$p' | paste -sd- -)
    peak=$(tr ' ' '\n' <<< "${cu_rss[$kind]:-}" | sed '/^$/d' | sort -g | tail -n1)
    row "catch-up $kind: consume --quiet vs franz-go raw" ">= 0.7x (one core each, median)" "${mrc:-?}x (rounds ${rc:-?}): ${mcon:-?}/s vs ${mraw:-?}/s, load ${loads:-?}" "$(check "$mrc" ">=" 0.7 "${why:-a rate is missing}")"
    row "catch-up $kind: dashboard vs franz-go raw" ">= 0.5x (one core each, median)" "${mrd:-?}x (rounds ${rd:-?}): ${mdash:-?}/s, RSS peak $(mib "$peak") MiB" "$(check "$mrd" ">=" 0.5 "${why:-a rate is missing}")"
  done
fi
if want window; then
  W=$work/window.out
  touch "$W"
  w_full=$(value window_rss_at_kb "$W") w_end=$(value window_rss_end_kb "$W") w_max=$(value window_rss_max_kb "$W")
  w_sent=$(value flood_events "$work/window_flood.out" 2>/dev/null || true) w_lag=$(value window_lag_last "$W")
  if [ -z "$why_window" ] && [ "$w_sent" != "$window_events" ]; then why_window="the flood sent ${w_sent:-no} events, not $window_events"; fi
  if [ -z "$why_window" ] && [ "$w_lag" != 0 ]; then why_window="the dashboard had not consumed all $window_events events within 300 s (lag ${w_lag:-?})"; fi
  if [ -z "$why_window" ] && [ -z "$w_full" ]; then why_window="no RSS sample after $window_full events"; fi
  w_grown=""
  [ -z "$why_window" ] && w_grown=$(awk -v e="$w_end" -v h="$w_full" 'BEGIN {printf "%.2f", e / h}')
  row "dashboard, 15m window, 1,000 series, 10,000/s" "flat (RSS 1.5 windows <= 1.1x full)" "$(mib "$w_full") MiB when full, $(mib "$w_end") MiB half a window later (peak $(mib "$w_max"))" "$(check "$w_grown" "<=" 1.1 "${why_window:-no such figure in the output of benchkit lag}")"
  pd=$(metric "$work/b_past.txt" BenchmarkPastDrawn ms/range) pd_n=$(metric "$work/b_past.txt" BenchmarkPastDrawn events)
  row "window of the past (outside memory), 1M records" "<= 1 s, every record" "${pd:-?} ms start->drawn (${pd_n:-?} drawn; BenchmarkPastDrawn)" "$(all "$(check "$pd" "<=" 1000 "$nobench")" "$(check "$pd_n" "==" 1000000 "$nobench")")"
  row "needle 5,000 in 1,000,000 records, 5m window" "max 5000 in the legend" "drawn ${needle_took:-?} after the start (-race binary)" "${needle_met:-NO (not measured: the e2e test did not run)}"
  echo "  (window rows: ${window_load:-load not taken})"
fi
if want ingest; then
  # The flood's 40 s of events fill a third of the 2 m window: its RSS
  # grows from halfway to the end by the buckets of the event time it adds
  # (a pixel column each, per line), not per event. Flat once the window is
  # full is the window row's check (a 15 m window of 1,000 series).
  row "RSS after 10,000,000 events, 1,000 sensors" "<= 64 MiB at its peak" "$(mib "$rss_end") MiB (halfway $(mib "$rss_half"), peak $(mib "$rss_max")), load ${ingest_load:-?}" "$(check "$rss_max" "<=" 65536 "$why_rss")"
fi
if want idle; then
  row "idle dashboard, 30 s" "<= 1% of a core" "${idle_pct:-?}% (headless consume: ${idle_consume_pct:-?}%)" "$(all "$(check "$idle_pct" ">=" 0 "$why_idle")" "$(check "$idle_pct" "<=" 1 "$why_idle")")"
fi
if want latency; then
  row "latency produce->drawn, 2 steps/s, p50/p99" "p99 <= 100 ms, no event lost" "${lat50:-?} / ${lat99:-?} ms (${lat_n:-?} events, ${lat_lost:-?} lost)" "$(all "$(check "$lat99" "<=" 100 "$nobench")" "$(check "$lat_lost" "==" 0 "$nobench")")"
fi
if want rebalance; then
  row "rebalance: second joins -> split, max" "<= 1 s" "${join:-?} ms (median $(value rebalance_join_median_ms "$R"))" "$(check "$join" "<=" 1000 "$why_rb")"
  row "rebalance: q -> survivor owns all, max" "<= 1 s" "${quit:-?} ms (median $(value rebalance_quit_median_ms "$R"))" "$(check "$quit" "<=" 1000 "$why_rb")"
  row "rebalance: kill -9 -> survivor owns all, max" "<= 3 s" "${kill9:-?} ms (median $(value rebalance_kill_median_ms "$R"))" "$(check "$kill9" "<=" 3000 "$why_rb")"
  row "mixed group: librdkafka joins -> split, max" "<= 1 s" "${mjoin:-?} ms (median $(value rebalance_mixed_join_median_ms "$R"))" "$(check "$mjoin" "<=" 1000 "$why_rb")"
  row "mixed group: librdkafka leaves -> owns all, max" "<= 1 s" "${mleave:-?} ms (median $(value rebalance_mixed_leave_median_ms "$R"))" "$(check "$mleave" "<=" 1000 "$why_rb")"
fi
echo "(consumer MaxWait 1s, MinBytes 1, 1 MiB per fetch, the next in flight;"
echo " producer: one synchronous request per step (dashboard), pipelined steps (-d 0); bridge and frames at 30 fps)"
