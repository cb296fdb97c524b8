// Every documented failure of the org connections API through the real Pulumi CLI, asserted
// by the exact message the user reads: what failed, on which value, and what to do next.
import { DatadogSimulator, SimConnection, SimKeys, SimOrg } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";
import {
    ConnectionSpec,
    TYPE,
    connectionsProgram,
    createConnectionsStack,
    flatten,
    outputOf,
    setConfigValues,
} from "./connectionsProgram";

jest.setTimeout(10 * 60 * 1000);

/** A UUID that no org of the simulator has. */
const UNKNOWN_ORG = "5a0c8f4e-2b7d-4e1a-9c3f-6d8b0e2a4c71";

describe("documented failures through the engine", () => {
    let simulator: DatadogSimulator;
    let otherSite: DatadogSimulator;
    let source: SimOrg;
    let security: SimOrg;
    let billing: SimOrg;
    let partner: SimOrg;
    let keys: SimKeys;
    let unrelatedKeys: SimKeys;
    let existing: SimConnection;
    let stack: PulumiStack;

    const securitySpec: ConnectionSpec = {
        name: "security",
        sinkOrgId: "",
        connectionTypes: ["logs"],
    };
    const billingSpec: ConnectionSpec = {
        name: "billing",
        sinkOrgId: "",
        connectionTypes: ["logs"],
    };

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        otherSite = await DatadogSimulator.start();
        source = simulator.addOrg({ name: "Platform Org" });
        security = simulator.addOrg({ name: "Security Org" });
        billing = simulator.addOrg({ name: "Billing Org" });
        partner = simulator.addOrg({ name: "Partner Org", account: "acct-2" });
        const unrelated = simulator.addOrg({ name: "Unrelated Org" });
        keys = simulator.addKeys(source.id);
        unrelatedKeys = simulator.addKeys(unrelated.id);
        existing = simulator.seedConnection({
            sourceOrgId: source.id,
            sinkOrgId: billing.id,
            connectionTypes: ["metrics"],
        });
        securitySpec.sinkOrgId = security.id;
        billingSpec.sinkOrgId = billing.id;

        stack = await createConnectionsStack(simulator, keys, [securitySpec]);
        await stack.up(["--skip-preview"]);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
        await otherSite?.stop();
    });

    beforeEach(() => {
        simulator.clearRequests();
        simulator.clearFaults();
    });

    /** Replaces the stack's default keys. */
    function useKeys(next: SimKeys): Promise<void> {
        return setConfigValues(stack, {
            secret: { "datadog:apiKey": next.apiKey, "datadog:appKey": next.appKey },
        });
    }

    /** Runs `pulumi up` expecting it to fail, and returns its flattened output. */
    async function failingUp(specs: ConnectionSpec[], extra: string[] = []): Promise<string> {
        stack.writeProgram(connectionsProgram(specs));
        const result = await stack.up(["--skip-preview", ...extra], { allowFailure: true });
        expect(result.code).not.toBe(0);
        return flatten(outputOf(result));
    }

    /** Returns the id of the state's OrgConnection named `name`. */
    async function storedId(name: string): Promise<string> {
        const resources = await stack.stateResources(TYPE);
        const resource = resources.find((r) => r.urn.endsWith(`::${name}`));
        expect(resource).toBeDefined();
        return resource?.id as string;
    }

    test("duplicate connection names the id and the adopt line", async () => {
        const output = await failingUp([securitySpec, billingSpec]);

        expect(output).toContain(
            `Creating the org connection to sink org ${billing.id} failed: POST /api/v2/org_connections failed ` +
                `with HTTP 409: connection between orgs ${source.id} and ${billing.id} already exists. Existing ` +
                `connection: ${existing.id} (connectionTypes ["metrics"]). To manage it with Pulumi, add ` +
                `adoptConnectionId: "${existing.id}" to this OrgConnection's arguments and run \`pulumi up\` again.`,
        );
        expect(simulator.countRequests({ method: "POST" })).toBe(1);
        expect(simulator.connections()).toHaveLength(2);
    });

    test("adopt line from the 409 takes it over", async () => {
        billingSpec.adoptConnectionId = existing.id;
        stack.writeProgram(connectionsProgram([securitySpec, billingSpec]));

        await stack.up(["--skip-preview"]);

        expect(simulator.countRequests({ method: "POST" })).toBe(0);
        expect(simulator.countRequests({ method: "PATCH" })).toBe(1);
        expect(await storedId("billing")).toBe(existing.id);
        expect(simulator.connections()).toHaveLength(2);
    });

    test("rejected sink orgs say which rule and what to do", async () => {
        const specs: ConnectionSpec[] = [
            securitySpec,
            billingSpec,
            { name: "partner", sinkOrgId: partner.id, connectionTypes: ["logs"] },
            { name: "unknown", sinkOrgId: UNKNOWN_ORG, connectionTypes: ["logs"] },
            { name: "itself", sinkOrgId: source.id, connectionTypes: ["logs"] },
        ];

        const output = await failingUp(specs, ["--continue-on-error"]);

        expect(output).toContain(
            `Creating the org connection to sink org ${partner.id} failed: POST /api/v2/org_connections failed ` +
                `with HTTP 400: connection between orgs ${source.id} and ${partner.id} is not allowed. Datadog ` +
                "connects only two different orgs of the same account and site, neither of them HIPAA-enabled, and " +
                `allows at most 5 connections per source org. Check that sink org ${partner.id} belongs to the ` +
                `account of source org ${source.id}, that neither org is HIPAA-enabled, and that the source org ` +
                "has fewer than 5 connections.",
        );
        expect(output).toContain(
            `Creating the org connection to sink org ${UNKNOWN_ORG} failed: POST /api/v2/org_connections failed ` +
                `with HTTP 404: Not found. Datadog found no org with the id ${UNKNOWN_ORG}. Set sinkOrgId to the ` +
                "UUID of an org in the same account as the source org (an org's public id is not always its UUID), " +
                `and check that the default credentials (${simulator.url}) point at that account's Datadog site.`,
        );
        expect(output).toContain(
            `Creating the org connection to sink org ${source.id} failed: POST /api/v2/org_connections failed ` +
                `with HTTP 400: connection between orgs ${source.id} and ${source.id} is not allowed. sinkOrgId ` +
                `${source.id} is the source org itself, the org of the default credentials (${simulator.url}). Set ` +
                "sinkOrgId to another org, or select the keys of another source org with the profile input.",
        );
        // Each rejected POST is sent once, and no listing follows a rejection.
        expect(simulator.requests.map((r) => [r.method, r.status]).sort()).toEqual([
            ["POST", 400],
            ["POST", 400],
            ["POST", 404],
        ]);
    });

    test("update of a deleted connection says to refresh", async () => {
        const id = await storedId("security");
        simulator.deleteConnection(id);

        securitySpec.connectionTypes = ["logs", "metrics"];
        const output = await failingUp([securitySpec, billingSpec]);

        expect(output).toContain(
            `Updating org connection ${id} failed: PATCH /api/v2/org_connections/${id} failed with HTTP 404: Org ` +
                `connection with id:${id} not found not found. Datadog answers 404 when the connection no longer ` +
                "exists, and also when the keys belong to an org that is not a party to it. If it was deleted " +
                "outside Pulumi, run `pulumi refresh` to remove it from the state, then `pulumi up` to create it " +
                `again. If it still exists, give this OrgConnection keys of its source org ${source.id} (Platform ` +
                `Org) instead of the default credentials (${simulator.url}), for example through the profile input.`,
        );
        expect(simulator.countRequests({ method: "PATCH" })).toBe(1);
    });

    test("refresh then up recreate the deleted connection", async () => {
        const deletedId = await storedId("security");

        await stack.refresh(["--skip-preview"]);
        await stack.up(["--skip-preview"]);

        const recreated = await storedId("security");
        expect(recreated).not.toBe(deletedId);
        expect(simulator.countRequests({ method: "POST" })).toBe(1);
        const toSecurity = simulator.connections().filter((c) => c.sinkOrgId === security.id);
        expect(toSecurity.map((c) => c.id)).toEqual([recreated]);
        expect(toSecurity[0].connectionTypes).toEqual(["logs", "metrics"]);
    });

    test("delete of a deleted connection succeeds", async () => {
        const id = await storedId("security");
        simulator.deleteConnection(id);
        stack.writeProgram(connectionsProgram([billingSpec]));

        const result = await stack.up(["--skip-preview"]);

        expect(simulator.countRequests({ method: "DELETE" })).toBe(1);
        expect((await stack.stateResources(TYPE)).map((r) => r.id)).toEqual([existing.id]);
        expect(flatten(outputOf(result))).toContain(
            `operation=delete id=${id}: DELETE returned HTTP 404, so the connection is taken as already deleted ` +
                "and removed from the state. If it still exists in Datadog, the keys of the default credentials " +
                `(${simulator.url}) belong to an org that is not a party to it: delete it with keys of its source ` +
                `org ${source.id} (Platform Org).`,
        );
    });

    test("PATCH with keys of an unrelated org names the source org", async () => {
        await useKeys(unrelatedKeys);

        const output = await failingUp([{ ...billingSpec, connectionTypes: ["logs", "audit"] }]);

        const id = existing.id;
        expect(output).toContain(
            `Updating org connection ${id} failed: PATCH /api/v2/org_connections/${id} failed with HTTP 404: Org ` +
                `connection with id:${id} not found not found. Datadog answers 404 when the connection no longer ` +
                "exists, and also when the keys belong to an org that is not a party to it. If it was deleted " +
                "outside Pulumi, run `pulumi refresh` to remove it from the state, then `pulumi up` to create it " +
                `again. If it still exists, give this OrgConnection keys of its source org ${source.id} (Platform ` +
                `Org) instead of the default credentials (${simulator.url}), for example through the profile input.`,
        );
        expect(simulator.countRequests({ method: "PATCH" })).toBe(1);
        expect(simulator.connections().find((c) => c.id === id)?.connectionTypes).toEqual(["logs"]);
    });

    test("DELETE with keys of an unrelated org warns", async () => {
        stack.writeProgram(connectionsProgram([]));

        const result = await stack.up(["--skip-preview"]);

        // Datadog rejects such a DELETE with the same 404 as for a deleted connection, so the
        // provider cannot tell the two apart. It drops the resource and warns how to finish the job.
        expect(simulator.countRequests({ method: "DELETE" })).toBe(1);
        expect(await stack.stateResources(TYPE)).toEqual([]);
        expect(simulator.connections().map((c) => c.id)).toContain(existing.id);
        expect(flatten(outputOf(result))).toContain(
            `operation=delete id=${existing.id}: DELETE returned HTTP 404, so the connection is taken as already ` +
                "deleted and removed from the state. If it still exists in Datadog, the keys of the default " +
                `credentials (${simulator.url}) belong to an org that is not a party to it: delete it with keys of ` +
                `its source org ${source.id} (Platform Org).`,
        );
    });

    test("read-only keys name org_connections_write", async () => {
        await useKeys(simulator.addKeys(source.id, { permissions: ["org_connections_read"] }));

        const output = await failingUp([securitySpec]);

        expect(output).toContain(
            `Creating the org connection to sink org ${security.id} failed: POST /api/v2/org_connections failed ` +
                `with HTTP 403: Forbidden. Datadog at ${simulator.url} rejected the keys. Check that the ` +
                "application key is valid, belongs to the org that sends the request and has the " +
                "org_connections_write permission. Keys created on another Datadog site are also rejected with " +
                "403, so check the site or API URL.",
        );
        expect(simulator.requests.map((r) => [r.method, r.status])).toEqual([["POST", 403]]);
    });

    test("write-only keys name org_connections_read", async () => {
        await useKeys(keys);
        await stack.up(["--skip-preview"]);
        const id = await storedId("security");
        await useKeys(simulator.addKeys(source.id, { permissions: ["org_connections_write"] }));
        simulator.clearRequests();

        const result = await stack.refresh(["--skip-preview", "--run-program"], {
            allowFailure: true,
        });

        expect(result.code).not.toBe(0);
        expect(flatten(outputOf(result))).toContain(
            `Reading org connection ${id} failed, so the state keeps it unchanged: GET /api/v2/org_connections` +
                `?sink_org_id=${security.id}&limit=1000&offset=0 failed with HTTP 403: Forbidden. Datadog at ` +
                `${simulator.url} rejected the keys. Check that the application key is valid, belongs to the org ` +
                "that sends the request and has the org_connections_read permission. Keys created on another " +
                "Datadog site are also rejected with 403, so check the site or API URL.",
        );
        expect(simulator.requests.map((r) => [r.method, r.status])).toEqual([["GET", 403]]);
        expect(await storedId("security")).toBe(id);
    });

    test("keys of another site get 403 naming the API host", async () => {
        const id = await storedId("security");
        const elsewhere = otherSite.addOrg({ name: "Platform Org" });
        await useKeys(otherSite.addKeys(elsewhere.id));

        const result = await stack.refresh(["--skip-preview", "--run-program"], {
            allowFailure: true,
        });

        expect(result.code).not.toBe(0);
        expect(flatten(outputOf(result))).toContain(
            `Reading org connection ${id} failed, so the state keeps it unchanged: GET /api/v2/org_connections` +
                `?sink_org_id=${security.id}&limit=1000&offset=0 failed with HTTP 403: Forbidden. Datadog at ` +
                `${simulator.url} rejected the keys. Check that the application key is valid, belongs to the org ` +
                "that sends the request and has the org_connections_read permission. Keys created on another " +
                "Datadog site are also rejected with 403, so check the site or API URL.",
        );
        expect(simulator.requests.map((r) => [r.method, r.status])).toEqual([["GET", 403]]);
        expect(otherSite.requests).toEqual([]);
    });
});
