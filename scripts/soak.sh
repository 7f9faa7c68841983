#!/usr/bin/env bash
# Soak: MINUTES (10) minutes at RATE (5,000) events/s with 1% garbage into a
# dashboard on the embedded cluster. Samples the dashboard's RSS every
# minute and checks at the end that its event and decode-error counts match
# what was produced. Needs tmux. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${MINUTES:-10}
rate=${RATE:-5000}
work=$(mktemp -d)
sock=kafkaplot-soak-$$
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  [ -n "${cluster_pid:-}" ] && kill "$cluster_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/kafkaplot" .
go build -o "$work/soakload" ./tools/soakload
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
broker=127.0.0.1:$(port)
registry=127.0.0.1:$(port)
"$work/kafkaplot" cluster --broker "$broker" --registry "$registry" > "$work/cluster.log" 2>&1 &
cluster_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/${registry%:*}/${registry#*:}") 2>/dev/null && break; sleep 0.1; done

tmux -L "$sock" new-session -d -s soak -x 200 -y 50 \
  "exec env TERM=xterm-256color $work/kafkaplot --brokers $broker --registry http://$registry --group soak --log $work/dashboard.log"
dash_pid=$(tmux -L "$sock" list-panes -t soak -F '#{pane_pid}')
screen() { tmux -L "$sock" capture-pane -t soak -p; }
for _ in $(seq 200); do screen | grep -q 'owns \[0,1\]' && break; sleep 0.1; done

rss() { awk '/VmRSS/ {print $2}' "/proc/$dash_pid/status"; }
header() { screen | sed -n 2p | tr -s ' '; }

"$work/soakload" --brokers "$broker" --registry "http://$registry" --rate "$rate" --duration "${minutes}m" > "$work/load.out" &
load_pid=$!

printf '%-7s %-10s %s\n' minute rss_kib "dashboard header"
samples=()
for m in $(seq 0 "$minutes"); do
  [ "$m" -gt 0 ] && sleep 60
  r=$(rss); samples+=("$r")
  printf '%-7s %-10s %s\n' "$m" "$r" "$(header)"
done
wait "$load_pid"
sleep 5
cat "$work/load.out"
final=$(header)
echo "final:  $final"
events=$(echo "$final" | sed -E 's/.*events ([0-9,]+).*/\1/' | tr -d ,)
errors=$(echo "$final" | sed -E 's/.*decode errors ([0-9,]+).*/\1/' | tr -d ,)
want_events=$(sed -E 's/.*: ([0-9]+) events.*/\1/' "$work/load.out")
want_errors=$(sed -E 's/.* ([0-9]+) garbage.*/\1/' "$work/load.out")
echo "events: dashboard $events, produced $want_events"
echo "decode errors: dashboard $errors, garbage produced $want_errors"
grep -i -E 'level=(ERROR|WARN)' "$work/dashboard.log" | grep -v 'decode' | head -5 || true

# RSS from minute 1 on (minute 0 is before the load) must stay within ±10% of its mean.
python3 - "${samples[@]:1}" <<'PY'
import sys
xs = [int(x) for x in sys.argv[1:]]
mean = sum(xs) / len(xs)
drift = max(abs(x - mean) / mean for x in xs)
print(f"rss mean {mean/1024:.1f} MiB, min {min(xs)/1024:.1f}, max {max(xs)/1024:.1f}, largest deviation {drift*100:.1f}%")
sys.exit(0 if drift <= 0.10 else 1)
PY
if [ "$events" != "$want_events" ] || [ "$errors" != "$want_errors" ]; then
  echo "soak FAILED: counts differ"
  exit 1
fi
echo "soak passed"
