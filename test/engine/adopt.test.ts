// Adoption of connections that already exist, on the real engine. Pulumi's own import paths fail
// for dynamic resources, so examples/adopt-existing adopts by id through the
// `adoptConnectionId` input instead.
import { DatadogSimulator, SimConnection, SimKeys, SimOrg } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";

const TYPE = "pulumi-nodejs:dynamic/datadog:OrgConnection";

// The dynamic provider plugin of @pulumi/pulumi 3.248.0 deserializes `__provider` from the
// request's properties, and the engine's read for an import sends none.
const IMPORT_FAILURE = "Cannot read properties of undefined (reading 'toJavaScript')";

jest.setTimeout(10 * 60 * 1000);

describe("adopting existing connections on the real engine", () => {
    let simulator: DatadogSimulator;
    let source: SimOrg;
    let otherSource: SimOrg;
    let sink: SimOrg;
    let secondSink: SimOrg;
    let sourceKeys: SimKeys;
    const stacks: PulumiStack[] = [];

    /** Creates a stack for `program` that acts with `keys`. */
    async function stackWithKeys(program: string | Record<string, string>, keys: SimKeys) {
        const stack = await PulumiStack.create({ program });
        stacks.push(stack);
        await stack.setConfig("datadog:apiUrl", simulator.url);
        await stack.setConfig("datadog:apiKey", keys.apiKey, { secret: true });
        await stack.setConfig("datadog:appKey", keys.appKey, { secret: true });
        return stack;
    }

    /** Returns the recorded requests other than GET: the ones that change something. */
    function writes() {
        return simulator.requests.filter((r) => r.method !== "GET");
    }

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        source = simulator.addOrg({ name: "Platform Org" });
        otherSource = simulator.addOrg({ name: "Billing Org" });
        sink = simulator.addOrg({ name: "Security Org" });
        secondSink = simulator.addOrg({ name: "Analytics Org" });
        sourceKeys = simulator.addKeys(source.id);
    });

    afterAll(async () => {
        for (const stack of stacks) {
            stack.dispose();
        }
        await simulator?.stop();
    });

    beforeEach(() => simulator.clearRequests());

    describe("Pulumi import", () => {
        let existing: SimConnection;
        let stack: PulumiStack;

        beforeAll(async () => {
            existing = simulator.seedConnection({
                sourceOrgId: source.id,
                sinkOrgId: secondSink.id,
                connectionTypes: ["logs"],
            });
            stack = await stackWithKeys(
                {
                    "Pulumi.yaml": "name: import-option\nruntime: nodejs\n",
                    "index.ts":
                        'import { OrgConnection } from "pulumi-datadog-org-connections";\n' +
                        `new OrgConnection("imported", { sinkOrgId: "${secondSink.id}", ` +
                        `connectionTypes: ["logs"] }, { import: "${existing.id}" });\n`,
                },
                sourceKeys,
            );
        });

        afterAll(() => simulator.deleteConnection(existing.id));

        test("pulumi import command fails", async () => {
            const result = await stack.pulumi(
                ["import", TYPE, "adopted", existing.id, "--yes", "--stack", stack.stackName],
                { allowFailure: true },
            );

            expect(result.code).not.toBe(0);
            expect(result.stdout).toContain(
                `=  ${TYPE} adopted import error: Preview failed: ${IMPORT_FAILURE}`,
            );
            expect(result.stdout).toContain("at ResourceProviderService.read");
            expect(simulator.requests).toEqual([]);
            expect(await stack.stateResources(TYPE)).toEqual([]);
        });

        test("import option fails", async () => {
            const result = await stack.up([], { allowFailure: true });

            expect(result.code).not.toBe(0);
            expect(result.stdout).toContain(
                `=  ${TYPE} imported import error: Preview failed: ${IMPORT_FAILURE}`,
            );
            expect(simulator.requests).toEqual([]);
            expect(await stack.stateResources(TYPE)).toEqual([]);
        });
    });

    describe("adopt by id among two to one sink", () => {
        // The sink org's keys list both connections to it, A first, so a lookup by position
        // would take A.
        let a: SimConnection;
        let b: SimConnection;
        let stack: PulumiStack;

        beforeAll(async () => {
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
            stack = await stackWithKeys("adopt-existing", simulator.addKeys(sink.id));
            await stack.setConfig("sinkOrgId", sink.id);
            await stack.setConfig("connectionTypes", JSON.stringify(["logs"]));
            await stack.setConfig("adoptConnectionId", b.id);
        });

        afterAll(() => {
            for (const id of [a.id, b.id]) {
                if (simulator.connections().some((c) => c.id === id)) {
                    simulator.deleteConnection(id);
                }
            }
        });

        test("up adopts B without a POST", async () => {
            await stack.up();

            expect(writes()).toEqual([]);
            expect(simulator.requests.map((r) => [r.method, r.query])).toEqual([
                ["GET", { limit: "1000", offset: "0" }],
            ]);
            expect(simulator.connections()).toHaveLength(2);

            const [resource] = await stack.stateResources(TYPE);
            expect(resource.id).toBe(b.id);
            expect(resource.outputs).toEqual({
                __provider: expect.any(String),
                connectionId: b.id,
                sinkOrgId: sink.id,
                sinkOrgName: "Security Org",
                sourceOrgId: source.id,
                sourceOrgName: "Platform Org",
                connectionTypes: ["logs"],
                createdAt: b.createdAt,
                createdById: b.createdById,
                createdByName: expect.any(String),
                adoptConnectionId: b.id,
            });
            expect(await stack.exportText()).not.toContain(a.id);
        });

        test("next preview has no changes", async () => {
            const preview = await stack.preview(["--expect-no-changes", "--diff"]);

            expect(preview.stdout).not.toContain("replace");
            expect(simulator.requests).toEqual([]);
        });

        test("refresh keeps B", async () => {
            await stack.refresh();

            const [resource] = await stack.stateResources(TYPE);
            expect(resource.id).toBe(b.id);
            expect(resource.outputs.connectionTypes).toEqual(["logs"]);
            expect(resource.inputs.connectionTypes).toEqual(["logs"]);
            expect(await stack.exportText()).not.toContain(a.id);
            expect(writes()).toEqual([]);
        });

        test("removing the adopt id changes nothing", async () => {
            await stack.pulumi(["config", "rm", "adoptConnectionId", "--stack", stack.stackName]);

            await stack.preview(["--expect-no-changes"]);
            await stack.up();

            expect(writes()).toEqual([]);
            const [resource] = await stack.stateResources(TYPE);
            expect(resource.id).toBe(b.id);
            expect(simulator.connections().map((c) => c.id)).toEqual([a.id, b.id]);
        });
    });

    describe("adopt with the source org's keys", () => {
        let existing: SimConnection;
        let stack: PulumiStack;

        beforeAll(async () => {
            existing = simulator.seedConnection({
                sourceOrgId: source.id,
                sinkOrgId: sink.id,
                connectionTypes: ["logs"],
            });
            stack = await stackWithKeys("adopt-existing", sourceKeys);
            await stack.setConfig("connectionTypes", JSON.stringify(["logs", "metrics"]));
        });

        test("adopt with another sink fails", async () => {
            await stack.setConfig("sinkOrgId", secondSink.id);
            await stack.setConfig("adoptConnectionId", existing.id);

            const result = await stack.up([], { allowFailure: true });

            expect(result.code).not.toBe(0);
            expect(result.stdout).toContain(
                `Adopting org connection ${existing.id} failed: its sink org is ${sink.id} ` +
                    `(Security Org), but sinkOrgId is ${secondSink.id}. Set sinkOrgId: ` +
                    `"${sink.id}" to adopt this connection, or remove adoptConnectionId to ` +
                    `create a new connection to ${secondSink.id}.`,
            );
            expect(writes()).toEqual([]);
            expect(await stack.stateResources(TYPE)).toEqual([]);
        });

        test("create of an existing pair shows the adopt line", async () => {
            await stack.setConfig("sinkOrgId", sink.id);
            await stack.pulumi(["config", "rm", "adoptConnectionId", "--stack", stack.stackName]);

            const result = await stack.up([], { allowFailure: true });

            expect(result.code).not.toBe(0);
            expect(result.stdout).toContain(
                `Creating the org connection to sink org ${sink.id} failed: POST ` +
                    `/api/v2/org_connections failed with HTTP 409: connection between orgs ` +
                    `${source.id} and ${sink.id} already exists. Existing connection: ` +
                    `${existing.id} (connectionTypes ["logs"]). To manage it with Pulumi, add ` +
                    `adoptConnectionId: "${existing.id}" to this OrgConnection's arguments and ` +
                    "run `pulumi up` again.",
            );
            expect(simulator.countRequests({ method: "POST" })).toBe(1);
            expect(simulator.connections().filter((c) => c.sinkOrgId === sink.id)).toEqual([
                existing,
            ]);
            expect(await stack.stateResources(TYPE)).toEqual([]);
        });

        test("adopt with other types sends one PATCH", async () => {
            await stack.setConfig("adoptConnectionId", existing.id);

            await stack.up();

            expect(writes().map((r) => [r.method, r.path, r.orgId])).toEqual([
                ["PATCH", `/api/v2/org_connections/${existing.id}`, source.id],
            ]);
            const adopted = simulator.connections().find((c) => c.id === existing.id);
            expect(adopted?.connectionTypes.slice().sort()).toEqual(["logs", "metrics"]);

            const [resource] = await stack.stateResources(TYPE);
            expect(resource.id).toBe(existing.id);
            expect(resource.outputs).toMatchObject({
                connectionId: existing.id,
                sinkOrgName: "Security Org",
                sourceOrgName: "Platform Org",
                connectionTypes: ["logs", "metrics"],
                createdAt: existing.createdAt,
            });
            await stack.preview(["--expect-no-changes"]);
        });

        test("destroy deletes the adopted connection", async () => {
            await stack.destroy();

            expect(writes().map((r) => [r.method, r.path])).toEqual([
                ["DELETE", `/api/v2/org_connections/${existing.id}`],
            ]);
            expect(simulator.connections().some((c) => c.id === existing.id)).toBe(false);
        });
    });
});
