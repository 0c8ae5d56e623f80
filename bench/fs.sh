#!/usr/bin/env bash
# The filesystem-writer benchmarks of the issue in one command: cosbuild against mksquashfs and
# against mke2fs -d on the same trees (Debian minbase root, the same 4x, 20,000 empty files),
# printing time and size ratios. Run it on a quiet machine; the figures are ratios measured side
# by side in one run, never absolute goals checked by a test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/fs-squashfs.sh" "$@"
"$here/fs-ext4.sh"
