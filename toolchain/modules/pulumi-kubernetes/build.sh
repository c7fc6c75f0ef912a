#!/usr/bin/env bash
# Builds pulumi-resource-kubernetes (called by toolchain/build.sh with OUT set).
#
# Pin: github.com/pulumi/pulumi-kubernetes/provider/v4 has no tags, so go.mod pins the pseudo-version
# v4.0.0-20260115033456-f47bc2d6f199 = commit f47bc2d6f1996444d11c12b4ef083b82585f7c07 (2026-01-15), the
# last commit before the v4.25.0 release that the Go proxy serves (the release commit 144dd813d53e itself
# is refused). Its schema.json (Kubernetes 1.33 APIs) is the one behind npm @pulumi/kubernetes 4.25.0
# (whose generated SDK is byte-identical to 4.24.1 apart from the version), so the plugin reports 4.25.0.
#
# The provider's main package embeds files that upstream generates at release time
# (schema-embed.json, terraform-mapping-embed.json from the committed schema.json/terraform-mapping.json
# by cmd/pulumi-resource-kubernetes/generate.go). The module cache is read-only, so: copy the module,
# run its own generate.go there, and build with a temporary go.mod that replaces the module by the copy.
set -euo pipefail

VERSION=4.25.0 # npm @pulumi/kubernetes version this plugin stands for (keep in step with package.json)
MOD=github.com/pulumi/pulumi-kubernetes/provider/v4

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${OUT:?OUT must be set (toolchain/build.sh sets it)}"
log() { printf '[pulumi-kubernetes] %s\n' "$*" >&2; }

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

cd "$here"
# `go list -m` only reports a directory for a module that is already in the module cache; download it
# first so a fresh machine (empty GOMODCACHE) works the same as a warm one.
go mod download "$MOD"
src=$(go list -m -f '{{.Dir}}' "$MOD")
[ -n "$src" ] && [ -d "$src" ] || { log "cannot locate $MOD in the module cache"; exit 1; }
cp -R "$src" "$tmp/provider"
chmod -R u+w "$tmp/provider"

log "generating schema-embed.json (VERSION=$VERSION) with the provider's generate.go"
go build -o "$tmp/generate" "$tmp/provider/cmd/pulumi-resource-kubernetes/generate.go"
(cd "$tmp/provider/cmd/pulumi-resource-kubernetes" && VERSION="$VERSION" "$tmp/generate")

# Temporary module file: the wrapper's go.mod/go.sum plus a replace of the provider by the writable copy.
cp go.mod "$tmp/go.mod" && cp go.sum "$tmp/go.sum"
printf '\nreplace %s => %s\n' "$MOD" "$tmp/provider" >>"$tmp/go.mod"

log "go build $MOD/cmd/pulumi-resource-kubernetes"
go build -modfile="$tmp/go.mod" \
  -ldflags "-s -w -X $MOD/pkg/version.Version=$VERSION" \
  -o "$OUT/pulumi-resource-kubernetes" "$MOD/cmd/pulumi-resource-kubernetes"
