// Keys through the real Pulumi CLI with verbose logs. Recognizable keys must appear in no CLI
// output, log line, request URL, state export or file that the stack leaves behind. An API URL
// that could leak them is rejected before any request.
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";

import { DatadogSimulator, SimKeys, SimOrg } from "../../simulator";
import { CommandResult, PulumiStack } from "../harness/pulumi";
import {
    TYPE,
    collectCheckFailures,
    connectionsProgram,
    createConnectionsStack,
    outputOf,
    setConfigValues,
} from "./connectionsProgram";

jest.setTimeout(10 * 60 * 1000);

const API_KEY = "sim-SECRET-API-KEY-1f2e3d";
const APP_KEY = "sim-SECRET-APP-KEY-9a8b7c";

/**
 * Debug messages and engine logs at level 9, passed on to the plugins. Pulumi documents that
 * level 11 prints some credentials on purpose, so the search stops below it.
 */
const VERBOSE = ["--debug", "--logflow", "-v=9", "--logtostderr"];

/** One request as it arrived at the proxy, before the simulator saw it. */
interface ProxiedRequest {
    method: string;
    url: string;
    apiKeyHeader?: string;
    appKeyHeader?: string;
}

/**
 * A loopback HTTP proxy in front of the simulator that records each request's raw URL and key
 * headers, because the simulator itself strips keys from what it records.
 */
class RecordingProxy {
    readonly requests: ProxiedRequest[] = [];
    private readonly server: http.Server;

    private constructor(target: URL) {
        this.server = http.createServer((req, res) => {
            this.requests.push({
                method: req.method ?? "",
                url: req.url ?? "",
                apiKeyHeader: req.headers["dd-api-key"] as string | undefined,
                appKeyHeader: req.headers["dd-application-key"] as string | undefined,
            });
            const forwarded = http.request(
                {
                    host: target.hostname,
                    port: target.port,
                    method: req.method,
                    path: req.url,
                    headers: req.headers,
                },
                (upstream) => {
                    res.writeHead(upstream.statusCode ?? 502, upstream.headers);
                    upstream.pipe(res);
                },
            );
            forwarded.on("error", () => res.destroy());
            req.pipe(forwarded);
        });
    }

    static async start(target: string): Promise<RecordingProxy> {
        const proxy = new RecordingProxy(new URL(target));
        await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
        return proxy;
    }

    get url(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }
}

/** Returns every regular file under `dir`, without following symbolic links. */
function filesUnder(dir: string): string[] {
    const files: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            files.push(...filesUnder(full));
        } else if (entry.isFile()) {
            files.push(full);
        }
    }
    return files;
}

/** Asserts that neither key occurs in `text`; `where` names the text in a failure. */
function expectNoKey(text: string, where: string): void {
    expect({ where, hasApiKey: text.includes(API_KEY) }).toEqual({ where, hasApiKey: false });
    expect({ where, hasAppKey: text.includes(APP_KEY) }).toEqual({ where, hasAppKey: false });
}

/**
 * Returns whether `line` is a log record of the Pulumi engine about the configuration of the
 * default `pulumi-nodejs` provider. At -v=7 and above, CLI 3.248.0 writes the provider's config,
 * secret values included, into such records. Every config value goes there, so keys held in
 * stack config do too, whatever this provider does.
 */
function isEngineProviderConfigRecord(line: string): boolean {
    let record: { msg?: unknown };
    try {
        record = JSON.parse(line);
    } catch {
        return false;
    }
    const message = typeof record.msg === "string" ? record.msg : "";
    const marshaled =
        /^Marshaling property for RPC\[Provider\[[^\]]*\]\.(CheckConfig|DiffConfig|Configure)\(/;
    const planned =
        /^Planner decided .*'urn:pulumi:[^']*::pulumi:providers:pulumi-nodejs::default'/;
    return marshaled.test(message) || planned.test(message);
}

/** A CLI command's name and result. */
interface RunOutput {
    command: string;
    result: CommandResult;
}

/**
 * Runs up, a failing up, refresh and destroy at full verbosity, each with a fault that makes
 * the provider log a retry or report an error, the paths most likely to quote a request.
 * Returns every command's output and the state export taken before the destroy, with secrets
 * decrypted when `showSecrets` is set.
 */
async function runVerboseLifecycle(
    stack: PulumiStack,
    simulator: DatadogSimulator,
    sink: SimOrg,
    showSecrets: boolean,
): Promise<{ outputs: RunOutput[]; exported: string }> {
    const outputs: RunOutput[] = [];
    const run = async (command: string, args: string[], allowFailure = false) => {
        const fullArgs = [...args, "--yes", "--stack", stack.stackName, ...VERBOSE];
        const result = await stack.pulumi(fullArgs, { allowFailure });
        outputs.push({ command, result });
        return result;
    };

    simulator.injectFault({ method: "POST", action: { type: "status", status: 503 } });
    await run("up", ["up"]);

    stack.writeProgram(
        connectionsProgram([
            { name: "telemetry", sinkOrgId: sink.id, connectionTypes: ["metrics"] },
        ]),
    );
    simulator.injectFault({ method: "PATCH", action: { type: "status", status: 403 } });
    const failed = await run("failing up", ["up", "--skip-preview"], true);
    expect(failed.code).not.toBe(0);

    simulator.injectFault({ method: "GET", action: { type: "status", status: 502 } });
    await run("refresh", ["refresh", "--skip-preview"]);
    const exportArgs = ["stack", "export", "--stack", stack.stackName];
    const exported = (
        await stack.pulumi(showSecrets ? [...exportArgs, "--show-secrets"] : exportArgs)
    ).stdout;
    expect(exported).toContain(simulator.connections()[0].id);

    simulator.injectFault({ method: "DELETE", action: { type: "status", status: 503 } });
    await run("destroy", ["destroy", "--skip-preview"]);
    expect(simulator.connections()).toEqual([]);
    return { outputs, exported };
}

/** Asserts that the outputs hold the engine's verbose logs and the provider's own lines. */
function expectVerboseLogs(outputs: RunOutput[]): void {
    const stderr = outputs.map(({ result }) => result.stderr).join("\n");
    const all = outputs.map(({ result }) => outputOf(result)).join("\n");

    // The engine's log records at -v=9, such as its gRPC calls to the provider plugin.
    expect(stderr).toContain('"level":"INFO"');
    expect(stderr).toMatch(
        /Provider\[0x[0-9a-f]+\]\.Check\(urn:pulumi:[^)]*OrgConnection::telemetry\) executing/,
    );
    // The provider's warnings and errors, which name the requests.
    expect(all).toContain("POST /api/v2/org_connections failed with HTTP 503");
    expect(all).toMatch(
        /GET \/api\/v2\/org_connections\?sink_org_id=[0-9a-f-]+&limit=1000&offset=0 failed with HTTP 502; retrying/,
    );
    expect(all).toContain("failed with HTTP 403: Forbidden");
    expect(all).toMatch(
        /DELETE \/api\/v2\/org_connections\/[0-9a-f-]+ failed with HTTP 503; retrying/,
    );
}

describe("keys in stack config through the engine", () => {
    let simulator: DatadogSimulator;
    let proxy: RecordingProxy;
    let stack: PulumiStack;
    let run: { outputs: RunOutput[]; exported: string };

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        proxy = await RecordingProxy.start(simulator.url);
        const source = simulator.addOrg({ name: "Platform Org" });
        const sink = simulator.addOrg({ name: "Security Org" });
        const keys = simulator.addKeys(source.id, { apiKey: API_KEY, appKey: APP_KEY });
        stack = await createConnectionsStack(
            simulator,
            keys,
            [{ name: "telemetry", sinkOrgId: sink.id, connectionTypes: ["logs"] }],
            { plain: { "datadog:apiUrl": proxy.url } },
        );
        run = await runVerboseLifecycle(stack, simulator, sink, false);
    });

    afterAll(async () => {
        stack?.dispose();
        await proxy?.stop();
        await simulator?.stop();
    });

    test("verbose output holds engine and provider logs", () => {
        expectVerboseLogs(run.outputs);
    });

    test("no output line but the engine's config records has a key", () => {
        let engineRecords = 0;
        for (const { command, result } of run.outputs) {
            for (const [stream, text] of [
                ["stdout", result.stdout],
                ["stderr", result.stderr],
            ]) {
                for (const line of text.split("\n")) {
                    if (isEngineProviderConfigRecord(line)) {
                        engineRecords += 1;
                        continue;
                    }
                    expectNoKey(line, `${command} ${stream}`);
                }
            }
        }
        // Printed for the record: the engine's own lines that quote the stack's config.
        console.log(`engine records of the provider config skipped at -v=9: ${engineRecords}`);
    });

    test("stack export holds no key", async () => {
        expectNoKey(run.exported, "stack export before destroy");
        expectNoKey(await stack.exportText(), "stack export after destroy");
    });

    test("no file of the stack holds a key", () => {
        const files = filesUnder(stack.workDir);

        // The backend (state, history, backups), PULUMI_HOME and the program folder.
        expect(files.some((file) => file.includes(`${path.sep}backend${path.sep}`))).toBe(true);
        for (const file of files) {
            expectNoKey(fs.readFileSync(file, "latin1"), file);
        }
    });

    test("keys travel only in headers", () => {
        expect(proxy.requests.length).toBeGreaterThanOrEqual(6);
        for (const request of proxy.requests) {
            expectNoKey(decodeURIComponent(request.url), `${request.method} ${request.url}`);
            expect(request.apiKeyHeader).toBe(API_KEY);
            expect(request.appKeyHeader).toBe(APP_KEY);
        }
        expect(proxy.requests.length).toBe(simulator.requests.length);
    });
});

describe("keys from the environment through the engine", () => {
    let simulator: DatadogSimulator;
    let stack: PulumiStack;
    let run: { outputs: RunOutput[]; exported: string };

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        const sink = simulator.addOrg({ name: "Security Org" });
        simulator.addKeys(source.id, { apiKey: API_KEY, appKey: APP_KEY });
        stack = await PulumiStack.create({
            program: connectionsProgram([
                { name: "telemetry", sinkOrgId: sink.id, connectionTypes: ["logs"] },
            ]),
            env: {
                DD_API_KEY: API_KEY,
                DD_APP_KEY: APP_KEY,
                DD_HOST: simulator.url,
                DD_HTTP_CLIENT_RETRY_BACKOFF_BASE: "0.2",
            },
        });
        run = await runVerboseLifecycle(stack, simulator, sink, true);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    test("verbose output holds engine and provider logs", () => {
        expectVerboseLogs(run.outputs);
    });

    test("no output line has a key, even at -v=9", () => {
        for (const { command, result } of run.outputs) {
            expectNoKey(result.stdout, `${command} stdout`);
            expectNoKey(result.stderr, `${command} stderr`);
        }
    });

    test("decrypted stack export holds no key", () => {
        expectNoKey(run.exported, "stack export --show-secrets");
    });
});

describe("API URLs that could leak keys", () => {
    let simulator: DatadogSimulator;
    let proxy: RecordingProxy;
    let stack: PulumiStack;
    let port: string;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        proxy = await RecordingProxy.start(simulator.url);
        port = new URL(proxy.url).port;
        const source = simulator.addOrg({ name: "Platform Org" });
        const keys = simulator.addKeys(source.id, { apiKey: API_KEY, appKey: APP_KEY });
        stack = await createConnectionsStack(simulator, keys, [], {
            plain: { "datadog:apiUrl": proxy.url },
        });
    });

    afterAll(async () => {
        stack?.dispose();
        await proxy?.stop();
        await simulator?.stop();
    });

    test("are rejected at preview with no request", async () => {
        // 192.0.2.1 is a documentation address (TEST-NET-1): it only ever appears as a string that
        // check must reject, and preview sends no request anyway.
        const cases = [
            {
                profile: "plain-http",
                apiUrl: "http://192.0.2.1",
                reason:
                    'Profile "plain-http": Invalid Datadog API URL "http://192.0.2.1/": plain http would send the ' +
                    "keys unencrypted, so it is allowed only for loopback hosts. Use https://192.0.2.1.",
            },
            {
                profile: "with-path",
                apiUrl: `https://127.0.0.1:${port}/api/v2`,
                reason:
                    `Profile "with-path": Invalid Datadog API URL "https://127.0.0.1:${port}/api/v2": it has the ` +
                    `path "/api/v2", but only the scheme and host are used. Use https://127.0.0.1:${port}.`,
            },
            {
                profile: "with-credentials",
                apiUrl: `https://admin:hunter2@127.0.0.1:${port}`,
                reason:
                    'Profile "with-credentials": Invalid Datadog API URL "https://<credentials>@127.0.0.1:' +
                    `${port}/": it contains credentials. Remove them and set the keys as datadog:apiKey and ` +
                    "datadog:appKey instead.",
            },
            {
                profile: "with-query",
                apiUrl: `https://127.0.0.1:${port}/?api_key=${API_KEY}`,
                reason:
                    `Profile "with-query": Invalid Datadog API URL "https://127.0.0.1:${port}/?<query>": it has a ` +
                    "query string or fragment, which the API URL must not have because keys belong only in " +
                    `headers. Use https://127.0.0.1:${port}.`,
            },
            {
                profile: "with-fragment",
                apiUrl: `https://127.0.0.1:${port}#${APP_KEY}`,
                reason:
                    `Profile "with-fragment": Invalid Datadog API URL "https://127.0.0.1:${port}/#<fragment>": it ` +
                    "has a query string or fragment, which the API URL must not have because keys belong only in " +
                    `headers. Use https://127.0.0.1:${port}.`,
            },
        ];
        const secretPaths: Record<string, string> = {};
        const plainPaths: Record<string, string> = {};
        for (const { profile, apiUrl } of cases) {
            secretPaths[`datadog:profiles.${profile}.apiKey`] = API_KEY;
            secretPaths[`datadog:profiles.${profile}.appKey`] = APP_KEY;
            // Plain, because the CLI masks the text of every secret config value in its output.
            plainPaths[`datadog:profiles.${profile}.apiUrl`] = apiUrl;
        }
        await setConfigValues(stack, { secretPaths, plainPaths });
        const specs = cases.map(({ profile }) => ({
            name: profile,
            sinkOrgId: "9d2b4a1e-3c5f-4e6a-8b7c-0d1e2f3a4b5c",
            connectionTypes: ["logs"],
            profile,
        }));

        const { failures } = await collectCheckFailures(stack, specs);

        const expected = cases.map(({ profile, reason }) => ({
            resource: profile,
            property: "profile",
            reason,
        }));
        const byResource = (a: { resource: string }, b: { resource: string }) =>
            a.resource.localeCompare(b.resource);
        expect([...failures].sort(byResource)).toEqual([...expected].sort(byResource));
        for (const failure of failures) {
            expectNoKey(failure.reason, `reason for ${failure.resource}`);
            expect(failure.reason).not.toContain("hunter2");
        }
        expect(proxy.requests).toEqual([]);
        expect(simulator.requests).toEqual([]);
    });
});
