#!/usr/bin/env bash
# Figure 4: resume cost. `run` again over a completed ITEMS-item ledger. Targets: zero requests, and no slower than
# 1.2x the `plan` of the same file.
source "$(dirname "$0")/common.sh"
build_release
ITEMS=${ITEMS:-100000}; PORT=${PORT:-5193}
dir=$(generate "$ITEMS")
start_emulator "$PORT" --per-minute 0 --tenant-per-minute 0
trap stop_emulator EXIT
runfile=$(server_run_file "$dir" resume-bench 1000000 64)
$CLI run "$runfile" >"$dir/resume-first.out" 2>&1 || { cat "$dir/resume-first.out"; exit 1; }
before=$(curl -s "$EMU/_emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["calls"])')
/usr/bin/time -f '%e %M' -o "$dir/plan.time" $CLI plan "$runfile" >/dev/null
/usr/bin/time -f '%e %M' -o "$dir/rerun.time" $CLI run "$runfile" >"$dir/resume-again.out" 2>&1
after=$(curl -s "$EMU/_emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["calls"])')
read -r ps pk <"$dir/plan.time"; read -r rs rk <"$dir/rerun.time"
echo "plan ${ps}s (${pk} KB), run again ${rs}s (${rk} KB), requests during the re-run: $((after - before))"
echo "RESULT resume items=$ITEMS requests=$((after - before)) run_vs_plan=$(awk -v a="$rs" -v b="$ps" 'BEGIN{printf "%.2f", a/b}') cores=$CORES"
