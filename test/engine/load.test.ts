// Under load through the real Pulumi CLI: one stack of 30 connections from six source orgs
// (one credentials profile each) against a simulator with a low rate limit and 5% of requests
// failing with 503. Every connection is created exactly once, a second up has no changes, and
// destroy leaves nothing. Request counts and wall times are printed for the record, not asserted.
import { DatadogSimulator, RecordedRequest, SimOrg } from "../../simulator";
import { CommandResult, PulumiStack } from "../harness/pulumi";
import {
    ConnectionSpec,
    TYPE,
    countResponses,
    createConnectionsStack,
    flatten,
    outputOf,
} from "./connectionsProgram";

jest.setTimeout(15 * 60 * 1000);

const SOURCES = 6;
/** Datadog allows five connections per source org, so each source connects to five sinks. */
const SINKS = 5;
/** Requests per org and window; the six source orgs share 24 requests per 2 s window. */
const RATE_LIMIT = { limit: 4, periodSeconds: 2 };
const RANDOM_FAILURES = { rate: 0.05, seed: 20240611 };

/** Returns the sink org id of a POST's JSON:API body. */
function postedSink(request: RecordedRequest): string | undefined {
    const body = request.body as {
        data?: { relationships?: { sink_org?: { data?: { id?: string } } } };
    };
    return body?.data?.relationships?.sink_org?.data?.id;
}

/** Prints the requests and wall time of one command as numbers. */
function record(phase: string, requests: readonly RecordedRequest[], started: number): void {
    const byStatus = new Map<number, number>();
    for (const request of requests) {
        byStatus.set(request.status, (byStatus.get(request.status) ?? 0) + 1);
    }
    const statuses = [...byStatus.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}=${count}`)
        .join(" ");
    const methods = ["GET", "POST", "PATCH", "DELETE"]
        .map((method) => `${method}=${countResponses(requests, { method })}`)
        .join(" ");
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${phase}: ${requests.length} requests (${methods}; ${statuses}) in ${seconds} s`);
}

describe("30 connections under rate limits and random 503s", () => {
    let simulator: DatadogSimulator;
    let sources: SimOrg[];
    let sinks: SimOrg[];
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        sources = [];
        sinks = [];
        const secretPaths: Record<string, string> = {};
        for (let i = 1; i <= SOURCES; i++) {
            const source = simulator.addOrg({ name: `Team ${i} Org` });
            const keys = simulator.addKeys(source.id);
            secretPaths[`datadog:profiles.team-${i}.apiKey`] = keys.apiKey;
            secretPaths[`datadog:profiles.team-${i}.appKey`] = keys.appKey;
            sources.push(source);
        }
        for (let j = 1; j <= SINKS; j++) {
            sinks.push(simulator.addOrg({ name: `Hub ${j} Org` }));
        }

        const types = [["logs"], ["metrics"], ["logs", "metrics"], ["audit"], ["logs", "audit"]];
        const specs: ConnectionSpec[] = [];
        sources.forEach((source, i) => {
            sinks.forEach((sink, j) => {
                specs.push({
                    name: `team-${i + 1}-to-hub-${j + 1}`,
                    sinkOrgId: sink.id,
                    connectionTypes: types[(i + j) % types.length],
                    profile: `team-${i + 1}`,
                });
            });
        });
        // The default keys belong to an org with no connection: every resource uses a profile.
        const bystander = simulator.addOrg({ name: "Bystander Org" });
        stack = await createConnectionsStack(simulator, simulator.addKeys(bystander.id), specs, {
            secretPaths,
        });

        simulator.setRateLimit(RATE_LIMIT);
        simulator.setRandomFailures(RANDOM_FAILURES);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => simulator.clearRequests());

    /** Runs a command under the faults and prints its numbers. */
    async function timed(
        phase: string,
        command: () => Promise<CommandResult>,
    ): Promise<CommandResult> {
        const started = Date.now();
        const result = await command();
        record(phase, simulator.requests, started);
        return result;
    }

    test("up creates each connection exactly once", async () => {
        await timed("up", () => stack.up(["--skip-preview"]));

        const connections = simulator.connections();
        expect(connections).toHaveLength(SOURCES * SINKS);
        const pairs = new Set(connections.map((c) => `${c.sourceOrgId}>${c.sinkOrgId}`));
        const expectedPairs = sources.flatMap((source) =>
            sinks.map((sink) => `${source.id}>${sink.id}`),
        );
        expect([...pairs].sort()).toEqual(expectedPairs.sort());

        // One successful POST per connection, and no POST ever met an existing connection.
        const stored = simulator.requests.filter((r) => r.method === "POST" && r.status === 200);
        expect(stored.map((r) => `${r.orgId}>${postedSink(r)}`).sort()).toEqual(
            expectedPairs.sort(),
        );
        expect(countResponses(simulator.requests, { status: 409 })).toBe(0);

        const state = await stack.stateResources(TYPE);
        expect(state.map((r) => r.id).sort()).toEqual(connections.map((c) => c.id).sort());
    });

    test("second up has no changes", async () => {
        const result = await timed("second up", () =>
            stack.up(["--skip-preview", "--expect-no-changes"]),
        );

        expect(flatten(outputOf(result))).toContain(`${SOURCES * SINKS + 1} unchanged`);
        expect(simulator.requests).toEqual([]);
    });

    test("refresh keeps every connection", async () => {
        const before = await stack.stateResources(TYPE);

        await timed("refresh", () => stack.refresh(["--skip-preview", "--expect-no-changes"]));

        expect(countResponses(simulator.requests, { method: "POST" })).toBe(0);
        const after = await stack.stateResources(TYPE);
        expect(after.map((r) => [r.id, r.outputs])).toEqual(before.map((r) => [r.id, r.outputs]));
    });

    test("destroy leaves nothing", async () => {
        await timed("destroy", () => stack.destroy(["--skip-preview"]));

        expect(simulator.connections()).toEqual([]);
        expect(await stack.stateResources(TYPE)).toEqual([]);
        const deleted = simulator.requests.filter((r) => r.method === "DELETE" && r.status === 200);
        expect(deleted).toHaveLength(SOURCES * SINKS);
    });
});
