#!/usr/bin/env bash
# Installs what a KmsLab class in the browser needs on one Debian machine (run as root):
# JupyterHub 3 and the classic notebook server (Debian's packages), the hub's proxy (npm's
# configurable-http-proxy, pinned), the .NET 10 SDK, the pinned .NET Interactive kernel, and the course
# built once into /opt/kmslab, shared read-only by every student. It installs no AWS anything.
#
#   sudo lab-setup/jupyterhub/install.sh            # from a clone of the KmsLab repository
#
# Run again after `git pull` to rebuild the course: students' own copies are never touched (each
# student's copy is made once, on their first start; see jupyterhub_config.py).
# The container image (Dockerfile next to this script) runs this same script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
prefix="${KMSLAB_HUB_PREFIX:-/opt/kmslab}"
kernel_version="1.0.712001"   # the kernel the course is tested with (KernelCommand.ToolVersion)

if [ "$(id -u)" != 0 ]; then echo "install.sh: run as root (sudo), it installs system packages and /opt/kmslab" >&2; exit 2; fi
[ -f "$repo/KmsLab.sln" ] || { echo "install.sh: $repo is not a KmsLab checkout" >&2; exit 2; }

step() { printf '\n== %s\n' "$*"; }

step "Debian packages: JupyterHub 3, the notebook server, nbclient"
# jupyter-nbconvert and python3-nbclient: lessons can be run headless per student (measure.py);
# procps: the sizing measurement reads the kernels' memory.
packages="jupyterhub jupyter-nbconvert python3-nbclient python3-ipykernel libjs-requirejs procps ca-certificates"
missing=""
for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

step "The hub's proxy: configurable-http-proxy from npm, pinned by proxy/package-lock.json"
# (Debian's node-configurable-http-proxy works only with Debian's own nodejs build.)
command -v npm >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
mkdir -p "$prefix/proxy"
install -m 644 "$here/proxy/package.json" "$here/proxy/package-lock.json" "$prefix/proxy/"
(cd "$prefix/proxy" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
"$prefix/proxy/node_modules/.bin/configurable-http-proxy" --version

step ".NET 10 SDK"
if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks | grep -q '^10\.'; then
  # Microsoft's package feed for Debian 12 (the distribution's own archive has no .NET).
  . /etc/os-release
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wget >/dev/null
  wget -q "https://packages.microsoft.com/config/debian/${VERSION_ID}/packages-microsoft-prod.deb" -O /tmp/packages-microsoft-prod.deb
  dpkg -i /tmp/packages-microsoft-prod.deb >/dev/null
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dotnet-sdk-10.0 >/dev/null
fi
dotnet --version
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step "The course, built once into $prefix/course (read-only for students)"
mkdir -p "$prefix"
rm -rf "$prefix/course.new"
mkdir -p "$prefix/course.new"
# What the lessons and the build need, without this checkout's build outputs or caches.
tar -C "$repo" --exclude='./artifacts' --exclude='*/bin' --exclude='*/obj' --exclude='./.git' \
    --exclude='*/node_modules' --exclude='./.nuget' --exclude='./.dotnet' --exclude='./.local' \
    -cf - . | tar -C "$prefix/course.new" -xf -
dotnet build "$prefix/course.new/src/KmsLab.Lessons" -c Release -v quiet -nologo >/dev/null
dotnet publish "$prefix/course.new/src/KmsLab.Cli" -c Release -v quiet -nologo -o "$prefix/course.new/cli" >/dev/null
rm -rf "$prefix/course.old"
if [ -d "$prefix/course" ]; then mv "$prefix/course" "$prefix/course.old"; fi
mv "$prefix/course.new" "$prefix/course"
rm -rf "$prefix/course.old"
cat > /usr/local/bin/kmslab <<SH
#!/bin/sh
# kmslab for every user of this machine: the class's build in $prefix/course (lab-setup/jupyterhub/install.sh).
exec dotnet "$prefix/course/cli/KmsLab.Cli.dll" "\$@"
SH
chmod 755 /usr/local/bin/kmslab

step ".NET Interactive kernel $kernel_version, for every user"
if ! "$prefix/tools/dotnet-interactive" --version 2>/dev/null | grep -q "^$kernel_version"; then
  rm -rf "$prefix/tools"
  dotnet tool install Microsoft.dotnet-interactive --version "$kernel_version" --tool-path "$prefix/tools"
fi
# Registered system-wide, with its HTTP API on a Unix socket in each student's private runtime folder.
kmslab kernel install --system --tool "$prefix/tools/dotnet-interactive"

step "The hub's configuration and the class scripts"
mkdir -p "$prefix/hub" /var/lib/kmslab-hub
install -m 644 "$here/jupyterhub_config.py" "$prefix/hub/jupyterhub_config.py"
install -m 755 "$here/class.sh" "$here/copy-course.sh" "$prefix/hub/"
install -m 755 "$here/measure.py" "$prefix/hub/measure.py"
chmod 700 /var/lib/kmslab-hub
chown -R root:root "$prefix"
chmod -R go-w,a+rX "$prefix"

step "Done"
cat <<TXT
Start the hub:     jupyterhub -f $prefix/hub/jupyterhub_config.py    (state in /var/lib/kmslab-hub)
Add the students:  $prefix/hub/class.sh add roster.csv                (usernames, one per line)
The instructor guide: docs/classroom-hub.md
TXT
