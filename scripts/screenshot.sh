#!/usr/bin/env bash
# Takes docs/dashboard.png: two dashboards on a fresh embedded cluster in
# tmux, the first one's screen captured with colours (capture-pane -e),
# turned into HTML by aha and photographed by headless Chromium.
# Needs tmux, aha, chromium (apt) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'tmux -L kafkaplot-shot kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/kafkaplot" .
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
flags="--embedded-broker 127.0.0.1:$(port) --embedded-registry 127.0.0.1:$(port)"
t() { tmux -L kafkaplot-shot "$@"; }
t new-session -d -s first -x 180 -y 45 "cd $work && TERM=xterm-256color ./kafkaplot $flags --log $work/1.log; sleep 600"
sleep "${FIRST_SECONDS:-20}"
t new-session -d -s second -x 180 -y 45 "cd $work && TERM=xterm-256color ./kafkaplot $flags --log $work/2.log; sleep 600"
sleep "${SECOND_SECONDS:-25}"
t capture-pane -t first -e -p > "$work/screen.ansi"
aha --black --title kafkaplot < "$work/screen.ansi" > "$work/screen.html"
# DejaVu Sans Mono has no braille glyphs: give every braille cell one column.
python3 - "$work/screen.html" <<'PY'
import re, sys
path = sys.argv[1]
html = open(path, encoding="utf-8").read()
html = re.sub("([\u2800-\u28ff])", r'<span class="b">\1</span>', html)
style = ('<style>body{font-family:"DejaVu Sans Mono",monospace;font-size:13px;line-height:1.2;margin:10px}'
         'pre{font-family:inherit;margin:0}.b{display:inline-block;width:1ch;overflow:hidden;vertical-align:bottom}</style>')
html = html.replace("<head>", "<head>" + style, 1)
open(path, "w", encoding="utf-8").write(html)
PY
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/chrome" --hide-scrollbars \
  --window-size=1420,790 --screenshot="$PWD/docs/dashboard.png" "file://$work/screen.html" 2>/dev/null
echo "wrote docs/dashboard.png"
