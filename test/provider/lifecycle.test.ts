import { OrgConnectionProvider } from "../../provider/implementation";
import type { OrgConnectionInputs } from "../../provider/outputs";
import { UNKNOWN_VALUE } from "../../provider/validation";
import {
    ProviderFixture,
    configOf,
    configWithKeys,
    createToSink,
    expectNoKeys,
    inputsOf,
    makeProvider,
    startFixture,
} from "./fixture";

/** Keys that are never sent anywhere, for settings tests that stop before any request. */
const DUMMY_KEYS = { "datadog:apiKey": "unused-api-key", "datadog:appKey": "unused-app-key" };

const CREATED_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

describe("provider lifecycle", () => {
    let f: ProviderFixture;

    beforeEach(async () => {
        f = await startFixture();
    });

    afterEach(async () => {
        await f.sim.stop();
    });

    test("create fills every output", async () => {
        const result = await createToSink(f, ["metrics", "logs"]);

        const [stored] = f.sim.connections();
        expect(result.id).toBe(stored.id);
        expect(result.outs).toEqual({
            connectionId: stored.id,
            sinkOrgId: f.sink.id,
            sinkOrgName: "Sink Org",
            sourceOrgId: f.source.id,
            sourceOrgName: "Source Org",
            connectionTypes: ["logs", "metrics"],
            createdAt: stored.createdAt,
            createdById: f.user.id,
            createdByName: "Jane Doe",
        });
        expect(result.outs.createdAt).toMatch(CREATED_AT);
        expect(f.sim.countRequests({ method: "POST" })).toBe(1);
        expect(f.sim.requests).toHaveLength(1);
    });

    test("create echoes the profile", async () => {
        const { provider } = await makeProvider(withSpokeProfile(f));
        const inputs = { sinkOrgId: f.sink.id, connectionTypes: ["logs"], profile: "spoke" };
        const result = await provider.create(inputsOf(inputs));
        expect(result.outs.profile).toBe("spoke");
        expect(f.sim.requests[0].orgId).toBe(f.source.id);
    });

    test("null optional inputs mean absent", async () => {
        const news = {
            sinkOrgId: f.sink.id,
            connectionTypes: ["logs"],
            profile: null,
            adoptConnectionId: null,
        };
        expect((await f.provider.check({}, news)).failures).toEqual([]);

        const result = await f.provider.create(news as unknown as OrgConnectionInputs);
        expect(result.outs).not.toHaveProperty("profile");
        expect(result.outs).not.toHaveProperty("adoptConnectionId");
        expect(f.sim.requests.map((r) => r.method)).toEqual(["POST"]);
    });

    test("read returns props and inputs", async () => {
        const created = await createToSink(f);
        f.sim.clearRequests();

        const read = await f.provider.read(created.id, { ...created.outs, __provider: "x" });
        expect(read).toEqual({
            id: created.id,
            props: created.outs,
            inputs: { sinkOrgId: f.sink.id, connectionTypes: ["logs"] },
        });
        expect(f.sim.requests.map((r) => [r.method, r.path, r.query])).toEqual([
            [
                "GET",
                "/api/v2/org_connections",
                { sink_org_id: f.sink.id, limit: "1000", offset: "0" },
            ],
        ]);
    });

    test("update sends one PATCH and keeps names", async () => {
        const created = await createToSink(f);
        f.sim.clearRequests();

        const updated = await f.provider.update(
            created.id,
            { ...created.outs, __provider: "x" },
            inputsOf({ sinkOrgId: f.sink.id, connectionTypes: ["audit", "logs"] }),
        );
        expect(updated.outs).toEqual({ ...created.outs, connectionTypes: ["audit", "logs"] });
        expect(f.sim.requests.map((r) => [r.method, r.path])).toEqual([
            ["PATCH", `/api/v2/org_connections/${created.id}`],
        ]);
        expect(f.sim.connections()[0].connectionTypes).toEqual(["audit", "logs"]);
    });

    test("profile-only update sends nothing", async () => {
        const { provider } = await makeProvider(withSpokeProfile(f));
        const inputs = { sinkOrgId: f.sink.id, connectionTypes: ["logs", "metrics"] };
        const created = await provider.create(inputsOf(inputs));
        f.sim.clearRequests();

        const updated = await provider.update(
            created.id,
            { ...created.outs, __provider: "x" },
            inputsOf({ ...inputs, connectionTypes: ["metrics", "logs"], profile: "spoke" }),
        );
        expect(updated.outs).toEqual({ ...created.outs, profile: "spoke" });
        expect(f.sim.requests).toHaveLength(0);
    });

    test("update of a deleted connection says to refresh", async () => {
        const created = await createToSink(f);
        f.sim.deleteConnection(created.id);

        const news = inputsOf({ sinkOrgId: f.sink.id, connectionTypes: ["metrics"] });
        await expect(f.provider.update(created.id, created.outs, news)).rejects.toThrow(
            `Updating org connection ${created.id} failed: PATCH /api/v2/org_connections/${created.id} failed with ` +
                `HTTP 404: Org connection with id:${created.id} not found not found. Datadog answers 404 when the ` +
                "connection no longer exists, and also when the keys belong to an org that is not a party to it. If " +
                "it was deleted outside Pulumi, run `pulumi refresh` to remove it from the state, then `pulumi up` to " +
                `create it again. If it still exists, give this OrgConnection keys of its source org ${f.source.id} ` +
                `(Source Org) instead of the default credentials (${f.sim.url}), for example through the profile input.`,
        );
        expect(f.sim.countRequests({ method: "PATCH" })).toBe(1);
    });

    test("delete removes the connection", async () => {
        const created = await createToSink(f);
        await f.provider.delete(created.id, created.outs);
        expect(f.sim.connections()).toEqual([]);
        expect(f.sim.countRequests({ method: "DELETE" })).toBe(1);
    });

    test("delete of a gone connection succeeds", async () => {
        const created = await createToSink(f);
        f.sim.deleteConnection(created.id);

        await f.provider.delete(created.id, created.outs);
        expect(f.sim.countRequests({ method: "DELETE" })).toBe(1);
        expect(f.logs).toContain(
            `warn: operation=delete id=${created.id}: DELETE returned HTTP 404, so the connection is taken as ` +
                "already deleted and removed from the state. If it still exists in Datadog, the keys of the default " +
                `credentials (${f.sim.url}) belong to an org that is not a party to it: delete it with keys of its ` +
                `source org ${f.source.id} (Source Org).`,
        );
    });

    test("delete failure names the permission", async () => {
        const created = await createToSink(f);
        const readOnly = f.sim.addKeys(f.source.id, { permissions: ["org_connections_read"] });
        const { provider } = await makeProvider(configWithKeys(f, readOnly));

        const failure = provider.delete(created.id, created.outs);
        await expect(failure).rejects.toThrow(
            `Deleting org connection ${created.id} failed: DELETE /api/v2/org_connections/${created.id} failed with ` +
                `HTTP 403: Forbidden. Datadog at ${f.sim.url} rejected the keys. Check that the application key is ` +
                "valid, belongs to the org that sends the request and has the org_connections_write permission. " +
                "Keys created on another Datadog site are also rejected with 403, so check the site or API URL.",
        );
        expect(f.sim.connections()).toHaveLength(1);
    });

    test("read failure names the read permission", async () => {
        const created = await createToSink(f);
        const writeOnly = f.sim.addKeys(f.source.id, { permissions: ["org_connections_write"] });
        const { provider } = await makeProvider(configWithKeys(f, writeOnly));

        await expect(provider.read(created.id, created.outs)).rejects.toThrow(
            `Reading org connection ${created.id} failed, so the state keeps it unchanged: GET /api/v2/org_connections` +
                `?sink_org_id=${f.sink.id}&limit=1000&offset=0 failed with HTTP 403: Forbidden. Datadog at ${f.sim.url} ` +
                "rejected the keys. Check that the application key is valid, belongs to the org that sends the request " +
                "and has the org_connections_read permission. Keys created on another Datadog site are also rejected " +
                "with 403, so check the site or API URL.",
        );
    });

    test("rejected keys name the profile", async () => {
        const created = await createToSink(f);
        const writeOnly = f.sim.addKeys(f.source.id, { permissions: ["org_connections_write"] });
        const { provider } = await makeProvider({
            "datadog:apiUrl": f.sim.url,
            "datadog:profiles": JSON.stringify({
                rotated: { apiKey: writeOnly.apiKey, appKey: writeOnly.appKey },
            }),
        });

        const reading = provider.read(created.id, { ...created.outs, profile: "rotated" });
        await expect(reading).rejects.toThrow(
            `The request used the keys of profile "rotated" (${f.sim.url}). \`pulumi refresh\` and ` +
                "`pulumi destroy` use the keys recorded by the last `pulumi up`, so after changing keys " +
                "run `pulumi up` (or `pulumi refresh --run-program`) first.",
        );
        const deleting = provider.delete(created.id, { ...created.outs, profile: "rotated" });
        await expect(deleting).resolves.toBeUndefined();
        expect(f.sim.connections()).toHaveLength(0);
    });

    test("create rejected by the API is not retried", async () => {
        const hipaa = f.sim.addOrg({ name: "HIPAA Org", hipaa: true });
        const inputs = inputsOf({ sinkOrgId: hipaa.id, connectionTypes: ["logs"] });
        const creating = f.provider.create(inputs);
        await expect(creating).rejects.toThrow(
            `Creating the org connection to sink org ${hipaa.id} failed: POST /api/v2/org_connections failed with ` +
                `HTTP 400: connection between orgs ${f.source.id} and ${hipaa.id} is not allowed. Datadog connects ` +
                "only two different orgs of the same account and site, neither of them HIPAA-enabled, and allows at " +
                `most 5 connections per source org. Check that sink org ${hipaa.id} belongs to the account of source ` +
                `org ${f.source.id}, that neither org is HIPAA-enabled, and that the source org has fewer than 5 ` +
                "connections.",
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["POST"]);
    });

    test("create to the source org itself says so", async () => {
        const inputs = inputsOf({ sinkOrgId: f.source.id, connectionTypes: ["logs"] });
        await expect(f.provider.create(inputs)).rejects.toThrow(
            `Creating the org connection to sink org ${f.source.id} failed: POST /api/v2/org_connections failed ` +
                `with HTTP 400: connection between orgs ${f.source.id} and ${f.source.id} is not allowed. ` +
                `sinkOrgId ${f.source.id} is the source org itself, the org of the default credentials ` +
                `(${f.sim.url}). Set sinkOrgId to another org, or select the keys of another source org with the ` +
                "profile input.",
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["POST"]);
    });

    test("create to an unknown sink org says so", async () => {
        const unknown = "5a0c8f4e-2b7d-4e1a-9c3f-6d8b0e2a4c71";
        const inputs = inputsOf({ sinkOrgId: unknown, connectionTypes: ["logs"] });
        await expect(f.provider.create(inputs)).rejects.toThrow(
            `Creating the org connection to sink org ${unknown} failed: POST /api/v2/org_connections failed ` +
                `with HTTP 404: Not found. Datadog found no org with the id ${unknown}. Set sinkOrgId to the UUID ` +
                "of an org in the same account as the source org (an org's public id is not always its UUID), and " +
                `check that the default credentials (${f.sim.url}) point at that account's Datadog site.`,
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["POST"]);
    });

    test("no key in logs or outputs", async () => {
        f.sim.injectFault({ method: "GET", action: { type: "status", status: 503 } });
        const created = await createToSink(f);
        const read = await f.provider.read(created.id, created.outs);
        await f.provider.delete(created.id, created.outs);

        expect(f.logs.length).toBeGreaterThan(0);
        expectNoKeys([...f.logs, JSON.stringify(created), JSON.stringify(read)], f.keys);
    });
});

describe("provider check", () => {
    let f: ProviderFixture;

    beforeAll(async () => {
        const profiles = JSON.stringify({
            hub: { apiKey: "hub-api", appKey: "hub-app" },
            half: { apiKey: "half-api" },
        });
        f = await startFixture({ "datadog:profiles": profiles });
    });

    afterAll(async () => {
        await f.sim.stop();
    });

    const base = { sinkOrgId: "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d", connectionTypes: ["logs"] };

    test("valid inputs pass unchanged", async () => {
        const news = { ...base, profile: "hub", __provider: "x" };
        expect(await f.provider.check({}, news)).toEqual({ inputs: news, failures: [] });
    });

    test("unknown values pass without requests", async () => {
        const news = {
            sinkOrgId: UNKNOWN_VALUE,
            connectionTypes: [UNKNOWN_VALUE],
            profile: UNKNOWN_VALUE,
        };
        expect(await f.provider.check({}, news)).toEqual({ inputs: news, failures: [] });
        expect(f.sim.requests).toHaveLength(0);
    });

    test("unknown profile fails", async () => {
        const result = await f.provider.check({}, { ...base, profile: "nope" });
        expect(result.failures).toEqual([
            {
                property: "profile",
                reason:
                    'Unknown Datadog credentials profile "nope". Known profiles: half, hub. Run ' +
                    "`pulumi config set --secret --path 'datadog:profiles.nope.apiKey' <your API key>` and " +
                    "`pulumi config set --secret --path 'datadog:profiles.nope.appKey' <your application key>`, " +
                    "or set the DD_PROFILE_NOPE_API_KEY and DD_PROFILE_NOPE_APP_KEY environment variables.",
            },
        ]);
    });

    test("profile without app key fails", async () => {
        const result = await f.provider.check({}, { ...base, profile: "half" });
        expect(result.failures).toEqual([
            {
                property: "profile",
                reason:
                    'Missing Datadog application key for profile "half". Run ' +
                    "`pulumi config set --secret --path 'datadog:profiles.half.appKey' <your application key>`, " +
                    "or set the DD_PROFILE_HALF_APP_KEY environment variable.",
            },
        ]);
    });

    test("missing default keys fail", async () => {
        const provider = new OrgConnectionProvider({ env: {} });
        await provider.configure({ config: configOf({}) });
        const result = await provider.check({}, base);
        expect(result.failures).toEqual([
            {
                property: "",
                reason:
                    "Missing Datadog API key and application key for the default credentials. Run " +
                    "`pulumi config set --secret datadog:apiKey <your API key>` and " +
                    "`pulumi config set --secret datadog:appKey <your application key>`, " +
                    "or set the DD_API_KEY and DD_APP_KEY environment variables.",
            },
        ]);
    });

    test("invalid API URL fails", async () => {
        const provider = new OrgConnectionProvider({ env: {} });
        await provider.configure({
            config: configOf({ ...DUMMY_KEYS, "datadog:apiUrl": "http://example.com/api/" }),
        });
        const result = await provider.check({}, base);
        expect(result.failures).toEqual([
            {
                property: "",
                reason:
                    'The default credentials: Invalid Datadog API URL "http://example.com/api/": plain http would ' +
                    "send the keys unencrypted, so it is allowed only for loopback hosts. Use https://example.com.",
            },
        ]);
    });

    test("unknown site fails", async () => {
        const provider = new OrgConnectionProvider({ env: {} });
        const config = configOf({ ...DUMMY_KEYS, "datadog:site": "datadoghq.org" });
        await provider.configure({ config });
        const result = await provider.check({}, base);
        expect((result.failures ?? []).map((failure) => failure.reason)).toEqual([
            'The default credentials: Unknown Datadog site "datadoghq.org". Known sites: datadoghq.com, ' +
                "us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ap2.datadoghq.com, " +
                "uk1.datadoghq.com, ddog-gov.com, us2.ddog-gov.com. Set the site to one of them, or set the API URL instead.",
        ]);
    });

    test("invalid retry setting fails every resource", async () => {
        const provider = new OrgConnectionProvider({ env: {} });
        const config = { ...f.config, "datadog:httpClientRetryMaxRetries": "9" };
        await provider.configure({ config: configOf(config) });
        const result = await provider.check({}, base);
        expect(result.failures).toEqual([
            {
                property: "",
                reason:
                    'Invalid value "9" for datadog:httpClientRetryMaxRetries: use a whole number ' +
                    "from 1 to 5 (retries).",
            },
        ]);
        await expect(provider.create(base)).rejects.toThrow(
            'Invalid value "9" for datadog:httpClientRetryMaxRetries: use a whole number from 1 to 5 (retries).',
        );
    });

    test("input failures come before key checks", async () => {
        const news = { ...base, sinkOrgId: base.sinkOrgId.toUpperCase(), profile: "" };
        const result = await f.provider.check({}, news);
        const properties = (result.failures ?? []).map((failure) => failure.property);
        expect(properties).toEqual(["sinkOrgId", "profile"]);
        expect(f.sim.requests).toHaveLength(0);
    });
});

/** Returns the fixture's config plus a profile "spoke" with the source org's keys. */
function withSpokeProfile(f: ProviderFixture): Record<string, string> {
    const profiles = JSON.stringify({ spoke: { apiKey: f.keys.apiKey, appKey: f.keys.appKey } });
    return { ...f.config, "datadog:profiles": profiles };
}
