//go:build tools

// Package tools pins the bridge's dynamic provider main package for `go mod tidy`.
package tools

import _ "github.com/pulumi/pulumi-terraform-bridge/v3/dynamic"
