#!/usr/bin/env bash
# Report cost: calls per item of a first and a second `report` over ITEMS sent Surveys, against the emulator as a server
# whose simulated members answer half of them within a second. The second report should cost about one call per item
# (the list call per group; details only where the response count changed).
source "$(dirname "$0")/common.sh"
build_release
ITEMS=${ITEMS:-2000}; PORT=${PORT:-5194}
dir=$(generate "$ITEMS")
start_emulator "$PORT" --per-minute 0 --tenant-per-minute 0 --respond-rate 0.5 --respond-after 1 --seed 7
trap stop_emulator EXIT
runfile=$(server_run_file "$dir" report-bench 1000000 16)
$CLI run "$runfile" >"$dir/report-run.out" 2>&1 || { cat "$dir/report-run.out"; exit 1; }
sleep 2 # every simulated answer is in
calls() { curl -s "$EMU/_emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["calls"])'; }
measure() {
  local name=$1 before after start end; shift
  before=$(calls); start=$(date +%s.%N)
  $CLI report "$runfile" "$@" >"$dir/report-$name.out" 2>&1 || { cat "$dir/report-$name.out"; exit 1; }
  end=$(date +%s.%N); after=$(calls)
  echo "$((after - before)) $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')"
}
read -r first first_s < <(measure first --json "$dir/report-first.json")
read -r second second_s < <(measure second --json "$dir/report-second.json")
read -r full full_s < <(measure refresh --refresh)
answered=$(python3 -c "import json; print(json.load(open('$dir/report-first.json'))['actions'][0]['groupsAnswered'])")
echo "first report: $first calls (${first_s}s), second: $second calls (${second_s}s), --refresh: $full calls (${full_s}s); $answered of $ITEMS groups answered"
echo "RESULT report items=$ITEMS first_calls_per_item=$(awk -v a="$first" -v n="$ITEMS" 'BEGIN{printf "%.3f", a/n}') second_calls_per_item=$(awk -v a="$second" -v n="$ITEMS" 'BEGIN{printf "%.3f", a/n}') refresh_calls_per_item=$(awk -v a="$full" -v n="$ITEMS" 'BEGIN{printf "%.3f", a/n}') cores=$CORES"
