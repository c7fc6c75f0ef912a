//go:build tools

// Package tools pins the packages build.sh needs so that `go mod tidy` keeps their dependencies:
// the provider (its main package embeds generated files, so the wrapper pins the library packages it
// imports) and the schema package used by the provider's own generate.go.
package tools

import (
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
	_ "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)
