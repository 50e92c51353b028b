#!/bin/sh
# A student's own copy of the lessons, made once, on their first start, and never overwritten:
#   copy-course.sh [HOME]
# The lessons are copied (students edit them); the build they load (#r "../artifacts/kmslab/...")
# stays the class's one read-only copy, reached through a symlink. The local hub runs this as root
# before a student's server starts (jupyterhub_config.py), Kubernetes as the student when their pod
# starts (z2jh-values.yaml). `class.sh reset` moves a copy aside so the next start makes a fresh one.
set -eu
home="${1:-$HOME}"
course="${KMSLAB_HUB_PREFIX:-/opt/kmslab}/course"
target="$home/kmslab-course"
if [ -e "$target" ] || [ -L "$target" ]; then exit 0; fi
partial="$target.partial-$$"
rm -rf "$partial"
mkdir -p "$partial"
cp -R "$course/notebooks" "$partial/notebooks"
ln -s "$course/artifacts" "$partial/artifacts"
mv "$partial" "$target"   # all or nothing: an interrupted copy is never taken for the student's work
echo "copied the course into $target"
