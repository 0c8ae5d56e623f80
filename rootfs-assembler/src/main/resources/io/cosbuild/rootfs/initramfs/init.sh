#!/bin/sh
# cosbuild initramfs /init: load modules, open the root as a dm-verity device, mount it read-only,
# set up the runtime mount layout, switch_root to the image's init. Generated; do not edit.
# Any failure stops the boot (the kernel panics when this script exits): the root is never
# mounted without verification.
# shellcheck disable=SC2086 # word splitting of the generated lists is intended

@@CONFIG@@

export PATH=/sbin:/bin
NEWROOT=/newroot
STATE=$NEWROOT/mnt/stateful_partition
OEM_MOUNT=/usr/share/oem

log() { echo "cosbuild-init: $*"; }
fatal() {
  echo "cosbuild-init: FATAL: $*" >&2
  exit 1
}

# Value of KEY=VALUE on the kernel command line; fails when absent.
cmdline_arg() {
  read -r cmdline < /proc/cmdline
  for w in $cmdline; do
    case "$w" in
      "$1"=*) echo "${w#*=}"; return 0 ;;
    esac
  done
  return 1
}

# /dev node of the partition whose GPT name is $1, waiting up to 30 s for it to appear (or
# looking $2 times, 0.1 s apart).
partition() {
  n=0
  while [ "$n" -lt "${2:-300}" ]; do
    for u in /sys/class/block/*/uevent; do
      if grep -qx "PARTNAME=$1" "$u" 2>/dev/null; then
        d=${u%/uevent}
        echo "/dev/${d##*/}"
        return 0
      fi
    done
    n=$((n + 1))
    sleep 0.1
  done
  return 1
}

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev

KREL=$(uname -r)
for m in $MODULES; do
  insmod "/lib/modules/$KREL/$m" || fatal "cannot load kernel module $m"
done

ROOT_PART=$(cmdline_arg cosbuild.root) || fatal "no cosbuild.root= on the kernel command line"
HASH_PART=$(cmdline_arg cosbuild.verity.hashdev) || fatal "no cosbuild.verity.hashdev= on the kernel command line"
ROOTHASH=$(cmdline_arg cosbuild.verity.roothash) || fatal "no cosbuild.verity.roothash= on the kernel command line"
SALT=$(cmdline_arg cosbuild.verity.salt) || fatal "no cosbuild.verity.salt= on the kernel command line"
BLOCKS=$(cmdline_arg cosbuild.verity.blocks) || fatal "no cosbuild.verity.blocks= on the kernel command line"
HASHSTART=$(cmdline_arg cosbuild.verity.hashstart) || fatal "no cosbuild.verity.hashstart= on the kernel command line"
ALG=$(cmdline_arg cosbuild.verity.alg) || ALG=sha256
BS=$(cmdline_arg cosbuild.verity.bs) || BS=4096
HBS=$(cmdline_arg cosbuild.verity.hbs) || HBS=4096

DATA_DEV=$(partition "$ROOT_PART") || fatal "no partition named $ROOT_PART"
HASH_DEV=$(partition "$HASH_PART") || fatal "no partition named $HASH_PART"
SECTORS=$((BLOCKS * (BS / 512)))
TABLE="0 $SECTORS verity 1 $DATA_DEV $HASH_DEV $BS $HBS $BLOCKS $HASHSTART $ALG $ROOTHASH $SALT 1 $ON_CORRUPTION"
log "dm-verity: $ROOT_PART ($DATA_DEV) hashes $HASH_PART ($HASH_DEV) root hash $ROOTHASH"
dmsetup create root --readonly --noudevsync --table "$TABLE" || fatal "dm-verity setup of $ROOT_PART failed"
dmsetup mknodes root
mkdir -p $NEWROOT
if [ "$ROOT_FSTYPE" = ext4 ]; then ROOT_OPTS=ro,noload; else ROOT_OPTS=ro; fi
mount -t "$ROOT_FSTYPE" -o "$ROOT_OPTS,nodev" /dev/mapper/root $NEWROOT || fatal "cannot mount the verified root"

# Options for a mount at $1: nosuid,nodev plus noexec where the layout says so.
opts_for() {
  o=nosuid,nodev
  for p in $NOEXEC; do [ "$p" = "$1" ] && o=$o,noexec; done
  echo $o
}

for p in $TMPFS; do
  mode=0755
  [ "$p" = /tmp ] && mode=1777
  mount -t tmpfs -o "$(opts_for "$p"),mode=$mode" tmpfs "$NEWROOT$p" || fatal "cannot mount tmpfs on $p"
done
mkdir -p $NEWROOT/run/cosbuild
{ dmsetup table root; dmsetup status root; } > $NEWROOT/run/cosbuild/verity

# OEM: site configuration, read-only. dm-verity does not cover it, so nothing on it may run or be a
# device. The disk's partitions all appeared with the root's, so OEM is looked for once; a root
# without the mount point (not built by cosbuild) leaves it alone.
if [ -d "$NEWROOT$OEM_MOUNT" ] && [ ! -L "$NEWROOT$OEM_MOUNT" ] && OEM_DEV=$(partition OEM 1); then
  mount -t ext4 -o ro,nosuid,nodev,noexec "$OEM_DEV" "$NEWROOT$OEM_MOUNT" || fatal "cannot mount OEM ($OEM_DEV)"
fi

if [ -n "$STATEFUL" ]; then
  STATE_DEV=$(partition STATE) || fatal "no partition named STATE"
  if ! mount -t ext4 -o "$(opts_for /mnt/stateful_partition)" "$STATE_DEV" $STATE 2>/dev/null; then
    magic=$(dd if="$STATE_DEV" bs=2 skip=540 count=1 2>/dev/null | od -An -tx1 | tr -d ' ')
    if [ "$FORMAT_STATE" = 1 ] && [ "$magic" != 53ef ]; then
      log "formatting STATE ($STATE_DEV) on first boot"
      mke2fs -q -L STATE "$STATE_DEV" || fatal "cannot format STATE"
      mount -t ext4 -o "$(opts_for /mnt/stateful_partition)" "$STATE_DEV" $STATE || fatal "cannot mount STATE after formatting"
    else
      fatal "cannot mount STATE ($STATE_DEV); it is not formatted over an existing filesystem"
    fi
  fi
  for p in $STATEFUL; do
    [ "$p" = /mnt/stateful_partition ] && continue
    if [ ! -d "$STATE$p" ]; then
      log "first boot: $p from the image's template"
      mkdir -p "$STATE$p"
      cp -a "$NEWROOT$p/." "$STATE$p/" || fatal "cannot copy $p to STATE"
    fi
    mount -o bind "$STATE$p" "$NEWROOT$p" || fatal "cannot bind $p from STATE"
    mount -o "remount,bind,$(opts_for "$p")" "$NEWROOT$p" || fatal "cannot remount $p"
  done
  for p in $STATE_DIRS; do mkdir -p "$STATE$p"; done
  for p in $EXEC_ALLOWED; do
    mkdir -p "$STATE$p" "$NEWROOT$p"
    mount -o bind "$STATE$p" "$NEWROOT$p" || fatal "cannot bind $p"
    mount -o remount,bind,exec,nosuid,nodev "$NEWROOT$p" || fatal "cannot remount $p with exec"
  done
fi

if [ "$STATELESS_ETC" = 1 ]; then
  ETC_OVL=$NEWROOT/run/cosbuild/etc-overlay
else
  [ -n "$STATEFUL" ] || fatal "a stateful /etc needs the STATE partition"
  ETC_OVL=$STATE/etc-overlay
fi
mkdir -p $ETC_OVL/upper $ETC_OVL/work
mount -t overlay -o "lowerdir=$NEWROOT/etc,upperdir=$ETC_OVL/upper,workdir=$ETC_OVL/work,nosuid,nodev" overlay $NEWROOT/etc \
  || fatal "cannot mount the /etc overlay"

for fs in dev proc sys; do mount --move /$fs $NEWROOT/$fs || fatal "cannot move /$fs"; done
[ -x "$NEWROOT$INIT" ] || [ -L "$NEWROOT$INIT" ] || fatal "the image has no $INIT"
log "switching to $INIT"
exec switch_root $NEWROOT "$INIT"
