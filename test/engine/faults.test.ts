// Retries and create-exactly-once through the real Pulumi CLI. The simulator injects 429s with
// HTML bodies, 5xx replies and dropped replies, and each test checks the requests that reached
// it, the state and the CLI output.
import { DatadogSimulator, FaultAction, SimKeys, SimOrg } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";
import {
    HTML_ERROR_PAGE,
    TYPE,
    connectionsProgram,
    createConnectionsStack,
    flatten,
    outputOf,
    removeConfig,
    setConfigValues,
} from "./connectionsProgram";

jest.setTimeout(10 * 60 * 1000);

const LIST = "/api/v2/org_connections";

/** Returns a fault reply with an HTML body, as a proxy or load balancer in front of the API sends. */
function htmlReply(status: number, headers: Record<string, string> = {}): FaultAction {
    return {
        type: "status",
        status,
        body: HTML_ERROR_PAGE,
        contentType: "text/html; charset=utf-8",
        headers,
    };
}

/** A 429 with `X-RateLimit-Reset: 1` and an HTML body. */
const RATE_LIMITED = htmlReply(429, { "X-RateLimit-Reset": "1", "X-RateLimit-Remaining": "0" });

describe("retries through the engine", () => {
    let simulator: DatadogSimulator;
    let sink: SimOrg;
    let keys: SimKeys;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        sink = simulator.addOrg({ name: "Security Org" });
        keys = simulator.addKeys(source.id);
        stack = await createConnectionsStack(simulator, keys, [
            { name: "telemetry", sinkOrgId: sink.id, connectionTypes: ["logs"] },
        ]);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => {
        simulator.clearRequests();
        simulator.clearFaults();
    });

    /** Returns [method, status] of every request the simulator saw. */
    const trace = () => simulator.requests.map((r) => [r.method, r.status]);

    test("up creates through a 429 on POST", async () => {
        simulator.injectFault({ method: "POST", path: LIST, action: RATE_LIMITED });

        const result = await stack.up(["--skip-preview"]);

        expect(trace()).toEqual([
            ["POST", 429],
            ["GET", 200],
            ["POST", 200],
        ]);
        expect(simulator.connections()).toHaveLength(1);
        // The POST is sent again only after the X-RateLimit-Reset wait (a lower bound, not a timing).
        const [limited, , resent] = simulator.requests;
        expect(resent.at - limited.at).toBeGreaterThanOrEqual(1000);
        const output = flatten(outputOf(result));
        expect(output).toContain(
            `operation=create sinkOrgId=${sink.id} attempt=1: POST /api/v2/org_connections failed with ` +
                "HTTP 429. Listing the connections to this sink org before deciding whether to send the POST again.",
        );
        expect(output).toContain(
            `operation=create sinkOrgId=${sink.id}: no connection to this sink org exists, so the POST took ` +
                "no effect. Sending it again in",
        );
        expect(output).not.toContain("Unexpected token");
    });

    test("refresh retries a 429 and a 502 on the list", async () => {
        const [before] = await stack.stateResources(TYPE);
        simulator.injectFault({ method: "GET", path: LIST, action: RATE_LIMITED });
        simulator.injectFault({ method: "GET", path: LIST, action: htmlReply(502) });

        await stack.refresh(["--skip-preview"]);

        expect(trace()).toEqual([
            ["GET", 429],
            ["GET", 502],
            ["GET", 200],
        ]);
        const [limited, afterReset] = simulator.requests;
        expect(afterReset.at - limited.at).toBeGreaterThanOrEqual(1000);
        const [after] = await stack.stateResources(TYPE);
        expect(after.id).toBe(before.id);
        expect(after.outputs).toEqual(before.outputs);
    });

    test("up updates through 5xx on PATCH", async () => {
        stack.writeProgram(
            connectionsProgram([
                { name: "telemetry", sinkOrgId: sink.id, connectionTypes: ["logs", "metrics"] },
            ]),
        );
        simulator.injectFault({ method: "PATCH", action: htmlReply(503) });
        simulator.injectFault({ method: "PATCH", action: { type: "status", status: 500 } });

        await stack.up(["--skip-preview"]);

        expect(trace()).toEqual([
            ["PATCH", 503],
            ["PATCH", 500],
            ["PATCH", 200],
        ]);
        expect(simulator.connections()[0].connectionTypes).toEqual(["logs", "metrics"]);
        const [resource] = await stack.stateResources(TYPE);
        expect(resource.outputs.connectionTypes).toEqual(["logs", "metrics"]);
    });

    test("retries off fail an up on one 503", async () => {
        const [before] = await stack.stateResources(TYPE);
        await setConfigValues(stack, { plain: { "datadog:httpClientRetryEnabled": "false" } });
        stack.writeProgram(
            connectionsProgram([
                { name: "telemetry", sinkOrgId: sink.id, connectionTypes: ["logs", "audit"] },
            ]),
        );
        simulator.injectFault({ method: "PATCH", action: htmlReply(503) });
        try {
            const result = await stack.up(["--skip-preview"], { allowFailure: true });

            expect(result.code).not.toBe(0);
            expect(trace()).toEqual([["PATCH", 503]]);
            const output = flatten(outputOf(result));
            expect(output).toContain(
                `Updating org connection ${before.id} failed: PATCH /api/v2/org_connections/${before.id} failed ` +
                    "with HTTP 503 (non-JSON response, text/html). Retries are disabled. Datadog reported a server " +
                    "error. Run the command again later, and check https://status.datadoghq.com if it persists.",
            );
            expect(output).not.toContain("Unexpected token");
            const [after] = await stack.stateResources(TYPE);
            expect(after.outputs.connectionTypes).toEqual(["logs", "metrics"]);
        } finally {
            await removeConfig(stack, "datadog:httpClientRetryEnabled");
        }
    });

    test("retry timeout stops before a long reset", async () => {
        const [before] = await stack.stateResources(TYPE);
        await setConfigValues(stack, { plain: { "datadog:httpClientRetryTimeout": "1" } });
        simulator.injectFault({
            method: "PATCH",
            action: htmlReply(429, {
                "X-RateLimit-Reset": "5",
                "X-RateLimit-Name": "org_connections",
            }),
        });
        try {
            const result = await stack.up(["--skip-preview"], { allowFailure: true });

            expect(result.code).not.toBe(0);
            expect(trace()).toEqual([["PATCH", 429]]);
            expect(flatten(outputOf(result))).toContain(
                `Updating org connection ${before.id} failed: PATCH /api/v2/org_connections/${before.id} failed ` +
                    "with HTTP 429 (non-JSON response, text/html). Stopped after 1 attempt because the next retry " +
                    'would pass the retry timeout of 1 s. The Datadog rate limit "org_connections" is still ' +
                    "exceeded. It resets in 5 s. Wait and run the command again, or allow more retries " +
                    "(datadog:httpClientRetryMaxRetries, datadog:httpClientRetryTimeout).",
            );
        } finally {
            await removeConfig(stack, "datadog:httpClientRetryTimeout");
        }
    });

    test("max retries setting bounds a refresh", async () => {
        const [before] = await stack.stateResources(TYPE);
        await setConfigValues(stack, { plain: { "datadog:httpClientRetryMaxRetries": "1" } });
        simulator.injectFault({ method: "GET", path: LIST, times: 2, action: htmlReply(502) });
        try {
            // Without --run-program, refresh would use the settings recorded by the last up.
            const result = await stack.refresh(["--skip-preview", "--run-program"], {
                allowFailure: true,
            });

            expect(result.code).not.toBe(0);
            expect(trace()).toEqual([
                ["GET", 502],
                ["GET", 502],
            ]);
            expect(flatten(outputOf(result))).toContain(
                `Reading org connection ${before.id} failed, so the state keeps it unchanged: GET ` +
                    `/api/v2/org_connections?sink_org_id=${sink.id}&limit=1000&offset=0 failed with HTTP 502 ` +
                    "(non-JSON response, text/html). All 2 attempts failed. Datadog reported a server error. Run " +
                    "the command again later, and check https://status.datadoghq.com if it persists.",
            );
            const [after] = await stack.stateResources(TYPE);
            expect(after.outputs).toEqual(before.outputs);
        } finally {
            await removeConfig(stack, "datadog:httpClientRetryMaxRetries");
        }
    });

    test("destroy retries DELETE through 429, 503 and a lost reply", async () => {
        const [resource] = await stack.stateResources(TYPE);
        simulator.injectFault({ method: "DELETE", action: RATE_LIMITED });
        simulator.injectFault({ method: "DELETE", action: htmlReply(503) });
        simulator.injectFault({ method: "DELETE", action: { type: "reset-after-commit" } });

        const result = await stack.destroy(["--skip-preview", "--run-program"]);

        const deletes = simulator.requests.filter((r) => r.method === "DELETE");
        expect(deletes.map((r) => r.status)).toEqual([429, 503, 200, 404]);
        expect(deletes[2].dropped).toBe(true);
        expect(simulator.countRequests({ method: "POST" })).toBe(0);
        expect(simulator.connections()).toEqual([]);
        expect(await stack.stateResources(TYPE)).toEqual([]);
        expect(flatten(outputOf(result))).toContain(
            `operation=delete id=${resource.id}: DELETE returned HTTP 404, so the connection is taken as ` +
                "already deleted and removed from the state.",
        );
    });
});

describe("create exactly once through the engine", () => {
    let simulator: DatadogSimulator;
    let security: SimOrg;
    let analytics: SimOrg;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        security = simulator.addOrg({ name: "Security Org" });
        analytics = simulator.addOrg({ name: "Analytics Org" });
        const keys = simulator.addKeys(source.id);
        stack = await createConnectionsStack(simulator, keys, [
            { name: "security", sinkOrgId: security.id, connectionTypes: ["logs"] },
        ]);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => {
        simulator.clearRequests();
        simulator.clearFaults();
    });

    test("lost POST reply creates one connection", async () => {
        simulator.injectFault({
            method: "POST",
            path: LIST,
            action: { type: "reset-after-commit" },
        });

        const result = await stack.up(["--skip-preview"]);

        const connections = simulator.connections();
        expect(connections).toHaveLength(1);
        expect(simulator.countRequests({ method: "POST" })).toBe(1);
        expect(simulator.requests.map((r) => [r.method, r.query.sink_org_id])).toEqual([
            ["POST", undefined],
            ["GET", security.id],
        ]);
        const [resource] = await stack.stateResources(TYPE);
        expect(resource.id).toBe(connections[0].id);
        expect(resource.outputs.sinkOrgName).toBe("Security Org");
        expect(flatten(outputOf(result))).toContain(
            `operation=create id=${connections[0].id} sinkOrgId=${security.id}: the POST took effect although ` +
                "its response was lost, so the connection found is its result.",
        );
    });

    test("503 before commit is sent again once", async () => {
        stack.writeProgram(
            connectionsProgram([
                { name: "security", sinkOrgId: security.id, connectionTypes: ["logs"] },
                { name: "analytics", sinkOrgId: analytics.id, connectionTypes: ["metrics"] },
            ]),
        );
        simulator.injectFault({ method: "POST", path: LIST, action: htmlReply(503) });

        await stack.up(["--skip-preview"]);

        expect(simulator.requests.map((r) => [r.method, r.status])).toEqual([
            ["POST", 503],
            ["GET", 200],
            ["POST", 200],
        ]);
        const toAnalytics = simulator.connections().filter((c) => c.sinkOrgId === analytics.id);
        expect(toAnalytics).toHaveLength(1);
        expect(simulator.connections()).toHaveLength(2);
        const ids = (await stack.stateResources(TYPE)).map((r) => r.id).sort();
        expect(ids).toEqual(
            simulator
                .connections()
                .map((c) => c.id)
                .sort(),
        );
    });

    test("second up after the faults has no changes", async () => {
        await stack.preview(["--expect-no-changes"]);

        expect(simulator.requests).toEqual([]);
    });
});
