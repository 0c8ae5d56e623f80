#!/bin/sh
# cosbuild initramfs /init: load modules, open the root as a dm-verity device, mount it read-only,
# set up the runtime mount layout, switch_root to the image's init. Generated; do not edit.
# Any failure stops the boot (the kernel panics when this script exits): the root is never
# mounted without verification.
# shellcheck disable=SC2086 # word splitting of the generated lists is intended

@@CONFIG@@

export PATH=/sbin:/bin
# Debian's static busybox prefers its own applets to PATH: programs that are also applets (mke2fs) are
# called by their full path.
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

# /dev nodes of the partitions whose GPT name is $1, one per line, on disk $3 (e.g. vda) if given,
# else on every disk; waits up to 30 s for one to appear (or looks $2 times, 0.1 s apart).
partitions() {
  n=0
  where='/sys/class/block/*/uevent'
  [ -z "$3" ] || where="/sys/block/$3/$3*/uevent"
  while [ "$n" -lt "${2:-300}" ]; do
    found=
    for u in $where; do
      if grep -qx "PARTNAME=$1" "$u" 2>/dev/null; then
        d=${u%/uevent}
        echo "/dev/${d##*/}"
        found=1
      fi
    done
    [ -n "$found" ] && return 0
    n=$((n + 1))
    sleep 0.1
  done
  return 1
}

# The first of them: the partition named $1 on disk $3 (see partitions).
partition() { partitions "$@" | head -n 1 | grep .; }

# The disk (e.g. vda) that holds partition /dev/$1.
disk_of() { d=$(readlink -f "/sys/class/block/${1#/dev/}/..") && echo "${d##*/}"; }

# GPT unique GUID of partition /dev/$1 as a lowercase UUID string, read from its disk's GPT.
partuuid() {
  p=${1#/dev/}
  disk=$(disk_of "$p") || return 1
  num=$(cat "/sys/class/block/$p/partition") || return 1
  lbs=$(cat "/sys/class/block/$disk/queue/logical_block_size") || return 1
  entries=$(dd if="/dev/$disk" bs="$lbs" skip=1 count=1 2>/dev/null | od -An -tu8 -j 72 -N 8 | tr -d ' ')
  esize=$(dd if="/dev/$disk" bs="$lbs" skip=1 count=1 2>/dev/null | od -An -tu4 -j 84 -N 4 | tr -d ' ')
  [ -n "$entries" ] && [ -n "$esize" ] || return 1
  dd if="/dev/$disk" bs=1 skip=$((entries * lbs + (num - 1) * esize + 16)) count=16 2>/dev/null \
    | od -An -tx1 | tr -d ' \n' \
    | awk '{ s = $0; printf "%s%s%s%s-%s%s-%s%s-%s-%s\n", substr(s, 7, 2), substr(s, 5, 2), substr(s, 3, 2),
        substr(s, 1, 2), substr(s, 11, 2), substr(s, 9, 2), substr(s, 15, 2), substr(s, 13, 2), substr(s, 17, 4),
        substr(s, 21, 12) }'
}

# Grows STATE, the disk's last partition, to the disk's end when the disk is larger than the image it
# was written from (a cloud VM's disk, qemu-img resize): the backup GPT moves to the new end and STATE
# ends on the last 1 MiB boundary before it, as cosbuild lays it out. Runs before anything on the disk
# is opened, so the kernel rereads the whole table. A failure leaves STATE as it was and the boot goes on.
grow_state_partition() {
  p=$(partition STATE 1 "$DISK") || return 0
  p=${p#/dev/}
  lbs=$(cat "/sys/block/$DISK/queue/logical_block_size") || return 0
  total=$(($(cat "/sys/block/$DISK/size") * 512 / lbs))
  start=$(($(cat "/sys/class/block/$p/start") * 512 / lbs))
  size=$(($(cat "/sys/class/block/$p/size") * 512 / lbs))
  num=$(cat "/sys/class/block/$p/partition") || return 0
  grain=$((1048576 / lbs))
  # The backup GPT: its header in the last sector, its 128 entries of 128 bytes before it.
  last_usable=$((total - 2 - 16384 / lbs))
  end=$(((last_usable + 1) / grain * grain - 1))
  [ "$end" -gt $((start + size - 1)) ] || return 0
  for q in /sys/block/"$DISK"/"$DISK"*/start; do
    [ "$(cat "$q")" -le "$(cat "/sys/class/block/$p/start")" ] || { log "STATE is not the last partition on $DISK: not grown"; return 0; }
  done
  log "growing STATE (/dev/$p) from $((size * lbs / 1048576)) MiB to $(((end - start + 1) * lbs / 1048576)) MiB: the disk is larger than the image"
  # sfdisk also moves the backup GPT to the disk's end, then has the kernel reread the table.
  if ! out=$(echo "$start,$((end - start + 1))" | /sbin/sfdisk -q -N "$num" "/dev/$DISK" 2>&1); then
    log "could not grow STATE; it keeps its size:"
    echo "$out"
  fi
}

# Grows STATE's filesystem, mounted at $STATE, to its partition (online; after a grown partition, or a
# boot stopped between the two). A no-op when it fills it already; a failure leaves it usable as it is.
grow_state_filesystem() {
  if ! out=$(/sbin/resize2fs "$1" 2>&1); then
    log "could not grow the filesystem on STATE ($1); it keeps its size:"
    echo "$out"
  elif echo "$out" | grep -q "is now"; then
    log "STATE's filesystem grown: $(echo "$out" | grep "is now")"
  fi
}

# The root partition: of those named $ROOT_PART, the one whose partition UUID is the first 128 bits
# of the root hash (cosbuild and systemd set slot A's so), else the first (a slot whose UUIDs were
# not set from its root hash). Several disks may carry cosbuild partitions.
root_partition() {
  want=$(echo "$ROOTHASH" | awk '{ s = tolower($0); printf "%s-%s-%s-%s-%s\n", substr(s, 1, 8), substr(s, 9, 4),
    substr(s, 13, 4), substr(s, 17, 4), substr(s, 21, 12) }')
  all=$(partitions "$ROOT_PART") || return 1
  for d in $all; do
    if [ "$(partuuid "$d")" = "$want" ]; then
      echo "$d"
      return 0
    fi
  done
  echo "$all" | head -n 1
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

DATA_DEV=$(root_partition) || fatal "no partition named $ROOT_PART"
# Everything else comes from the root's disk, never from another disk that happens to carry
# partitions of the same names.
DISK=$(disk_of "$DATA_DEV") || fatal "cannot tell which disk holds $DATA_DEV"
[ -z "$STATEFUL" ] || grow_state_partition
HASH_DEV=$(partition "$HASH_PART" 1 "$DISK") || fatal "no partition named $HASH_PART on $DISK"
SECTORS=$((BLOCKS * (BS / 512)))
TABLE="0 $SECTORS verity 1 $DATA_DEV $HASH_DEV $BS $HBS $BLOCKS $HASHSTART $ALG $ROOTHASH $SALT 1 $ON_CORRUPTION"
log "dm-verity: $ROOT_PART ($DATA_DEV) hashes $HASH_PART ($HASH_DEV) on $DISK, root hash $ROOTHASH"
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
# device. A root without the mount point (not built by cosbuild) leaves it alone.
if [ -d "$NEWROOT$OEM_MOUNT" ] && [ ! -L "$NEWROOT$OEM_MOUNT" ] && OEM_DEV=$(partition OEM 1 "$DISK"); then
  mount -t ext4 -o ro,nosuid,nodev,noexec "$OEM_DEV" "$NEWROOT$OEM_MOUNT" || fatal "cannot mount OEM ($OEM_DEV)"
fi

if [ -n "$STATEFUL" ]; then
  STATE_DEV=$(partition STATE 1 "$DISK") || fatal "no partition named STATE on $DISK"
  if ! mount -t ext4 -o "$(opts_for /mnt/stateful_partition)" "$STATE_DEV" $STATE 2>/dev/null; then
    magic=$(dd if="$STATE_DEV" bs=2 skip=540 count=1 2>/dev/null | od -An -tx1 | tr -d ' ')
    if [ "$FORMAT_STATE" = 1 ] && [ "$magic" != 53ef ]; then
      log "formatting STATE ($STATE_DEV) on first boot"
      /sbin/mke2fs -q -F -t ext4 -L STATE "$STATE_DEV" || fatal "cannot format STATE"
      mount -t ext4 -o "$(opts_for /mnt/stateful_partition)" "$STATE_DEV" $STATE || fatal "cannot mount STATE after formatting"
    else
      fatal "cannot mount STATE ($STATE_DEV); it is not formatted over an existing filesystem"
    fi
  fi
  grow_state_filesystem "$STATE_DEV"
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
