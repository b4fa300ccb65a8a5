#!/usr/bin/env bash
# Figure 1: plan throughput and peak memory against the bare pipeline, at 100,000 and 1,000,000 rows.
# Rates are rows / wall seconds of the whole process (startup, JIT, YAML and schema included), so `plan` and
# `bare` (pass 1) are measured the same way. `bare steady` is the bare loop's third pass in one process: no JIT,
# warm caches, the most a single thread gets; the strict ratio is plan against it.
# Targets: plan >= 0.75x bare and >= 150,000 rows/s; peak RSS at 1,000,000 rows <= 160 MB and <= 1.3x the 100,000-row RSS.
source "$(dirname "$0")/common.sh"
build_release
printf '%-8s %-12s %8s %9s %8s %8s %6s\n' rows what seconds rows/s RSS_MB vs_bare cores
declare -A RSS
for rows in ${ROWS:-100000 1000000}; do
  dir=$(generate "$rows")
  rm -f "$dir"/*.ledger.db*
  /usr/bin/time -f '%e %M' -o "$dir/bare.time" $BENCH bare --dir "$dir" >/dev/null
  steady=$($BENCH bare --dir "$dir" --passes 3 | tail -1 | sed -E 's/.* = ([0-9]+) rows\/s.*/\1/')
  /usr/bin/time -f '%e %M' -o "$dir/plan.time" $CLI plan "$dir/run.yaml" >/dev/null || true
  read -r bs bk <"$dir/bare.time"; read -r ps pk <"$dir/plan.time"
  brate=$(awk -v r="$rows" -v s="$bs" 'BEGIN{printf "%.0f", r/s}')
  prate=$(awk -v r="$rows" -v s="$ps" 'BEGIN{printf "%.0f", r/s}')
  RSS[$rows]=$((pk/1024))
  printf '%-8s %-12s %8s %9s %8s %8s %6s\n' "$rows" bare "$bs" "$brate" "$((bk/1024))" 1.00 "$CORES"
  printf '%-8s %-12s %8s %9s %8s %8s %6s\n' "$rows" "bare steady" - "$steady" - - "$CORES"
  printf '%-8s %-12s %8s %9s %8s %8s %6s\n' "$rows" plan "$ps" "$prate" "$((pk/1024))" "$(awk -v a="$prate" -v b="$brate" 'BEGIN{printf "%.2f", a/b}')" "$CORES"
  echo "RESULT plan rows=$rows rate=$prate rows/s vs_bare=$(awk -v a="$prate" -v b="$brate" 'BEGIN{printf "%.2f", a/b}') vs_bare_steady=$(awk -v a="$prate" -v b="$steady" 'BEGIN{printf "%.2f", a/b}') rss_mb=$((pk/1024)) cores=$CORES"
done
if [ -n "${RSS[100000]:-}" ] && [ -n "${RSS[1000000]:-}" ]; then
  echo "RESULT plan rss_1M/rss_100k=$(awk -v a="${RSS[1000000]}" -v b="${RSS[100000]}" 'BEGIN{printf "%.2f", a/b}') (${RSS[1000000]} MB / ${RSS[100000]} MB) cores=$CORES"
fi
