import { ChildProcess, spawn } from "child_process";
import fetch from "node-fetch";
import path from "path";

import {
    DatadogSimulator,
    DEMO_KEYS,
    DEMO_ORGS,
    DEMO_PROFILE_KEYS,
    seedDemoAccount,
} from "../../simulator";
import { call } from "./simulatorClient";

const LIST = "/api/v2/org_connections";
const REPO = path.resolve(__dirname, "../..");

describe("simulator start and stop", () => {
    test("listens on 127.0.0.1 and a free port", async () => {
        const sim = await DatadogSimulator.start();
        try {
            expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
            expect(Number(new URL(sim.url).port)).toBeGreaterThan(0);
        } finally {
            await sim.stop();
        }
    });

    test("two simulators get different ports", async () => {
        const first = await DatadogSimulator.start();
        const second = await DatadogSimulator.start();
        try {
            expect(first.url).not.toBe(second.url);
        } finally {
            await first.stop();
            await second.stop();
        }
    });

    test.each(["0.0.0.0", "192.168.1.10", "example.com", "::"])("rejects host %s", async (host) => {
        await expect(DatadogSimulator.start({ host })).rejects.toThrow(
            `Simulator host "${host}" is not a loopback address; use 127.0.0.1 or ::1 ` +
                "so that no other machine can reach the simulator",
        );
    });

    test.each([-1, 70000, 1.5])("rejects port %s", async (port) => {
        await expect(DatadogSimulator.start({ port })).rejects.toThrow(
            `Invalid simulator port ${port}: pass 0 (any free port) to 65535`,
        );
    });

    test("port in use fails to start", async () => {
        const first = await DatadogSimulator.start();
        try {
            const port = Number(new URL(first.url).port);
            await expect(DatadogSimulator.start({ port })).rejects.toMatchObject({
                code: "EADDRINUSE",
            });
        } finally {
            await first.stop();
        }
    });

    test("stop closes delayed request sockets", async () => {
        const sim = await DatadogSimulator.start();
        const keys = sim.addKeys(sim.addOrg({ name: "Source Org" }).id);
        sim.injectFault({ action: { type: "delay", ms: 30_000 } });
        const pending = call(sim, "GET", LIST, { keys });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const started = Date.now();
        await sim.stop();
        expect(Date.now() - started).toBeLessThan(2_000);
        await expect(pending).rejects.toMatchObject({ code: "ECONNRESET" });
        await sim.stop();
    });

    test("stopped simulator refuses connections", async () => {
        const sim = await DatadogSimulator.start();
        await sim.stop();
        await expect(fetch(`${sim.url}/api/v1/validate`)).rejects.toMatchObject({
            code: "ECONNREFUSED",
        });
    });
});

describe("simulator demo account", () => {
    test("seedDemoAccount adds fixed orgs and keys", async () => {
        const sim = await DatadogSimulator.start();
        try {
            const demo = seedDemoAccount(sim);
            expect(demo.platform.id).toBe(DEMO_ORGS.platform.id);
            expect(demo.security.name).toBe("Security Org");
            expect(demo.analytics.id).toBe(DEMO_ORGS.analytics.id);
            expect(demo.keys.apiKey).toBe(DEMO_KEYS.apiKey);
            expect(demo.profileKeys.security.orgId).toBe(DEMO_ORGS.security.id);
            expect(demo.profileKeys.analytics.orgId).toBe(DEMO_ORGS.analytics.id);
            expect(demo.profileKeys.security.apiKey).toBe(DEMO_PROFILE_KEYS.security.apiKey);
            const created = await call(sim, "POST", LIST, {
                keys: DEMO_KEYS,
                body: {
                    data: {
                        type: "org_connection",
                        attributes: { connection_types: ["logs"] },
                        relationships: {
                            sink_org: { data: { type: "orgs", id: DEMO_ORGS.security.id } },
                        },
                    },
                },
            });
            expect(created.status).toBe(200);
            expect(created.json.data.relationships.created_by.data.name).toBe("Demo User");
        } finally {
            await sim.stop();
        }
    });
});

/** Runs `simulator/main.ts` through ts-node and collects its output. */
function runMain(args: string[]): { child: ChildProcess; output: () => string } {
    const tsNode = require.resolve("ts-node/dist/bin.js");
    const child = spawn(process.execPath, [tsNode, "simulator/main.ts", ...args], {
        cwd: REPO,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    });
    let text = "";
    child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
    return { child, output: () => text };
}

/** Resolves with the exit code of a child process. */
function exitCode(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error(`Timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

describe("npm run simulator", () => {
    test("prints exports, serves, stops on SIGINT", async () => {
        const { child, output } = runMain([]);
        const exited = exitCode(child);
        await waitFor(() => output().includes("Press Ctrl-C to stop."), "the simulator banner");

        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1] as string;
        expect(url).toBeDefined();
        expect(output()).toContain(`export DD_HOST=${url}\n`);
        expect(output()).toContain(`export DD_API_KEY=${DEMO_KEYS.apiKey}\n`);
        expect(output()).toContain(`export DD_APP_KEY=${DEMO_KEYS.appKey}\n`);
        expect(output()).toContain(
            `export DD_PROFILE_SECURITY_API_KEY=${DEMO_PROFILE_KEYS.security.apiKey}\n`,
        );
        expect(output()).toContain(
            `export DD_PROFILE_ANALYTICS_APP_KEY=${DEMO_PROFILE_KEYS.analytics.appKey}\n`,
        );
        expect(output()).toContain(`Platform Org   ${DEMO_ORGS.platform.id}`);
        expect(output()).toContain(`Security Org   ${DEMO_ORGS.security.id}`);
        expect(output()).toContain(`Analytics Org  ${DEMO_ORGS.analytics.id}`);

        const response = await fetch(`${url}${LIST}`, {
            headers: { "DD-API-KEY": DEMO_KEYS.apiKey, "DD-APPLICATION-KEY": DEMO_KEYS.appKey },
        });
        expect(response.status).toBe(200);
        const logLine = `[simulator] GET ${LIST} -> 200`;
        await waitFor(() => output().includes(logLine), "the request log line");
        // The keys are printed once, in the export lines, and never in request logs.
        expect(output().split(DEMO_KEYS.apiKey)).toHaveLength(2);

        child.kill("SIGINT");
        expect(await exited).toBe(0);
        expect(output()).toContain("Stopping the simulator.");
    });

    test("--port takes the given port", async () => {
        const probe = await DatadogSimulator.start();
        const port = Number(new URL(probe.url).port);
        await probe.stop();
        const { child, output } = runMain(["--port", String(port)]);
        const exited = exitCode(child);
        await waitFor(() => output().includes("Press Ctrl-C to stop."), "the simulator banner");
        expect(output()).toContain(`listening on http://127.0.0.1:${port}\n`);
        child.kill("SIGINT");
        expect(await exited).toBe(0);
    });

    test("invalid --port exits with an error", async () => {
        const { child, output } = runMain(["--port", "http"]);
        expect(await exitCode(child)).toBe(1);
        expect(output()).toContain(
            'Simulator failed to start: Invalid --port value "http": pass a port from 0 to 65535',
        );
    });
});
