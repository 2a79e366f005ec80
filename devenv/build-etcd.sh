#!/usr/bin/env bash
# Builds etcd 3.6 (the line kube-apiserver 1.34 links) from the Go module proxy into the cache.
# etcd's server module replaces its sibling modules with ../ paths, so a wrapper module is needed here too.
set -euo pipefail
ETCD="${ETCD_VERSION:-v3.6.14}"
CACHE="${TEST_INFRA_CACHE:-$HOME/.cache/routine-load-operator}"
OUT="$CACHE/etcd-$ETCD"
if [ -x "$OUT/bin/etcd" ]; then echo "etcd $ETCD: cached at $OUT/bin"; exit 0; fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$OUT/src" "$OUT/bin"
cd "$OUT/src"
printf 'module local/etcd-build\n\ngo 1.25.0\n' > go.mod
echo "etcd $ETCD: downloading modules"
go get -tool "go.etcd.io/etcd/server/v3@$ETCD"
echo "etcd $ETCD: compiling"
go build -trimpath -ldflags "-s -w" -o "$OUT/bin/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$OUT/bin/etcd.tmp" "$OUT/bin/etcd"
"$OUT/bin/etcd" --version | head -1
