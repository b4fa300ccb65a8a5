#!/usr/bin/env bash
# Figure 1: plan throughput and peak memory against the bare pipeline, at 100,000 and 1,000,000 rows.
# Rates are rows / wall seconds of the whole process (startup, JIT, YAML and schema included), so `plan` and
# `bare` (pass 1) are measured the same way. cpu_s is user + sys seconds of the process, and load the 1-minute load
# average before it: on a shared machine the CPU seconds are the steadier figure. `bare steady` is the bare loop's third pass in one process: no JIT,
# warm caches, the most a single thread gets; the strict ratio is plan against it.
# Targets: plan >= 0.75x bare and >= 150,000 rows/s; peak RSS at 1,000,000 rows <= 160 MB and <= 1.3x the 100,000-row RSS.
source "$(dirname "$0")/common.sh"
build_release
printf '%-8s %-12s %8s %9s %8s %8s %6s %6s %5s\n' rows what seconds rows/s RSS_MB vs_bare cpu_s load cores
declare -A RSS
for rows in ${ROWS:-100000 1000000}; do
  dir=$(generate "$rows")
  rm -f "$dir"/*.ledger.db*
  bload=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %M %U %S' -o "$dir/bare.time" $BENCH bare --dir "$dir" >/dev/null
  steady=$($BENCH bare --dir "$dir" --passes 3 | tail -1 | sed -E 's/.* = ([0-9]+) rows\/s.*/\1/')
  pload=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %M %U %S' -o "$dir/plan.time" $CLI plan "$dir/run.yaml" >/dev/null || true
  read -r bs bk bu bsy <"$dir/bare.time"; read -r ps pk pu psy <"$dir/plan.time"
  bcpu=$(awk -v u="$bu" -v s="$bsy" 'BEGIN{printf "%.2f", u+s}'); pcpu=$(awk -v u="$pu" -v s="$psy" 'BEGIN{printf "%.2f", u+s}')
  brate=$(awk -v r="$rows" -v s="$bs" 'BEGIN{printf "%.0f", r/s}')
  prate=$(awk -v r="$rows" -v s="$ps" 'BEGIN{printf "%.0f", r/s}')
  RSS[$rows]=$((pk/1024))
  printf '%-8s %-12s %8s %9s %8s %8s %6s %6s %5s\n' "$rows" bare "$bs" "$brate" "$((bk/1024))" 1.00 "$bcpu" "$bload" "$CORES"
  printf '%-8s %-12s %8s %9s %8s %8s %6s %6s %5s\n' "$rows" "bare steady" - "$steady" - - - - "$CORES"
  printf '%-8s %-12s %8s %9s %8s %8s %6s %6s %5s\n' "$rows" plan "$ps" "$prate" "$((pk/1024))" "$(awk -v a="$prate" -v b="$brate" 'BEGIN{printf "%.2f", a/b}')" "$pcpu" "$pload" "$CORES"
  echo "RESULT plan rows=$rows rate=$prate rows/s vs_bare=$(awk -v a="$prate" -v b="$brate" 'BEGIN{printf "%.2f", a/b}') vs_bare_steady=$(awk -v a="$prate" -v b="$steady" 'BEGIN{printf "%.2f", a/b}') rss_mb=$((pk/1024)) cpu_s=$pcpu load=$pload cores=$CORES"
done
if [ -n "${RSS[100000]:-}" ] && [ -n "${RSS[1000000]:-}" ]; then
  echo "RESULT plan rss_1M/rss_100k=$(awk -v a="${RSS[1000000]}" -v b="${RSS[100000]}" 'BEGIN{printf "%.2f", a/b}') (${RSS[1000000]} MB / ${RSS[100000]} MB) cores=$CORES"
fi
