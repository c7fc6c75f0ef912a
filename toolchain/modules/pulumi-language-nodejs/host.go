package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// fallbackVersion is reported when the build did not stamp version.Version (build.sh stamps it from go.mod).
const fallbackVersion = "3.259.0"

func pluginVersion() string {
	if version.Version != "" {
		return version.Version
	}
	return fallbackVersion
}

type hostConfig struct {
	tracingURL        string
	otelEndpoint      string
	typescriptDefault bool
	// onEngineLost is called when the engine stops answering health checks.
	onEngineLost func()
}

// host implements pulumirpc.LanguageRuntimeServer for Node.js programs.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	cfg hostConfig

	mu            sync.Mutex
	engineAddress string

	// cancelled by the Cancel RPC; every program or tool we start is tied to it.
	cancelCtx  context.Context
	cancelFunc context.CancelFunc
}

func newHost(cfg hostConfig) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{cfg: cfg, cancelCtx: ctx, cancelFunc: cancel}
}

// setEngine records the engine's address and starts watching its health (once per address).
func (h *host) setEngine(addr string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if addr == "" || addr == h.engineAddress {
		return nil
	}
	h.engineAddress = addr
	lost := h.cfg.onEngineLost
	if lost == nil {
		lost = func() {}
	}
	return rpcutil.Healthcheck(h.cancelCtx, addr, engineHealthInterval, lost)
}

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// dialEngine opens a client to the engine (used to announce debugger sessions).
func (h *host) dialEngine() (pulumirpc.EngineClient, func(), error) {
	addr := h.engine()
	if addr == "" {
		return nil, nil, errors.New("no engine address: the engine must call Handshake first")
	}
	opts := append(rpcutil.TracingInterceptorDialOptions(),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to the engine at %s: %w", addr, err)
	}
	return pulumirpc.NewEngineClient(conn), func() { _ = conn.Close() }, nil
}

// joinCancel derives a context that also ends when the engine calls Cancel.
func (h *host) joinCancel(ctx context.Context) (context.Context, func()) {
	joined, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(h.cancelCtx, cancel)
	return joined, func() {
		stop()
		cancel()
	}
}

func (h *host) options(loc programLocation) (nodeOptions, error) {
	return parseNodeOptions(loc.options, h.cfg.typescriptDefault)
}

// Handshake is the engine's first call: it tells us where the engine listens.
func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if err := h.setEngine(req.GetEngineAddress()); err != nil {
		return nil, err
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: pluginVersion()}, nil
}

// Cancel stops every program, plugin or tool this host started, gracefully first.
func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
}

// RuntimeOptionsPrompts asks nothing extra during `pulumi new`.
func (h *host) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// Template leaves Node.js templates as they are.
func (h *host) Template(context.Context, *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return &pulumirpc.TemplateResponse{}, nil
}

// About reports the node binary a program would run with and the package manager in use.
func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	loc := locate(req.GetInfo(), "", "")
	opts, err := h.options(loc)
	if err != nil {
		return nil, err
	}
	nodeBin, err := findNode(loc.program)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.AboutResponse{Executable: nodeBin, Metadata: map[string]string{}}
	if out, err := exec.CommandContext(ctx, nodeBin, "--version").Output(); err == nil {
		resp.Version = strings.TrimSpace(string(out))
	}
	if pm, err := npm.ResolvePackageManager(opts.packageManager, loc.program); err == nil {
		resp.Metadata["packagemanager"] = pm.Name()
		if v, err := pm.Version(); err == nil {
			resp.Metadata["packagemanagerVersion"] = v.String()
		}
	}
	return resp, nil
}

// GetProgramDependencies lists the program's npm packages: from the lock file when the package manager
// can read one, otherwise from package.json with the versions found in node_modules.
func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	loc := locate(req.GetInfo(), req.GetPwd(), req.GetProgram())
	opts, err := h.options(loc)
	if err != nil {
		return nil, err
	}
	var deps []plugin.DependencyInfo
	if pm, pmErr := npm.ResolvePackageManager(opts.packageManager, loc.program); pmErr == nil {
		deps, err = pm.ListPackages(ctx, loc.program, req.GetTransitiveDependencies())
	} else {
		err = pmErr
	}
	if err != nil {
		logging.V(5).Infof("listing packages through the package manager failed (%v); reading package.json", err)
		deps, err = dependenciesFromManifest(loc.program)
		if err != nil {
			return nil, fmt.Errorf("could not list the program's dependencies: %w", err)
		}
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, d := range deps {
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return resp, nil
}

// dependenciesFromManifest reads dependencies and devDependencies from the nearest package.json and
// reports the installed version of each (or the requested range when it is not installed).
func dependenciesFromManifest(dir string) ([]plugin.DependencyInfo, error) {
	manifest, err := npm.SearchupPackageManifest(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(manifest)
	if err != nil {
		return nil, err
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", manifest, err)
	}
	wanted := map[string]string{}
	for name, spec := range pkg.DevDependencies {
		wanted[name] = spec
	}
	for name, spec := range pkg.Dependencies {
		wanted[name] = spec
	}
	names := make([]string, 0, len(wanted))
	for name := range wanted {
		names = append(names, name)
	}
	sort.Strings(names)
	base := filepath.Dir(manifest)
	deps := make([]plugin.DependencyInfo, 0, len(names))
	for _, name := range names {
		version := wanted[name]
		if b, err := os.ReadFile(filepath.Join(base, "node_modules", name, "package.json")); err == nil {
			var installed struct {
				Version string `json:"version"`
			}
			if json.Unmarshal(b, &installed) == nil && installed.Version != "" {
				version = installed.Version
			}
		}
		deps = append(deps, plugin.DependencyInfo{Name: name, Version: version})
	}
	return deps, nil
}
