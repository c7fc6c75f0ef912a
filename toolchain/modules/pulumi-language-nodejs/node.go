package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// findNode picks the node executable for a program. A project may pin its own Node.js through the npm
// `node` package, which installs node_modules/.bin/node; that binary wins over whatever `node` is on PATH.
// We look in the program directory and its parents (npm workspaces hoist node_modules to the root).
func findNode(programDir string) (string, error) {
	if dir, err := filepath.Abs(programDir); err == nil {
		for {
			candidate := filepath.Join(dir, "node_modules", ".bin", "node")
			if isExecutableFile(candidate) {
				return candidate, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	path, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("could not find node: not in %s/node_modules/.bin nor on $PATH: %w", programDir, err)
	}
	return path, nil
}

func isExecutableFile(path string) bool {
	st, err := os.Stat(path) // follows the .bin symlink
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// errSDKMissing marks a failed lookup of @pulumi/pulumi itself, so callers can give install advice.
var errSDKMissing = errors.New("module not found")

// resolveModule asks node where `module` resolves from dir, following node's own rules (hoisting,
// workspaces, symlinks), so we run exactly the @pulumi/pulumi copy the program itself would load.
func resolveModule(ctx context.Context, nodeBin, dir, module string) (string, error) {
	const script = `try { process.stdout.write(require.resolve(process.argv[1])); } catch (e) {` +
		` process.stderr.write(e && e.code === "MODULE_NOT_FOUND" ? "MODULE_NOT_FOUND" : String(e && e.message || e));` +
		` process.exit(3); }`
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script, module)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "MODULE_NOT_FOUND" {
			return "", fmt.Errorf("%w: %s (from %s)", errSDKMissing, module, dir)
		}
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("could not resolve %s from %s with %s: %s", module, dir, nodeBin, msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}

// setEnv returns env with key set to value, replacing any existing entries for key.
func setEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// getEnv reads key from an environment list (last entry wins, as for exec).
func getEnv(env []string, key string) (string, bool) {
	value, found := "", false
	for _, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			value, found = kv[len(key)+1:], true
		}
	}
	return value, found
}

// withNodeOnPath puts the directory of a project-local node first on PATH, so that anything the program
// spawns (`node`, `npx`, shell scripts with `#!/usr/bin/env node`) uses the same Node.js version.
func withNodeOnPath(env []string, nodeBin string) []string {
	dir := filepath.Dir(nodeBin)
	if filepath.Base(dir) != ".bin" || filepath.Base(filepath.Dir(dir)) != "node_modules" {
		return env
	}
	path, _ := getEnv(env, "PATH")
	if path == dir || strings.HasPrefix(path, dir+string(os.PathListSeparator)) {
		return env
	}
	if path == "" {
		return setEnv(env, "PATH", dir)
	}
	return setEnv(env, "PATH", dir+string(os.PathListSeparator)+path)
}
