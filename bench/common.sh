# Shared by the bench scripts: Release builds of the CLI and the bench tool, and where they are.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
build_release() {
  dotnet build -c Release -v q -nologo "$ROOT/src/KaizalaBatch.Cli" >/dev/null
  dotnet build -c Release -v q -nologo "$ROOT/bench/KaizalaBatch.Bench" >/dev/null
}
CLI="dotnet $ROOT/src/KaizalaBatch.Cli/bin/Release/net10.0/kaizala-batch.dll"
BENCH="dotnet $ROOT/bench/KaizalaBatch.Bench/bin/Release/net10.0/KaizalaBatch.Bench.dll"
CORES=$(nproc)
# generate ROWS: a Survey rollout of ROWS rows under $OUT/survey-ROWS (kept between runs)
generate() {
  local dir="$OUT/survey-$1"
  [ -s "$dir/groups.csv" ] || $BENCH generate --rows "$1" --out "$dir" >/dev/null
  echo "$dir"
}
# start_emulator PORT [emulator options...]: the emulator as a server in the background; EMU_PID and EMU are set.
start_emulator() {
  local port=$1; shift
  EMU=http://127.0.0.1:$port
  $CLI emulator --urls "$EMU" "$@" >"$OUT/emulator-$port.log" 2>&1 &
  EMU_PID=$!
  for _ in $(seq 1 100); do
    grep -q listening "$OUT/emulator-$port.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the emulator did not start: $(cat "$OUT/emulator-$port.log")" >&2; return 1
}
stop_emulator() { kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; }
# server_run_file DIR NAME PER_MINUTE CONCURRENCY [TIMEOUT_SECONDS]: DIR/NAME.yaml, the generated Survey sent to $EMU
# instead of the embedded emulator (ledger DIR/NAME.ledger.db, removed first).
export KB_BENCH_SECRET=bench-secret KB_BENCH_REFRESH=bench-refresh
server_run_file() {
  local dir=$1 name=$2 per_minute=$3 concurrency=$4 timeout=${5:-60}
  rm -f "$dir/$name".ledger.db* "$dir/$name".refresh-token
  sed -e "s/^name: .*/name: $name/" \
      -e "s|^  emulator: true|  apiRoot: $EMU/v1\n  applicationId: bench\n  applicationSecret: \${env:KB_BENCH_SECRET}\n  refreshToken: \${env:KB_BENCH_REFRESH}\n  timeoutSeconds: $timeout|" \
      -e "s/^  perMinute: .*/  perMinute: $per_minute/" -e "s/^  concurrency: .*/  concurrency: $concurrency\n  maxErrors: 0/" \
      "$dir/run.yaml" >"$dir/$name.yaml"
  echo "$dir/$name.yaml"
}
# emulator_count PATH JSONPATH-ish: a number from the emulator's inspection endpoints
emulator_actions() { curl -s "$EMU/_emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["actions"])'; }
emulator_status() { curl -s "$EMU/_emulator/stats" | python3 -c "import json,sys; t=json.load(sys.stdin)['total']; print(t.get('$1',0))"; }
