#!/usr/bin/env bash
# The class's students on this machine (run as root): each is a Unix user of the group
# kmslab-students with a private home; the hub signs them in with their Unix password.
#
#   class.sh add ROSTER.csv [PASSWORDS.csv]   add every student of the roster (one username per line, or
#                                             "username,password"); students without a password get a
#                                             first-login password, written to PASSWORDS.csv (mode 600)
#   class.sh instructor NAME                  make NAME (an existing or new user) the hub's admin
#   class.sh reset NAME                       put NAME's copy of the lessons aside (kept, renamed) so their
#                                             next server start gets a fresh one
#   class.sh list                             the students and whether each has a copy of the course
#   class.sh remove NAME                      delete a student and their home (asks first; --yes to skip)
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
students=kmslab-students
instructors=kmslab-instructors
copy=kmslab-course

die() { echo "class.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root (sudo): it adds Unix users"
valid() { [[ "$1" =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] || die "'$1' is not a valid username (lower case letters, digits, - and _, at most 31)"; }
getent group "$students" >/dev/null || groupadd "$students"
getent group "$instructors" >/dev/null || groupadd "$instructors"

new_user() {  # name, password
  local name="$1" password="$2"
  if id "$name" >/dev/null 2>&1; then
    usermod -a -G "$students" "$name"
  else
    useradd --create-home --shell /bin/bash --groups "$students" "$name"
  fi
  chmod 700 "$(getent passwd "$name" | cut -d: -f6)"
  [ -z "$password" ] || echo "$name:$password" | chpasswd
}

case "${1:-}" in
  add)
    roster="${2:-}"; out="${3:-passwords.csv}"
    [ -f "$roster" ] || die "no roster file '$roster'"
    umask 077
    : > "$out.tmp"
    while IFS=, read -r name password || [ -n "$name" ]; do
      name="$(echo "$name" | tr -d '[:space:]')"; password="$(echo "${password:-}" | tr -d '\r')"
      [ -n "$name" ] && [ "${name:0:1}" != "#" ] || continue
      valid "$name"
      if [ -z "$password" ] && ! id "$name" >/dev/null 2>&1; then
        password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | head -c 12)"
        echo "$name,$password" >> "$out.tmp"
      fi
      new_user "$name" "$password"
      echo "added $name"
    done < "$roster"
    if [ -s "$out.tmp" ]; then mv "$out.tmp" "$out"; echo "first-login passwords: $out (hand them out, then delete it; students change theirs with passwd in a terminal)"; else rm -f "$out.tmp"; fi
    ;;
  instructor)
    name="${2:-}"; valid "$name"
    id "$name" >/dev/null 2>&1 || { useradd --create-home --shell /bin/bash "$name"; chmod 700 "$(getent passwd "$name" | cut -d: -f6)"; echo "set $name's password with: passwd $name"; }
    usermod -a -G "$instructors" "$name"
    echo "$name administers the hub (its admin page lists every student's server)"
    ;;
  reset)
    name="${2:-}"; valid "$name"
    home="$(getent passwd "$name" | cut -d: -f6)"; [ -n "$home" ] || die "no user $name"
    if [ -e "$home/$copy" ]; then
      aside="$home/$copy.$(date -u +%Y%m%dT%H%M%SZ)"
      mv "$home/$copy" "$aside"
      echo "$name's copy is now $aside; their next server start copies the course afresh (stop their server first from the hub's admin page)"
    else
      echo "$name has no copy yet"
    fi
    ;;
  list)
    for name in $(getent group "$students" | cut -d: -f4 | tr , ' '); do
      home="$(getent passwd "$name" | cut -d: -f6)"
      printf '%-24s %s\n' "$name" "$([ -d "$home/$copy" ] && echo "has the course" || echo "not started yet")"
    done
    ;;
  remove)
    name="${2:-}"; valid "$name"
    id -nG "$name" 2>/dev/null | tr ' ' '\n' | grep -qx "$students" || die "$name is not a student of this class"
    if [ "${3:-}" != "--yes" ]; then read -r -p "Delete $name and their home, with their work? [y/N] " yes; [ "$yes" = y ] || exit 1; fi
    pkill -u "$name" 2>/dev/null || true
    userdel --remove "$name" 2>/dev/null || userdel "$name"
    echo "removed $name"
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
