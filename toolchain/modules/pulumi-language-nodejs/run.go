package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	// Module paths inside @pulumi/pulumi that start programs and plugins.
	runModule        = "@pulumi/pulumi/cmd/run"
	runPluginModule  = "@pulumi/pulumi/cmd/run-plugin"
	runPolicyModule  = "@pulumi/pulumi/cmd/run-policy-pack"
	runPathOverride  = "PULUMI_LANGUAGE_NODEJS_RUN_PATH" // test hook honoured by upstream too
	sdkMissingAdvice = "It looks like the Pulumi SDK has not been installed. Have you run `pulumi install` " +
		"or `npm install`?"

	// cmd/run exits with this code after it has already reported the program's error to the engine,
	// so we must not add a second, less useful, error message ("bail").
	exitCodeErrorAlreadyReported = 32

	// How long a cancelled program gets between SIGINT and SIGKILL.
	cancelGrace = 5 * time.Second
)

// Run executes a Pulumi program with node and reports whether it failed.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	loc := locate(req.GetInfo(), req.GetPwd(), req.GetProgram())
	opts, err := h.options(loc)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	nodeBin, err := findNode(loc.program)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	module := runModule
	if override := os.Getenv(runPathOverride); override != "" {
		module = override
	}
	runScript, err := resolveModule(ctx, nodeBin, loc.program, module)
	if err != nil {
		if errors.Is(err, errSDKMissing) {
			return &pulumirpc.RunResponse{Error: sdkMissingAdvice}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	env, err := programEnv(os.Environ(), req, opts, nodeBin)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if h.cfg.otelEndpoint != "" {
		env = setEnv(env, "PULUMI_OTEL_EXPORTER_OTLP_ENDPOINT", h.cfg.otelEndpoint)
	}
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	if tp := carrier.Get("traceparent"); tp != "" {
		env = setEnv(env, "TRACEPARENT", tp)
	}

	args := append([]string{}, opts.nodeArgs...)
	var debugPort int
	if req.GetAttachDebugger() {
		if debugPort, err = freePort(); err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		args = append(args, "--inspect-brk="+strconv.Itoa(debugPort), "--inspect-publish-uid=http")
	}
	args = append(args, runScript)
	args = append(args, runArguments(req, loc, h.engine(), h.cfg.tracingURL)...)

	cmd, release := h.command(ctx, nodeBin, args...)
	defer release()
	cmd.Dir = loc.program
	cmd.Env = env
	// Program output goes to our own stdout/stderr, which the engine shows as the program's output.
	// Wrapping the writers makes exec copy through pipes instead of handing node our file descriptors
	// (node may switch them to non-blocking mode, which breaks later writes from Go).
	watch := &oomWatch{}
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = io.MultiWriter(struct{ io.Writer }{os.Stderr}, watch)

	logging.V(5).Infof("running program: %s %s", nodeBin, strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	if req.GetAttachDebugger() {
		if err := h.announceDebugger(ctx, cmd.Process.Pid, debugPort, "Pulumi: Program (nodejs)"); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	}
	return runResult(cmd.Wait(), watch.seen()), nil
}

// runResult turns the outcome of the node process into the engine's RunResponse.
func runResult(waitErr error, outOfMemory bool) *pulumirpc.RunResponse {
	if waitErr == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if !errors.As(waitErr, &exitErr) {
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", waitErr),
		}
	}
	switch code := exitErr.ExitCode(); code {
	case exitCodeErrorAlreadyReported:
		return &pulumirpc.RunResponse{Bail: true}
	case -1: // killed by a signal
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %v", exitErr)}
	default:
		msg := fmt.Sprintf("Program exited with non-zero exit code: %d", code)
		if outOfMemory {
			msg += ". Node.js ran out of memory; raise its heap limit with the `nodeargs` runtime option in " +
				"Pulumi.yaml, e.g. `nodeargs: --max-old-space-size=4096`"
		}
		return &pulumirpc.RunResponse{Error: msg}
	}
}

// runArguments builds the command line understood by @pulumi/pulumi's cmd/run (see its usage text).
func runArguments(req *pulumirpc.RunRequest, loc programLocation, engineAddr, tracingURL string) []string {
	var args []string
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", engineAddr)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", loc.root)
	flag("stack", req.GetStack())
	flag("pwd", loc.program)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", tracingURL)
	// The entry point comes first after the flags (cmd/run stops parsing flags there); "." lets
	// package.json's exports/main choose the file. Then the program's own arguments.
	args = append(args, loc.entryPoint)
	return append(args, req.GetArgs()...)
}

// programEnv adds what the Node.js SDK reads from the environment: configuration, secret config keys
// and the TypeScript settings.
func programEnv(base []string, req *pulumirpc.RunRequest, opts nodeOptions, nodeBin string) ([]string, error) {
	configJSON, err := json.Marshal(legacyConfigKeys(req.GetConfig()))
	if err != nil {
		return nil, fmt.Errorf("serialising configuration: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serialising secret configuration keys: %w", err)
	}
	env := append([]string{}, base...)
	env = setEnv(env, "PULUMI_CONFIG", string(configJSON))
	env = setEnv(env, "PULUMI_CONFIG_SECRET_KEYS", string(secretJSON))
	env = typescriptEnv(env, opts)
	return withNodeOnPath(env, nodeBin), nil
}

// typescriptEnv tells the SDK whether to register ts-node and which tsconfig to use. Whether ts-node
// type-checks is the SDK's decision: PULUMI_NODEJS_TRANSPILE_ONLY (inherited from our environment)
// wins, then tsconfig's compilerOptions.noCheck.
func typescriptEnv(env []string, opts nodeOptions) []string {
	if opts.typescript {
		env = setEnv(env, "PULUMI_NODEJS_TYPESCRIPT", "true")
	}
	if opts.tsconfig != "" {
		env = setEnv(env, "PULUMI_NODEJS_TSCONFIG_PATH", opts.tsconfig)
	}
	return env
}

// legacyConfigKeys rewrites "ns:name" keys to "ns:config:name". Current SDKs accept both forms, and
// older copies of @pulumi/pulumi that a program may still load only understand the second.
func legacyConfigKeys(config map[string]string) map[string]string {
	out := make(map[string]string, len(config))
	for key, value := range config {
		if strings.Count(key, ":") == 1 {
			i := strings.IndexByte(key, ':')
			key = key[:i] + ":config:" + key[i+1:]
		}
		out[key] = value
	}
	return out
}

// command prepares a child process that stops when the request ends or the engine calls Cancel:
// SIGINT first so node can flush and disconnect, SIGKILL after a grace period. Call release once the
// process has been waited for.
func (h *host) command(ctx context.Context, name string, args ...string) (cmd *exec.Cmd, release func()) {
	cmdCtx, cancel := context.WithCancel(h.cancelCtx)
	stop := context.AfterFunc(ctx, cancel)
	cmd = exec.CommandContext(cmdCtx, name, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = cancelGrace
	return cmd, func() {
		stop()
		cancel()
	}
}

// freePort finds a TCP port for the node inspector.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port for the debugger: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// announceDebugger asks the engine to tell the user's IDE to attach to the paused node process.
func (h *host) announceDebugger(ctx context.Context, pid, port int, name string) error {
	engine, closeEngine, err := h.dialEngine()
	if err != nil {
		return err
	}
	defer closeEngine()
	config, err := structpb.NewStruct(map[string]any{
		"name":             name,
		"type":             "node",
		"request":          "attach",
		"processId":        pid,
		"port":             port,
		"continueOnAttach": true,
		"skipFiles":        []any{"<node_internals>/**"},
	})
	if err != nil {
		return err
	}
	_, err = engine.StartDebugging(ctx, &pulumirpc.StartDebuggingRequest{
		Config:  config,
		Message: fmt.Sprintf("on process id %d and port %d", pid, port),
	})
	if err != nil {
		return fmt.Errorf("unable to start debugging: %w", err)
	}
	return nil
}

// oomWatch scans node's stderr for the V8 out-of-memory report.
type oomWatch struct {
	mu   sync.Mutex
	tail string
	hit  bool
}

var oomMarkers = []string{
	"<--- Last few GCs --->",
	"JavaScript heap out of memory",
	"Check failed: needs_context && current_scope_ == closure_scope_",
}

func (w *oomWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hit {
		return len(p), nil
	}
	text := w.tail + string(p)
	for _, m := range oomMarkers {
		if strings.Contains(text, m) {
			w.hit = true
			w.tail = ""
			return len(p), nil
		}
	}
	// Keep enough of the end to catch a marker split across writes.
	const keep = 80
	if len(text) > keep {
		text = text[len(text)-keep:]
	}
	w.tail = text
	return len(p), nil
}

func (w *oomWatch) seen() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hit
}
