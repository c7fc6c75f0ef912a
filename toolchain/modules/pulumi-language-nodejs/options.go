package main

import (
	"fmt"
	"path/filepath"

	"github.com/google/shlex"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// nodeOptions are the `runtime.options` of a nodejs project in Pulumi.yaml.
type nodeOptions struct {
	// typescript: run .ts sources through the SDK's ts-node integration (default true).
	typescript bool
	// tsconfig: path of the tsconfig file ts-node should use.
	tsconfig string
	// nodeargs: extra arguments for the node process, shell-quoted.
	nodeArgs []string
	// packagemanager: auto (default), npm, yarn, pnpm or bun.
	packageManager npm.PackageManagerType
}

// parseNodeOptions validates the runtime options the engine forwards in ProgramInfo.Options.
func parseNodeOptions(options *structpb.Struct, typescriptDefault bool) (nodeOptions, error) {
	opts := nodeOptions{typescript: typescriptDefault, packageManager: npm.AutoPackageManager}
	if options == nil {
		return opts, nil
	}
	for key, value := range options.AsMap() {
		switch key {
		case "typescript":
			b, ok := value.(bool)
			if !ok {
				return opts, fmt.Errorf("runtime option typescript must be a boolean, got %v", value)
			}
			opts.typescript = b
		case "tsconfig":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option tsconfig must be a string, got %v", value)
			}
			opts.tsconfig = s
		case "nodeargs":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option nodeargs must be a string, got %v", value)
			}
			args, err := shlex.Split(s)
			if err != nil {
				return opts, fmt.Errorf("runtime option nodeargs %q: %w", s, err)
			}
			opts.nodeArgs = args
		case "packagemanager":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option packagemanager must be a string, got %v", value)
			}
			switch pm := npm.PackageManagerType(s); pm {
			case npm.AutoPackageManager, npm.NpmPackageManager, npm.YarnPackageManager,
				npm.PnpmPackageManager, npm.BunPackageManager:
				opts.packageManager = pm
			default:
				return opts, fmt.Errorf(
					"runtime option packagemanager must be one of auto, npm, yarn, pnpm or bun, got %q", s)
			}
		default:
			// Unknown options are ignored, as the engine may forward options meant for other tools.
		}
	}
	return opts, nil
}

// programLocation is the part of ProgramInfo every RPC needs, with defaults for engines that send less.
type programLocation struct {
	root       string // directory holding Pulumi.yaml
	program    string // directory the program runs in (Pulumi.yaml `main` directory)
	entryPoint string // file or directory to load, relative to program; "." means package.json decides
	options    *structpb.Struct
}

// locate reads ProgramInfo, falling back to the older pwd/program request fields when it is missing.
func locate(info *pulumirpc.ProgramInfo, pwd, program string) programLocation {
	loc := programLocation{entryPoint: "."}
	if info != nil {
		loc.root = info.GetRootDirectory()
		loc.program = info.GetProgramDirectory()
		if ep := info.GetEntryPoint(); ep != "" {
			loc.entryPoint = ep
		}
		loc.options = info.GetOptions()
	}
	if loc.program == "" {
		loc.program = pwd
		if program != "" && program != "." {
			loc.entryPoint = program
		}
	}
	if loc.program == "" {
		loc.program = "."
	}
	if abs, err := filepath.Abs(loc.program); err == nil {
		loc.program = abs
	}
	if loc.root == "" {
		loc.root = loc.program
	}
	return loc
}
