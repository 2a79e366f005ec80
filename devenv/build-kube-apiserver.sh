#!/usr/bin/env bash
# Builds kube-apiserver (and kubectl) from the Go module proxy into the cache.
# k8s.io/kubernetes replaces its staging modules with ./staging paths, so `go install pkg@v` refuses it;
# a wrapper module pins every staging module to its published v0.Y.Z twin instead.
set -euo pipefail
K8S="${K8S_VERSION:-1.34.10}"
MINOR="$(echo "$K8S" | cut -d. -f2)"
SV="v0.${K8S#1.}"
CACHE="${TEST_INFRA_CACHE:-$HOME/.cache/routine-load-operator}"
OUT="$CACHE/kube-$K8S"
if [ -x "$OUT/bin/kube-apiserver" ] && [ -x "$OUT/bin/kubectl" ]; then
  echo "kube-apiserver $K8S: cached at $OUT/bin"; exit 0
fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$OUT/src" "$OUT/bin"
cd "$OUT/src"
echo "kube-apiserver $K8S: resolving staging modules"
printf 'module local/probe\n\ngo 1.24.0\n' > go.mod
go mod download "k8s.io/kubernetes@v$K8S"
KMOD="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$K8S.mod"
STAGING="$(sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\1#p' "$KMOD")"
test -n "$STAGING"
{
  printf 'module local/kube-build\n\ngo 1.24.0\n\ngodebug default=go1.24\n\nreplace (\n'
  for m in $STAGING; do printf '\t%s => %s %s\n' "$m" "$m" "$SV"; done
  printf ')\n'
} > go.mod
echo "kube-apiserver $K8S: downloading modules"
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S"
go get -tool "k8s.io/kubernetes/cmd/kubectl@v$K8S"
LD="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$MINOR -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=v$K8S -X k8s.io/client-go/pkg/version.gitMajor=1 \
 -X k8s.io/client-go/pkg/version.gitMinor=$MINOR"
echo "kube-apiserver $K8S: compiling (cold: 10-25 min on 2 cores)"
go build -trimpath -ldflags "$LD" -o "$OUT/bin/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
mv "$OUT/bin/kube-apiserver.tmp" "$OUT/bin/kube-apiserver"
go build -trimpath -ldflags "$LD" -o "$OUT/bin/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
mv "$OUT/bin/kubectl.tmp" "$OUT/bin/kubectl"
"$OUT/bin/kube-apiserver" --version
