// Command pulumi-language-nodejs is this project's own Node.js language host for the Pulumi engine.
//
// The upstream host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) cannot be
// fetched from the Go module proxy available here, so this is an independent implementation of the
// pulumirpc.LanguageRuntime service. It runs programs through the `cmd/run` entry point shipped in the
// program's own @pulumi/pulumi package, installs dependencies with the SDK's npm helpers, and generates
// Node.js SDKs with github.com/pulumi/pulumi/pkg/v3/codegen/nodejs, so generated code matches upstream.
//
// Protocol (shared by every Pulumi plugin): the engine starts the binary as
//
//	pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] [-root DIR] <engine address>
//
// and reads the gRPC port this process prints as the first line on stdout. Anything a program prints
// later on stdout/stderr is shown by the engine as program output.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// engineHealthInterval is how often we check that the engine that started us is still alive.
const engineHealthInterval = 5 * time.Minute

func main() {
	tracingURL := flag.String("tracing", "", "emit tracing to a Zipkin-compatible endpoint")
	// Older engines passed the project root on the command line; today it arrives in ProgramInfo.
	_ = flag.String("root", "", "project root directory (accepted for compatibility, unused)")
	runtimeName := flag.String("runtime", "nodejs", "JavaScript runtime to run programs with (only nodejs)")
	// Older engines could pass -typescript=false; the Pulumi.yaml `typescript` option supersedes it.
	typescriptDefault := flag.Bool("typescript", true, "default for the `typescript` runtime option")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()

	if *showVersion {
		fmt.Println(pluginVersion())
		return
	}
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime %q: this language host only runs Node.js", *runtimeName))
	}

	logging.InitLogging(false, 0, false)
	otelEndpoint := os.Getenv("PULUMI_OTEL_EXPORTER_OTLP_ENDPOINT")
	if otelEndpoint != "" {
		if err := cmdutil.InitOtelTracing("pulumi-language-nodejs", otelEndpoint); err != nil {
			logging.V(3).Infof("could not initialise OpenTelemetry tracing: %v", err)
		}
		defer cmdutil.CloseOtelTracing()
	} else {
		cmdutil.InitTracing("pulumi-language-nodejs", "pulumi-language-nodejs", *tracingURL)
	}

	// Stop serving on Ctrl-C/SIGTERM, or when the engine we report to goes away.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopServing := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stopServing)
	}()

	h := newHost(hostConfig{
		tracingURL:        *tracingURL,
		otelEndpoint:      otelEndpoint,
		typescriptDefault: *typescriptDefault,
		onEngineLost:      stop,
	})
	if addr := flag.Arg(0); addr != "" {
		if err := h.setEngine(addr); err != nil {
			cmdutil.Exit(fmt.Errorf("could not watch the engine at %s: %w", addr, err))
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stopServing,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host gRPC server: %w", err))
	}

	// The engine waits for this line: it is how it learns where to connect.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}
