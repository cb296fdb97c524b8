import { DatadogSimulator, SimConnection, SimKeys, SimOrg, SimUser } from "../../simulator";
import { call } from "./simulatorClient";

const LIST = "/api/v2/org_connections";

describe("simulator GET /api/v2/org_connections", () => {
    let sim: DatadogSimulator;
    let hub: SimOrg;
    let spokeA: SimOrg;
    let spokeB: SimOrg;
    let stranger: SimOrg;
    let hubUser: SimUser;
    let hubKeys: SimKeys;
    let toA: SimConnection;
    let toB: SimConnection;
    let fromA: SimConnection;
    let unrelated: SimConnection;

    beforeAll(async () => {
        sim = await DatadogSimulator.start();
        hub = sim.addOrg({ name: "Hub Org" });
        spokeA = sim.addOrg({ name: "Spoke A" });
        spokeB = sim.addOrg({ name: "Spoke B" });
        stranger = sim.addOrg({ name: "Stranger Org" });
        hubUser = sim.addUser(hub.id, "Hub Admin");
        hubKeys = sim.addKeys(hub.id, { userId: hubUser.id });
        const spokeUser = sim.addUser(spokeA.id, "Spoke Admin");
        const seed = (source: SimOrg, sink: SimOrg, type: string, creator?: SimUser) =>
            sim.seedConnection({
                sourceOrgId: source.id,
                sinkOrgId: sink.id,
                connectionTypes: [type],
                createdById: creator?.id,
            });
        toA = seed(hub, spokeA, "logs", hubUser);
        toB = seed(hub, spokeB, "metrics", hubUser);
        fromA = seed(spokeA, hub, "audit", spokeUser);
        unrelated = seed(spokeB, stranger, "logs");
    });

    afterAll(async () => {
        await sim.stop();
    });

    const ids = (json: any) => json.data.map((c: { id: string }) => c.id);

    test("lists caller's connections either side", async () => {
        const response = await call(sim, "GET", LIST, { keys: hubKeys });
        expect(response.status).toBe(200);
        expect(ids(response.json)).toEqual([toA.id, toB.id, fromA.id]);
        expect(ids(response.json)).not.toContain(unrelated.id);
        expect(response.json.meta).toEqual({ page: { total_count: 3, total_filtered_count: 3 } });
    });

    test("list relationships carry names", async () => {
        const response = await call(sim, "GET", LIST, { keys: hubKeys });
        expect(response.json.data[0]).toEqual({
            type: "org_connection",
            id: toA.id,
            attributes: { created_at: toA.createdAt, connection_types: ["logs"] },
            relationships: {
                source_org: { data: { type: "orgs", id: hub.id, name: "Hub Org" } },
                sink_org: { data: { type: "orgs", id: spokeA.id, name: "Spoke A" } },
                created_by: { data: { type: "users", id: hubUser.id, name: "Hub Admin" } },
            },
        });
    });

    test("included holds each org and creator once", async () => {
        const response = await call(sim, "GET", LIST, { keys: hubKeys });
        const included: Array<{ type: string; id: string; attributes: any }> =
            response.json.included;
        expect(included.map((i) => `${i.type}:${i.id}`)).toEqual([
            `orgs:${hub.id}`,
            `orgs:${spokeA.id}`,
            `users:${hubUser.id}`,
            `orgs:${spokeB.id}`,
            `users:${fromA.createdById}`,
        ]);
        expect(included[0].attributes).toEqual({
            public_id: hub.publicId,
            name: "Hub Org",
            description: null,
            sharing: "all_private",
            url: null,
            disabled: false,
            created_at: hub.createdAt,
            modified_at: hub.createdAt,
        });
        expect(included[2].attributes).toMatchObject({
            name: "Hub Admin",
            status: "Active",
            verified: true,
            service_account: false,
            disabled: false,
        });
        expect(included[2].attributes.email).toMatch(/@example\.com$/);
    });

    const filterCases: Array<[string, () => string, () => string[], number]> = [
        ["sink_org_id", () => `sink_org_id=${spokeA.id}`, () => [toA.id], 1],
        ["source_org_id", () => `source_org_id=${hub.id}`, () => [toA.id, toB.id], 2],
        ["source_org_id of the sink side", () => `source_org_id=${spokeA.id}`, () => [fromA.id], 1],
        [
            "both filters (AND)",
            () => `source_org_id=${hub.id}&sink_org_id=${spokeB.id}`,
            () => [toB.id],
            1,
        ],
        [
            "both filters with no match",
            () => `source_org_id=${spokeA.id}&sink_org_id=${spokeB.id}`,
            () => [],
            0,
        ],
        ["connection of other orgs", () => `sink_org_id=${stranger.id}`, () => [], 0],
        ["upper-case filter", () => `sink_org_id=${spokeA.id.toUpperCase()}`, () => [toA.id], 1],
        ["empty filter is ignored", () => "sink_org_id=", () => [toA.id, toB.id, fromA.id], 3],
    ];
    test.each(filterCases)("filter by %s", async (_name, query, expected, filtered) => {
        const response = await call(sim, "GET", `${LIST}?${query()}`, { keys: hubKeys });
        expect(response.status).toBe(200);
        expect(ids(response.json)).toEqual(expected());
        expect(response.json.meta.page).toEqual({ total_count: 3, total_filtered_count: filtered });
    });

    test("empty result has no included", async () => {
        const path = `${LIST}?sink_org_id=${stranger.id}`;
        const response = await call(sim, "GET", path, { keys: hubKeys });
        expect(response.json).toEqual({
            data: [],
            meta: { page: { total_count: 3, total_filtered_count: 0 } },
        });
    });

    test("org without connections gets Datadog's empty body", async () => {
        const lonely = sim.addOrg({ name: "Lonely Org" });
        const response = await call(sim, "GET", LIST, { keys: sim.addKeys(lonely.id) });
        expect(response.text).toBe(
            '{"data":[],"meta":{"page":{"total_count":0,"total_filtered_count":0}}}',
        );
    });

    const pageCases: Array<[string, string, () => string[]]> = [
        ["limit=1", "limit=1", () => [toA.id]],
        ["limit=2&offset=1", "limit=2&offset=1", () => [toB.id, fromA.id]],
        ["offset=2", "offset=2", () => [fromA.id]],
        ["offset past the end", "offset=3", () => []],
        ["limit=0", "limit=0", () => []],
        ["limit larger than the list", "limit=5000", () => [toA.id, toB.id, fromA.id]],
    ];
    test.each(pageCases)("page with %s", async (_name, query, expected) => {
        const response = await call(sim, "GET", `${LIST}?${query}`, { keys: hubKeys });
        expect(response.status).toBe(200);
        expect(ids(response.json)).toEqual(expected());
        expect(response.json.meta.page).toEqual({ total_count: 3, total_filtered_count: 3 });
        expect("included" in response.json).toBe(expected().length > 0);
    });

    test("included covers only the page", async () => {
        const response = await call(sim, "GET", `${LIST}?limit=1&offset=1`, { keys: hubKeys });
        const included: Array<{ type: string; id: string }> = response.json.included;
        const keys = included.map((i) => `${i.type}:${i.id}`);
        expect(keys).toEqual([`orgs:${hub.id}`, `orgs:${spokeB.id}`, `users:${hubUser.id}`]);
    });

    const badPaging: Array<[string, string]> = [
        ["limit=-1", 'invalid limit: must be a non-negative integer, got "-1"'],
        ["limit=1.5", 'invalid limit: must be a non-negative integer, got "1.5"'],
        ["limit=abc", 'invalid limit: must be a non-negative integer, got "abc"'],
        ["limit=", 'invalid limit: must be a non-negative integer, got ""'],
        ["offset=-3", 'invalid offset: must be a non-negative integer, got "-3"'],
        ["offset=2e1", 'invalid offset: must be a non-negative integer, got "2e1"'],
    ];
    test.each(badPaging)("%s is 400", async (query, message) => {
        const response = await call(sim, "GET", `${LIST}?${query}`, { keys: hubKeys });
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ errors: [message] });
    });

    test("default limit is 1000", async () => {
        const big = await DatadogSimulator.start();
        try {
            const source = big.addOrg({ name: "Big Source" });
            const keys = big.addKeys(source.id);
            for (let i = 0; i < 1001; i++) {
                const sink = big.addOrg({ name: `Sink ${i}` });
                big.seedConnection({
                    sourceOrgId: source.id,
                    sinkOrgId: sink.id,
                    connectionTypes: ["logs"],
                });
            }
            const first = await call(big, "GET", LIST, { keys });
            expect(first.json.data).toHaveLength(1000);
            expect(first.json.meta.page).toEqual({ total_count: 1001, total_filtered_count: 1001 });
            const second = await call(big, "GET", `${LIST}?offset=1000`, { keys });
            expect(second.json.data).toHaveLength(1);
        } finally {
            await big.stop();
        }
    });
});
