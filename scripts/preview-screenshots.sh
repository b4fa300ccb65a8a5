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
# The report of the example rollout (run, then report --html, against the embedded emulator in a scratch copy).
cp "$ROOT/examples/survey-rollout/run.yaml" "$ROOT/examples/survey-rollout/groups.csv" "$tmp/"
dotnet "$ROOT/src/KaizalaBatch.Cli/bin/Debug/net10.0/kaizala-batch.dll" run "$tmp/run.yaml" >/dev/null 2>&1
sleep 31 # the simulated members who answer at once have answered
dotnet "$ROOT/src/KaizalaBatch.Cli/bin/Debug/net10.0/kaizala-batch.dll" report "$tmp/run.yaml" --html "$tmp/report.html" >/dev/null 2>&1
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$tmp/profile" \
  --window-size=1280,1400 --screenshot="$out/report-survey-rollout.png" "file://$tmp/report.html" 2>/dev/null
echo "$out/report-survey-rollout.png"
