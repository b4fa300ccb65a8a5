#!/usr/bin/env bash
# Renders the plan preview of every example with headless Chromium into docs/screenshots/<example>.png.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
out="$ROOT/docs/screenshots"; mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
dotnet build -v q -nologo "$ROOT/src/KaizalaBatch.Cli" >/dev/null
for dir in "$ROOT"/examples/*/; do
  name=$(basename "$dir")
  dotnet "$ROOT/src/KaizalaBatch.Cli/bin/Debug/net10.0/kaizala-batch.dll" plan "$dir/run.yaml" --html "$tmp/$name.html" >/dev/null
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$tmp/profile" \
    --window-size=1280,1400 --screenshot="$out/$name.png" "file://$tmp/$name.html" 2>/dev/null
  echo "$out/$name.png"
done
