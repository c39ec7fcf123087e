#!/usr/bin/env bash
# scripts/in_sid_root.sh COMMAND...: runs COMMAND inside the Debian sid root that
# scripts/lib.sh's ensure_sid_root builds (Python >= 3.14 for the current Home
# Assistant), in the current directory: the clone is bind-mounted at the same path, with
# /proc, /dev, /sys, /tmp, pip's cache, pyenv's Pythons (so .venv runs too), the
# machine's pip configuration and wheel directories, resolv.conf and the CA bundle. A private mount namespace (unshare) makes
# the mounts vanish with COMMAND, so parallel runs from several clones do not interfere.
# COMMAND replaces this script's process (exec), so signals reach it directly.
set -euo pipefail
SID_ROOT="${SID_ROOT:-${HRV_SID_ROOT:-/var/cache/hrv-readiness/sid-root}}"
if [ ! -f "$SID_ROOT/.hrv-readiness-stamp" ]; then
    echo "error: no sid root at $SID_ROOT (scripts/lib.sh: ensure_sid_root builds it)" >&2
    exit 1
fi
repo=$(pwd -P)
cp -L /etc/resolv.conf "$SID_ROOT/etc/resolv.conf"
cp -L /etc/ssl/certs/ca-certificates.crt "$SID_ROOT/etc/ssl/certs/host-ca-bundle.crt"
if [ -f /etc/pip.conf ]; then cp -L /etc/pip.conf "$SID_ROOT/etc/pip.conf"; fi
mkdir -p /root/.cache/pip
binds=(/dev /proc /sys /tmp /root/.cache/pip "$repo")
for extra in /root/.pyenv /opt/wheels /opt/pypi /opt/pypi-more "$(cd "$repo/.." && pwd -P)/shared"; do
    if [ -d "$extra" ]; then binds+=("$extra"); fi
done
export SID_ROOT REPO="$repo" BINDS="${binds[*]}"
exec unshare --mount --propagation private bash -euc '
    for dir in $BINDS; do
        mkdir -p "$SID_ROOT$dir"
        mount --rbind "$dir" "$SID_ROOT$dir"
    done
    exec chroot "$SID_ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        SSL_CERT_FILE=/etc/ssl/certs/host-ca-bundle.crt \
        PIP_CERT=/etc/ssl/certs/host-ca-bundle.crt \
        REQUESTS_CA_BUNDLE=/etc/ssl/certs/host-ca-bundle.crt \
        PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
        ${HRV_SID_ENV:-} \
        sh -c "cd \"\$0\" && exec \"\$@\"" "$REPO" "$@"
' bash "$@"
