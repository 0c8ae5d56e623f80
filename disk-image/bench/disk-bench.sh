#!/bin/sh
# Compares cosbuild's disk writers with the C tools on a 20 GiB disk holding a 300 MiB root (random data,
# so nothing compresses away). One run each; prints times and ratios (ours / reference; < 1 is faster).
# Usage: disk-image/bench/disk-bench.sh   (after: mvn -pl disk-image -am test-compile)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work/ours" "$work/ref"
size=$((20 * 1024 * 1024 * 1024))
head -c $((300 * 1024 * 1024)) /dev/urandom > "$work/root.bin"
sync
cp="$here/target/classes:$here/target/test-classes"

ms() { date +%s%3N; }

set -- $(java -cp "$cp" io.cosbuild.disk.bench.DiskBench "$work/root.bin" "$work/ours" $size | tr ' ' '\n' | cut -d= -f2)
raw_ms=$1 qcow2_ms=$2 gce_ms=$3 root_offset=$4

# Reference raw: sgdisk table + dd of the root into the partition, sparse.
t=$(ms)
truncate -s $size "$work/ref/disk.raw"
sgdisk -n 2:2048:+300M -n 7:0:0 "$work/ref/disk.raw" > /dev/null
dd if="$work/root.bin" of="$work/ref/disk.raw" bs=1M seek=$((root_offset / 1048576)) conv=notrunc,sparse,fsync status=none
ref_raw=$(( $(ms) - t ))

t=$(ms); qemu-img convert -f raw -O qcow2 "$work/ours/disk.raw" "$work/ref/disk.qcow2"; ref_qcow2=$(( $(ms) - t ))
t=$(ms); tar --format=oldgnu -S -czf "$work/ref/disk.tar.gz" -C "$work/ours" disk.raw; ref_gce=$(( $(ms) - t ))

ratio() { awk "BEGIN { printf \"%.2f\", $1 / ($2 > 0 ? $2 : 1) }"; }
echo "20 GiB disk, 300 MiB root (ours timed inside one JVM, cold: no warm-up)"
echo "raw:   ours ${raw_ms} ms, sgdisk+dd ${ref_raw} ms, ratio $(ratio $raw_ms $ref_raw)"
echo "qcow2: ours ${qcow2_ms} ms, qemu-img convert ${ref_qcow2} ms, ratio $(ratio $qcow2_ms $ref_qcow2)"
echo "gce:   ours ${gce_ms} ms, GNU tar -Sz ${ref_gce} ms, ratio $(ratio $gce_ms $ref_gce)"
echo "allocated: ours $(du -k "$work/ours/disk.raw" | cut -f1) KiB, reference $(du -k "$work/ref/disk.raw" | cut -f1) KiB"
echo "sizes: qcow2 ours $(stat -c %s "$work/ours/disk.qcow2") ref $(stat -c %s "$work/ref/disk.qcow2");" \
  "tar.gz ours $(stat -c %s "$work/ours/disk.tar.gz") ref $(stat -c %s "$work/ref/disk.tar.gz")"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
