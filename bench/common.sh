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
