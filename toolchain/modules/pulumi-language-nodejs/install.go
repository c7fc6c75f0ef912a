package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/fsutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// InstallDependencies installs a program's (or plugin's) npm dependencies with the project's package
// manager, streaming its output to the engine. With is_terminal the output goes through a pseudo-terminal
// so npm draws its progress as in a shell; with use_language_version_tools a .nvmrc/.node-version is
// honoured through fnm when fnm is installed.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	ctx := server.Context()
	loc := locate(req.GetInfo(), req.GetDirectory(), "")
	opts, err := h.options(loc)
	if err != nil {
		return err
	}

	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	if req.GetUseLanguageVersionTools() {
		if err := selectNodeWithFnm(loc.program, stdout); err != nil {
			return err
		}
	}

	fmt.Fprint(stdout, "Installing dependencies...\n\n")
	dir := loc.program
	if root, err := npm.FindWorkspaceRoot(loc.program); err == nil {
		fmt.Fprintf(stdout, "Detected workspace root at %s\n", root)
		dir = root
	} else if !errors.Is(err, npm.ErrNotInWorkspace) {
		return fmt.Errorf("looking for an npm workspace root above %s: %w", loc.program, err)
	}

	installCtx, release := h.joinCancel(ctx)
	defer release()
	if _, err := npm.Install(installCtx, opts.packageManager, dir, false /*production*/, stdout, stderr); err != nil {
		return fmt.Errorf("installing dependencies in %s: %w", dir, err)
	}
	fmt.Fprint(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

// selectNodeWithFnm makes fnm install and activate the Node.js version a .nvmrc or .node-version file
// asks for. Without such a file, or without fnm, it does nothing (a project can also pin Node.js with the
// npm `node` package, which findNode prefers anyway).
func selectNodeWithFnm(dir string, out io.Writer) error {
	if _, err := exec.LookPath("fnm"); err != nil {
		return nil
	}
	var file string
	for _, name := range []string{".nvmrc", ".node-version"} {
		if p, err := fsutil.Searchup(dir, name); err == nil {
			file = p
			break
		}
	}
	if file == "" {
		return nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	version := strings.TrimSpace(string(b))
	if version == "" {
		return nil
	}
	fmt.Fprintf(out, "Setting Node.js version to %s (from %s)\n", version, filepath.Base(file))
	use := exec.Command("fnm", "use", version, "--install-if-missing")
	if os.Getenv("FNM_MULTISHELL_PATH") == "" {
		// fnm needs its shell environment; outside a shell set it up for this one command.
		use = exec.Command("bash", "-c", `eval "$(fnm env --shell bash)" && fnm use "$1" --install-if-missing`,
			"fnm-use", version)
	}
	if b, err := use.CombinedOutput(); err != nil {
		return fmt.Errorf("fnm could not select Node.js %s: %w: %s", version, err, b)
	}
	if b, err := exec.Command("fnm", "alias", version, "default").CombinedOutput(); err != nil {
		return fmt.Errorf("fnm could not make Node.js %s the default: %w: %s", version, err, b)
	}
	return nil
}
