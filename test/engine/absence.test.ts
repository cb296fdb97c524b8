// A failed read never means "deleted": `pulumi refresh` through the real CLI keeps a connection
// in the state when the list fails or contradicts its counts, and drops it only after a
// complete listing lacks it. No refresh sends a POST.
import { DatadogSimulator, FaultAction, SimOrg } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";
import {
    HTML_ERROR_PAGE,
    TYPE,
    createConnectionsStack,
    flatten,
    outputOf,
} from "./connectionsProgram";

jest.setTimeout(10 * 60 * 1000);

const LIST = "/api/v2/org_connections";

/** A 200 list page that contradicts its own counts: no data, but five connections counted. */
const CONTRADICTING_PAGE: FaultAction = {
    type: "status",
    status: 200,
    body: JSON.stringify({ data: [], meta: { page: { total_count: 5, total_filtered_count: 5 } } }),
};

/** A consistent empty page, as a list that does not show a new connection yet returns. */
const EMPTY_PAGE: FaultAction = {
    type: "status",
    status: 200,
    body: JSON.stringify({ data: [], meta: { page: { total_count: 0, total_filtered_count: 0 } } }),
};

describe("absence is strict through refresh", () => {
    let simulator: DatadogSimulator;
    let sink: SimOrg;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        sink = simulator.addOrg({ name: "Security Org" });
        const keys = simulator.addKeys(source.id);
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

    afterEach(() => {
        expect(simulator.countRequests({ method: "POST", path: LIST })).toBe(0);
    });

    /** Returns the single OrgConnection of the state. */
    async function stored(): Promise<Record<string, any>> {
        const resources = await stack.stateResources(TYPE);
        expect(resources).toHaveLength(1);
        return resources[0];
    }

    test("refresh right after create lists again", async () => {
        await stack.up(["--skip-preview"]);
        const before = await stored();
        simulator.clearRequests();
        // The filtered and the unfiltered listing both miss the new connection once.
        simulator.injectFault({ method: "GET", path: LIST, times: 2, action: EMPTY_PAGE });

        await stack.refresh(["--skip-preview"]);

        expect(simulator.requests.map((r) => [r.method, r.query.sink_org_id])).toEqual([
            ["GET", sink.id],
            ["GET", undefined],
            ["GET", undefined],
        ]);
        expect((await stored()).outputs).toEqual(before.outputs);
    });

    test("persistent 502 fails refresh and keeps state", async () => {
        const before = await stored();
        simulator.injectFault({
            method: "GET",
            path: LIST,
            times: Infinity,
            action: {
                type: "status",
                status: 502,
                body: HTML_ERROR_PAGE,
                contentType: "text/html",
            },
        });

        const result = await stack.refresh(["--skip-preview"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(simulator.countRequests({ method: "GET" })).toBe(4);
        expect(flatten(outputOf(result))).toContain(
            `Reading org connection ${before.id} failed, so the state keeps it unchanged: GET ` +
                `/api/v2/org_connections?sink_org_id=${sink.id}&limit=1000&offset=0 failed with HTTP 502 ` +
                "(non-JSON response, text/html). All 4 attempts failed. Datadog reported a server error. Run the " +
                "command again later, and check https://status.datadoghq.com if it persists.",
        );
        expect(await stored()).toEqual(before);
    });

    test("page contradicting its counts fails refresh", async () => {
        const before = await stored();
        simulator.injectFault({ method: "GET", path: LIST, action: CONTRADICTING_PAGE });

        const result = await stack.refresh(["--skip-preview"], { allowFailure: true });

        expect(result.code).not.toBe(0);
        expect(simulator.countRequests({ method: "GET" })).toBe(1);
        expect(flatten(outputOf(result))).toContain(
            `Reading org connection ${before.id} failed, so the state keeps it unchanged: GET ` +
                `/api/v2/org_connections?sink_org_id=${sink.id}&limit=1000&offset=0 returned an incomplete ` +
                "listing: the page is empty, but meta.page.total_filtered_count is 5 and only 0 connections were " +
                "read. The listing cannot prove which connections exist, so it was rejected. Run the command " +
                "again, and contact Datadog support if this persists.",
        );
        expect(await stored()).toEqual(before);
    });

    test("refresh with a good listing changes nothing", async () => {
        const before = await stored();

        await stack.refresh(["--skip-preview", "--expect-no-changes"]);

        expect(simulator.countRequests({ method: "GET" })).toBe(1);
        expect(await stored()).toEqual(before);
    });

    test("outside deletion removes it", async () => {
        const before = await stored();
        simulator.deleteConnection(before.id);

        await stack.refresh(["--skip-preview"]);

        expect(await stack.stateResources(TYPE)).toEqual([]);
        // The filtered and the unfiltered listing, plus the relistings of a recent connection.
        expect(simulator.countRequests({ method: "GET" })).toBeGreaterThanOrEqual(2);
        expect(simulator.requests.every((r) => r.method === "GET")).toBe(true);
    });
});
