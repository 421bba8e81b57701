#!/usr/bin/env bash
# `npm run test:deploy`: what the Pulumi program declares, created on a real Docker engine and checked.
# No Pulumi CLI can be had here, so infra/verify/main.ts captures the program's resources under Pulumi's
# mocks and applies them with dockerode. This script owns the machine side: Debian packages, a dockerd
# of its own (own data root, exec root, socket; no default bridge, no iptables changes, so it disturbs no
# other engine on the host), a debootstrap base for the stand-ins of the public images, the bundles.
# Everything it made goes away on exit, failure or not: containers, network, volume, dockerd, data root.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "deploy verification: needs root (dockerd, debootstrap)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/snooze-deploy.XXXXXX)
SOCKET="$WORK/docker.sock"
DOCKERD_PID=""
DEBOOTSTRAP_PID=""
STAND_IN_BASE=snooze-stand-in/debian:bookworm
export DOCKER_HOST="unix://$SOCKET"

now() { date +%s%N; }
took() { local ms=$((($(now) - $1) / 1000000)); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }
step() { printf '\n== deploy: %s\n' "$*"; }
# A process and everything it started, by process id.
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null
}

cleanup() {
  local status=$?
  set +e
  local bridges=""
  # Interrupted while debootstrap still writes into the folder about to go.
  [ -n "$DEBOOTSTRAP_PID" ] && kill_tree "$DEBOOTSTRAP_PID" && sleep 1
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    # Backstop for a run that died before its own teardown: the engine and everything in it goes.
    bridges=$(docker network ls --quiet --no-trunc --filter driver=bridge 2>/dev/null | cut -c1-12)
    docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1
    docker network prune -f >/dev/null 2>&1
    kill "$DOCKERD_PID"
    for _ in $(seq 1 40); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$DOCKERD_PID" 2>/dev/null
  fi
  # A network's bridge outlives an engine that could not remove it; the data root that knew it is going.
  for id in $bridges; do ip link delete "br-$id" 2>/dev/null; done
  # Mounts dockerd may leave under its roots (overlays, netns, shm) must go before the folder can.
  grep -o " $WORK/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
  echo "deploy: cleaned up $WORK (exit $status)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(now)
step "Debian packages (docker.io, debootstrap)"
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "packages ready in $(took "$t0")"

t1=$(now)
step "dockerd of its own, a debootstrap Debian base, the service bundles (in parallel)"
setsid dockerd \
  --data-root "$WORK/data" --exec-root "$WORK/exec" --pidfile "$WORK/docker.pid" \
  -H "$DOCKER_HOST" --bridge=none --iptables=false --ip-masq=false \
  >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
(
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  # What the official slim images leave out too; apt lists come back where a stand-in installs packages.
  rm -rf "$WORK"/rootfs/var/lib/apt/lists/* "$WORK"/rootfs/var/cache/apt/* \
    "$WORK"/rootfs/usr/share/{doc,man,locale,info}
) &
DEBOOTSTRAP_PID=$!
npm run --silent bundle
for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
docker version --format 'engine {{.Server.Version}} on {{.Server.Os}}' || { tail -20 "$WORK/dockerd.log" >&2; exit 1; }
debootstrapped=0
wait "$DEBOOTSTRAP_PID" || debootstrapped=$?
DEBOOTSTRAP_PID=""
[ "$debootstrapped" = 0 ] || exit "$debootstrapped"
tar -C "$WORK/rootfs" -c . | docker import - "$STAND_IN_BASE" >/dev/null
rm -rf "$WORK/rootfs"
echo "engine, base and bundles ready in $(took "$t1")"

t2=$(now)
step "the program's declarations on the engine (infra/verify/main.ts)"
SNOOZE_STAND_IN_BASE="$STAND_IN_BASE" SNOOZE_VERIFY_WORK="$WORK" npx tsx infra/verify/main.ts
echo "verified in $(took "$t2"); deploy verification in all $(took "$t0")"
