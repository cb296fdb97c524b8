// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi CLI.
//
// Pulumi's own Node.js host is a separate Go module that the module proxy reachable from this
// project's machines does not serve, while the CLI and the Go SDK are served. This host implements
// the gRPC LanguageRuntime calls that `preview`, `up`, `refresh` and `destroy` make. It starts the
// Node SDK's program runner (`@pulumi/pulumi/cmd/run`) with the flags and environment that runner
// reads, so the program, the resource monitor and every provider plugin are the real ones. It does not install dependencies, generate programs or report plugin dependencies: the
// programs it runs use no plugin besides the dynamic provider, which the engine finds on PATH.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the SDK version this host pairs with; the build script sets it with -ldflags.
var version = "3.248.0"

// exitCodeAfterReportedError is the Node SDK's exit code for "the error was already reported to the
// engine" (nodeJSProcessExitedAfterLoggingUserActionableMessage in @pulumi/pulumi/cmd/run).
const exitCodeAfterReportedError = 32

func main() {
	// The engine passes its own address as the last argument. Flags that Pulumi's host accepts are
	// parsed and ignored, so that a caller passing them does not break this host.
	flag.String("tracing", "", "ignored: Zipkin endpoint for tracing")
	flag.String("root", "", "ignored: project root directory")
	flag.Bool("typescript", true, "ignored: use runtime.options.typescript in Pulumi.yaml")
	flag.Parse()

	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: missing the engine address argument")
		os.Exit(2)
	}
	host := &nodeHost{engineAddress: args[len(args)-1]}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(server *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(server, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: failed to start the gRPC server: %v\n", err)
		os.Exit(1)
	}

	// The engine reads the port from the first line of standard output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: gRPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages reports no packages: a dynamic provider program needs only the
// pulumi-resource-pulumi-nodejs plugin, which the engine loads from PATH on first use.
func (h *nodeHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *nodeHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// Run starts the program under the Node SDK's runner and waits for it to exit.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	programDirectory := req.GetPwd()
	entryPoint := "."
	options := map[string]any{}
	if info := req.GetInfo(); info != nil {
		if info.GetProgramDirectory() != "" {
			programDirectory = info.GetProgramDirectory()
		}
		if info.GetEntryPoint() != "" {
			entryPoint = info.GetEntryPoint()
		}
		if info.GetOptions() != nil {
			options = info.GetOptions().AsMap()
		}
	}

	runner, err := resolveRunner(ctx, programDirectory)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	env, err := runEnvironment(req, options)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := runArguments(req, h.engineAddress, runner, entryPoint, options)
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = programDirectory
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeAfterReportedError {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("the Node.js program exited with code %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("failed to start node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// resolveRunner finds @pulumi/pulumi/cmd/run the way Node would from the program's directory, so
// the runner and the program share one copy of the SDK.
func resolveRunner(ctx context.Context, programDirectory string) (string, error) {
	cmd := exec.CommandContext(ctx, "node", "-e",
		"process.stdout.write(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = programDirectory
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf(
			"failed to find @pulumi/pulumi from %s: %v; run `npm install` in the project first",
			programDirectory, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// runEnvironment passes the stack configuration and the TypeScript options in the environment
// variables that @pulumi/pulumi's runtime reads (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS,
// PULUMI_NODEJS_TYPESCRIPT, PULUMI_NODEJS_TSCONFIG_PATH).
func runEnvironment(req *pulumirpc.RunRequest, options map[string]any) ([]string, error) {
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("failed to encode the stack configuration: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("failed to encode the secret configuration keys: %w", err)
	}

	typescript := true
	if value, ok := options["typescript"].(bool); ok {
		typescript = value
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(typescript),
	)
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return env, nil
}

// runArguments builds the runner's command line; its flags are documented in the usage text of
// @pulumi/pulumi/cmd/run/index.js.
func runArguments(
	req *pulumirpc.RunRequest, engineAddress, runner, entryPoint string, options map[string]any,
) []string {
	var args []string
	if nodeargs, ok := options["nodeargs"].(string); ok {
		args = append(args, strings.Fields(nodeargs)...)
	}
	args = append(args, runner,
		"--monitor="+req.GetMonitorAddress(),
		"--engine="+engineAddress,
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+req.GetPwd(),
		"--parallel="+strconv.Itoa(int(req.GetParallel())),
	)
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if root := req.GetInfo().GetRootDirectory(); root != "" {
		args = append(args, "--root-directory="+root)
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(args, entryPoint)
	return append(args, req.GetArgs()...)
}
