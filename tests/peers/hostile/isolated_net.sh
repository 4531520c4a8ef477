#!/usr/bin/env bash
# Runs a command in a network namespace of its own (loopback only: not one packet can leave the machine, whatever the
# command does) whose DNS resolver is dns_spy.py on 127.0.0.1:53, logging every name asked to QUERY_LOG, and whose
# /etc/hosts also names the loopback peers of test_hosts (smtp.local).
# Tests of guards run under it, so a broken guard sends nothing anywhere. Needs root (unshare, mount, ip).
#
# usage: isolated_net.sh QUERY_LOG COMMAND [ARGS...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log="$1"
shift
exec unshare --net --mount bash -c '
  set -euo pipefail
  here="$1"; log="$2"; shift 2
  ip link set lo up
  conf="$(mktemp)"
  printf "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n" > "$conf"
  mount --bind "$conf" /etc/resolv.conf
  # Names of the peers help examples use (test_hosts), in this namespace only: the bind mount goes with it.
  hosts="$(mktemp)"
  cat /etc/hosts "$here/test_hosts" > "$hosts"
  mount --bind "$hosts" /etc/hosts
  fifo="$(mktemp -u)"; mkfifo "$fifo"
  python3 "$here/dns_spy.py" "$log" > "$fifo" &
  spy=$!
  read -r ready < "$fifo"
  rm -f "$fifo"
  trap "kill $spy 2>/dev/null || true; rm -f \"$conf\" \"$hosts\"" EXIT
  "$@"
' isolated_net "$here" "$log" "$@"
