//go:build tools

// Package tools pins the AKS engine main package so that `go mod tidy` keeps its dependencies.
// Stand-in: github.com/Azure/aks-engine (see go.mod); the real target is
// github.com/Azure/aks-engine-azurestack, which the module proxy does not serve here.
package tools

import _ "github.com/Azure/aks-engine"
