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
#      PROCESSORS         default 2 (mksquashfs -processors; cosbuild uses all cores it is given).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=${1:-/tmp/cosbuild-bench-squashfs}
cosbuild=${COSBUILD_SQUASHFS:-"$repo/cosbuild fs squashfs"}
compressors=${COMPRESSORS:-"zstd:15 gzip:9 xz:6"}
trees=${TREES:-"minbase minbase4x empty20k"}
procs=${PROCESSORS:-2}
command -v mksquashfs >/dev/null || { echo "mksquashfs is needed (apt-get install squashfs-tools)" >&2; exit 2; }
mkdir -p "$work"

make_trees() {
  if [ ! -d "$work/minbase" ]; then
    /work/shared/bench/debian-minbase-tree "$work/minbase" >&2
  fi
  if [ ! -d "$work/minbase4x" ]; then
    mkdir -p "$work/minbase4x"
    for i in 1 2 3 4; do cp -a "$work/minbase" "$work/minbase4x/copy$i"; done
  fi
  if [ ! -d "$work/empty20k" ]; then
    mkdir -p "$work/empty20k/dir"
    (cd "$work/empty20k/dir" && seq -f 'file-%05g' 1 20000 | xargs touch)
  fi
}

now() { date +%s.%N; }

make_trees
printf '%-10s %-8s %10s %10s %7s %14s %14s %8s\n' tree comp mksq_s cosb_s t_ratio mksq_bytes cosb_bytes s_ratio
for tree in $trees; do
  src=$(realpath "$work/$tree")
  tar -C "$src" -cf - . >/dev/null   # warm the page cache for both tools alike
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
    t0=$(now)
    mksquashfs "$src" "$m" "${mopts[@]}" -b 131072 -noappend -processors "$procs" -quiet -no-progress >/dev/null
    t1=$(now)
    $cosbuild "$src" "$c" --comp "$comp" --level "$level" --block-size 131072 >/dev/null
    t2=$(now)
    ms=$(stat -c %s "$m")
    cs=$(stat -c %s "$c")
    awk -v tree="$tree" -v comp="$comp" -v a="$t0" -v b="$t1" -v c="$t2" -v ms="$ms" -v cs="$cs" 'BEGIN {
      printf "%-10s %-8s %10.2f %10.2f %7.3f %14d %14d %8.4f\n", tree, comp, b-a, c-b, (c-b)/(b-a), ms, cs, cs/ms }'
    rm -f "$m" "$c"
  done
done
