package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestParseNodeOptions(t *testing.T) {
	opts, err := parseNodeOptions(nil, true)
	if err != nil || !opts.typescript || opts.packageManager != npm.AutoPackageManager {
		t.Fatalf("defaults: %+v %v", opts, err)
	}
	s, _ := structpb.NewStruct(map[string]any{
		"typescript": false, "tsconfig": "tsconfig.pulumi.json",
		"nodeargs": `--max-old-space-size=4096 --require "./a b.js"`, "packagemanager": "pnpm",
	})
	opts, err = parseNodeOptions(s, true)
	if err != nil {
		t.Fatal(err)
	}
	want := nodeOptions{
		typescript: false, tsconfig: "tsconfig.pulumi.json",
		nodeArgs: []string{"--max-old-space-size=4096", "--require", "./a b.js"}, packageManager: npm.PnpmPackageManager,
	}
	if !reflect.DeepEqual(opts, want) {
		t.Fatalf("got %+v want %+v", opts, want)
	}
	for _, bad := range []map[string]any{{"typescript": "yes"}, {"packagemanager": "cargo"}, {"nodeargs": 3}} {
		s, _ := structpb.NewStruct(bad)
		if _, err := parseNodeOptions(s, true); err == nil {
			t.Errorf("expected an error for %v", bad)
		}
	}
}

func TestLocateFallsBackToOldFields(t *testing.T) {
	loc := locate(nil, "/p", "index.js")
	if loc.program != "/p" || loc.root != "/p" || loc.entryPoint != "index.js" {
		t.Fatalf("%+v", loc)
	}
	loc = locate(&pulumirpc.ProgramInfo{RootDirectory: "/r", ProgramDirectory: "/r/src", EntryPoint: "."}, "", "")
	if loc.program != "/r/src" || loc.root != "/r" || loc.entryPoint != "." {
		t.Fatalf("%+v", loc)
	}
}

func TestRunArguments(t *testing.T) {
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:1", Project: "proj", Stack: "dev", Organization: "org",
		DryRun: true, Parallel: 16, Args: []string{"a1"},
	}
	loc := programLocation{root: "/r", program: "/r/src", entryPoint: "."}
	got := runArguments(req, loc, "127.0.0.1:2", "")
	want := []string{
		"--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--organization", "org", "--project", "proj",
		"--root-directory", "/r", "--stack", "dev", "--pwd", "/r/src", "--dry-run", "--parallel", "16", ".", "a1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestProgramEnv(t *testing.T) {
	req := &pulumirpc.RunRequest{
		Config:           map[string]string{"proj:name": "x", "aws:config:region": "r"},
		ConfigSecretKeys: []string{"proj:secret"},
	}
	base := []string{"PATH=/usr/bin", "PULUMI_CONFIG=stale", "PULUMI_NODEJS_TRANSPILE_ONLY=true"}
	env, err := programEnv(base, req, nodeOptions{typescript: true, tsconfig: "tsconfig.x.json"},
		"/prj/node_modules/.bin/node")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := getEnv(env, "PULUMI_CONFIG")
	var m map[string]string
	if err := json.Unmarshal([]byte(cfg), &m); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, map[string]string{"proj:config:name": "x", "aws:config:region": "r"}) {
		t.Fatalf("config %v", m)
	}
	checks := map[string]string{
		"PULUMI_CONFIG_SECRET_KEYS":    `["proj:secret"]`,
		"PULUMI_NODEJS_TYPESCRIPT":     "true",
		"PULUMI_NODEJS_TSCONFIG_PATH":  "tsconfig.x.json",
		"PULUMI_NODEJS_TRANSPILE_ONLY": "true",
		"PATH":                         "/prj/node_modules/.bin:/usr/bin",
	}
	for k, want := range checks {
		if got, _ := getEnv(env, k); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	if n := strings.Count(strings.Join(env, "\n"), "PULUMI_CONFIG="); n != 1 {
		t.Errorf("PULUMI_CONFIG set %d times", n)
	}
	// Without secrets the SDK still gets a JSON array; a system node leaves PATH alone.
	env, _ = programEnv([]string{"PATH=/usr/bin"}, &pulumirpc.RunRequest{}, nodeOptions{}, "/usr/bin/node")
	if got, _ := getEnv(env, "PULUMI_CONFIG_SECRET_KEYS"); got != "[]" {
		t.Errorf("secret keys %q", got)
	}
	if got, _ := getEnv(env, "PATH"); got != "/usr/bin" {
		t.Errorf("PATH %q", got)
	}
	if _, ok := getEnv(env, "PULUMI_NODEJS_TYPESCRIPT"); ok {
		t.Errorf("typescript set although disabled")
	}
}

func TestRunResult(t *testing.T) {
	exit := func(code string) error { return exec.Command("sh", "-c", "exit "+code).Run() }
	if r := runResult(nil, false); r.Error != "" || r.Bail {
		t.Errorf("success: %v", r)
	}
	if r := runResult(exit("32"), false); r.Error != "" || !r.Bail {
		t.Errorf("bail: %v", r)
	}
	if r := runResult(exit("1"), false); r.Error != "Program exited with non-zero exit code: 1" || r.Bail {
		t.Errorf("failure: %v", r)
	}
	if r := runResult(exit("134"), true); !strings.Contains(r.Error, "max-old-space-size") {
		t.Errorf("oom: %v", r)
	}
	if r := runResult(exec.Command("sh", "-c", "kill -9 $$").Run(), false); !strings.Contains(r.Error, "unexpectedly") {
		t.Errorf("signal: %v", r)
	}
}

func TestOOMWatchFindsSplitMarker(t *testing.T) {
	w := &oomWatch{}
	_, _ = w.Write([]byte("some output\n<--- Last few"))
	if w.seen() {
		t.Fatal("too early")
	}
	_, _ = w.Write([]byte(" GCs --->\n"))
	if !w.seen() {
		t.Fatal("marker split across writes not found")
	}
}

func TestFindNodePrefersProjectNode(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "src")
	node := filepath.Join(dir, "node_modules", ".bin", "node")
	writeFile(t, node, "#!/bin/sh\n")
	if err := os.Chmod(node, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(prog, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := findNode(prog)
	if err != nil || got != node {
		t.Fatalf("got %q, %v", got, err)
	}
	// A non-executable file is not a node binary.
	if err := os.Chmod(node, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := findNode(prog); got == node {
		t.Fatal("picked a non-executable node")
	}
}

func TestScanPackages(t *testing.T) {
	dir := t.TempDir()
	nm := filepath.Join(dir, "node_modules")
	writeFile(t, filepath.Join(dir, "package.json"), `{"name":"prog","pulumi":{"resource":true}}`)
	writeFile(t, filepath.Join(nm, "@pulumi", "pulumi", "package.json"), `{"name":"@pulumi/pulumi","version":"3.259.0"}`)
	writeFile(t, filepath.Join(nm, "@pulumi", "random", "package.json"),
		`{"name":"@pulumi/random","version":"4.18.0","pulumi":{"resource":true}}`)
	// A package's internals are not scanned (this one would be reported otherwise).
	writeFile(t, filepath.Join(nm, "@pulumi", "random", "lib", "x", "package.json"),
		`{"name":"@pulumi/internal","version":"1.0.0","pulumi":{"resource":true}}`)
	// Nested node_modules are scanned; duplicates collapse.
	writeFile(t, filepath.Join(nm, "other", "package.json"), `{"name":"other","version":"1.0.0"}`)
	writeFile(t, filepath.Join(nm, "other", "node_modules", "@pulumi", "random", "package.json"),
		`{"name":"@pulumi/random","version":"4.18.0","pulumi":{"resource":true}}`)
	// Third-party package with an explicit plugin name and server.
	writeFile(t, filepath.Join(nm, "@acme", "thing", "package.json"),
		`{"name":"@acme/thing","version":"0.1.0","pulumi":{"resource":true,"name":"thing","server":"https://x"}}`)
	// Third-party package without a plugin name is an error, not a package.
	writeFile(t, filepath.Join(nm, "broken", "package.json"), `{"name":"broken","version":"1.0.0","pulumi":{"resource":true}}`)
	// A local parameterized SDK linked with file: (npm symlinks it into node_modules).
	sdk := filepath.Join(dir, "sdks", "azurestack")
	writeFile(t, filepath.Join(sdk, "package.json"), `{"name":"@pulumi/azurestack","version":"1.0.0","pulumi":{
		"resource":true,"name":"terraform-provider","version":"1.0.0",
		"parameterization":{"name":"azurestack","version":"1.0.0","value":"eyJhIjoxfQ=="}}}`)
	if err := os.Symlink(filepath.Join("..", "..", "sdks", "azurestack"), filepath.Join(nm, "@pulumi", "azurestack")); err != nil {
		t.Fatal(err)
	}

	scan := scanPackages(dir)
	got := map[string]*pulumirpc.PackageDependency{}
	for _, p := range scan.packages {
		if _, dup := got[p.Name]; dup {
			t.Errorf("duplicate %s", p.Name)
		}
		got[p.Name] = p
	}
	if len(got) != 3 {
		t.Fatalf("packages: %v", scan.packages)
	}
	if p := got["random"]; p == nil || p.Version != "v4.18.0" || p.Kind != "resource" {
		t.Errorf("random: %v", p)
	}
	if p := got["thing"]; p == nil || p.Server != "https://x" || p.Version != "v0.1.0" {
		t.Errorf("thing: %v", p)
	}
	p := got["terraform-provider"]
	if p == nil || p.Version != "v1.0.0" || p.Parameterization == nil ||
		p.Parameterization.Name != "azurestack" || string(p.Parameterization.Value) != `{"a":1}` {
		t.Errorf("azurestack: %v", p)
	}
	if scan.err == nil || !strings.Contains(scan.err.Error(), "broken") {
		t.Errorf("expected an error about the unnamed third-party package, got %v", scan.err)
	}
	if len(scan.sdkVersions) != 1 {
		t.Errorf("sdk versions: %v", scan.sdkVersions)
	}
}

func TestDependenciesFromManifest(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"),
		`{"dependencies":{"@pulumi/pulumi":"^3.259.0"},"devDependencies":{"typescript":"^5"}}`)
	writeFile(t, filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), `{"version":"3.259.0"}`)
	deps, err := dependenciesFromManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) != 2 || deps[0].Name != "@pulumi/pulumi" || deps[0].Version != "3.259.0" ||
		deps[1].Name != "typescript" || deps[1].Version != "^5" {
		t.Fatalf("%v", deps)
	}
}

func TestNpmNameFromDirectory(t *testing.T) {
	dir := t.TempDir()
	if npmNameFromDirectory(dir) != "" {
		t.Fatal("no package.json should give no name")
	}
	writeFile(t, filepath.Join(dir, "package.json"), `{"name":"@pulumi/azurestack"}`)
	if got := npmNameFromDirectory(dir); got != "@pulumi/azurestack" {
		t.Fatal(got)
	}
}
