#!/usr/bin/env bash
# Benchmark of `cosbuild verity format` against `veritysetup format` and openssl's SHA-256, in one run on the
# same files, printing wall times and ratios. Not a test: nothing here fails on a slow result.
#
#   bench/verity.sh [SIZES_GIB...]        default: 1 4
#
# Environment: BENCH_DIR (default /tmp/cosbuild-verity-bench; the random data files are kept there for
# the next run), REPS (default 3; the best of REPS runs is kept for each tool), JMH=0 to skip JMH,
# COSBUILD_JAVA_OPTS (passed to the launcher). The whole command is timed, JVM start included, for
# ./cosbuild (when the repository has it) and for the dependency-free FormatMain in verity/target/classes
# (the core plus a bare JVM start, without the CLI framework's start-up).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${BENCH_DIR:-/tmp/cosbuild-verity-bench}"
reps="${REPS:-3}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 4)
salt=5c0f2e1d9a8b7c6d5e4f30211203f4e5d6c7b8a9908172635445362718091a2b
uuid=0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1
mkdir -p "$dir"
for t in veritysetup openssl java mvn; do
  command -v "$t" >/dev/null || { echo "bench/verity.sh: needs $t" >&2; exit 2; }
done

cd "$home"
echo "== building"
mvn -q -o -B -pl verity -am -Dmaven.test.skip=true package >/dev/null 2>&1 \
  || mvn -q -B -pl verity -am -Dmaven.test.skip=true package
core=(java -XX:+UseParallelGC -cp "$home/verity/target/classes" io.cosbuild.verity.tools.FormatMain)
if [ -x "$home/cosbuild" ]; then
  "$home/cosbuild" --version >/dev/null   # builds the CLI jar when missing or stale
  "$home/cosbuild" verity --help >/dev/null 2>&1 || true   # its start-up archive, made before anything is timed
  cli=("$home/cosbuild" verity format)
else
  cli=()
fi

now() { date +%s.%N; }
# time_of CMD...: runs CMD once (output to $dir/last.out), prints its wall time and CPU time (user + system)
# in seconds. CPU time is the figure that survives other work on the machine: wall / CPU shows how much of
# the machine the tool got.
time_of() {
  /usr/bin/time -f "%e %U %S" -o "$dir/time.txt" "$@" >"$dir/last.out" 2>&1
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$dir/time.txt"
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
root_of() { sed -n 's/^Root hash:[[:space:]]*//p' "$dir/last.out"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "sha_ni: $(grep -q sha_ni /proc/cpuinfo && echo yes || echo no), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== openssl speed -evp sha256 (4 KiB blocks)"
speed() { openssl speed "$@" -evp sha256 -bytes 4096 -seconds 3 2>/dev/null \
  | awk '/^sha256/ {v=$NF} END {sub(/k$/,"",v); print v*1000/1e9}'; }
ssl1=$(speed)
ssl2=$(speed -multi 2)
printf '   1 core: %.2f GB/s   2 cores (-multi 2): %.2f GB/s\n' "$ssl1" "$ssl2"

declare -A vs_time core_time cli_time
for g in "${sizes[@]}"; do
  f="$dir/data-${g}g.img"
  if [ ! -f "$f" ] || [ "$(stat -c %s "$f")" != "$((g << 30))" ]; then
    echo "== making $f (random, ${g} GiB)"
    head -c $((g << 30)) /dev/urandom >"$f.tmp"
    mv "$f.tmp" "$f"
  fi
  cat "$f" >/dev/null   # page cache, for both tools alike
  echo "== ${g} GiB"
  # The tools take turns, REPS rounds, best of each kept: load from other work hits all alike.
  vs=""; co=""; cl=""; vsc=""; coc=""; clc=""; same="identical root hash and hash file"
  for _ in $(seq "$reps"); do
    read -r w c < <(time_of veritysetup format "$f" "$dir/vs.hash" --salt "$salt" --uuid "$uuid")
    vs=$(min "$vs" "$w"); vsc=$(min "$vsc" "$c")
    vroot=$(root_of)
    read -r w c < <(time_of "${core[@]}" "$f" "$dir/core.hash" --salt "$salt" --uuid "$uuid")
    co=$(min "$co" "$w"); coc=$(min "$coc" "$c")
    [ "$(root_of)" = "$vroot" ] && cmp -s "$dir/vs.hash" "$dir/core.hash" || same="MISMATCH (FormatMain)"
    if [ ${#cli[@]} -gt 0 ]; then
      read -r w c < <(time_of "${cli[@]}" "$f" "$dir/cli.hash" --salt "$salt" --uuid "$uuid")
      cl=$(min "$cl" "$w"); clc=$(min "$clc" "$c")
      [ "$(root_of)" = "$vroot" ] && cmp -s "$dir/vs.hash" "$dir/cli.hash" || same="MISMATCH (cosbuild)"
    fi
  done
  gbs() { echo "($g * 1073741824) / $1 / 1000000000" | bc -l; }
  printf '   %-30s %8s %10s %8s %s\n' "" "wall" "" "CPU" "(best of $reps each)"
  printf '   %-30s %7.3fs %5.2f GB/s %7.2fs\n' "veritysetup format" "$vs" "$(gbs "$vs")" "$vsc"
  printf '   %-30s %7.3fs %5.2f GB/s %7.2fs  wall %.2fx veritysetup\n' "java FormatMain (core + JVM)" "$co" \
    "$(gbs "$co")" "$coc" "$(echo "$co / $vs" | bc -l)"
  if [ -n "$cl" ]; then
    printf '   %-30s %7.3fs %5.2f GB/s %7.2fs  wall %.2fx veritysetup\n' "./cosbuild verity format" "$cl" \
      "$(gbs "$cl")" "$clc" "$(echo "$cl / $vs" | bc -l)"
  fi
  echo "   $same"
  vs_time[$g]=$vs; core_time[$g]=$co; cli_time[$g]=${cl:-}
  rm -f "$dir/vs.hash" "$dir/core.hash" "$dir/cli.hash"
done

if [ "${JMH:-1}" != 0 ]; then
  echo "== JMH: in-process hashing core (data in page cache, JIT warm), 2 threads"
  rm -rf verity/target/test-classes   # the JMH harness is generated only by a -Pjmh compile
  mvn -q -B -pl verity -Pjmh test-compile >/dev/null
  mvn -q -B -pl verity -Pjmh org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile="$dir/jmh.cp" -Dmdep.includeScope=test >/dev/null
  jf="$dir/data-${sizes[0]}g.img"
  java -cp "verity/target/test-classes:verity/target/classes:$(cat "$dir/jmh.cp")" org.openjdk.jmh.Main \
    VerityHashBench -f 1 -wi 3 -i 5 -w 2s -r 3s -p file="$jf" -p threads=2 -rf json -rff "$dir/jmh.json" \
    >"$dir/jmh.log" 2>&1 || { tail -20 "$dir/jmh.log"; exit 1; }
  fmt_ms=$(python3 -c "import json;r=[b for b in json.load(open('$dir/jmh.json')) if b['benchmark'].endswith('.format')][0];print(r['primaryMetric']['score'])")
  blk_us=$(python3 -c "import json;r=[b for b in json.load(open('$dir/jmh.json')) if b['benchmark'].endswith('sha256Block4k')][0];print(r['primaryMetric']['score'])")
  core_gbs=$(echo "$(stat -c %s "$jf") / ($fmt_ms / 1000) / 1000000000" | bc -l)
  one=$(echo "4096 / ($blk_us / 1000000) / 1000000000" | bc -l)
  printf '   format(), 2 threads: %.1f ms for %s  = %.2f GB/s = %.0f%% of openssl -multi 2 (goal >= 90%%)\n' \
    "$fmt_ms" "$(basename "$jf")" "$core_gbs" "$(echo "100 * $core_gbs / $ssl2" | bc -l)"
  printf '   JDK SHA-256, 1 thread, salted 4 KiB blocks: %.2f GB/s = %.0f%% of openssl 1 core\n' \
    "$one" "$(echo "100 * $one / $ssl1" | bc -l)"
fi

echo "== summary (goals on 2 cores: <= 0.40x veritysetup on 4 GiB, <= 0.55x on 1 GiB, whole command)"
for g in "${sizes[@]}"; do
  printf '   %s GiB: veritysetup %.3f s | FormatMain %.3f s = %.2fx' "$g" "${vs_time[$g]}" "${core_time[$g]}" \
    "$(echo "${core_time[$g]} / ${vs_time[$g]}" | bc -l)"
  if [ -n "${cli_time[$g]}" ]; then
    printf ' | ./cosbuild %.3f s = %.2fx' "${cli_time[$g]}" "$(echo "${cli_time[$g]} / ${vs_time[$g]}" | bc -l)"
  fi
  echo
done
echo "   load at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows every figure)"
