// Several source orgs in one stack (examples/hub-and-spoke) on the real engine: each connection
// acts with its own spoke's keys, chosen by its `profile` input, from stack config secrets or
// from the environment. The tests build on the state the previous one left.
import * as fs from "fs";
import * as path from "path";
import { DatadogSimulator, SimKeys, SimOrg } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";

const TYPE = "pulumi-nodejs:dynamic/datadog:OrgConnection";

jest.setTimeout(10 * 60 * 1000);

interface SpokeConfig {
    name: string;
    profile: string;
    connectionTypes?: string[];
}

describe("hub and spoke on the real engine", () => {
    let simulator: DatadogSimulator;
    let hub: SimOrg;
    let payments: SimOrg;
    let search: SimOrg;
    let mobile: SimOrg;
    let paymentsKeys: SimKeys;
    let searchKeys: SimKeys;
    let mobileKeys: SimKeys;
    const allKeys: SimKeys[] = [];
    let stack: PulumiStack;

    // The payments and search profiles come from config secrets, mobile from the environment.
    const spokes: SpokeConfig[] = [
        { name: "payments", profile: "payments" },
        { name: "search", profile: "search", connectionTypes: ["logs"] },
        { name: "mobile", profile: "mobile" },
    ];

    /** Applies `changes` to one spoke and writes the `spokes` config. */
    async function setSpoke(name: string, changes: Partial<SpokeConfig> = {}) {
        const spoke = spokes.find((s) => s.name === name) as SpokeConfig;
        Object.assign(spoke, changes);
        await stack.setConfig("spokes", JSON.stringify(spokes));
    }

    async function setProfileKeys(profile: string, keys: SimKeys) {
        await stack.setConfig(`datadog:profiles.${profile}.apiKey`, keys.apiKey, {
            secret: true,
            path: true,
        });
        await stack.setConfig(`datadog:profiles.${profile}.appKey`, keys.appKey, {
            secret: true,
            path: true,
        });
    }

    async function resourceNamed(name: string): Promise<Record<string, any>> {
        const resources = await stack.stateResources(TYPE);
        const resource = resources.find((r) => r.urn.endsWith(`::${name}`));
        if (resource === undefined) {
            throw new Error(`resource ${name} is not in the state`);
        }
        return resource;
    }

    function connectionFrom(org: SimOrg) {
        return simulator.connections().find((c) => c.sourceOrgId === org.id);
    }

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        hub = simulator.addOrg({ name: "Hub Org" });
        payments = simulator.addOrg({ name: "Payments Org" });
        search = simulator.addOrg({ name: "Search Org" });
        mobile = simulator.addOrg({ name: "Mobile Org" });
        paymentsKeys = simulator.addKeys(payments.id);
        searchKeys = simulator.addKeys(search.id);
        mobileKeys = simulator.addKeys(mobile.id);
        allKeys.push(paymentsKeys, searchKeys, mobileKeys);

        // The mobile profile exists only in the environment of the CLI and its plugins.
        stack = await PulumiStack.create({
            program: "hub-and-spoke",
            env: {
                DD_PROFILE_MOBILE_API_KEY: mobileKeys.apiKey,
                DD_PROFILE_MOBILE_APP_KEY: mobileKeys.appKey,
            },
        });
        await stack.setConfig("datadog:apiUrl", simulator.url);
        await setProfileKeys("payments", paymentsKeys);
        await setProfileKeys("search", searchKeys);
        await stack.setConfig("hubOrgId", hub.id);
        await stack.setConfig("spokes", JSON.stringify(spokes));
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    beforeEach(() => simulator.clearRequests());

    test("up connects each spoke with its own keys", async () => {
        await stack.up();

        const connections = simulator.connections();
        expect(connections).toHaveLength(3);
        for (const spoke of [payments, search, mobile]) {
            expect(connectionFrom(spoke)?.sinkOrgId).toBe(hub.id);
        }
        const posts = simulator.requests.filter((r) => r.method === "POST");
        expect(posts.map((r) => r.orgId).sort()).toEqual(
            [payments.id, search.id, mobile.id].sort(),
        );

        const outputs = await stack.outputs();
        expect(outputs.hubOrgName).toBe("Hub Org");
        expect(outputs.spokeConnections).toEqual({
            payments: {
                connectionId: connectionFrom(payments)?.id,
                sourceOrgId: payments.id,
                sourceOrgName: "Payments Org",
                connectionTypes: ["logs", "metrics"],
            },
            search: {
                connectionId: connectionFrom(search)?.id,
                sourceOrgId: search.id,
                sourceOrgName: "Search Org",
                connectionTypes: ["logs"],
            },
            mobile: {
                connectionId: connectionFrom(mobile)?.id,
                sourceOrgId: mobile.id,
                sourceOrgName: "Mobile Org",
                connectionTypes: ["logs", "metrics"],
            },
        });
    });

    test("state and stack config hold no key", async () => {
        const state = await stack.exportText();
        const stackFile = path.join(stack.programDir, `Pulumi.${stack.stackName}.yaml`);
        const stackConfig = fs.readFileSync(stackFile, "utf8");

        expect(stackConfig).toContain("secure:");
        for (const keys of allKeys) {
            expect(state).not.toContain(keys.apiKey);
            expect(state).not.toContain(keys.appKey);
            expect(stackConfig).not.toContain(keys.apiKey);
            expect(stackConfig).not.toContain(keys.appKey);
        }
        const [resource] = await stack.stateResources(TYPE);
        expect(resource.inputs.profile).toEqual(expect.any(String));
    });

    test("new keys under the same profile change nothing", async () => {
        const rotated = simulator.addKeys(search.id);
        allKeys.push(rotated);
        await setProfileKeys("search", rotated);

        await stack.preview(["--expect-no-changes"]);
        await stack.up();

        expect(simulator.requests).toEqual([]);
    });

    test("profile switch within one org sends nothing", async () => {
        const before = await resourceNamed("spoke-payments");
        const rotated = simulator.addKeys(payments.id);
        allKeys.push(rotated);
        await setProfileKeys("payments-2025", rotated);
        await setSpoke("payments", { profile: "payments-2025" });

        const preview = await stack.preview(["--diff"]);
        expect(preview.stdout).toContain(`~ ${TYPE}: (update)`);
        expect(preview.stdout).toMatch(/~ profile\s+: "payments" => "payments-2025"/);
        expect(preview.stdout).not.toContain("replace");

        const up = await stack.up();
        expect(up.stdout).toMatch(/~\s+\S+OrgConnection\s+spoke-payments\s+updated/);
        expect(simulator.requests).toEqual([]);

        const after = await resourceNamed("spoke-payments");
        expect(after.id).toBe(before.id);
        expect(after.outputs.profile).toBe("payments-2025");
        expect(after.outputs.createdAt).toBe(before.outputs.createdAt);
        expect(after.outputs.sourceOrgName).toBe("Payments Org");
        await stack.preview(["--expect-no-changes"]);
    });

    test("refresh acts with the new profile", async () => {
        // Keys that Datadog rejects under the old profile: the refresh only passes if the
        // payments connection uses the new one. Refresh reads the provider's config from the
        // state, so an up (which sends nothing here) stores the changed config first.
        await stack.setConfig("datadog:profiles.payments.apiKey", "revoked-api-key", {
            secret: true,
            path: true,
        });
        await stack.up();
        expect(simulator.requests).toEqual([]);

        await stack.refresh();

        const gets = simulator.requests.filter((r) => r.method === "GET");
        expect(gets.every((r) => r.status === 200)).toBe(true);
        expect(gets.map((r) => r.orgId)).toContain(payments.id);
        expect(simulator.connections()).toHaveLength(3);
        await stack.preview(["--expect-no-changes"]);
    });

    test("profile of another org fails the update", async () => {
        const searchConnection = connectionFrom(search);
        const mobileConnection = connectionFrom(mobile);
        await setSpoke("search", { profile: "mobile", connectionTypes: ["logs", "audit"] });

        const up = await stack.up([], { allowFailure: true });

        expect(up.code).not.toBe(0);
        expect(up.stdout).toContain(
            `Updating org connection ${searchConnection?.id} failed: PATCH ` +
                `/api/v2/org_connections/${searchConnection?.id} failed with HTTP 404: Org ` +
                `connection with id:${searchConnection?.id} not found not found. The keys of ` +
                `profile "mobile" (${simulator.url}) do not belong to the connection's source ` +
                `org ${search.id} (Search Org): they list connection ${mobileConnection?.id} ` +
                `from org ${mobile.id} (Mobile Org) to org ${hub.id} (Hub Org), which org ` +
                `${search.id} is not part of. The provider acts on a connection with keys of ` +
                `its source org, so set this OrgConnection's profile to one whose keys belong ` +
                `to org ${search.id} (Search Org).`,
        );
        expect(connectionFrom(search)?.connectionTypes).toEqual(["logs"]);
        const resource = await resourceNamed("spoke-search");
        expect(resource.outputs.profile).toBe("search");
    });

    test("profile of another org fails refresh", async () => {
        const searchConnection = connectionFrom(search);
        // A profile switch alone sends no request, so nothing can notice the wrong keys yet.
        await setSpoke("search", { connectionTypes: ["logs"] });
        await stack.up();
        expect(simulator.requests).toEqual([]);

        const refresh = await stack.refresh([], { allowFailure: true });

        expect(refresh.code).not.toBe(0);
        expect(refresh.stdout).toContain(
            `Reading org connection ${searchConnection?.id} failed, so the state keeps it ` +
                `unchanged: The keys of profile "mobile" (${simulator.url}) do not belong to ` +
                `the connection's source org ${search.id} (Search Org)`,
        );
        const resource = await resourceNamed("spoke-search");
        expect(resource.id).toBe(searchConnection?.id);
        expect(simulator.countRequests({ method: "POST" })).toBe(0);
        expect(simulator.countRequests({ method: "DELETE" })).toBe(0);
    });

    test("profile of another org fails destroy", async () => {
        const { urn } = await resourceNamed("spoke-search");
        const destroy = await stack.destroy(["--target", urn], { allowFailure: true });

        expect(destroy.code).not.toBe(0);
        expect(destroy.stdout).toContain(
            `Deleting org connection ${connectionFrom(search)?.id} failed: DELETE ` +
                `/api/v2/org_connections/${connectionFrom(search)?.id} failed with HTTP 404: ` +
                `org connection with id:${connectionFrom(search)?.id} not found not found. ` +
                `The keys of profile "mobile" (${simulator.url}) do not belong to the ` +
                `connection's source org ${search.id} (Search Org)`,
        );
        expect(connectionFrom(search)).toBeDefined();
        expect((await resourceNamed("spoke-search")).outputs.profile).toBe("mobile");
    });

    test("right profile again sends nothing", async () => {
        await setSpoke("search", { profile: "search" });

        await stack.up();

        expect(simulator.requests).toEqual([]);
        expect((await resourceNamed("spoke-search")).outputs.profile).toBe("search");
        await stack.preview(["--expect-no-changes"]);
    });

    test("destroy deletes with each spoke's keys", async () => {
        await stack.destroy();

        expect(simulator.connections()).toEqual([]);
        const deletes = simulator.requests.filter((r) => r.method === "DELETE");
        expect(deletes.map((r) => r.orgId).sort()).toEqual(
            [payments.id, search.id, mobile.id].sort(),
        );
        expect(await stack.stateResources(TYPE)).toEqual([]);
    });
});
