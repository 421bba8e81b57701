#!/usr/bin/env bash
# The node-svc machine starts Redis and RabbitMQ before a session and before CI; a developer machine may
# not have them running. Start what is installed but down, install what is missing (Debian packages).
set -euo pipefail

port_open() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
apt_ready=0
apt_install() {
  [ "$apt_ready" = 1 ] || { apt-get update -qq; apt_ready=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! port_open 6379; then
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
if ! port_open 5672; then
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  rabbitmq-server -detached
  for _ in $(seq 1 60); do port_open 5672 && break; sleep 1; done
fi
port_open 6379 && echo "redis: 127.0.0.1:6379"
port_open 5672 && echo "rabbitmq: 127.0.0.1:5672"
# libcoap's command-line client: an independent CoAP implementation the ingress tests talk to.
command -v coap-client-notls >/dev/null || apt_install libcoap3-bin
