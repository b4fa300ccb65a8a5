#!/usr/bin/env bash
# Figure 7: start-up. `validate` of the survey example as the installed tool (packed and installed as the README says,
# into bench/out, never globally): wall seconds of each of RUNS runs and their mean. Target (issue 15): <= 0.25 s.
source "$(dirname "$0")/common.sh"
RUNS=${RUNS:-8}
rm -rf "$OUT/tool"
dotnet pack "$ROOT/src/KaizalaBatch.Cli" -o "$OUT/tool/artifacts" -v q -nologo >/dev/null
dotnet tool install --tool-path "$OUT/tool/bin" KaizalaBatch --add-source "$OUT/tool/artifacts" >/dev/null
# A copy of the example without what the README's run of it left beside it (a ledger makes validate no different, but
# keeps the example's folder as the repository has it).
rm -rf "$OUT/startup" && mkdir -p "$OUT/startup" && cp "$ROOT/examples/survey-rollout/run.yaml" "$ROOT/examples/survey-rollout/groups.csv" "$OUT/startup/"
"$OUT/tool/bin/kaizala-batch" validate "$OUT/startup/run.yaml" >/dev/null # the first run after install fills the disk cache
for _ in $(seq 1 "$RUNS"); do
  /usr/bin/time -f '%e' -a -o "$OUT/startup/times" "$OUT/tool/bin/kaizala-batch" validate "$OUT/startup/run.yaml" >/dev/null
done
echo "RESULT startup validate_survey mean=$(awk '{s+=$1} END {printf "%.3f", s/NR}' "$OUT/startup/times") s min=$(sort -n "$OUT/startup/times" | head -1) s max=$(sort -n "$OUT/startup/times" | tail -1) s runs=$RUNS load=$(cut -d' ' -f1 /proc/loadavg) cores=$CORES"
