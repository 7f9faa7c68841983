#!/usr/bin/env bash
# demo.sh: renders demo.tape into docs/demo.gif with vhs, and checks that the GIF plays in real
# time (its duration within 20% of the tape's shown sleeps and typing), under 45 s and 5 MB
# (TestDemoGIF, which CI runs on the committed GIF).
#
# Installs what is missing, as root (apt-get): ffmpeg, chromium, fonts, tmux; ttyd 1.7.7 built
# from ../shared/tools/ttyd-1.7.7-src.tar.gz (sha256 checked; Debian bookworm has no ttyd) with its
# build dependencies; vhs v0.11.0 built from the Go module proxy, as .ci/run builds it. Built tools
# go to $KAFKAPLOT_DEMO_TOOLS (default ~/.cache/kafkaplot-demo/bin), reused on the next run.
#
# The demo runs kafkaplot on an embedded cluster on free ports, in tmux on a private socket
# (TMUX_TMPDIR in a temporary directory, TMUX unset), and stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

ttyd_src=${TTYD_SRC:-$root/../shared/tools/ttyd-1.7.7-src.tar.gz}
ttyd_sha256=6fa71053ed51e3d1659809e248b1cbea4cbfb063fe10d0d00d8d8e5576983958
vhs_version=v0.11.0
tools=${KAFKAPLOT_DEMO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaplot-demo/bin}
mkdir -p "$tools"
export PATH="$tools:$PATH"

work=$(mktemp -d)
vhs_pid=
cleanup() {
  if [ -n "$vhs_pid" ]; then
    # vhs starts ttyd and chromium; a failed run can leave them behind.
    for child in $(pgrep -P "$vhs_pid" || true); do kill "$child" 2>/dev/null || true; done
    kill "$vhs_pid" 2>/dev/null || true
  fi
  TMUX_TMPDIR="$work/tmux" tmux -L kafkaplot-demo kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Debian packages: what vhs needs at run time, and ttyd's build dependencies when it must be built.
export DEBIAN_FRONTEND=noninteractive
packages=(ffmpeg chromium fonts-dejavu-core tmux libwebsockets-evlib-uv)
if ! command -v ttyd >/dev/null; then
  packages+=(cmake build-essential pkg-config libwebsockets-dev libjson-c-dev libuv1-dev zlib1g-dev libssl-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ttyd from the shared source tarball (the web page is pre-built in it: no node needed).
if ! command -v ttyd >/dev/null; then
  echo "$ttyd_sha256  $ttyd_src" | sha256sum --check --quiet - \
    || { echo "demo: $ttyd_src: checksum does not match $ttyd_sha256" >&2; exit 1; }
  echo "demo: building ttyd from $ttyd_src"
  tar -xzf "$ttyd_src" -C "$work"
  (cd "$work/ttyd-1.7.7" && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null \
    && cmake --build build -j"$(nproc)" >/dev/null)
  install -m 0755 "$work/ttyd-1.7.7/build/ttyd" "$tools/ttyd"
fi

# vhs, built from the module proxy like .ci/run does.
if ! vhs --version 2>/dev/null | grep -q "$vhs_version"; then
  echo "demo: building vhs $vhs_version"
  mkdir -p "$work/vhs"
  (cd "$work/vhs" && go mod init vhsbuild >/dev/null 2>&1 \
    && GOFLAGS=-mod=mod go get "github.com/charmbracelet/vhs@$vhs_version" >/dev/null 2>&1 \
    && GOFLAGS=-mod=mod go build -o "$tools/vhs" github.com/charmbracelet/vhs)
fi

# kafkaplot, and a wrapper on PATH that points both instances at this run's embedded cluster.
go build -o "$work/kafkaplot-bin" .
port() { # the preferred port when free, else any free one
  python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}
broker=127.0.0.1:$(port 29092)
registry=127.0.0.1:$(port 28081)
mkdir -p "$work/bin" "$work/tmux"
cat > "$work/bin/kafkaplot" <<EOF
#!/bin/sh
exec "$work/kafkaplot-bin" --embedded-broker $broker --embedded-registry $registry --log "$work/kafkaplot.log" "\$@"
EOF
chmod +x "$work/bin/kafkaplot"

# tmux: a private server, shells that keep this PATH, a status line that says what is on screen.
echo 'PS1="$ "' > "$work/bashrc"
cat > "$work/tmux.conf" <<EOF
set -g default-command "bash --noprofile --rcfile $work/bashrc"
set -g default-terminal "tmux-256color"
set -ga terminal-overrides ",xterm-256color:Tc"
set -g escape-time 0
set -g status-style "bg=#262626,fg=#bcbcbc"
set -g status-left " kafkaplot · two instances, one consumer group "
set -g status-left-length 80
set -g status-right ""
set -g window-status-format ""
set -g window-status-current-format ""
set -g pane-border-style "fg=#3a3a3a"
set -g pane-active-border-style "fg=#6c6c6c"
EOF

echo "demo: rendering demo.tape (kafkaplot cluster on $broker, registry $registry)"
(
  unset TMUX
  export TMUX_TMPDIR="$work/tmux" KAFKAPLOT_DEMO_DIR="$work" PATH="$work/bin:$PATH"
  export LANG=C.UTF-8 COLORTERM=truecolor VHS_NO_SANDBOX=true
  exec vhs demo.tape -o "$work/demo.gif"
) &
vhs_pid=$!
wait "$vhs_pid"
vhs_pid=

cp "$work/demo.gif" docs/demo.gif
echo "demo: wrote docs/demo.gif"
# Real time (within 20% of what the tape sleeps and types while shown), under 45 s and 5 MB:
go test -count=1 -run '^TestDemoGIF$' -v . | grep -E 'demo.gif|FAIL|ok'
