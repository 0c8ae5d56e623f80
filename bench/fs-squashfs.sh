#!/usr/bin/env bash
# Compares `cosbuild fs squashfs` with mksquashfs on the same trees, in one run, and prints the
# wall-time ratio (cosbuild / mksquashfs; <= 1.0 means cosbuild is as fast) and the image size
# ratio for each compressor. Goals (2 cores): zstd and gzip time ratio <= 1.0 and size ratio <=
# 1.005; xz time ratio <= 1.2.
#
# Usage: bench/fs-squashfs.sh [WORKDIR]
#   WORKDIR (default /tmp/cosbuild-bench-squashfs) holds the trees and images; the Debian minbase
#   tree is made there with /work/shared/bench/debian-minbase-tree unless WORKDIR/minbase exists.
# Env: COSBUILD_SQUASHFS  the command to measure (default "<repo>/cosbuild fs squashfs");
#      COMPRESSORS        default "zstd:15 gzip:9 xz:6";  TREES default "minbase minbase4x empty20k";
#      PROCESSORS         default 2 (mksquashfs -processors; cosbuild uses all cores it is given);
#      REPS               default 3: rounds in which the tools take turns; the fastest of each counts.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=${1:-/tmp/cosbuild-bench-squashfs}
cosbuild=${COSBUILD_SQUASHFS:-"$repo/cosbuild fs squashfs"}
compressors=${COMPRESSORS:-"zstd:15 gzip:9 xz:6"}
trees=${TREES:-"minbase minbase4x empty20k"}
procs=${PROCESSORS:-2}
reps=${REPS:-3}
command -v mksquashfs >/dev/null || { echo "mksquashfs is needed (apt-get install squashfs-tools)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
mkdir -p "$work"
if [ -z "${COSBUILD_SQUASHFS:-}" ]; then
  # The launcher builds the jar when the sources are newer, and the start-up archive of the fs commands:
  # both before anything is timed, or the first timed run pays for them.
  "$repo/cosbuild" fs --help >/dev/null 2>&1 || { echo "cannot run $repo/cosbuild" >&2; exit 2; }
fi

make_trees() {
  if [ ! -d "$work/minbase" ]; then
    /work/shared/bench/debian-minbase-tree "$work/minbase" >&2
  fi
  if [ ! -d "$work/minbase4x" ]; then
    mkdir -p "$work/minbase4x"
    for i in 1 2 3 4; do cp -a "$(realpath "$work/minbase")" "$work/minbase4x/copy$i"; done
  fi
  if [ ! -d "$work/empty20k" ]; then
    mkdir -p "$work/empty20k/dir"
    (cd "$work/empty20k/dir" && seq -f 'file-%05g' 1 20000 | xargs touch)
  fi
}

# Runs a command; prints "wall cpu" seconds (cpu = user + system, a fairer figure on a busy machine).
measure() {
  local f
  f=$(mktemp)
  # Progress lines and messages go to a log, so the table stays readable; a failure stops the run.
  /usr/bin/time -f '%e %U %S' -o "$f" "$@" >/dev/null 2>>"$work/bench.log" \
    || { echo "FAILED: $* (see $work/bench.log)" >&2; exit 1; }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$f"
  rm -f "$f"
}

make_trees
"$repo/cosbuild" --version >/dev/null 2>&1 || true   # (re)build the CLI before anything is timed
"$repo/cosbuild" fs --help >/dev/null 2>&1 || true   # its start-up archive, made before anything is timed
printf '%-10s %-5s %8s %8s %7s %8s %8s %7s %12s %12s %7s\n' \
  tree comp mksq_s cosb_s t_ratio mksq_cpu cosb_cpu c_ratio mksq_bytes cosb_bytes s_ratio
for tree in $trees; do
  src=$(realpath "$work/$tree")
  tar -C "$src" -cf - . >/dev/null 2>&1 || true   # warm the page cache for both tools alike
  for cl in $compressors; do
    comp=${cl%%:*}
    level=${cl##*:}
    m="$work/$tree.$comp.mksquashfs.img"
    c="$work/$tree.$comp.cosbuild.img"
    rm -f "$m" "$c"
    case $comp in
      xz) mopts=(-comp xz) ;;
      *) mopts=(-comp "$comp" -Xcompression-level "$level") ;;
    esac
    # The tools take turns, REPS rounds; the fastest run of each counts (a shared machine's noise
    # only ever adds time).
    mw=""; cw=""
    for _ in $(seq "$reps"); do
      rm -f "$m" "$c"
      read -r w cpu < <(measure mksquashfs "$src" "$m" "${mopts[@]}" -b 131072 -noappend -processors "$procs" -quiet -no-progress)
      if [ -z "$mw" ] || awk -v a="$w" -v b="$mw" 'BEGIN { exit !(a < b) }'; then mw=$w; mc=$cpu; fi
      # shellcheck disable=SC2086
      read -r w cpu < <(measure $cosbuild "$src" "$c" --comp "$comp" --level "$level" --block-size 131072)
      if [ -z "$cw" ] || awk -v a="$w" -v b="$cw" 'BEGIN { exit !(a < b) }'; then cw=$w; cc=$cpu; fi
    done
    ms=$(stat -c %s "$m")
    cs=$(stat -c %s "$c")
    awk -v tree="$tree" -v comp="$comp" -v mw="$mw" -v cw="$cw" -v mc="$mc" -v cc="$cc" -v ms="$ms" -v cs="$cs" 'BEGIN {
      printf "%-10s %-5s %8.2f %8.2f %7.3f %8.2f %8.2f %7.3f %12d %12d %7.4f\n",
        tree, comp, mw, cw, cw/mw, mc, cc, cc/mc, ms, cs, cs/ms }'
    rm -f "$m" "$c"
  done
done
echo "t_ratio, c_ratio = cosbuild / mksquashfs wall and CPU (user+sys) seconds (lower is better); best of $reps runs each;"
echo "s_ratio = cosbuild bytes / mksquashfs bytes; the machine's load ($(cut -d' ' -f1-3 /proc/loadavg)) inflates walls"
