# Stand-in for the official Node image (the deploy verification has no registry): the same layout the
# service Dockerfiles rely on, i.e. `node` on PATH at /usr/local/bin and a `node` user with uid/gid 1000.
# The binary is the host's own Node (same Debian release, same glibc).
ARG BASE
FROM ${BASE}
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]
