#!/bin/sh
# Assembles and tar-exports a synthetic 2 GiB root filesystem in a 512 MiB heap (Failsafe's
# -Xmx512m) and prints throughput. Needs ~6 GiB of free space in java.io.tmpdir.
set -eu
cd "$(dirname "$0")/../.."
mvn -q -o -pl rootfs-assembler -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=LargeRootfsIT -Dcosbuild.bench.large=true
grep -h "large rootfs:" rootfs-assembler/target/failsafe-reports/*LargeRootfsIT-output.txt
