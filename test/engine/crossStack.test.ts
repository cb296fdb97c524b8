// Values that flow between stacks and resources, on the real engine. A consumer stack reads the
// sink org id that a producer stack exports (examples/cross-stack). Another program takes a
// connection's sink org id from another resource's output, unknown until that resource exists.
import { DatadogSimulator, SimKeys, SimOrg } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";

const TYPE = "pulumi-nodejs:dynamic/datadog:OrgConnection";

jest.setTimeout(10 * 60 * 1000);

describe("stack references and unknown values on the real engine", () => {
    let simulator: DatadogSimulator;
    let hub: SimOrg;
    let platform: SimOrg;
    let team: SimOrg;
    let platformKeys: SimKeys;
    let teamKeys: SimKeys;

    async function setKeys(stack: PulumiStack, keys: SimKeys) {
        await stack.setConfig("datadog:apiUrl", simulator.url);
        await stack.setConfig("datadog:apiKey", keys.apiKey, { secret: true });
        await stack.setConfig("datadog:appKey", keys.appKey, { secret: true });
    }

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        hub = simulator.addOrg({ name: "Hub Org" });
        platform = simulator.addOrg({ name: "Platform Org" });
        team = simulator.addOrg({ name: "Team Org" });
        platformKeys = simulator.addKeys(platform.id);
        teamKeys = simulator.addKeys(team.id);
    });

    afterAll(async () => {
        await simulator?.stop();
    });

    beforeEach(() => simulator.clearRequests());

    describe("producer and consumer stacks", () => {
        let producer: PulumiStack;
        let consumer: PulumiStack;

        beforeAll(async () => {
            producer = await PulumiStack.create({
                program: "cross-stack/producer",
                stackName: "producer",
            });
            await setKeys(producer, platformKeys);
            await producer.setConfig("sinkOrgId", hub.id);

            // One file:// backend for both, so that the StackReference finds the producer.
            consumer = await PulumiStack.create({
                program: "cross-stack/consumer",
                stackName: "consumer",
                shareBackendWith: producer,
            });
            await setKeys(consumer, teamKeys);
            await consumer.setConfig(
                "producerStack",
                "organization/org-connection-cross-stack-producer/producer",
            );
        });

        afterAll(() => {
            consumer?.dispose();
            producer?.dispose();
        });

        test("producer up exports the connection", async () => {
            await producer.up();

            const outputs = await producer.outputs();
            expect(outputs.sinkOrgId).toBe(hub.id);
            expect(outputs.sourceOrgId).toBe(platform.id);
            expect(outputs.connectionId).toBe(simulator.connections()[0].id);
        });

        test("consumer preview reads the sink org", async () => {
            const preview = await consumer.preview(["--diff"]);

            expect(preview.stdout).toContain(`+ ${TYPE}: (create)`);
            expect(preview.stdout).toMatch(new RegExp(`sinkOrgId\\s+: "${hub.id}"`));
            expect(simulator.requests).toEqual([]);
        });

        test("consumer up connects to the exported sink", async () => {
            await consumer.up();

            const producerOutputs = await producer.outputs();
            const outputs = await consumer.outputs();
            const fromTeam = simulator.connections().find((c) => c.sourceOrgId === team.id);
            expect(outputs).toEqual({
                connectionId: fromTeam?.id,
                sinkOrgId: hub.id,
                sinkOrgName: "Hub Org",
                sourceOrgName: "Team Org",
                producerConnectionId: producerOutputs.connectionId,
            });
            expect(fromTeam?.sinkOrgId).toBe(hub.id);
            expect(simulator.requests.map((r) => [r.method, r.orgId])).toEqual([["POST", team.id]]);
            await consumer.preview(["--expect-no-changes"]);
        });

        test("destroy removes both connections", async () => {
            await consumer.destroy();
            await producer.destroy();

            expect(simulator.connections()).toEqual([]);
        });
    });

    describe("sink org from another resource", () => {
        // The second connection goes from the team org to the first one's source org, which
        // Datadog reports only when the first connection exists.
        const program = {
            "Pulumi.yaml": "name: org-connection-chained\nruntime: nodejs\n",
            "index.ts": [
                'import * as pulumi from "@pulumi/pulumi";',
                'import { OrgConnection } from "pulumi-datadog-org-connections";',
                "",
                'const first = new OrgConnection("platform-to-hub", {',
                '    sinkOrgId: new pulumi.Config().require("hubOrgId"),',
                '    connectionTypes: ["logs"],',
                "});",
                'const second = new OrgConnection("team-to-platform", {',
                "    sinkOrgId: first.sourceOrgId.apply((id) => id as string),",
                '    connectionTypes: ["metrics"],',
                '    profile: "team",',
                "});",
                "",
                "export const secondSinkOrgId = second.sinkOrgId;",
                "export const secondSinkOrgName = second.sinkOrgName;",
                "",
            ].join("\n"),
        };
        let stack: PulumiStack;

        beforeAll(async () => {
            stack = await PulumiStack.create({ program });
            await setKeys(stack, platformKeys);
            await stack.setConfig("hubOrgId", hub.id);
            await stack.setConfig("datadog:profiles.team.apiKey", teamKeys.apiKey, {
                secret: true,
                path: true,
            });
            await stack.setConfig("datadog:profiles.team.appKey", teamKeys.appKey, {
                secret: true,
                path: true,
            });
        });

        afterAll(() => stack?.dispose());

        test("preview shows the sink as unknown", async () => {
            const preview = await stack.preview(["--diff"]);

            // The diff lists each resource's inputs after its URN line.
            const urnPrefix = `[urn=urn:pulumi:test::org-connection-chained::${TYPE}::`;
            const [, first, second] = preview.stdout.split(urnPrefix);
            expect(first).toMatch(/^platform-to-hub\]/);
            expect(first).toMatch(new RegExp(`sinkOrgId\\s+: "${hub.id}"`));
            expect(second).toMatch(/^team-to-platform\]/);
            expect(second).toMatch(/sinkOrgId\s+: \[unknown\]/);
            expect(preview.stdout).toMatch(/secondSinkOrgId\s+: \[unknown\]/);
            expect(preview.stdout).toMatch(/\+ 3 to create/);
            expect(simulator.requests).toEqual([]);
        });

        test("up resolves the sink", async () => {
            await stack.up();

            const second = simulator.connections().find((c) => c.sourceOrgId === team.id);
            expect(second?.sinkOrgId).toBe(platform.id);
            expect(simulator.requests.map((r) => [r.method, r.orgId])).toEqual([
                ["POST", platform.id],
                ["POST", team.id],
            ]);
            expect(await stack.outputs()).toEqual({
                secondSinkOrgId: platform.id,
                secondSinkOrgName: "Platform Org",
            });
            const resources = await stack.stateResources(TYPE);
            expect(resources).toHaveLength(2);
            await stack.preview(["--expect-no-changes"]);
        });

        test("destroy removes both connections", async () => {
            await stack.destroy();

            expect(simulator.connections()).toEqual([]);
        });
    });
});
