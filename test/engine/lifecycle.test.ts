// The life of one org connection through the real Pulumi CLI, language host and dynamic provider
// plugin, against the simulator: each test builds on the state the previous one left.
import { DatadogSimulator, SimKeys, SimOrg } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";

const TYPE = "pulumi-nodejs:dynamic/datadog:OrgConnection";

jest.setTimeout(10 * 60 * 1000);

describe("OrgConnection on the real engine", () => {
    let simulator: DatadogSimulator;
    let source: SimOrg;
    let security: SimOrg;
    let analytics: SimOrg;
    let keys: SimKeys;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        source = simulator.addOrg({ name: "Platform Org" });
        security = simulator.addOrg({ name: "Security Org" });
        analytics = simulator.addOrg({ name: "Analytics Org" });
        keys = simulator.addKeys(source.id);

        stack = await PulumiStack.create({ program: "basic" });
        await stack.setConfig("datadog:apiUrl", simulator.url);
        await stack.setConfig("datadog:apiKey", keys.apiKey, { secret: true });
        await stack.setConfig("datadog:appKey", keys.appKey, { secret: true });
        await stack.setConfig("sinkOrgId", security.id);
        await stack.setConfig("connectionTypes", JSON.stringify(["logs"]));
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => simulator.clearRequests());

    test("preview of a new stack calls no API", async () => {
        const result = await stack.preview();

        expect(result.stdout).toMatch(
            /\+\s+pulumi-nodejs:dynamic\/datadog:OrgConnection\s+shared-telemetry\s+create/,
        );
        expect(simulator.requests).toEqual([]);
    });

    test("up creates the connection with every output", async () => {
        await stack.up();

        const connections = simulator.connections();
        expect(connections).toHaveLength(1);
        expect(simulator.countRequests({ method: "POST" })).toBe(1);

        const outputs = await stack.outputs();
        expect(outputs).toEqual({
            connectionId: connections[0].id,
            sourceOrgId: source.id,
            sourceOrgName: "Platform Org",
            sinkOrgId: security.id,
            sinkOrgName: "Security Org",
            connectionTypes: ["logs"],
            createdAt: connections[0].createdAt,
            createdByName: expect.any(String),
        });
    });

    test("preview after up expects no changes", async () => {
        await stack.preview(["--expect-no-changes"]);

        expect(simulator.countRequests({ method: "POST" })).toBe(0);
        expect(simulator.countRequests({ method: "PATCH" })).toBe(0);
    });

    test("reordered connection types are no change", async () => {
        await stack.setConfig("connectionTypes", JSON.stringify(["metrics", "logs"]));
        await stack.up();
        await stack.setConfig("connectionTypes", JSON.stringify(["logs", "metrics"]));
        simulator.clearRequests();

        await stack.preview(["--expect-no-changes"]);
        expect(simulator.requests).toEqual([]);
    });

    test("changed connection types update in place", async () => {
        const [before] = simulator.connections();
        await stack.setConfig("connectionTypes", JSON.stringify(["logs", "metrics", "audit"]));

        const preview = await stack.preview(["--diff"]);
        expect(preview.stdout).toContain("~ pulumi-nodejs:dynamic/datadog:OrgConnection: (update)");
        expect(preview.stdout).toMatch(/~ connectionTypes: \[/);
        expect(preview.stdout).not.toContain("replace");

        simulator.clearRequests();
        await stack.up();

        expect(simulator.countRequests({ method: "PATCH" })).toBe(1);
        expect(simulator.countRequests({ method: "POST" })).toBe(0);
        expect(simulator.countRequests({ method: "DELETE" })).toBe(0);
        const [after] = simulator.connections();
        expect(after.id).toBe(before.id);
        expect(after.connectionTypes).toEqual(["logs", "metrics", "audit"]);
        expect((await stack.outputs()).connectionTypes).toEqual(["audit", "logs", "metrics"]);
    });

    test("PATCH response keeps the org names", async () => {
        const outputs = await stack.outputs();

        expect(outputs.sourceOrgName).toBe("Platform Org");
        expect(outputs.sinkOrgName).toBe("Security Org");
    });

    test("refresh after an outside edit keeps the drift", async () => {
        const [connection] = simulator.connections();
        simulator.editConnection(connection.id, ["logs"]);

        await stack.refresh();
        const [resource] = await stack.stateResources(TYPE);
        expect(resource.outputs.connectionTypes).toEqual(["logs"]);
        expect(resource.inputs.connectionTypes).toEqual(["logs"]);

        simulator.clearRequests();
        const preview = await stack.preview();
        expect(preview.stdout).toMatch(/shared-telemetry\s+update/);

        await stack.up();
        expect(simulator.countRequests({ method: "PATCH" })).toBe(1);
        const patch = simulator.requests.find((request) => request.method === "PATCH");
        expect(patch?.path).toBe(`/api/v2/org_connections/${connection.id}`);
        expect(simulator.connections()[0].connectionTypes.slice().sort()).toEqual([
            "audit",
            "logs",
            "metrics",
        ]);
    });

    test("refresh after an outside deletion drops it", async () => {
        const [connection] = simulator.connections();
        simulator.deleteConnection(connection.id);

        await stack.refresh();
        expect(await stack.stateResources(TYPE)).toEqual([]);
        expect(simulator.countRequests({ method: "POST" })).toBe(0);

        await stack.up();
        expect(simulator.countRequests({ method: "POST" })).toBe(1);
        expect(simulator.connections()).toHaveLength(1);
    });

    test("changed sink org replaces the connection", async () => {
        const [before] = simulator.connections();
        await stack.setConfig("sinkOrgId", analytics.id);

        const preview = await stack.preview();
        expect(preview.stdout).toMatch(
            /\+-\s+pulumi-nodejs:dynamic\/datadog:OrgConnection\s+shared-telemetry\s+replace/,
        );

        simulator.clearRequests();
        await stack.up();

        expect(simulator.countRequests({ method: "POST" })).toBe(1);
        expect(simulator.countRequests({ method: "DELETE" })).toBe(1);
        const connections = simulator.connections();
        expect(connections).toHaveLength(1);
        expect(connections[0].id).not.toBe(before.id);
        expect(connections[0].sinkOrgId).toBe(analytics.id);
        expect((await stack.outputs()).sinkOrgName).toBe("Analytics Org");
    });

    test("stack export contains neither key", async () => {
        const state = await stack.exportText();

        expect(state).not.toContain(keys.apiKey);
        expect(state).not.toContain(keys.appKey);
        expect(state).toContain(simulator.connections()[0].id);
    });

    test("serialized provider stays small", async () => {
        const [resource] = await stack.stateResources(TYPE);
        const size = Buffer.byteLength(resource.inputs.__provider, "utf8");

        // Printed for the record. The package-install test asserts the 4 KB limit for installed use.
        console.log(`__provider size with the in-repo program: ${size} bytes`);
        expect(size).toBeLessThan(8 * 1024);
    });

    test("destroy leaves the simulator empty", async () => {
        await stack.destroy();

        expect(simulator.connections()).toEqual([]);
        expect(await stack.stateResources(TYPE)).toEqual([]);
    });
});
