/**
 * Shared setup of the engine fault suites. An inline Pulumi program declares one
 * `OrgConnection` per entry of a list, so that a suite changes its resources by rewriting the
 * list. The stack runs against a simulator with short retry waits.
 */
import { DatadogSimulator, RecordedRequest, SimKeys } from "../../simulator";
import { CommandResult, PulumiStack } from "../harness/pulumi";

/** Type token of the resource in the state. */
export const TYPE = "pulumi-nodejs:dynamic/datadog:OrgConnection";

/**
 * One `OrgConnection` of the program. Values go to the resource as they are, with no type
 * check, so that a test can pass numbers or objects where strings belong.
 */
export interface ConnectionSpec {
    name: string;
    sinkOrgId: unknown;
    connectionTypes: unknown;
    profile?: unknown;
    adoptConnectionId?: unknown;
}

/**
 * Returns the files of a program with one `OrgConnection` per spec, exporting `connectionIds`
 * (resource name to connection id).
 */
export function connectionsProgram(specs: ConnectionSpec[]): Record<string, string> {
    const index = [
        `// Declares one OrgConnection per entry of the list below, values unchecked.`,
        `import { OrgConnection } from "pulumi-datadog-org-connections";`,
        ``,
        `const specs: any[] = ${JSON.stringify(specs, null, 4)};`,
        ``,
        `const ids: Record<string, unknown> = {};`,
        `for (const spec of specs) {`,
        `    const { name, ...args } = spec;`,
        `    ids[name] = new OrgConnection(name, args as any).connectionId;`,
        `}`,
        `export const connectionIds = ids;`,
        ``,
    ].join("\n");
    const project = ["name: org-connection-faults", "runtime: nodejs", ""].join("\n");
    return { "Pulumi.yaml": project, "index.ts": index };
}

/** Stack config values; secret ones are encrypted by `pulumi config set-all --secret`. */
export interface StackConfig {
    plain?: Record<string, string>;
    secret?: Record<string, string>;
    /** Secret values set with `--path`, such as `datadog:profiles.hub.apiKey`. */
    secretPaths?: Record<string, string>;
    /** Plain values set with `--path`, such as `datadog:profiles.hub.apiUrl`. */
    plainPaths?: Record<string, string>;
}

/**
 * Sets several config values in one CLI call. The arguments contain keys, so a failure is
 * reported with the CLI output only, never with the command line.
 */
export async function setConfigValues(stack: PulumiStack, config: StackConfig): Promise<void> {
    const args = ["config", "set-all", "--stack", stack.stackName];
    for (const [key, value] of Object.entries(config.plain ?? {})) {
        args.push("--plaintext", `${key}=${value}`);
    }
    for (const [key, value] of Object.entries(config.secret ?? {})) {
        args.push("--secret", `${key}=${value}`);
    }
    const pathArgs: string[] = [];
    for (const [key, value] of Object.entries(config.plainPaths ?? {})) {
        pathArgs.push("--plaintext", `${key}=${value}`);
    }
    for (const [key, value] of Object.entries(config.secretPaths ?? {})) {
        pathArgs.push("--secret", `${key}=${value}`);
    }
    if (pathArgs.length > 0) {
        // --path applies to every pair, and the plain keys above read the same either way.
        args.push("--path", ...pathArgs);
    }
    const result = await stack.pulumi(args, { allowFailure: true });
    if (result.code !== 0) {
        throw new Error(`pulumi config set-all failed:\n${result.stdout}\n${result.stderr}`);
    }
}

/** Removes config keys; a key that is not set is ignored. */
export async function removeConfig(stack: PulumiStack, ...keys: string[]): Promise<void> {
    for (const key of keys) {
        await stack.pulumi(["config", "rm", key, "--stack", stack.stackName], {
            allowFailure: true,
        });
    }
}

/**
 * Creates a stack running `specs` against the simulator with `keys` as the default keys and
 * a retry backoff base of 0.2 s, so that retried requests wait fractions of a second.
 */
export async function createConnectionsStack(
    simulator: DatadogSimulator,
    keys: SimKeys,
    specs: ConnectionSpec[],
    extra: StackConfig = {},
): Promise<PulumiStack> {
    const stack = await PulumiStack.create({ program: connectionsProgram(specs) });
    await setConfigValues(stack, {
        plain: {
            "datadog:apiUrl": simulator.url,
            "datadog:httpClientRetryBackoffBase": "0.2",
            ...extra.plain,
        },
        secret: { "datadog:apiKey": keys.apiKey, "datadog:appKey": keys.appKey, ...extra.secret },
        secretPaths: extra.secretPaths,
    });
    return stack;
}

/** Returns the CLI's stdout and stderr together, where the engine prints diagnostics. */
export function outputOf(result: CommandResult): string {
    return `${result.stdout}\n${result.stderr}`;
}

/**
 * Returns `text` with line breaks and runs of spaces collapsed to one space, because the CLI
 * may wrap or indent a long diagnostic.
 */
export function flatten(text: string): string {
    return text.replace(/\s+/g, " ");
}

/** Counts recorded requests by method and, when given, response status. */
export function countResponses(
    requests: readonly RecordedRequest[],
    filter: { method?: string; status?: number },
): number {
    return requests.filter(
        (r) =>
            (filter.method === undefined || r.method === filter.method) &&
            (filter.status === undefined || r.status === filter.status),
    ).length;
}

/** HTML error page such as a load balancer sends, which is not JSON. */
export const HTML_ERROR_PAGE =
    "<html><head><title>Service unavailable</title></head><body><h1>Try again</h1></body></html>";

/** One `CheckFailure` as the CLI prints it; `property` is "" for a failure of the whole resource. */
export interface ReportedCheckFailure {
    resource: string;
    property: string;
    reason: string;
}

/** Extracts the check failures from CLI output, each once (the CLI prints them twice). */
export function parseCheckFailures(output: string): ReportedCheckFailure[] {
    const withProperty = /resource '([^']+)': property (\S+) value \{.*\} has a problem: (.+)$/;
    const withoutProperty = /resource '([^']+)' has a problem: (.+)$/;
    const seen = new Map<string, ReportedCheckFailure>();
    for (const line of output.split("\n")) {
        const text = line.trim();
        const property = withProperty.exec(text);
        const whole = property === null ? withoutProperty.exec(text) : null;
        let failure: ReportedCheckFailure | undefined;
        if (property !== null) {
            failure = { resource: property[1], property: property[2], reason: property[3] };
        } else if (whole !== null) {
            failure = { resource: whole[1], property: "", reason: whole[2] };
        }
        if (failure !== undefined) {
            seen.set(JSON.stringify(failure), failure);
        }
    }
    return [...seen.values()];
}

/**
 * Runs `pulumi preview` on `specs` until each resource's check failures have been reported,
 * and returns them all. The engine stops a preview after the first resources whose check
 * fails, so each round drops the resources already reported and previews the rest again.
 * Throws when a preview fails without a check failure, or passes while resources remain.
 */
export async function collectCheckFailures(
    stack: PulumiStack,
    specs: ConnectionSpec[],
): Promise<{ failures: ReportedCheckFailure[]; previews: number }> {
    const failures: ReportedCheckFailure[] = [];
    let remaining = specs;
    let previews = 0;
    while (remaining.length > 0) {
        stack.writeProgram(connectionsProgram(remaining));
        const result = await stack.preview([], { allowFailure: true });
        previews += 1;
        const reported = parseCheckFailures(outputOf(result));
        if (reported.length === 0) {
            const names = remaining.map((spec) => spec.name).join(", ");
            throw new Error(
                `pulumi preview exited with ${result.code} without a check failure for ${names}:\n` +
                    outputOf(result),
            );
        }
        failures.push(...reported);
        const done = new Set(reported.map((failure) => failure.resource));
        remaining = remaining.filter((spec) => !done.has(spec.name));
    }
    return { failures, previews };
}
