package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// GetRequiredPackages reports the Pulumi packages a program uses: every package.json under a
// node_modules directory below the program whose "pulumi" section says {"resource": true}. That covers
// published provider SDKs and linked local SDKs (e.g. sdks/azurestack, symlinked into node_modules), whose
// "pulumi" section carries the parameterization the engine needs to start the right provider.
func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	loc := locate(req.GetInfo(), "", "")
	scan := scanPackages(loc.program)
	scan.warnAboutSDKVersions()
	if scan.err != nil {
		logging.V(3).Infof("problems while looking for Pulumi packages: %v", scan.err)
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: scan.packages}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, without parameterized packages.
func (h *host) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	loc := locate(req.GetInfo(), req.GetPwd(), req.GetProgram())
	scan := scanPackages(loc.program)
	if scan.err != nil {
		logging.V(3).Infof("problems while looking for Pulumi plugins: %v", scan.err)
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range scan.packages {
		if p.Parameterization != nil || p.Extension != nil {
			continue
		}
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

// packageScan is the result of walking a program directory.
type packageScan struct {
	packages []*pulumirpc.PackageDependency
	// sdkVersions maps each @pulumi/pulumi package.json found to its version.
	sdkVersions map[string]semver.Version
	err         error

	seen     map[string]bool // "<real dir>|<in node_modules>" already walked
	reported map[string]bool // identity of packages already reported
}

func scanPackages(dir string) *packageScan {
	s := &packageScan{sdkVersions: map[string]semver.Version{}, seen: map[string]bool{}, reported: map[string]bool{}}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	s.walk(dir, false)
	return s
}

func (s *packageScan) fail(err error) { s.err = errors.Join(s.err, err) }

func (s *packageScan) walk(dir string, inNodeModules bool) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		s.fail(err)
		return
	}
	key := fmt.Sprintf("%s|%t", real, inNodeModules)
	if s.seen[key] {
		return
	}
	s.seen[key] = true

	entries, err := os.ReadDir(dir)
	if err != nil {
		s.fail(fmt.Errorf("reading %s: %w", dir, err))
		return
	}
	childrenInNodeModules := inNodeModules || filepath.Base(dir) == "node_modules"
	// Inside node_modules, a package's own files (lib/, types/, ...) cannot declare further packages;
	// only its package.json and its nested node_modules matter. Skipping the rest keeps the scan fast
	// for large SDKs such as azure-native.
	packageRoot := inNodeModules && isPackageRoot(dir)
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			st, err := os.Stat(path)
			if err != nil {
				// Dangling links are common in node_modules/.bin; they are not packages.
				continue
			}
			isDir = st.IsDir()
		}
		switch {
		case isDir:
			if e.Name() == ".git" || (packageRoot && e.Name() != "node_modules") {
				continue
			}
			// A policy pack's own dependencies are not the program's.
			if pack, err := workspace.DetectPolicyPackPathAt(path); err == nil && pack != "" {
				continue
			}
			s.walk(path, childrenInNodeModules)
		case inNodeModules && e.Name() == "package.json":
			s.readManifest(path)
		}
	}
}

// isPackageRoot reports whether dir is node_modules/<name> or node_modules/@scope/<name>.
func isPackageRoot(dir string) bool {
	parent := filepath.Dir(dir)
	if filepath.Base(parent) == "node_modules" {
		return !strings.HasPrefix(filepath.Base(dir), "@") && !strings.HasPrefix(filepath.Base(dir), ".")
	}
	return strings.HasPrefix(filepath.Base(parent), "@") && filepath.Base(filepath.Dir(parent)) == "node_modules"
}

// packageManifest is the part of package.json we read.
type packageManifest struct {
	Name    string                  `json:"name"`
	Version string                  `json:"version"`
	Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
}

func (s *packageScan) readManifest(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		s.fail(err)
		return
	}
	var m packageManifest
	if err := json.Unmarshal(data, &m); err != nil {
		// Test fixtures inside packages are sometimes not valid JSON; skip them.
		s.fail(fmt.Errorf("parsing %s: %w", path, err))
		return
	}
	if m.Name == "@pulumi/pulumi" {
		if v, err := semver.ParseTolerant(m.Version); err == nil {
			s.sdkVersions[path] = v
		}
	}
	dep, err := dependencyFromManifest(m)
	if err != nil {
		s.fail(fmt.Errorf("%s: %w", path, err))
		return
	}
	if dep == nil {
		return
	}
	id := packageIdentity(dep)
	if s.reported[id] {
		return
	}
	s.reported[id] = true
	s.packages = append(s.packages, dep)
}

// dependencyFromManifest turns a package.json with {"pulumi": {"resource": true}} into the package the
// engine must provide; it returns nil for packages without a resource plugin.
func dependencyFromManifest(m packageManifest) (*pulumirpc.PackageDependency, error) {
	if !m.Pulumi.Resource {
		return nil, nil
	}
	name := m.Pulumi.Name
	if name == "" {
		switch {
		case strings.HasPrefix(m.Name, "@pulumi/"):
			name = strings.TrimPrefix(m.Name, "@pulumi/")
		case m.Name == "":
			return nil, errors.New(`package.json has no "name"`)
		default:
			return nil, fmt.Errorf("third-party package %q must name its plugin in the \"pulumi\" section "+
				"of package.json (\"pulumi\": {\"name\": ...})", m.Name)
		}
	}
	version := m.Pulumi.Version
	if version == "" {
		version = m.Version
	}
	if version == "" {
		return nil, fmt.Errorf("package %q has no version", m.Name)
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return &pulumirpc.PackageDependency{
		Name:             name,
		Kind:             "resource",
		Version:          version,
		Server:           m.Pulumi.Server,
		Parameterization: parameterizationOf(m.Pulumi.Parameterization),
		Extension:        parameterizationOf(m.Pulumi.ExtensionParameterization),
	}, nil
}

func parameterizationOf(p *plugin.PulumiParameterizationJSON) *pulumirpc.PackageParameterization {
	if p == nil {
		return nil
	}
	return &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
}

func packageIdentity(p *pulumirpc.PackageDependency) string {
	id := p.Name + "@" + p.Version + "|" + p.Server
	for _, param := range []*pulumirpc.PackageParameterization{p.Parameterization, p.Extension} {
		if param != nil {
			id += fmt.Sprintf("|%s@%s:%x", param.Name, param.Version, param.Value)
		} else {
			id += "|"
		}
	}
	return id
}

// warnAboutSDKVersions prints a warning when the program loads @pulumi/pulumi copies of different major
// versions, which cannot share state.
func (s *packageScan) warnAboutSDKVersions() {
	paths := make([]string, 0, len(s.sdkVersions))
	for p := range s.sdkVersions {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for i := 1; i < len(paths); i++ {
		a, b := s.sdkVersions[paths[0]], s.sdkVersions[paths[i]]
		if a.Major != b.Major {
			fmt.Fprintf(os.Stderr, "Found incompatible versions of @pulumi/pulumi (differing major versions):\n"+
				"  version %s at %s\n  version %s at %s\n", a, paths[0], b, paths[i])
			return
		}
	}
}
