# Go settings for every toolchain build (sourced by toolchain/build.sh and toolchain/check-cold-cache.sh).
# Independent of the developer's `go env` file (e.g. a GOFLAGS=-buildvcs=false there): VCS stamping
# would make a build inside a git checkout differ from one outside it; modules resolve from go.mod.
export GOFLAGS="${GOFLAGS:-} -mod=mod -trimpath -buildvcs=false"
export CGO_ENABLED=0
export GOTOOLCHAIN=local
