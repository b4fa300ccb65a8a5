#!/usr/bin/env bash
# Figure 7: start-up. `validate` of the survey example as the installed tool (packed and installed as the README says,
# into bench/out, never globally): wall and CPU (user+sys) seconds of each of RUNS runs, their mean and median.
# Target (issue 15): <= 0.25 s. BASE=/path/to/another/installed/kaizala-batch alternates each run with that tool (a
# build of another commit installed the same way, e.g. BENCH_OUT=/tmp/base bench/startup.sh in its tree) and reports
# both: on a shared machine only such interleaved pairs compare.
source "$(dirname "$0")/common.sh"
RUNS=${RUNS:-8}
rm -rf "$OUT/tool"
# A clean Release build: an incremental ReadyToRun publish once produced a tool that aborted at start (a stale image in
# obj/ beside a changed assembly).
rm -rf "$ROOT"/src/*/obj/Release
dotnet pack "$ROOT/src/KaizalaBatch.Cli" -o "$OUT/tool/artifacts" -v q -nologo >/dev/null
dotnet tool install --tool-path "$OUT/tool/bin" KaizalaBatch --add-source "$OUT/tool/artifacts" >/dev/null
# A copy of the example without what the README's run of it left beside it (a ledger makes validate no different, but
# keeps the example's folder as the repository has it).
rm -rf "$OUT/startup" && mkdir -p "$OUT/startup" && cp "$ROOT/examples/survey-rollout/run.yaml" "$ROOT/examples/survey-rollout/groups.csv" "$OUT/startup/"
TOOLS=("$OUT/tool/bin/kaizala-batch")
[ -n "${BASE:-}" ] && TOOLS+=("$BASE")
for tool in "${TOOLS[@]}"; do
  "$tool" validate "$OUT/startup/run.yaml" >/dev/null # the first run after install fills the disk cache
done
rm -f "$OUT"/startup/times.*
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
for _ in $(seq 1 "$RUNS"); do
  for i in "${!TOOLS[@]}"; do
    /usr/bin/time -f '%e %U %S' -a -o "$OUT/startup/times.$i" "${TOOLS[$i]}" validate "$OUT/startup/run.yaml" >/dev/null
  done
done
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
for i in "${!TOOLS[@]}"; do
  name=$([ "$i" = 0 ] && echo validate_survey || echo validate_survey_base)
  sort -n "$OUT/startup/times.$i" | awk -v name="$name" -v runs="$RUNS" -v load="$LOAD_BEFORE-$LOAD_AFTER" -v cores="$CORES" '
    { wall[NR] = $1; w += $1; c += $2 + $3 }
    END { printf "RESULT startup %s mean=%.3f s median=%.2f s min=%.2f s max=%.2f s cpu_mean=%.3f s runs=%d load=%s cores=%d\n",
          name, w / NR, wall[int((NR + 1) / 2)], wall[1], wall[NR], c / NR, runs, load, cores }'
done
