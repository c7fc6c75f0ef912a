package main

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The RPCs this project never uses answer Unimplemented instead of running untested code.
func TestUnusedRPCsAreUnimplemented(t *testing.T) {
	h := newHost(hostConfig{})
	ctx := context.Background()
	calls := map[string]func() error{
		"Pack": func() error {
			_, err := h.Pack(ctx, &pulumirpc.PackRequest{PackageDirectory: t.TempDir()})
			return err
		},
		"GenerateProgram": func() error {
			_, err := h.GenerateProgram(ctx, &pulumirpc.GenerateProgramRequest{})
			return err
		},
		"GenerateProject": func() error {
			_, err := h.GenerateProject(ctx, &pulumirpc.GenerateProjectRequest{})
			return err
		},
	}
	for name, call := range calls {
		if code := status.Code(call()); code != codes.Unimplemented {
			t.Errorf("%s: got code %v, want Unimplemented", name, code)
		}
	}
}
