#!/bin/busybox sh
# cosbuild minimal profile /sbin/init: show the mount table and the dm-verity status, run the
# self-test when the kernel command line has cosbuild.selftest=1, print the ready marker, then
# keep a shell on the console (tests type commands into it). busybox-static ships no applet
# links, so they are made in /run at boot.
# shellcheck shell=sh

/bin/busybox mkdir -p /run/cosbuild/bin
/bin/busybox --install -s /run/cosbuild/bin
export PATH=/run/cosbuild/bin:/usr/sbin:/usr/bin:/sbin:/bin

echo "--- mounts"
cat /proc/mounts
echo "--- dm-verity (table, status)"
cat /run/cosbuild/verity

PASSED=0
FAILED=0
check() {
  name=$1
  shift
  if "$@" >/dev/null 2>&1; then
    echo "cosbuild-check $name: PASS"
    PASSED=$((PASSED + 1))
  else
    echo "cosbuild-check $name: FAIL"
    FAILED=$((FAILED + 1))
  fi
}
mount_field() { awk -v p="$1" -v f="$2" '$2 == p { v = $f } END { print v }' /proc/mounts; }
has_opt() { mount_field "$1" 4 | tr ',' '\n' | grep -qx "$2"; }
not() { ! "$@"; }
root_on_verity() { mount_field / 1 | grep -q '^/dev/mapper/root$' && has_opt / ro && grep -q ' verity ' /run/cosbuild/verity; }
verity_valid() { awk '/ verity / && NF >= 4 { s = $4 } END { exit !(s == "V") }' /run/cosbuild/verity; }
# Exit status of running a copy of busybox (as its applet "true") from directory $1: 0 where
# exec is allowed, 126 (permission denied) on a noexec mount.
exec_status() {
  d="$1/.cosbuild-exec-test"
  mkdir -p "$d" && cp /bin/busybox "$d/true" || return 2
  "$d/true"
  r=$?
  rm -rf "$d"
  return $r
}
exec_in() { exec_status "$1"; }
noexec_in() { exec_status "$1"; [ $? -eq 126 ]; }
state_dev() { mount_field /mnt/stateful_partition 1; }
var_on_state() { [ -n "$(state_dev)" ] && [ "$(mount_field /var 1)" = "$(state_dev)" ]; }
oem_mounted() {
  [ "$(mount_field /usr/share/oem 3)" = ext4 ] && has_opt /usr/share/oem ro && has_opt /usr/share/oem noexec \
    && has_opt /usr/share/oem nodev && has_opt /usr/share/oem nosuid
}

if grep -qw cosbuild.selftest=1 /proc/cmdline; then
  check root-on-dm-verity root_on_verity
  check verity-status-valid verity_valid
  check usr-read-only not touch /usr/.cosbuild-write-test
  check etc-writable touch /etc/.cosbuild-write-test
  check etc-overlay test "$(mount_field /etc 3)" = overlay
  check tmp-tmpfs test "$(mount_field /tmp 3)" = tmpfs
  check run-tmpfs test "$(mount_field /run 3)" = tmpfs
  check var-on-state var_on_state
  check tmp-noexec noexec_in /tmp
  check var-noexec noexec_in /var
  check state-noexec has_opt /mnt/stateful_partition noexec
  if [ -d /usr/share/oem ]; then
    check oem-read-only-noexec oem_mounted
  fi
  if [ -d /var/lib/containerd ]; then
    check containerd-exec exec_in /var/lib/containerd
  fi
  echo "cosbuild-selftest: $PASSED passed, $FAILED failed"
fi

echo "cosbuild: ready"
while true; do
  setsid cttyhack sh -l || sh
  sleep 1
done
