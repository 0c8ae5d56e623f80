#!/usr/bin/env bash
# Benchmark of `cosbuild fs ext4` against `mke2fs -d`, in one run on the same trees, printing wall times,
# used-block counts and ratios. Not a test: nothing here fails on a slow result.
#
#   bench/fs-ext4.sh
#
# Trees (kept in BENCH_DIR, default /tmp/cosbuild-ext4-bench): a Debian bookworm minbase root (made by
# shared/bench/debian-minbase-tree, or copied from $MINBASE if set), the same tree four times over
# (~1 GiB), and one directory of 20,000 empty files. Both tools get the same size (the one cosbuild
# computes), the same inode count, the same features (mke2fs's ext4 defaults without resize_inode, and
# without a journal: read-only roots). The whole command is timed, JVM start included, through
# ./cosbuild (built once before timing). REPS (default 1) runs per tool, the best is kept; the source is
# read once (page cache warm) before every timed run, and each timed command first removes its
# previous image. Also prints CPU seconds (user+sys) per tool.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${BENCH_DIR:-/tmp/cosbuild-ext4-bench}"
reps="${REPS:-1}"
mkdir -p "$dir"

if [ ! -d "$dir/minbase" ]; then
  if [ -n "${MINBASE:-}" ]; then
    cp -a "$MINBASE" "$dir/minbase"
  else
    maker="$home/../shared/bench/debian-minbase-tree"
    [ -x "$maker" ] || maker=/work/shared/bench/debian-minbase-tree
    "$maker" "$dir/minbase" >/dev/null
  fi
fi
if [ ! -d "$dir/quad" ]; then
  mkdir -p "$dir/quad.tmp"
  for c in a b c d; do cp -a "$dir/minbase" "$dir/quad.tmp/$c"; done
  mv "$dir/quad.tmp" "$dir/quad"
fi
if [ ! -d "$dir/wide" ]; then
  mkdir -p "$dir/wide.tmp/d"
  (cd "$dir/wide.tmp/d" && seq -f 'file-%g' 0 19999 | xargs touch)
  mv "$dir/wide.tmp" "$dir/wide"
fi

"$home/cosbuild" --version >/dev/null 2>&1 || "$home/cosbuild" --help >/dev/null 2>&1 || true
"$home/cosbuild" fs --help >/dev/null 2>&1 || true   # its start-up archive, made before anything is timed

warm() { tar -C "$1" -cf - . | cat >/dev/null; } # both tools start with the source in the page cache
timed() { local TIMEFORMAT='%R %U %S'; { time "$@" >/dev/null 2>&1 || echo "FAILED: $*" >&2; } 2>&1 | tail -1; }
best() { # "wall cpu" seconds of the fastest of REPS runs
  local b="" r w c
  for _ in $(seq "$reps"); do
    sync; warm "$src"
    r=$(timed "$@"); w=$(echo "$r" | awk '{print $1}'); c=$(echo "$r" | awk '{print $2 + $3}')
    if [ -z "$b" ] || [ "$(echo "$w < ${b%% *}" | bc -l)" = 1 ]; then b="$w $c"; fi
  done
  echo "$b"
}
used() { dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Block count/{c=$2} /^Free blocks/{f=$2} END{print c-f}'; }

printf '%-8s %9s %9s %8s %9s %9s %11s %13s %6s\n' tree mke2fs_s cosb_s speedup mke2fs_cpu cosb_cpu mke2fs_used cosbuild_used size
for t in minbase quad wide; do
  src="$dir/$t"
  # Both timed commands remove their previous image first: replacing a 0.5 GiB file still in the page
  # cache costs the second writer 0.3-0.7 s here, and mke2fs would otherwise overwrite in place.
  read -r c ccpu < <(best bash -c "rm -f '$dir/$t.cosbuild.img'; '$home/cosbuild' fs ext4 '$src' '$dir/$t.cosbuild.img' --no-journal")
  bytes=$(stat -c %s "$dir/$t.cosbuild.img")
  inodes=$(dumpe2fs -h "$dir/$t.cosbuild.img" 2>/dev/null | awk -F: '/^Inode count/{print $2+0}')
  read -r m mcpu < <(best bash -c "rm -f '$dir/$t.mke2fs.img'; mke2fs -q -F -t ext4 -b 4096 -O ^has_journal,^resize_inode \
      -N $inodes -d '$src' '$dir/$t.mke2fs.img' $((bytes / 4096))")
  e2fsck -fn "$dir/$t.cosbuild.img" >/dev/null 2>&1 || echo "WARNING: e2fsck found problems in $t.cosbuild.img" >&2
  mu=$(used "$dir/$t.mke2fs.img"); cu=$(used "$dir/$t.cosbuild.img")
  printf '%-8s %9.2f %9.2f %7.2fx %9.2f %9.2f %11d %13d %6.3f\n' "$t" "$m" "$c" "$(echo "$m / $c" | bc -l)" \
    "$mcpu" "$ccpu" "$mu" "$cu" \
    "$(echo "$cu / $mu" | bc -l)"
done
echo "speedup = mke2fs wall / cosbuild wall (higher is better); cpu = user+sys seconds;"
echo "size = cosbuild used blocks / mke2fs used blocks; the machine's load ($(cut -d' ' -f1-3 /proc/loadavg)) inflates walls"
