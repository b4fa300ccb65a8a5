#!/usr/bin/env bash
# Figure 3: pacing accuracy. ITEMS items, the emulator and the run file both at PER_MINUTE calls per minute, so the
# run spans at least two full windows (about 2 minutes at the defaults). Targets: calls per minute over the whole
# run >= 98% of the limit, and zero 429 answers from the emulator.
source "$(dirname "$0")/common.sh"
build_release
ITEMS=${ITEMS:-12000}; PER_MINUTE=${PER_MINUTE:-6000}; PORT=${PORT:-5192}
dir=$(generate "$ITEMS")
start_emulator "$PORT" --per-minute "$PER_MINUTE" --tenant-per-minute 0
trap stop_emulator EXIT
runfile=$(server_run_file "$dir" pacing-bench "$PER_MINUTE" 16)
start=$(date +%s.%N)
$CLI run "$runfile" >"$dir/pacing.out" 2>&1 || { cat "$dir/pacing.out"; exit 1; }
end=$(date +%s.%N)
stats=$(curl -s "$EMU/_emulator/stats")
read -r calls throttled actions < <(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(s["calls"], s["total"].get("429",0), s["actions"])' "$stats")
# Calls per minute over the whole run: every API call the emulator counted (the token call included) over the wall
# time of the `run` process (startup and planning included).
python3 - "$calls" "$throttled" "$actions" "$start" "$end" "$PER_MINUTE" "$CORES" <<'PY'
import sys
calls, throttled, actions = map(int, sys.argv[1:4]); start, end = map(float, sys.argv[4:6]); limit, cores = int(sys.argv[6]), sys.argv[7]
minutes = (end - start) / 60
print(f"{calls} calls ({actions} actions, {throttled} answered 429) in {minutes*60:.1f} s")
print(f"RESULT pacing items={actions} calls_per_minute={calls/minutes:.0f} limit={limit} ratio={calls/minutes/limit:.3f} "
      f"429s={throttled} cores={cores}")
PY
