#!/usr/bin/env bash
# Performance, measured side by side on fresh embedded clusters (random free
# loopback ports) and printed as one summary table:
#   - Go benchmarks: BenchmarkDecode, BenchmarkIngest, BenchmarkFrame,
#     BenchmarkConsume, BenchmarkSend (-benchmem)
#   - produce -d 0 --quiet rate; consume --until-end --quiet vs kcat on the
#     same 1,000,000 records, both rates and the ratio, ROUNDS rounds
#   - produce→drawn latency (generator at 2 steps/s, the dashboard's path)
#   - history on assignment: 2 partitions x 2 minutes at 100 events/s each,
#     and 1,000,000 records in one partition's window (sampled), from the
#     assignment to the frame that draws them; BenchmarkHistory
#   - rebalance timings of real dashboards in tmux (join, q, kill -9), and
#     of a mixed group: the tutorial's library (librdkafka, through
#     testdata/interop/group_member.py) joining and leaving a dashboard's
#     group
#   - idle CPU of a dashboard over 30 s
#   - a dashboard on one core (GOMAXPROCS=1) under 10,000,000 events across
#     1,000 sensors at INGEST_RATE events/s: lag and RSS
# Needs Go, kcat, tmux and python3-confluent-kafka (.ci/run installs them).
# About 5 minutes on 2 cores. Not part of CI: the machine is small and noisy,
# so every figure that is compared is measured in the same run.
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

command -v kcat >/dev/null || { say "kcat is not installed (.ci/run installs it)"; exit 1; }
command -v tmux >/dev/null || { say "tmux is not installed (.ci/run installs it)"; exit 1; }

say "building"
go build -o "$work/kafkaplot" .
go build -o "$work/benchkit" ./scripts/benchkit
kp=$work/kafkaplot
bk=$work/benchkit

# start_cluster starts "kafkaplot cluster" on free ports and sets broker,
# registry and cluster_pid.
start_cluster() {
  broker=127.0.0.1:$("$bk" port)
  registry=127.0.0.1:$("$bk" port)
  "$kp" cluster --broker "$broker" --registry "$registry" > "$work/cluster.log" 2>&1 &
  cluster_pid=$!
  pids+=("$cluster_pid")
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/${registry%:*}/${registry#*:}") 2>/dev/null && return 0
    sleep 0.1
  done
  say "cluster did not start:"; cat "$work/cluster.log" >&2; exit 1
}
stop_cluster() { kill "$cluster_pid"; wait "$cluster_pid" 2>/dev/null || true; }
flags() { echo --brokers "$broker" --registry "http://$registry"; }
now_ns() { date +%s%N; }
# value KEY FILE prints the value of a key=value line.
value() { sed -n "s/^$1=//p" "$2" | tail -n1; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# --- Go benchmarks ---------------------------------------------------------
say "go benchmarks"
go test -run '^$' -bench '^(BenchmarkDecode|BenchmarkDecodeProtobuf)$' -benchmem ./schema > "$work/b_decode.txt"
go test -run '^$' -bench '^(BenchmarkIngest|BenchmarkFrame)$' -benchmem ./ui > "$work/b_ui.txt"
go test -run '^$' -bench '^BenchmarkConsume$' -benchmem -benchtime 5x ./stream > "$work/b_stream.txt"
go test -run '^$' -bench '^BenchmarkSend$' -benchmem ./stream >> "$work/b_stream.txt"
go test -run '^$' -bench '^BenchmarkHistory$' -benchmem ./stream >> "$work/b_stream.txt"
# metric FILE BENCH UNIT prints the value before UNIT on BENCH's line.
metric() { awk -v b="$2" -v u="$3" '$1 ~ "^"b"(-[0-9]+)?$" {for (i=2;i<=NF;i++) if ($i==u) print $(i-1)}' "$1" | head -n1; }
decode_ns=$(metric "$work/b_decode.txt" BenchmarkDecode/fixed ns/op)
decode_allocs=$(metric "$work/b_decode.txt" BenchmarkDecode/fixed allocs/op)
proto_ns=$(metric "$work/b_decode.txt" BenchmarkDecodeProtobuf/sensor ns/op)
proto_allocs=$(metric "$work/b_decode.txt" BenchmarkDecodeProtobuf/sensor allocs/op)
proto_generic_ns=$(metric "$work/b_decode.txt" BenchmarkDecodeProtobuf/generic ns/op)
ingest_ns=$(metric "$work/b_ui.txt" BenchmarkIngest ns/op)
frame_ns=$(metric "$work/b_ui.txt" BenchmarkFrame ns/op)
consume_ns=$(metric "$work/b_stream.txt" BenchmarkConsume ns/record)
send_ns=$(metric "$work/b_stream.txt" BenchmarkSend ns/op)
history_all_ms=$(metric "$work/b_stream.txt" BenchmarkHistory/all/12000 ms/history)
history_sampled_ms=$(metric "$work/b_stream.txt" BenchmarkHistory/sampled/200000-to-2048 ms/history)

# --- produce, and consume vs kcat --------------------------------------------
produce_rates=() kp_rates=() kcat_rates=() ratios=()
for r in $(seq "$rounds"); do
  say "throughput round $r/$rounds"
  start_cluster
  # shellcheck disable=SC2046
  "$kp" produce -e 125000 -d 0 --quiet $(flags) > "$work/produce.out"
  grep -q '^produced 1000000 events (0 failed)' "$work/produce.out" || { cat "$work/produce.out" >&2; exit 1; }
  produce_rates+=("$(sed -n 's/^produced .* \([0-9]*\) events\/s$/\1/p' "$work/produce.out")")
  # Alternate who goes first; each reads the whole topic from the beginning.
  for who in $( [ $((r % 2)) -eq 1 ] && echo "kp kcat" || echo "kcat kp"); do
    t0=$(now_ns)
    if [ "$who" = kp ]; then
      # shellcheck disable=SC2046
      "$kp" consume --until-end --quiet --group "bench-$r" $(flags) > "$work/consume.out"
      grep -q '^consumed 1000000 records (0 errors)' "$work/consume.out" || { cat "$work/consume.out" >&2; exit 1; }
    else
      kcat -C -e -q -o beginning -b "$broker" -t temperature > /dev/null
    fi
    t1=$(now_ns)
    rate=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 1e6 / ((b - a) / 1e9)}')
    if [ "$who" = kp ]; then kp_rate=$rate; else kcat_rate=$rate; fi
  done
  # kcat read all of it (not timed: its default output has no separator).
  n=$(kcat -C -e -q -o beginning -b "$broker" -t temperature -f '%o\n' | wc -l)
  [ "$n" -eq 1000000 ] || { say "kcat read $n records, want 1000000"; exit 1; }
  kp_rates+=("$kp_rate"); kcat_rates+=("$kcat_rate")
  ratios+=("$(awk -v a="$kp_rate" -v b="$kcat_rate" 'BEGIN {printf "%.2f", a / b}')")
  say "  produce ${produce_rates[-1]}/s, kafkaplot consume $kp_rate/s, kcat $kcat_rate/s, ratio ${ratios[-1]}"
  stop_cluster
done
produce_rate=$(printf '%s\n' "${produce_rates[@]}" | median)
kp_rate=$(printf '%s\n' "${kp_rates[@]}" | median)
kcat_rate=$(printf '%s\n' "${kcat_rates[@]}" | median)
ratio=$(printf '%s\n' "${ratios[@]}" | median)
ratio_min=$(printf '%s\n' "${ratios[@]}" | sort -g | head -n1)

# --- latency -----------------------------------------------------------------
say "latency: 30 s at 2 steps/s"
start_cluster
# shellcheck disable=SC2046
"$bk" latency $(flags) --rate 2 --duration 30s > "$work/latency.out"
stop_cluster

# --- history on assignment --------------------------------------------------------
say "backfill: 2 partitions x 2 min at 100 events/s; 1,000,000 records in one partition's window"
start_cluster
# shellcheck disable=SC2046
"$bk" backfill $(flags) --records 12000 --prefix backfill > "$work/backfill.out"
stop_cluster
start_cluster
# shellcheck disable=SC2046
"$bk" backfill $(flags) --records 1000000 --partition 0 --batch 64 --prefix backfill_1m >> "$work/backfill.out"
stop_cluster

# --- rebalance -----------------------------------------------------------------
say "rebalance: 3 rounds of join, q, join, kill -9; then librdkafka joins and leaves, 3 rounds"
"$bk" rebalance --bin "$kp" --rounds 3 --dir "$work" --librdkafka testdata/interop/group_member.py > "$work/rebalance.out"

# --- idle CPU, then ingest and memory on one core --------------------------------
start_cluster
dashboard() { # name, extra env
  tmux -L "$sock" new-window -d -t bench -n "$1" \
    "exec env $2 TERM=xterm-256color $kp $(flags) --group $1 --from latest --log $work/$1.log" 2>/dev/null ||
    tmux -L "$sock" new-session -d -s bench -n "$1" -x 200 -y 50 \
      "exec env $2 TERM=xterm-256color $kp $(flags) --group $1 --from latest --log $work/$1.log"
  for _ in $(seq 200); do
    tmux -L "$sock" capture-pane -p -t "bench:$1" 2>/dev/null | grep -q 'owns \[0,1\]' && break
    sleep 0.1
  done
  tmux -L "$sock" list-panes -t "bench:$1" -F '#{pane_pid}'
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

say "idle CPU: a dashboard and a headless consumer, 30 s"
idle_pid=$(dashboard idle "")
# shellcheck disable=SC2046
"$kp" consume --group idle-consume --from latest $(flags) > /dev/null &
consume_pid=$!
pids+=("$consume_pid")
sleep 3
pct() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", 100 * t / hz / 30}'; }
d0=$(ticks "$idle_pid") c0=$(ticks "$consume_pid")
sleep 30
d1=$(ticks "$idle_pid") c1=$(ticks "$consume_pid")
idle_pct=$(pct $((d1 - d0))) idle_consume_pct=$(pct $((c1 - c0)))
tmux -L "$sock" send-keys -t bench:idle q
kill -INT "$consume_pid"; wait "$consume_pid" || true

say "ingest: 10,000,000 events across 1,000 sensors at $ingest_rate/s into a dashboard on one core"
ingest_pid=$(dashboard ingest GOMAXPROCS=1)
secs=$(awk -v r="$ingest_rate" 'BEGIN {printf "%d", 1e7 / r + 4}')
# shellcheck disable=SC2046
"$bk" flood $(flags) --events 10000000 --sensors 1000 --rate "$ingest_rate" > "$work/flood.out" &
flood_pid=$!
pids+=("$flood_pid")
"$bk" lag --brokers "$broker" --group ingest --pid "$ingest_pid" --interval 2s --duration "${secs}s" --prefix ingest \
  > "$work/ingest.out" 2> "$work/ingest.log"
wait "$flood_pid"
tmux -L "$sock" send-keys -t bench:ingest q
stop_cluster

# --- summary ---------------------------------------------------------------------
L=$work/latency.out R=$work/rebalance.out I=$work/ingest.out F=$work/flood.out B=$work/backfill.out
met() { awk -v v="$1" -v t="$3" "BEGIN {print (v $2 t) ? \"yes\" : \"NO\"}"; }
ms() { awk -v n="$1" 'BEGIN {printf "%.3f", n / 1e6}'; }
row() { printf '%-46s %-17s %-46s %s\n' "$@"; }
lat99=$(value latency_p99_ms "$L")
join=$(value rebalance_join_max_ms "$R") quit=$(value rebalance_quit_max_ms "$R") kill9=$(value rebalance_kill_max_ms "$R")
mjoin=$(value rebalance_mixed_join_max_ms "$R") mleave=$(value rebalance_mixed_leave_max_ms "$R")
lag_last=$(value ingest_lag_last "$I") lag_max=$(value ingest_lag_max "$I")
rss_end=$(value ingest_rss_end_kb "$I") rss_half=$(value ingest_rss_half_kb "$I") rss_max=$(value ingest_rss_max_kb "$I")
echo
row "measure" "target" "result" "met"
row "consume --until-end vs kcat, 1,000,000 records" ">= 1.0x kcat" "${ratio}x (min ${ratio_min}x): ${kp_rate}/s vs ${kcat_rate}/s" "$(met "$ratio_min" ">=" 1)"
row "produce -e 125000 -d 0 --quiet" ">= 200,000/s" "${produce_rate} events/s" "$(met "$produce_rate" ">=" 200000)"
row "BenchmarkDecode/fixed (wire path, struct)" "<= 200 ns, 0 alloc" "${decode_ns} ns/op, ${decode_allocs} allocs/op" "$(met "$decode_ns" "<=" 200)"
row "BenchmarkDecodeProtobuf/sensor (wire path)" "<= 500 ns" "${proto_ns} ns/op, ${proto_allocs} allocs/op (generic ${proto_generic_ns} ns/op)" "$(met "$proto_ns" "<=" 500)"
row "BenchmarkFrame (2x8x2048 points at 200x50)" "<= 2 ms" "$(ms "$frame_ns") ms/op" "$(met "$frame_ns" "<=" 2000000)"
row "BenchmarkIngest" "" "${ingest_ns} ns/event" ""
row "BenchmarkConsume (in-process kfake)" "" "${consume_ns} ns/record" ""
row "BenchmarkSend (in-process kfake)" "" "${send_ns} ns/event" ""
row "BenchmarkHistory (in-process kfake)" "" "12,000 whole ${history_all_ms} ms; 200,000 sampled to 2,048 ${history_sampled_ms} ms" ""
bf=$(value backfill_ms "$B") bf1m=$(value backfill_1m_ms "$B")
row "history: 2 partitions x 2 min at 100/s each" "<= 500 ms" "${bf} ms assignment->drawn ($(value backfill_drawn "$B") of $(value backfill_records "$B") records, sampled $(value backfill_sampled "$B"))" "$(met "$bf" "<=" 500)"
row "history: 1,000,000 records in the window" "<= 2 s" "${bf1m} ms assignment->drawn ($(value backfill_1m_drawn "$B") drawn, sampled $(value backfill_1m_sampled "$B"))" "$(met "$bf1m" "<=" 2000)"
row "dashboard on 1 core at ${ingest_rate} events/s" "lag not growing" "lag last ${lag_last}, max ${lag_max}; $(value ingest_rate "$I")/s consumed" "$(met "$lag_max" "<=" "$ingest_rate")"
row "RSS after 10,000,000 events, 1,000 sensors" "<= 64 MiB, flat" "$((rss_end / 1024)) MiB (halfway $((rss_half / 1024)), peak $((rss_max / 1024)))" "$(met "$rss_max" "<=" 65536)"
row "idle dashboard, 30 s" "<= 1% of a core" "${idle_pct}% (headless consume: ${idle_consume_pct}%)" "$(met "$idle_pct" "<=" 1)"
row "latency produce->drawn, 2 steps/s, p50/p99" "p99 <= 100 ms" "$(value latency_p50_ms "$L") / ${lat99} ms ($(value latency_events "$L") events)" "$(met "$lat99" "<=" 100)"
row "rebalance: second joins -> split, max" "<= 1 s" "${join} ms (median $(value rebalance_join_median_ms "$R"))" "$(met "$join" "<=" 1000)"
row "rebalance: q -> survivor owns all, max" "<= 1 s" "${quit} ms (median $(value rebalance_quit_median_ms "$R"))" "$(met "$quit" "<=" 1000)"
row "rebalance: kill -9 -> survivor owns all, max" "<= 3 s" "${kill9} ms (median $(value rebalance_kill_median_ms "$R"))" "$(met "$kill9" "<=" 3000)"
row "mixed group: librdkafka joins -> split, max" "<= 1 s" "${mjoin} ms (median $(value rebalance_mixed_join_median_ms "$R"))" "$(met "$mjoin" "<=" 1000)"
row "mixed group: librdkafka leaves -> owns all, max" "<= 1 s" "${mleave} ms (median $(value rebalance_mixed_leave_median_ms "$R"))" "$(met "$mleave" "<=" 1000)"
echo "(flood: $(value flood_events "$F") events at $(value flood_rate "$F")/s; consumer MaxWait 1s, MinBytes 1, MaxBytes 8 MiB;"
echo " producer: one synchronous request per step (dashboard), pipelined steps (-d 0); bridge and frames at 30 fps)"
