# Stand-in for the official Redis image (the deploy verification has no registry): Debian's redis-server 7
# with the official image's conventions, i.e. redis-server and redis-cli on PATH, data in /data owned by
# the redis user, who runs the server.
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server"]
