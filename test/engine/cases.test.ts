// Faults that users of comparable tools hit with org connections and dynamic providers, each
// reproduced through the real Pulumi CLI against the simulator. A read matches by id, drift that
// a refresh reads is kept, and a failed read never deletes. A create whose response is lost
// creates once, and rate limits are waited out with a readable failure when they persist.
import {
    DatadogSimulator,
    FaultAction,
    RecordedRequest,
    SimConnection,
    SimKeys,
    SimOrg,
} from "../../simulator";
import { CommandResult, PulumiStack } from "../harness/pulumi";
import { call } from "../simulator/simulatorClient";

const TYPE = "pulumi-nodejs:dynamic/datadog:OrgConnection";
const LIST = "/api/v2/org_connections";

/** HTML page such as a proxy in front of the API sends with a 429, which is not JSON. */
const HTML_PAGE =
    "<html><head><title>429 Too Many Requests</title></head>" +
    "<body><h1>Too Many Requests</h1></body></html>";

/** A 429 with `X-RateLimit-Reset: 2`, `X-RateLimit-Remaining: 0` and an HTML body. */
const RATE_LIMITED: FaultAction = {
    type: "status",
    status: 429,
    body: HTML_PAGE,
    contentType: "text/html; charset=utf-8",
    headers: { "X-RateLimit-Reset": "2", "X-RateLimit-Remaining": "0" },
};

/** A 200 list page with no data that counts five connections in `meta.page.total_count`. */
const EMPTY_PAGE_COUNTING_FIVE: FaultAction = {
    type: "status",
    status: 200,
    body: JSON.stringify({ data: [], meta: { page: { total_count: 5 } } }),
};

/** A consistent empty list page, as a list that does not show a new connection yet returns. */
const EMPTY_PAGE: FaultAction = {
    type: "status",
    status: 200,
    body: JSON.stringify({ data: [], meta: { page: { total_count: 0, total_filtered_count: 0 } } }),
};

/** Stores the request's changes, then closes the connection without a reply. */
const LOST_REPLY: FaultAction = { type: "reset-after-commit" };

/** Lets one matching request through unchanged, so that the next fault hits the request after. */
const PASS: FaultAction = { type: "delay", ms: 0 };

jest.setTimeout(10 * 60 * 1000);

/**
 * Creates a stack of `program` (a folder under examples/) that acts with `keys` on the
 * simulator, with the extra plain `config` values.
 */
async function createStack(
    simulator: DatadogSimulator,
    keys: SimKeys,
    program: string,
    config: Record<string, string>,
): Promise<PulumiStack> {
    const stack = await PulumiStack.create({ program });
    await stack.setConfig("datadog:apiUrl", simulator.url);
    await stack.setConfig("datadog:apiKey", keys.apiKey, { secret: true });
    await stack.setConfig("datadog:appKey", keys.appKey, { secret: true });
    for (const [key, value] of Object.entries(config)) {
        await stack.setConfig(key, value);
    }
    return stack;
}

/** Returns the single OrgConnection of the stack's state. */
async function storedConnection(stack: PulumiStack): Promise<Record<string, any>> {
    const resources = await stack.stateResources(TYPE);
    expect(resources).toHaveLength(1);
    return resources[0];
}

/**
 * Returns the id, inputs and outputs of a stored resource. A successful refresh drops the
 * engine's `propertyDependencies` record, so a comparison of the whole resource would fail.
 */
function recordedValues(resource: Record<string, any>): Record<string, unknown> {
    return { id: resource.id, inputs: resource.inputs, outputs: resource.outputs };
}

/**
 * Returns the CLI's stdout and stderr with every run of whitespace collapsed to one space,
 * because the CLI wraps and indents long diagnostics.
 */
function outputOf(result: CommandResult): string {
    return `${result.stdout}\n${result.stderr}`.replace(/\s+/g, " ");
}

/** Returns [method, sink_org_id filter, offset, status] of each recorded request. */
function trace(
    simulator: DatadogSimulator,
): Array<[string, string | undefined, string | undefined, number]> {
    return simulator.requests.map((r) => [r.method, r.query.sink_org_id, r.query.offset, r.status]);
}

/** Returns the recorded requests that change something: every method but GET. */
function writes(simulator: DatadogSimulator): RecordedRequest[] {
    return simulator.requests.filter((r) => r.method !== "GET");
}

/** Returns the milliseconds between the arrival of each recorded request and the next. */
function gapsMs(requests: RecordedRequest[]): number[] {
    return requests.slice(1).map((request, i) => request.at - requests[i].at);
}

describe("read and adoption match by id", () => {
    // The sink org's keys list every connection to the sink org, so its sink-filtered listing
    // returns A (from another source org) before B. A lookup by position would take A.
    let simulator: DatadogSimulator;
    let sink: SimOrg;
    let sinkKeys: SimKeys;
    let a: SimConnection;
    let b: SimConnection;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        const otherSource = simulator.addOrg({ name: "Billing Org" });
        sink = simulator.addOrg({ name: "Security Org" });
        const archive = simulator.addOrg({ name: "Archive Org" });
        // 1000 connections from the sink org to a third org come first in an unfiltered listing,
        // so A and B are on its second page (the client asks for 1000 per page).
        for (let i = 0; i < 1000; i++) {
            simulator.seedConnection({
                sourceOrgId: sink.id,
                sinkOrgId: archive.id,
                connectionTypes: ["audit"],
            });
        }
        a = simulator.seedConnection({
            sourceOrgId: otherSource.id,
            sinkOrgId: sink.id,
            connectionTypes: ["metrics"],
        });
        b = simulator.seedConnection({
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes: ["logs"],
        });
        sinkKeys = simulator.addKeys(sink.id);
        stack = await createStack(simulator, sinkKeys, "adopt-existing", {
            sinkOrgId: sink.id,
            connectionTypes: JSON.stringify(["logs"]),
            adoptConnectionId: b.id,
        });
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => simulator.clearRequests());

    test("sink-filtered listing returns A, then B", async () => {
        const response = await call(simulator, "GET", `${LIST}?sink_org_id=${sink.id}`, {
            keys: sinkKeys,
        });

        expect(response.status).toBe(200);
        const listed = response.json.data.map((c: any) => [c.id, c.attributes.connection_types]);
        expect(listed).toEqual([
            [a.id, ["metrics"]],
            [b.id, ["logs"]],
        ]);
    });

    test("adoption reads every unfiltered page", async () => {
        await stack.up(["--skip-preview"]);

        expect(writes(simulator)).toEqual([]);
        expect(simulator.requests.map((r) => [r.method, r.query])).toEqual([
            ["GET", { limit: "1000", offset: "0" }],
            ["GET", { limit: "1000", offset: "1000" }],
        ]);
        const resource = await storedConnection(stack);
        expect(resource.id).toBe(b.id);
        expect(resource.outputs).toEqual({
            __provider: expect.any(String),
            connectionId: b.id,
            sinkOrgId: sink.id,
            sinkOrgName: "Security Org",
            sourceOrgId: b.sourceOrgId,
            sourceOrgName: "Platform Org",
            connectionTypes: ["logs"],
            createdAt: b.createdAt,
            createdById: b.createdById,
            createdByName: expect.any(String),
            adoptConnectionId: b.id,
        });
        const state = await stack.exportText();
        expect(state).not.toContain(a.id);
        expect(state).not.toContain("Billing Org");
    });

    test("preview after adoption plans nothing", async () => {
        const preview = await stack.preview(["--expect-no-changes", "--diff"]);

        expect(preview.stdout).not.toContain("replace");
        expect(simulator.requests).toEqual([]);
    });

    test("refresh keeps B and nothing of A", async () => {
        const before = await storedConnection(stack);

        await stack.refresh(["--skip-preview"]);

        expect(trace(simulator)).toEqual([["GET", sink.id, "0", 200]]);
        const after = await storedConnection(stack);
        expect(after.id).toBe(b.id);
        expect(after.outputs).toEqual(before.outputs);
        expect(after.inputs.connectionTypes).toEqual(["logs"]);
        const state = await stack.exportText();
        expect(state).not.toContain(a.id);
        expect(state).not.toContain("Billing Org");
        expect(writes(simulator)).toEqual([]);
    });
});

describe("refresh keeps drift it reads", () => {
    let simulator: DatadogSimulator;
    let b: SimConnection;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        const sink = simulator.addOrg({ name: "Security Org" });
        const keys = simulator.addKeys(source.id);
        stack = await createStack(simulator, keys, "basic", {
            sinkOrgId: sink.id,
            connectionTypes: JSON.stringify(["logs"]),
        });
        await stack.up(["--skip-preview"]);
        [b] = simulator.connections();
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => simulator.clearRequests());

    test("refresh reports and stores an outside edit", async () => {
        simulator.editConnection(b.id, ["logs", "metrics"]);

        const result = await stack.refresh(["--skip-preview"]);

        expect(result.stdout).toMatch(
            /~ +pulumi-nodejs:dynamic\/datadog:OrgConnection +shared-telemetry +updated/,
        );
        expect(result.stdout).toContain("[diff: ~connectionTypes]");
        const resource = await storedConnection(stack);
        expect(resource.outputs.connectionTypes).toEqual(["logs", "metrics"]);
        expect(resource.inputs.connectionTypes).toEqual(["logs", "metrics"]);
        expect(writes(simulator)).toEqual([]);
    });

    test("preview plans an in-place update back", async () => {
        const preview = await stack.preview(["--diff"]);

        expect(preview.stdout).toContain("~ pulumi-nodejs:dynamic/datadog:OrgConnection: (update)");
        expect(preview.stdout).toMatch(/~ connectionTypes: \[/);
        expect(preview.stdout).toMatch(/- \[1\]: "metrics"/);
        expect(preview.stdout).not.toContain("replace");
        expect(simulator.requests).toEqual([]);
    });

    test("up sends one PATCH with the declared types", async () => {
        await stack.up(["--skip-preview"]);

        expect(writes(simulator).map((r) => [r.method, r.path, r.body])).toEqual([
            [
                "PATCH",
                `${LIST}/${b.id}`,
                {
                    data: {
                        type: "org_connection",
                        id: b.id,
                        attributes: { connection_types: ["logs"] },
                    },
                },
            ],
        ]);
        expect(simulator.connections().map((c) => [c.id, c.connectionTypes])).toEqual([
            [b.id, ["logs"]],
        ]);
        const resource = await storedConnection(stack);
        expect(resource.outputs.connectionTypes).toEqual(["logs"]);
        await stack.preview(["--expect-no-changes"]);
    });
});

describe("failed read never deletes", () => {
    let simulator: DatadogSimulator;
    let source: SimOrg;
    let sink: SimOrg;
    let b: SimConnection;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        source = simulator.addOrg({ name: "Platform Org" });
        sink = simulator.addOrg({ name: "Security Org" });
        // Four more connections of the source org, so that the org has five with B, the number
        // that the empty page claims.
        for (const name of ["Analytics Org", "Billing Org", "Audit Org", "Archive Org"]) {
            const other = simulator.addOrg({ name });
            simulator.seedConnection({
                sourceOrgId: source.id,
                sinkOrgId: other.id,
                connectionTypes: ["metrics"],
            });
        }
        const keys = simulator.addKeys(source.id);
        stack = await createStack(simulator, keys, "basic", {
            sinkOrgId: sink.id,
            connectionTypes: JSON.stringify(["logs"]),
            // Short backoff, so that each retried request waits at most fractions of a second.
            "datadog:httpClientRetryBackoffBase": "0.2",
        });
        await stack.up(["--skip-preview"]);
        b = simulator.connections().find((c) => c.sinkOrgId === sink.id) as SimConnection;
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => {
        simulator.clearRequests();
        simulator.clearFaults();
    });

    test("502, empty page of five, good page", async () => {
        expect(simulator.connections()).toHaveLength(5);
        const before = await storedConnection(stack);
        simulator.injectFault({
            method: "GET",
            path: LIST,
            action: { type: "status", status: 502 },
        });
        simulator.injectFault({ method: "GET", path: LIST, action: EMPTY_PAGE_COUNTING_FIVE });

        await stack.refresh(["--skip-preview"]);

        // The sink-filtered listing is retried after the 502. Its empty page lacks
        // total_filtered_count, the only count that describes a filtered listing. So before
        // taking B as gone, the provider lists without a filter and gets the good page.
        expect(trace(simulator)).toEqual([
            ["GET", sink.id, "0", 502],
            ["GET", sink.id, "0", 200],
            ["GET", undefined, "0", 200],
        ]);
        expect(recordedValues(await storedConnection(stack))).toEqual(recordedValues(before));
        expect(writes(simulator)).toEqual([]);
    });

    const lastingFailures: Array<[string, FaultAction, string]> = [
        [
            "5xx",
            { type: "status", status: 502 },
            "failed with HTTP 502: Bad Gateway. All 4 attempts failed.",
        ],
        [
            "429",
            { type: "status", status: 429, body: HTML_PAGE, contentType: "text/html" },
            "failed with HTTP 429 (non-JSON response, text/html). All 4 attempts failed.",
        ],
        ["network error", { type: "reset" }, "failed with a network error talking to"],
    ];

    test.each(lastingFailures)("lasting %s fails refresh, keeps state", async (_, action, text) => {
        const before = await storedConnection(stack);
        simulator.injectFault({ method: "GET", path: LIST, times: Infinity, action });

        const result = await stack.refresh(["--skip-preview"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(outputOf(result)).toContain(
            `Reading org connection ${b.id} failed, so the state keeps it unchanged: GET ` +
                `${LIST}?sink_org_id=${sink.id}&limit=1000&offset=0 ${text}`,
        );
        // The first attempt and the three retries of the default settings.
        expect(simulator.countRequests({ method: "GET" })).toBe(4);
        expect(await storedConnection(stack)).toEqual(before);
        expect(writes(simulator)).toEqual([]);
    });

    test("empty unfiltered page of five fails", async () => {
        const before = await storedConnection(stack);
        simulator.deleteConnection(b.id);
        // The sink-filtered listing is complete and lacks B, so the unfiltered listing decides.
        simulator.injectFault({ method: "GET", path: LIST, action: PASS });
        simulator.injectFault({ method: "GET", path: LIST, action: EMPTY_PAGE_COUNTING_FIVE });

        const result = await stack.refresh(["--skip-preview"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(trace(simulator)).toEqual([
            ["GET", sink.id, "0", 200],
            ["GET", undefined, "0", 200],
        ]);
        expect(outputOf(result)).toContain(
            `Reading org connection ${b.id} failed, so the state keeps it unchanged: GET ` +
                `${LIST}?limit=1000&offset=0 returned an incomplete listing: the page is empty, but ` +
                "meta.page.total_count is 5 and only 0 connections were read.",
        );
        expect(await storedConnection(stack)).toEqual(before);
        expect(writes(simulator)).toEqual([]);
    });

    describe("with a second page", () => {
        beforeAll(() => {
            // 1000 connections from another org to the source org fill the first page of the
            // unfiltered listing. The source org is their sink, so they do not count against its
            // limit of five outgoing connections.
            const filler = simulator.addOrg({ name: "Filler Org" });
            for (let i = 0; i < 1000; i++) {
                simulator.seedConnection({
                    sourceOrgId: filler.id,
                    sinkOrgId: source.id,
                    connectionTypes: ["logs"],
                });
            }
        });

        const secondPageFailures: Array<[string, FaultAction, string]> = [
            ["lasting 502", { type: "status", status: 502 }, "failed with HTTP 502: Bad Gateway."],
            [
                "empty page",
                {
                    type: "status",
                    status: 200,
                    body: JSON.stringify({ data: [], meta: { page: { total_count: 1004 } } }),
                },
                "returned an incomplete listing: the page is empty, but meta.page.total_count is " +
                    "1004 and only 1000 connections were read.",
            ],
        ];

        test.each(secondPageFailures)("%s as page two keeps it", async (_, action, failure) => {
            const before = await storedConnection(stack);
            // The sink-filtered listing and the first unfiltered page pass unchanged.
            simulator.injectFault({ method: "GET", path: LIST, times: 2, action: PASS });
            simulator.injectFault({ method: "GET", path: LIST, times: Infinity, action });

            const result = await stack.refresh(["--skip-preview"], { allowFailure: true });

            expect(result.code).not.toBe(0);
            expect(trace(simulator).slice(0, 3)).toEqual([
                ["GET", sink.id, "0", 200],
                ["GET", undefined, "0", 200],
                ["GET", undefined, "1000", expect.any(Number)],
            ]);
            expect(outputOf(result)).toContain(
                `Reading org connection ${b.id} failed, so the state keeps it unchanged: GET ` +
                    `${LIST}?limit=1000&offset=1000 ${failure}`,
            );
            expect(await storedConnection(stack)).toEqual(before);
            expect(writes(simulator)).toEqual([]);
        });

        test("complete listing without B drops it", async () => {
            await stack.refresh(["--skip-preview"]);

            expect(await stack.stateResources(TYPE)).toEqual([]);
            // A connection created less than a minute ago is listed again before it counts as
            // gone, so the number of listings depends on the time since the up.
            expect(trace(simulator)).toContainEqual(["GET", undefined, "1000", 200]);
            expect(writes(simulator)).toEqual([]);
        });

        test("up afterwards creates it again", async () => {
            await stack.up(["--skip-preview"]);

            expect(writes(simulator).map((r) => [r.method, r.path])).toEqual([["POST", LIST]]);
            const toSink = simulator.connections().filter((c) => c.sinkOrgId === sink.id);
            expect(toSink).toHaveLength(1);
            expect(toSink[0].id).not.toBe(b.id);
            expect((await storedConnection(stack)).id).toBe(toSink[0].id);
        });
    });
});

describe("create with a lost response creates once", () => {
    let simulator: DatadogSimulator;
    let source: SimOrg;
    let sink: SimOrg;
    let stack: PulumiStack;

    /** Returns the simulator's connections to the sink org. */
    const toSink = () => simulator.connections().filter((c) => c.sinkOrgId === sink.id);

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        source = simulator.addOrg({ name: "Platform Org" });
        sink = simulator.addOrg({ name: "Security Org" });
        const keys = simulator.addKeys(source.id);
        stack = await createStack(simulator, keys, "adopt-existing", {
            sinkOrgId: sink.id,
            connectionTypes: JSON.stringify(["logs"]),
            "datadog:httpClientRetryBackoffBase": "0.2",
        });
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => {
        simulator.clearRequests();
        simulator.clearFaults();
    });

    /** Destroys the stack's connection, so that the next test starts with none. */
    async function destroyConnection(): Promise<void> {
        await stack.destroy(["--skip-preview"]);
        expect(toSink()).toEqual([]);
        simulator.clearRequests();
    }

    test("lost response takes the stored connection", async () => {
        simulator.injectFault({ method: "POST", path: LIST, action: LOST_REPLY });

        const result = await stack.up(["--skip-preview"]);

        expect(trace(simulator)).toEqual([
            ["POST", undefined, undefined, 200],
            ["GET", sink.id, "0", 200],
        ]);
        expect(simulator.requests[0].dropped).toBe(true);
        expect(toSink()).toHaveLength(1);
        const resource = await storedConnection(stack);
        expect(resource.id).toBe(toSink()[0].id);
        expect(resource.outputs.connectionTypes).toEqual(["logs"]);
        expect(resource.outputs.sinkOrgName).toBe("Security Org");
        expect(outputOf(result)).toContain(
            `operation=create id=${resource.id} sinkOrgId=${sink.id}: the POST took effect ` +
                "although its response was lost, so the connection found is its result.",
        );
        await stack.preview(["--expect-no-changes"]);
    });

    test("dropped POST is listed, then resent", async () => {
        await destroyConnection();
        simulator.injectFault({ method: "POST", path: LIST, action: { type: "reset" } });

        await stack.up(["--skip-preview"]);

        expect(trace(simulator)).toEqual([
            ["POST", undefined, undefined, 0],
            ["GET", sink.id, "0", 200],
            ["POST", undefined, undefined, 200],
        ]);
        expect(toSink()).toHaveLength(1);
        expect((await storedConnection(stack)).id).toBe(toSink()[0].id);
    });

    test("unmatched existing connection names the adopt line", async () => {
        await destroyConnection();
        const existing = simulator.seedConnection({
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes: ["metrics"],
        });
        simulator.injectFault({
            method: "POST",
            path: LIST,
            action: { type: "status", status: 503 },
        });

        const result = await stack.up(["--skip-preview"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(trace(simulator)).toEqual([
            ["POST", undefined, undefined, 503],
            ["GET", sink.id, "0", 200],
        ]);
        expect(outputOf(result)).toContain(
            `Creating the org connection to sink org ${sink.id} failed: POST ${LIST} failed with ` +
                "HTTP 503: Service Unavailable.",
        );
        expect(outputOf(result)).toContain(
            "A connection to this sink org exists now, but not exactly one that matches the request " +
                `(connectionTypes ["logs"]), so none was taken as the result: ${existing.id} ` +
                `(connectionTypes ["metrics"]). To manage it with Pulumi, add adoptConnectionId: ` +
                `"${existing.id}" to this OrgConnection's arguments and run \`pulumi up\` again.`,
        );
        expect(toSink()).toEqual([existing]);
        expect(await stack.stateResources(TYPE)).toEqual([]);
        simulator.deleteConnection(existing.id);
    });

    test("409 after a lost response stops", async () => {
        simulator.injectFault({ method: "POST", path: LIST, action: LOST_REPLY });
        // The listing does not show the new connection yet, so the POST is sent again.
        simulator.injectFault({ method: "GET", path: LIST, action: EMPTY_PAGE });

        const result = await stack.up(["--skip-preview"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(trace(simulator)).toEqual([
            ["POST", undefined, undefined, 200],
            ["GET", sink.id, "0", 200],
            ["POST", undefined, undefined, 409],
            ["GET", sink.id, "0", 200],
        ]);
        expect(toSink()).toHaveLength(1);
        const [stored] = toSink();
        expect(outputOf(result)).toContain(
            `Creating the org connection to sink org ${sink.id} failed: POST ${LIST} failed with ` +
                `HTTP 409: connection between orgs ${source.id} and ${sink.id} already exists. ` +
                `Existing connection: ${stored.id} (connectionTypes ["logs"]). To manage it with ` +
                `Pulumi, add adoptConnectionId: "${stored.id}" to this OrgConnection's arguments ` +
                "and run `pulumi up` again.",
        );
        expect(await stack.stateResources(TYPE)).toEqual([]);
    });

    test("adopt line from the error takes it over", async () => {
        const [stored] = toSink();
        await stack.setConfig("adoptConnectionId", stored.id);

        await stack.up(["--skip-preview"]);

        expect(writes(simulator)).toEqual([]);
        expect(toSink()).toEqual([stored]);
        expect((await storedConnection(stack)).id).toBe(stored.id);
        await stack.preview(["--expect-no-changes"]);
    });
});

describe("rate limits are waited out", () => {
    let simulator: DatadogSimulator;
    let sink: SimOrg;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        sink = simulator.addOrg({ name: "Security Org" });
        const keys = simulator.addKeys(source.id);
        stack = await createStack(simulator, keys, "basic", {
            sinkOrgId: sink.id,
            connectionTypes: JSON.stringify(["logs"]),
            // The maximum the provider accepts, so six attempts in all.
            "datadog:httpClientRetryMaxRetries": "5",
            "datadog:httpClientRetryBackoffBase": "0.2",
        });
        await stack.up(["--skip-preview"]);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => {
        simulator.clearRequests();
        simulator.clearFaults();
    });

    test("list waits the reset, then succeeds", async () => {
        const before = await storedConnection(stack);
        simulator.injectFault({ method: "GET", path: LIST, action: RATE_LIMITED });

        await stack.refresh(["--skip-preview"]);

        expect(trace(simulator)).toEqual([
            ["GET", sink.id, "0", 429],
            ["GET", sink.id, "0", 200],
        ]);
        expect(gapsMs(simulator.requests)[0]).toBeGreaterThanOrEqual(2000);
        expect(recordedValues(await storedConnection(stack))).toEqual(recordedValues(before));
    });

    test("six 429s fail with a readable error", async () => {
        const before = await storedConnection(stack);
        simulator.injectFault({ method: "GET", path: LIST, times: 6, action: RATE_LIMITED });

        const result = await stack.refresh(["--skip-preview"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(simulator.requests.map((r) => [r.method, r.status])).toEqual(
            Array(6).fill(["GET", 429]),
        );
        for (const gap of gapsMs(simulator.requests)) {
            expect(gap).toBeGreaterThanOrEqual(2000);
        }
        const output = outputOf(result);
        expect(output).toContain(
            `Reading org connection ${before.id} failed, so the state keeps it unchanged: GET ` +
                `${LIST}?sink_org_id=${sink.id}&limit=1000&offset=0 failed with HTTP 429 ` +
                "(non-JSON response, text/html). All 6 attempts failed. The Datadog rate limit is " +
                "still exceeded. It resets in 2 s. Wait and run the command again, or allow more " +
                "retries (datadog:httpClientRetryMaxRetries, datadog:httpClientRetryTimeout).",
        );
        expect(output).not.toContain("Unexpected token");
        expect(output).not.toContain("<html>");
        expect(await storedConnection(stack)).toEqual(before);
    });

    test("429 without reset header backs off", async () => {
        const withoutReset: FaultAction = {
            type: "status",
            status: 429,
            body: HTML_PAGE,
            contentType: "text/html",
        };
        simulator.injectFault({ method: "GET", path: LIST, times: 2, action: withoutReset });

        await stack.refresh(["--skip-preview"]);

        expect(simulator.requests.map((r) => r.status)).toEqual([429, 429, 200]);
        // Full jitter below a cap of 0.2 s, then 0.4 s (base 0.2 s, multiplier 2), plus up to
        // 1 s for the request itself. A reset header of 2 s would make each wait longer.
        const [first, second] = gapsMs(simulator.requests);
        expect(first).toBeLessThan(200 + 1000);
        expect(second).toBeLessThan(400 + 1000);
    });

    test("PATCH waits the reset", async () => {
        await stack.setConfig("connectionTypes", JSON.stringify(["logs", "metrics"]));
        simulator.injectFault({ method: "PATCH", action: RATE_LIMITED });

        await stack.up(["--skip-preview"]);

        expect(trace(simulator)).toEqual([
            ["PATCH", undefined, undefined, 429],
            ["PATCH", undefined, undefined, 200],
        ]);
        expect(gapsMs(simulator.requests)[0]).toBeGreaterThanOrEqual(2000);
        expect(simulator.connections()[0].connectionTypes).toEqual(["logs", "metrics"]);
    });

    test("DELETE waits the reset", async () => {
        simulator.injectFault({ method: "DELETE", action: RATE_LIMITED });

        await stack.destroy(["--skip-preview"]);

        expect(trace(simulator)).toEqual([
            ["DELETE", undefined, undefined, 429],
            ["DELETE", undefined, undefined, 200],
        ]);
        expect(gapsMs(simulator.requests)[0]).toBeGreaterThanOrEqual(2000);
        expect(simulator.connections()).toEqual([]);
        expect(await stack.stateResources(TYPE)).toEqual([]);
    });

    test("POST after a 429 lists first", async () => {
        simulator.injectFault({ method: "POST", path: LIST, action: RATE_LIMITED });

        await stack.up(["--skip-preview"]);

        expect(trace(simulator)).toEqual([
            ["POST", undefined, undefined, 429],
            ["GET", sink.id, "0", 200],
            ["POST", undefined, undefined, 200],
        ]);
        const posts = simulator.requests.filter((r) => r.method === "POST");
        expect(gapsMs(posts)[0]).toBeGreaterThanOrEqual(2000);
        expect(simulator.connections()).toHaveLength(1);
        expect((await storedConnection(stack)).id).toBe(simulator.connections()[0].id);
    });
});
