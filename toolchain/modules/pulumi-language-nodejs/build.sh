#!/usr/bin/env bash
# Builds this project's Node.js language host and installs the dynamic-provider launcher next to it.
# Called by toolchain/build.sh with OUT set (GOFLAGS, CGO_ENABLED and GOTOOLCHAIN come from there).
#
#   pulumi-language-nodejs          our own LanguageRuntime implementation (see main.go)
#   pulumi-resource-pulumi-nodejs   the shell script the sdk/v3 module ships in nodejs/dist: the engine
#                                   starts it for pulumi.dynamic resources; it runs
#                                   @pulumi/pulumi/cmd/dynamic-provider with the `node` found on PATH.
set -euo pipefail
: "${OUT:?OUT must be set (run through toolchain/build.sh)}"
cd "$(dirname "${BASH_SOURCE[0]}")"

# The version the plugin reports is the Pulumi release it is built against (pinned in go.mod).
version=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)
go build -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}" \
  -o "$OUT/pulumi-language-nodejs" .

# Download before asking for the directory: `go list -m` reports none for a module not yet in the cache.
go mod download github.com/pulumi/pulumi/sdk/v3
sdk_dir=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
install -m 0755 "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$OUT/pulumi-resource-pulumi-nodejs"
