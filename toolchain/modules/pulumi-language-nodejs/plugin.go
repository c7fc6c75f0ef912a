package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// RunPlugin runs a plugin written in Node.js: a provider/component (PulumiPlugin.yaml with
// `runtime: nodejs`) through @pulumi/pulumi/cmd/run-plugin, or a policy pack through cmd/run-policy-pack.
// Output is streamed back to the engine; a non-zero exit is reported as the plugin's exit code.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	loc := locate(req.GetInfo(), req.GetPwd(), req.GetProgram())
	opts, err := h.options(loc)
	if err != nil {
		return err
	}

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := findNode(loc.program)
	if err != nil {
		return err
	}
	isPolicyPack := req.GetKind() == string(apitype.AnalyzerPlugin)
	module := runPluginModule
	if isPolicyPack {
		module = runPolicyModule
	} else if override := getenvNonEmpty(req.GetEnv(), runPathOverride); override != "" {
		module = override
	}
	script, err := resolveModule(ctx, nodeBin, loc.program, module)
	if err != nil {
		if errors.Is(err, errSDKMissing) {
			return fmt.Errorf("the Pulumi SDK is not installed for the plugin in %s; run `npm install` there", loc.program)
		}
		return err
	}

	env := typescriptEnv(append([]string{}, req.GetEnv()...), opts)
	env = withNodeOnPath(env, nodeBin)

	var args []string
	var debugPort int
	if req.GetAttachDebugger() {
		if debugPort, err = freePort(); err != nil {
			return err
		}
		args = append(args, "--inspect-brk="+strconv.Itoa(debugPort), "--inspect-publish-uid=http")
	}
	args = append(args, opts.nodeArgs...)
	args = append(args, script)
	// Policy packs take the pack directory last; other plugins take it first, then the engine's args.
	if isPolicyPack {
		args = append(args, req.GetArgs()...)
		args = append(args, loc.program)
	} else {
		args = append(args, loc.program)
		args = append(args, req.GetArgs()...)
	}

	// Policy packs built with @pulumi/policy expect stack details in environment variables; the SDK's
	// proxy receives them from the engine (ConfigureStack) before we start the pack, then forwards.
	var proxy *sdk.PolicyProxy
	if isPolicyPack {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration for the policy pack: %w", err)
		}
		if stack != nil {
			env, err = policyPackEnv(env, stack)
			if err != nil {
				return err
			}
		}
	}

	cmd, release := h.command(ctx, nodeBin, args...)
	defer release()
	cmd.Env = env
	cmd.Dir = req.GetPwd()
	if isPolicyPack || cmd.Dir == "" {
		cmd.Dir = loc.program
	}
	cmd.Stdout = struct{ io.Writer }{stdout}
	cmd.Stderr = struct{ io.Writer }{stderr}
	logging.V(5).Infof("running plugin: %s", cmd)

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	if req.GetAttachDebugger() {
		name := fmt.Sprintf("Pulumi: Plugin (%s)", req.GetName())
		if err := h.announceDebugger(ctx, cmd.Process.Pid, debugPort, name); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return err
		}
	}
	if proxy != nil {
		// Attach reads the pack's port from its stdout, connects, and waits for it to exit.
		err = proxy.Attach(ctx, cmd)
	} else {
		err = cmd.Wait()
	}

	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() > 0 {
		if cerr := closer.Close(); cerr != nil {
			return cerr
		}
		return server.Send(&pulumirpc.RunPluginResponse{
			Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitErr.ExitCode())},
		})
	}
	if err != nil {
		return fmt.Errorf("plugin exited unexpectedly: %w", err)
	}
	return closer.Close()
}

func policyPackEnv(env []string, stack *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	set := func(k, v string) {
		if v != "" {
			env = setEnv(env, k, v)
		}
	}
	set("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
	set("PULUMI_NODEJS_PROJECT", stack.GetProject())
	set("PULUMI_NODEJS_STACK", stack.GetStack())
	set("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
	if cfg := stack.GetConfig(); cfg != nil {
		b, err := json.Marshal(cfg)
		if err != nil {
			return nil, fmt.Errorf("serialising the policy pack's stack configuration: %w", err)
		}
		set("PULUMI_CONFIG", string(b))
	}
	if keys := stack.GetConfigSecretKeys(); len(keys) > 0 {
		b, err := json.Marshal(keys)
		if err != nil {
			return nil, fmt.Errorf("serialising the policy pack's secret keys: %w", err)
		}
		set("PULUMI_CONFIG_SECRET_KEYS", string(b))
	}
	return env, nil
}

func getenvNonEmpty(env []string, key string) string {
	v, _ := getEnv(env, key)
	return v
}
