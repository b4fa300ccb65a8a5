#!/usr/bin/env bash
# The full reliability suite: the scenarios of tests/KaizalaBatch.Reliability.Tests at full size (a 2,000-item run
# killed 20 times, a 2,000-item fault soak, the same soak on a type the service cannot list (lost answers held in doubt,
# then settled with resolve), 1,000 input mutations, a 1,500-item run whose ledger disk (a 300 KB tmpfs, root only)
# fills and then has room again, 6,000 items at perMinute 1000000 against a service allowing 600 a minute, three runners
# on one PostgreSQL ledger with 2,000 items and 20 SIGKILLs), then a table: scenario, items, duplicates, lost, held,
# result. CI runs the same tests reduced (`dotnet test tests/KaizalaBatch.Reliability.Tests`). Without KB_TEST_POSTGRES
# it starts the throwaway PostgreSQL server of scripts/test-postgres.sh for the run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
OUT=${RELIABILITY_OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
report="$OUT/reliability-report.txt"; log="$OUT/reliability-test.log"
rm -f "$report"
dotnet build -c Release -v q -nologo "$ROOT/tests/KaizalaBatch.Reliability.Tests" >/dev/null
if [ -z "${KB_TEST_POSTGRES:-}" ]; then
  eval "$(bash "$ROOT/scripts/test-postgres.sh" start)"
  trap 'bash "$ROOT/scripts/test-postgres.sh" stop' EXIT
fi
export KB_REQUIRE_POSTGRES=1
status=0
KB_RELIABILITY_FULL=1 KB_RELIABILITY_REPORT="$report" \
  dotnet test -c Release --no-build "$ROOT/tests/KaizalaBatch.Reliability.Tests" >"$log" 2>&1 || status=$?
printf '%-58s %6s %10s %5s %5s %s\n' scenario items duplicates lost held result
[ -s "$report" ] && while IFS='|' read -r scenario items duplicates lost held result; do
  printf '%-58s %6s %10s %5s %5s %s\n' "$scenario" "$items" "$duplicates" "$lost" "$held" "$result"
done <"$report"
grep -E '^(failed|  total|  failed|  succeeded|  duration)' "$log" || true
[ "$status" -eq 0 ] || echo "some scenarios failed: see $log"
exit "$status"
