#!/usr/bin/env bash
# Renders the plan preview of every example with headless Chromium into docs/screenshots/<example>.png, the preview of
# a second run at desktop and phone width (plan-preview.png, plan-preview-phone.png), and the example's report.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
out="$ROOT/docs/screenshots"; mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
dotnet build -v q -nologo "$ROOT/src/KaizalaBatch.Cli" >/dev/null
cli() { dotnet "$ROOT/src/KaizalaBatch.Cli/bin/Debug/net10.0/kaizala-batch.dll" "$@"; }
# shot PAGE.html OUT.png WIDTH,HEIGHT
shot() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$tmp/profile" \
    --window-size="$3" --screenshot="$2" "file://$1" 2>/dev/null
  echo "$2"
}
for dir in "$ROOT"/examples/*/; do
  name=$(basename "$dir")
  cli plan "$dir/run.yaml" --html "$tmp/$name.html" >/dev/null
  shot "$tmp/$name.html" "$out/$name.png" 1280,1400
done
# A second run of the survey example (in a scratch copy): after the first sent everything, three sites were renamed
# (changed), a group added (new) and another whose group id lost a digit (invalid).
mkdir "$tmp/rerun"
cp "$ROOT/examples/survey-rollout/run.yaml" "$ROOT/examples/survey-rollout/groups.csv" "$tmp/rerun/"
cli run "$tmp/rerun/run.yaml" >/dev/null 2>&1
sed -i -E 's/,(Pune Store 01|Mumbai Store 04|Kolkata Store 05),/,\1 (relocated),/' "$tmp/rerun/groups.csv"
printf '%s\n' "5b7e3c1a-2d4f-5e6a-9b8c-7d6e5f4a3b2c,Hyderabad Store 25,APAC,9811122233,24" \
  "7d1e0b52-9c4f-5a2e-8f31-6b0c2d9e4a7,Kochi Store 26,APAC,9822233344,48" >> "$tmp/rerun/groups.csv"
cli plan "$tmp/rerun/run.yaml" --html "$tmp/plan-preview.html" >/dev/null 2>&1 || true # exit 1: an invalid item
shot "$tmp/plan-preview.html" "$out/plan-preview.png" 1280,2000
shot "$tmp/plan-preview.html" "$out/plan-preview-phone.png" 375,1400
# The report of the example rollout (run, then report --html, against the embedded emulator in a scratch copy).
cp "$ROOT/examples/survey-rollout/run.yaml" "$ROOT/examples/survey-rollout/groups.csv" "$tmp/"
cli run "$tmp/run.yaml" >/dev/null 2>&1
sleep 31 # the simulated members who answer at once have answered
cli report "$tmp/run.yaml" --html "$tmp/report.html" >/dev/null 2>&1
shot "$tmp/report.html" "$out/report-survey-rollout.png" 1280,1400
