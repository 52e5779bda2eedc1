#!/usr/bin/env bash
# Times every notebook (or the ones given) as a newcomer meets them: `course run` with a cold model cache, then again
# with the models it just trained cached. Prints a markdown table to paste into README.md's run-time column.
#
#   bash bench/notebook-times.sh                         # all notebooks, MathNet's managed provider, as shipped
#   bash bench/notebook-times.sh notebooks/03-*.ipynb    # some notebooks (run in the order given, one cache)
#   TIMES_BLAS=auto bash bench/notebook-times.sh         # the provider Acceleration.Enable() picks (any of
#                                                        # managed, auto, openblas, mkl: TRANSFORMERCOURSE_BLAS)
#   TIMES_SOLUTIONS=1 bash bench/notebook-times.sh       # with the solutions filled in (course run --solutions)
#   TIMES_CONFIG=Release bash bench/notebook-times.sh    # the CLI built in Release (default Debug, as
#                                                        # `dotnet run --project lib/TransformerCourse.Cli` builds)
#   TIMES_CELL_TIMEOUT=600 bash bench/notebook-times.sh  # course run's --cell-timeout (default here 3600 s: a
#                                                        # loaded machine needs more than the usual 600 s)
#   TIMES_KEEP=/tmp/t bash bench/notebook-times.sh       # keep the executed notebooks (out/) and the trained
#                                                        # models (models/, for COURSE_MODEL_CACHE) there
#
# The model cache is a fresh temporary folder (COURSE_MODEL_CACHE), so the first pass trains every model the way a
# fresh clone does; notebooks share it as in `course run notebooks`, so 03 reuses the baseline 02 trained. The
# package cache is left as it is. Wall time is what a learner waits; CPU time (user + sys of the `course` process and
# its children, from /usr/bin/time) is steadier on a shared machine. The table's header line gives the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
blas="${TIMES_BLAS:-managed}"
config="${TIMES_CONFIG:-Debug}"
timeout="${TIMES_CELL_TIMEOUT:-3600}"
solutions=()
[ -n "${TIMES_SOLUTIONS:-}" ] && solutions=(--solutions)
if [ "$#" -gt 0 ]; then notebooks=("$@"); else notebooks=(notebooks/[0-9][0-9]-*.ipynb); fi
[ -x /usr/bin/time ] || { echo "notebook-times.sh: needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }

tmp=$(mktemp -d)
keep() { [ -z "${TIMES_KEEP:-}" ] || { mkdir -p "$TIMES_KEEP"; cp -r "$tmp/out" "$tmp/models" "$TIMES_KEEP/"; }; }
trap 'keep; rm -rf "$tmp"' EXIT
echo "building lib/TransformerCourse.Cli ($config) ..." >&2
dotnet build lib/TransformerCourse.Cli -c "$config" -v q -nologo >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; exit 1; }
cli="lib/TransformerCourse.Cli/bin/$config/net10.0/course.dll"
load_before=$(cut -d' ' -f1 /proc/loadavg)

# run PASS NOTEBOOK: one `course run`, its "wall cpu status" appended to $tmp/PASS.
run() {
  local status=ok
  COURSE_MODEL_CACHE="$tmp/models" TRANSFORMERCOURSE_BLAS="$blas" /usr/bin/time -f '%e %U %S' -o "$tmp/time" \
    dotnet "$cli" run "$2" "${solutions[@]}" --cell-timeout "$timeout" --out "$tmp/out" --quiet \
    >"$tmp/log" 2>&1 || status=failed
  # The last line: GNU time writes "Command exited with non-zero status N" above it when the run failed.
  read -r wall user sys < <(tail -n 1 "$tmp/time") || { wall=0; user=0; sys=0; status=failed; }
  [ "$status" = ok ] || { echo "--- $2 ($1) failed:" >&2; tail -20 "$tmp/log" >&2; }
  printf '%s %s %s\n' "$wall" "$(awk "BEGIN{print $user + $sys}")" "$status" >>"$tmp/$1"
  echo "$1 $(basename "$2"): ${wall} s wall, $(awk "BEGIN{print $user + $sys}") s CPU, $status" >&2
}
for nb in "${notebooks[@]}"; do run cold "$nb"; done
for nb in "${notebooks[@]}"; do run cached "$nb"; done

echo
echo "Measured by \`bash bench/notebook-times.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC: $(nproc) cores," \
  "TRANSFORMERCOURSE_BLAS=$blas, library built $config${solutions:+, with the solutions}; load average" \
  "$load_before at the start, $(cut -d' ' -f1 /proc/loadavg) at the end. Seconds: wall (CPU)."
echo
echo "| notebook | cold | cached |"
echo "|---|---:|---:|"
i=0
for nb in "${notebooks[@]}"; do
  i=$((i + 1))
  read -r cw cc cs < <(sed -n "${i}p" "$tmp/cold")
  read -r hw hc hs < <(sed -n "${i}p" "$tmp/cached")
  note=""
  [ "$cs" = ok ] && [ "$hs" = ok ] || note=" (failed: cold $cs, cached $hs)"
  printf '| %s | %.0f s (%.0f) | %.0f s (%.0f) |%s\n' "$(basename "$nb" .ipynb)" "$cw" "$cc" "$hw" "$hc" "$note"
done
