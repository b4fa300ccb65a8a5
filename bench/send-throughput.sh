#!/usr/bin/env bash
# Figure 2: send throughput against the physical limit. The emulator as a server with its limits off; first its raw
# capacity for the same POST with wrk, then `run` of ITEMS items against it (ledger durable: synchronous=FULL).
# Target: the runner reaches >= 50% of wrk's raw rate. RUNNER=<an installed kaizala-batch> runs `run` with that tool (the
# ReadyToRun package, as users install it) instead of the Release build; the emulator is the build's either way.
source "$(dirname "$0")/common.sh"
build_release
ITEMS=${ITEMS:-20000}; PORT=${PORT:-5191}; DURATION=${DURATION:-10s}
dir=$(generate "$ITEMS")
start_emulator "$PORT" --per-minute 0 --tenant-per-minute 0
trap stop_emulator EXIT
TOKEN=$(curl -s "$EMU/v1/accessToken" -H 'applicationId: bench' -H 'applicationSecret: s' -H 'refreshToken: r' \
  | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
export TOKEN
# Warm the server up (JIT), then measure. One wrk thread: the machine's other core serves.
wrk -t1 -c16 -d3s -s "$(dirname "$0")/wrk-post-survey.lua" "$EMU" >/dev/null
best=0
for connections in ${WRK_CONNECTIONS:-8 32}; do
  out=$(wrk -t1 -c"$connections" -d"$DURATION" -s "$(dirname "$0")/wrk-post-survey.lua" "$EMU")
  if grep -q 'Non-2xx' <<<"$out"; then echo "wrk saw failing answers:"; echo "$out"; exit 1; fi
  rate=$(awk '/Requests\/sec/{printf "%.0f", $2}' <<<"$out")
  echo "wrk -c$connections: $rate requests/s"
  [ "$rate" -gt "$best" ] && best=$rate
done
printf '%-12s %8s %9s %9s %8s %6s\n' concurrency seconds items/s vs_wrk sent cores
for concurrency in ${CONCURRENCY:-16 64}; do
  curl -s -X POST "$EMU/_emulator/reset" >/dev/null
  runfile=$(server_run_file "$dir" send-bench 1000000 "$concurrency")
  /usr/bin/time -f '%e %M %U %S' -o "$dir/send.time" ${RUNNER:-$CLI} run "$runfile" >"$dir/send.out" 2>&1 || { cat "$dir/send.out"; exit 1; }
  read -r s k u y <"$dir/send.time"
  sent=$(emulator_actions)
  rate=$(awk -v r="$sent" -v s="$s" 'BEGIN{printf "%.0f", r/s}')
  ratio=$(awk -v a="$rate" -v b="$best" 'BEGIN{printf "%.2f", a/b}')
  printf '%-12s %8s %9s %9s %8s %6s\n' "$concurrency" "$s" "$rate" "$ratio" "$sent" "$CORES"
  echo "RESULT send items=$ITEMS concurrency=$concurrency rate=$rate items/s wrk=$best requests/s vs_wrk=$ratio runner_cpu=$(awk -v a="$u" -v b="$y" 'BEGIN{printf "%.1f", a+b}') s cores=$CORES"
done
