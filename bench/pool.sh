#!/usr/bin/env bash
# A pool of three connectors against one connector, at the service's own limits scaled in rate: the emulator allows
# 100 x SCALE calls a minute per connector and 300 x SCALE per tenant (its 60 s window unchanged), and the run file's
# limits.perMinute and limits.tenantPerMinute say the same. Each case sends WINDOWS windows' worth of Surveys for its
# limit (one connector: its own limit; the pool: the tenant's). Figures: calls per minute over each run's wall time
# (start and planning included) as a fraction of its limit, the same for the Actions from the first stored to the last,
# how the pool spread its Actions over the connectors, and the 429s the emulator answered (target: none). The scale does
# not change what the ratios mean; with SCALE=1 the same runs take WINDOWS minutes each.
source "$(dirname "$0")/common.sh"
build_release
SCALE=${SCALE:-20}; WINDOWS=${WINDOWS:-3}; PORT=${PORT:-5194}; CONCURRENCY=${CONCURRENCY:-8}
PER_MINUTE=$((100 * SCALE)); TENANT=$((300 * SCALE))
trap stop_emulator EXIT
printf '%-10s %7s %8s %6s %10s %6s %10s %6s %6s  %s\n' case seconds items calls calls/min ratio steady/min steady 429s spread
for connectors in 1 3; do
  limit=$([ "$connectors" = 1 ] && echo "$PER_MINUTE" || echo "$TENANT")
  items=$((WINDOWS * limit))
  dir=$(generate "$items")
  start_emulator "$PORT" --per-minute "$PER_MINUTE" --tenant-per-minute "$TENANT"
  runfile=$(server_run_file "$dir" "pool-$connectors" "$PER_MINUTE" "$CONCURRENCY")
  python3 - "$runfile" "$connectors" "$TENANT" <<'PY'
import re, sys
path, n, tenant = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = open(path).read()
text = text.replace("  maxErrors: 0", f"  maxErrors: 0\n  tenantPerMinute: {tenant}", 1)
if n > 1:
    pool = "  connectors:\n" + "".join(
        f"    - name: c{i}\n      applicationId: bench-{i}\n      applicationSecret: ${{env:KB_BENCH_SECRET}}\n      refreshToken: ${{env:KB_BENCH_REFRESH}}\n"
        for i in range(1, n + 1))
    text = re.sub(r"  applicationId: bench\n  applicationSecret: .*\n  refreshToken: .*\n", pool, text)
open(path, "w").write(text)
PY
  start=$(date +%s.%N)
  $CLI run "$runfile" >"$dir/pool-$connectors.out" 2>&1 || { echo "the run failed:"; cat "$dir/pool-$connectors.out"; exit 1; }
  end=$(date +%s.%N)
  stats=$(curl -s "$EMU/_emulator/stats")
  curl -s "$EMU/_emulator/actions" >"$dir/pool-$connectors-actions.json"
  stop_emulator
  python3 - "$stats" "$start" "$end" "$limit" "$connectors" "$CORES" "$items" "$dir/pool-$connectors-actions.json" "$SCALE" <<'PY'
import collections, json, sys
s = json.loads(sys.argv[1]); start, end = map(float, sys.argv[2:4]); limit, n, cores, items = int(sys.argv[4]), sys.argv[5], sys.argv[6], int(sys.argv[7])
calls, actions, throttled = s["calls"], s["actions"], s["total"].get("429", 0)
minutes = (end - start) / 60
if actions != items:
    print(f"expected {items} actions, the emulator holds {actions}"); sys.exit(1)
stored = json.load(open(sys.argv[8]))["actions"]
times = sorted(a["creationTime"] / 1000 for a in stored)
steady = (len(times) - 1) / ((times[-1] - times[0]) / 60)
spread = "/".join(str(c) for _, c in sorted(collections.Counter(a.get("connector", "?") for a in stored).items()))
name = "1 conn" if n == "1" else f"pool of {n}"
print(f"{name:<10} {minutes*60:7.1f} {actions:8} {calls:6} {calls/minutes:10.0f} {calls/minutes/limit:6.3f} {steady:10.0f} {steady/limit:6.3f} {throttled:6}  {spread}")
print(f"RESULT pool connectors={n} items={actions} calls_per_minute={calls/minutes:.0f} limit={limit} ratio={calls/minutes/limit:.3f} "
      f"steady_items_per_minute={steady:.0f} steady_ratio={steady/limit:.3f} 429s={throttled} spread={spread} scale={sys.argv[9]} cores={cores}")
PY
done
