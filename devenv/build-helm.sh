#!/usr/bin/env bash
# Builds helm (v3) from the Go module proxy into the cache. helm's module has no replace directives, so a plain
# `go install` works; the -X flags mirror helm's Makefile, so `helm version` reports the real version and
# `helm template` / `helm lint` assume the Kubernetes version the test apiserver runs (else they assume 1.20).
set -euo pipefail
HELM="${HELM_VERSION:-v3.21.4}"
K8S_MINOR="${HELM_K8S_MINOR:-34}"
CACHE="${TEST_INFRA_CACHE:-$HOME/.cache/routine-load-operator}"
OUT="$CACHE/helm-$HELM"
if [ -x "$OUT/bin/helm" ]; then echo "helm $HELM: cached at $OUT/bin"; exit 0; fi
export GOTOOLCHAIN=local CGO_ENABLED=0
mkdir -p "$OUT/bin"
P=helm.sh/helm/v3
echo "helm $HELM: downloading modules and compiling"
GOBIN="$OUT/bin.tmp" go install -trimpath -ldflags "-s -w \
  -X $P/internal/version.version=$HELM -X $P/internal/version.gitTreeState=clean \
  -X $P/pkg/chartutil.k8sVersionMajor=1 -X $P/pkg/chartutil.k8sVersionMinor=$K8S_MINOR \
  -X $P/pkg/lint/rules.k8sVersionMajor=1 -X $P/pkg/lint/rules.k8sVersionMinor=$K8S_MINOR" \
  "$P/cmd/helm@$HELM"
mv "$OUT/bin.tmp/helm" "$OUT/bin/helm"
rmdir "$OUT/bin.tmp"
"$OUT/bin/helm" version --short
