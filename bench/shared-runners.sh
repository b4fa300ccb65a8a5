#!/usr/bin/env bash
# Several runners on one PostgreSQL ledger: ITEMS items sent by one runner, then by three runners started together on
# the same run file and the same database, against an emulator server whose per-connector limit is the run file's
# limits.perMinute. Figures: calls per minute over each run's wall time (start and planning included) as a fraction of
# that limit, the same for the Actions from the first stored to the last (steady state), and the 429s the emulator
# answered (target: none). The runners share one pace, so three should reach what one does, never more.
# The limit is the service's 100 a minute scaled in rate (PER_MINUTE, default 2400 = 24x) with the emulator's own 60 s
# window unchanged, so that a run spans two windows in about two minutes; the figure is a ratio to the limit, so the
# scale does not change what it means. Needs PostgreSQL: KB_TEST_POSTGRES, else scripts/test-postgres.sh starts one.
source "$(dirname "$0")/common.sh"
build_release
ITEMS=${ITEMS:-4800}; PER_MINUTE=${PER_MINUTE:-2400}; PORT=${PORT:-5193}; CONCURRENCY=${CONCURRENCY:-8}
if [ -z "${KB_TEST_POSTGRES:-}" ]; then
  eval "$(bash "$ROOT/scripts/test-postgres.sh" start)"
fi
dir=$(generate "$ITEMS")
trap stop_emulator EXIT
printf '%-8s %8s %8s %6s %12s %6s %10s %6s %6s\n' runners seconds items calls calls/min ratio steady/min steady 429s
for runners in ${RUNNERS:-1 3}; do
  start_emulator "$PORT" --per-minute "$PER_MINUTE" --tenant-per-minute 0
  db="kb_bench_shared_$runners"
  base=${KB_TEST_POSTGRES%/*}
  psql -q "$KB_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null 2>&1
  runfile=$(server_run_file "$dir" "shared-$runners" "$PER_MINUTE" "$CONCURRENCY")
  sed -i "s|^name: .*|&\nledger: $base/$db|" "$runfile"
  start=$(date +%s.%N)
  pids=()
  for i in $(seq 1 "$runners"); do
    $CLI run "$runfile" >"$dir/shared-$runners-$i.out" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { echo "a runner failed:"; cat "$dir"/shared-"$runners"-*.out; exit 1; }
  done
  end=$(date +%s.%N)
  stats=$(curl -s "$EMU/_emulator/stats")
  curl -s "$EMU/_emulator/actions" >"$dir/shared-$runners-actions.json"
  stop_emulator
  python3 - "$stats" "$start" "$end" "$PER_MINUTE" "$runners" "$CORES" "$ITEMS" "$dir/shared-$runners-actions.json" <<'PY'
import json, sys
s = json.loads(sys.argv[1]); start, end = map(float, sys.argv[2:4]); limit, runners, cores, items = int(sys.argv[4]), sys.argv[5], sys.argv[6], int(sys.argv[7])
calls, actions, throttled = s["calls"], s["actions"], s["total"].get("429", 0)
minutes = (end - start) / 60
if actions != items:
    print(f"expected {items} actions, the emulator holds {actions}"); sys.exit(1)
# Steady state: from the first Action the service stored to the last (the runners' start and planning left out).
stored = sorted(a["creationTime"] / 1000 for a in json.load(open(sys.argv[8]))["actions"])
steady = (len(stored) - 1) / ((stored[-1] - stored[0]) / 60)
print(f"{runners:<8} {minutes*60:8.1f} {actions:8} {calls:6} {calls/minutes:12.0f} {calls/minutes/limit:6.3f} {steady:10.0f} {steady/limit:6.3f} {throttled:6}")
print(f"RESULT shared runners={runners} items={actions} calls_per_minute={calls/minutes:.0f} limit={limit} "
      f"ratio={calls/minutes/limit:.3f} steady_items_per_minute={steady:.0f} steady_ratio={steady/limit:.3f} 429s={throttled} cores={cores}")
PY
done
