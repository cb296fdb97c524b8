import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Root of this repository. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Result of one `pulumi` command. */
export interface CommandResult {
    args: string[];
    code: number;
    stdout: string;
    stderr: string;
}

/** Options of {@link PulumiStack.create}. */
export interface StackOptions {
    /**
     * Folder under examples/ to copy, or a map of file name to contents for an inline program.
     * Required unless `programDirectory` is given.
     */
    program?: string | Record<string, string>;
    /** Stack name. @default "test" */
    stackName?: string;
    /** Extra environment for every command, on top of the isolated Pulumi environment. */
    env?: Record<string, string>;
    /** Where the temporary folder goes. @default os.tmpdir() */
    parentDir?: string;
    /**
     * Whether the program's TypeScript is compiled without type checking, which saves about 3 s per
     * command. `npm run typecheck` checks the examples once instead. @default true
     */
    transpileOnly?: boolean;
    /**
     * Another stack whose `file://` backend and PULUMI_HOME this stack uses too, so that a
     * `StackReference` from one stack can read the other's outputs. Each stack keeps its own
     * program folder. The shared backend lives in the other stack's folder, so dispose that
     * stack last. @default a backend of this stack's own
     */
    shareBackendWith?: PulumiStack;
    /**
     * An existing program folder to run in place, with its own package.json and node_modules,
     * such as a project that installed this package from a tarball. Nothing is copied or linked
     * into it, and dispose() leaves it for its owner to delete. Excludes `program`.
     */
    programDirectory?: string;
}

let engineBin: string | undefined;

/**
 * Returns the folder with `pulumi`, `pulumi-language-nodejs` and the dynamic provider plugin,
 * building them on first use through scripts/engine.sh (minutes when the cache is cold).
 */
export function engineBinDir(): string {
    if (engineBin === undefined) {
        const output = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "engine.sh")], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        });
        const lines = output.trim().split("\n");
        engineBin = lines[lines.length - 1];
    }
    return engineBin;
}

/**
 * Returns a copy of `env` without any Datadog setting, so that a key or site exported in the
 * caller's shell can never send a test or the demo to a real Datadog site.
 */
export function withoutDatadogEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const clean: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(env)) {
        if (!/^(DD|DATADOG)_/.test(name)) {
            clean[name] = value;
        }
    }
    return clean;
}

/**
 * A Pulumi stack on a temporary `file://` backend with its own PULUMI_HOME, run by the real CLI.
 *
 * The program is copied into a temporary folder whose node_modules links to this repository's,
 * so `pulumi-datadog-org-connections` and `@pulumi/pulumi` resolve to one copy each, and the
 * stack's Pulumi.<stack>.yaml never lands in the repository.
 */
export class PulumiStack {
    readonly workDir: string;
    readonly programDir: string;
    readonly stackName: string;
    /** Folder of the `file://` backend, shared when the stack was made with `shareBackendWith`. */
    readonly backendDir: string;
    /** PULUMI_HOME of every command, shared like {@link backendDir}. */
    readonly homeDir: string;
    private readonly env: NodeJS.ProcessEnv;

    private constructor(
        workDir: string,
        stackName: string,
        transpileOnly: boolean,
        extraEnv: Record<string, string>,
        shared?: PulumiStack,
        programDir?: string,
    ) {
        this.workDir = workDir;
        this.programDir = programDir ?? path.join(workDir, "program");
        this.stackName = stackName;

        const backendDir = shared?.backendDir ?? path.join(workDir, "backend");
        const homeDir = shared?.homeDir ?? path.join(workDir, "pulumi-home");
        if (shared === undefined) {
            fs.mkdirSync(backendDir);
            fs.mkdirSync(homeDir);
        }
        this.backendDir = backendDir;
        this.homeDir = homeDir;

        this.env = {
            ...withoutDatadogEnvironment(process.env),
            PATH: `${engineBinDir()}${path.delimiter}${process.env.PATH ?? ""}`,
            PULUMI_BACKEND_URL: `file://${backendDir}`,
            PULUMI_HOME: homeDir,
            PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_NODEJS_TRANSPILE_ONLY: transpileOnly ? "true" : "false",
            ...extraEnv,
        };
    }

    /** Creates the temporary project and runs `pulumi stack init`. */
    static async create(options: StackOptions): Promise<PulumiStack> {
        const program = options.program;
        if ((program === undefined) === (options.programDirectory === undefined)) {
            throw new Error(
                "PulumiStack.create needs exactly one of `program` and `programDirectory`.",
            );
        }
        const workDir = fs.mkdtempSync(
            path.join(options.parentDir ?? os.tmpdir(), "orgconn-stack-"),
        );
        const stack = new PulumiStack(
            workDir,
            options.stackName ?? "test",
            options.transpileOnly ?? true,
            options.env ?? {},
            options.shareBackendWith,
            options.programDirectory,
        );

        if (program !== undefined) {
            fs.mkdirSync(stack.programDir);
            const nodeModules = path.join(REPO_ROOT, "node_modules");
            fs.symlinkSync(nodeModules, path.join(workDir, "node_modules"), "dir");
            stack.writeProgram(program);
        }

        await stack.pulumi(["stack", "init", stack.stackName]);
        return stack;
    }

    /** Replaces the program's files, either from an examples/ folder or from inline contents. */
    writeProgram(program: string | Record<string, string>): void {
        if (typeof program === "string") {
            const source = path.join(REPO_ROOT, "examples", program);
            for (const name of fs.readdirSync(source)) {
                if (name.startsWith("Pulumi.") && name !== "Pulumi.yaml") {
                    continue; // A stack file left by a manual run must not leak into the test.
                }
                fs.copyFileSync(path.join(source, name), path.join(this.programDir, name));
            }
            return;
        }
        for (const [name, contents] of Object.entries(program)) {
            fs.writeFileSync(path.join(this.programDir, name), contents);
        }
        // Without a package.json the SDK warns that it uses the program folder as project root.
        const packageJson = path.join(this.programDir, "package.json");
        if (!fs.existsSync(packageJson)) {
            fs.writeFileSync(
                packageJson,
                JSON.stringify({ name: "inline-program", private: true }),
            );
        }
    }

    /** Runs `pulumi ARGS` in the program folder; rejects on a non-zero exit unless allowed. */
    pulumi(
        args: string[],
        options: { allowFailure?: boolean; env?: Record<string, string> } = {},
    ): Promise<CommandResult> {
        const fullArgs = ["--non-interactive", "--color=never", ...args];
        return new Promise((resolve, reject) => {
            execFile(
                "pulumi",
                fullArgs,
                {
                    cwd: this.programDir,
                    env: { ...this.env, ...options.env },
                    maxBuffer: 64 * 1024 * 1024,
                },
                (error, stdout, stderr) => {
                    let code = 0;
                    if (error) {
                        code = typeof error.code === "number" ? error.code : 1;
                    }
                    const result = { args, code, stdout, stderr };
                    if (code !== 0 && !options.allowFailure) {
                        reject(
                            new Error(
                                `pulumi ${args.join(" ")} exited with ${code}\n${stdout}\n${stderr}`,
                            ),
                        );
                        return;
                    }
                    resolve(result);
                },
            );
        });
    }

    /** Sets a stack config value; `secret` encrypts it, `path` treats the key as a property path. */
    async setConfig(
        key: string,
        value: string,
        options: { secret?: boolean; path?: boolean } = {},
    ) {
        const args = ["config", "set", key, "--stack", this.stackName];
        if (options.secret) {
            args.push("--secret");
        }
        if (options.path) {
            args.push("--path");
        }
        // The value goes after "--" so that a value starting with "-" is not read as a flag.
        await this.pulumi([...args, "--", value]);
    }

    up(extra: string[] = [], options: { allowFailure?: boolean } = {}): Promise<CommandResult> {
        return this.pulumi(["up", "--yes", "--stack", this.stackName, ...extra], options);
    }

    preview(
        extra: string[] = [],
        options: { allowFailure?: boolean } = {},
    ): Promise<CommandResult> {
        return this.pulumi(["preview", "--stack", this.stackName, ...extra], options);
    }

    refresh(
        extra: string[] = [],
        options: { allowFailure?: boolean } = {},
    ): Promise<CommandResult> {
        return this.pulumi(["refresh", "--yes", "--stack", this.stackName, ...extra], options);
    }

    destroy(
        extra: string[] = [],
        options: { allowFailure?: boolean } = {},
    ): Promise<CommandResult> {
        return this.pulumi(["destroy", "--yes", "--stack", this.stackName, ...extra], options);
    }

    /** Returns the stack outputs, secrets shown in plain text. */
    async outputs(): Promise<Record<string, unknown>> {
        const result = await this.pulumi([
            "stack",
            "output",
            "--json",
            "--show-secrets",
            "--stack",
            this.stackName,
        ]);
        return JSON.parse(result.stdout) as Record<string, unknown>;
    }

    /** Returns `pulumi stack export` as text, the form in which a key could leak into the state. */
    async exportText(): Promise<string> {
        const result = await this.pulumi(["stack", "export", "--stack", this.stackName]);
        return result.stdout;
    }

    /** Returns the resources of the exported state whose type token matches `type`. */
    async stateResources(type: string): Promise<Array<Record<string, any>>> {
        const state = JSON.parse(await this.exportText());
        const resources: Array<Record<string, any>> = state.deployment?.resources ?? [];
        return resources.filter((resource) => resource.type === type);
    }

    /** Deletes the temporary folder with its backend and PULUMI_HOME. */
    dispose(): void {
        fs.rmSync(this.workDir, { recursive: true, force: true });
    }
}
