import { DatadogSimulator, SimKeys, SimOrg } from "../../simulator";
import { call, createBody, updateBody } from "./simulatorClient";

const LIST = "/api/v2/org_connections";

describe("simulator request recording", () => {
    let sim: DatadogSimulator;
    let source: SimOrg;
    let sink: SimOrg;
    let keys: SimKeys;
    const lines: string[] = [];

    beforeEach(async () => {
        lines.length = 0;
        sim = await DatadogSimulator.start({ log: (line) => lines.push(line) });
        source = sim.addOrg({ name: "Source Org" });
        sink = sim.addOrg({ name: "Sink Org" });
        keys = sim.addKeys(source.id);
    });

    afterEach(async () => {
        await sim.stop();
    });

    /** Seeds a connection from `source` to `sink`. */
    const seed = (connectionTypes: string[], extra: { id?: string; createdById?: string } = {}) =>
        sim.seedConnection({
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes,
            ...extra,
        });

    test("records request fields", async () => {
        const before = Date.now();
        await call(sim, "GET", `${LIST}?sink_org_id=${sink.id}&limit=10`, { keys });
        const body = createBody(sink.id, ["logs"]);
        const created = await call(sim, "POST", LIST, { keys, body });
        expect(sim.requests).toHaveLength(2);
        expect(sim.requests[0]).toEqual({
            method: "GET",
            path: LIST,
            query: { sink_org_id: sink.id, limit: "10" },
            status: 200,
            orgId: source.id,
            at: expect.any(Number),
        });
        expect(sim.requests[0].at).toBeGreaterThanOrEqual(before);
        expect(sim.requests[1]).toMatchObject({
            method: "POST",
            path: LIST,
            query: {},
            status: 200,
            orgId: source.id,
            body,
        });
        expect(created.status).toBe(200);
    });

    test("keys never recorded or logged", async () => {
        const c = seed(["logs"]);
        await call(sim, "GET", LIST, { keys });
        await call(sim, "PATCH", `${LIST}/${c.id}`, { keys, body: updateBody(c.id, ["metrics"]) });
        await call(sim, "GET", LIST, { headers: { "DD-API-KEY": keys.apiKey } });
        await call(sim, "GET", `${LIST}?api_key=${keys.apiKey}&application_key=${keys.appKey}`);
        const recorded = JSON.stringify(sim.requests);
        expect(recorded).not.toContain(keys.apiKey);
        expect(recorded).not.toContain(keys.appKey);
        expect(lines).toHaveLength(4);
        expect(lines.join("\n")).not.toContain(keys.apiKey);
        expect(lines.join("\n")).not.toContain(keys.appKey);
        expect(lines[0]).toBe(`GET ${LIST} -> 200`);
        expect(sim.requests[3].query).toEqual({});
    });

    test("unknown API key is recorded without org", async () => {
        await call(sim, "GET", LIST, { keys: { apiKey: "nope", appKey: "nope" } });
        expect(sim.requests[0].status).toBe(403);
        expect(sim.requests[0].orgId).toBeUndefined();
    });

    test("invalid JSON is recorded as text", async () => {
        await call(sim, "POST", LIST, { keys, rawBody: "{oops" });
        expect(sim.requests[0].body).toBe("{oops");
        expect(sim.requests[0].status).toBe(400);
    });

    test("countRequests filters by method and path", async () => {
        const c = seed(["logs"]);
        await call(sim, "GET", LIST, { keys });
        await call(sim, "GET", `${LIST}?limit=1`, { keys });
        await call(sim, "PATCH", `${LIST}/${c.id}`, { keys, body: updateBody(c.id, ["metrics"]) });
        await call(sim, "GET", "/api/v1/validate", { keys });
        expect(sim.countRequests()).toBe(4);
        expect(sim.countRequests({ method: "get" })).toBe(3);
        expect(sim.countRequests({ path: LIST })).toBe(3);
        expect(sim.countRequests({ method: "GET", path: LIST })).toBe(2);
        expect(sim.countRequests({ method: "PATCH", path: new RegExp(`${c.id}$`) })).toBe(1);
        expect(sim.countRequests({ method: "DELETE" })).toBe(0);
        sim.clearRequests();
        expect(sim.countRequests()).toBe(0);
        expect(sim.requests).toEqual([]);
    });
});

describe("simulator state helpers", () => {
    let sim: DatadogSimulator;
    let source: SimOrg;
    let sink: SimOrg;
    let keys: SimKeys;

    beforeEach(async () => {
        sim = await DatadogSimulator.start();
        source = sim.addOrg({ name: "Source Org" });
        sink = sim.addOrg({ name: "Sink Org" });
        keys = sim.addKeys(source.id);
    });

    afterEach(async () => {
        await sim.stop();
    });

    /** Seeds a connection from `source` to `sink`. */
    const seed = (connectionTypes: string[], extra: { id?: string; createdById?: string } = {}) =>
        sim.seedConnection({
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes,
            ...extra,
        });

    const listed = async () => (await call(sim, "GET", LIST, { keys })).json.data;

    test("outside edit shows in the list", async () => {
        const c = seed(["logs"]);
        const edited = sim.editConnection(c.id, ["logs", "metrics"]);
        expect(edited.connectionTypes).toEqual(["logs", "metrics"]);
        expect(edited.createdAt).toBe(c.createdAt);
        const data = await listed();
        expect(data[0].attributes.connection_types).toEqual(["logs", "metrics"]);
    });

    test("outside delete empties the list", async () => {
        const c = seed(["logs"]);
        sim.deleteConnection(c.id);
        expect(await listed()).toEqual([]);
        expect(sim.connections()).toEqual([]);
    });

    test("seeding allows two connections for one pair", async () => {
        const a = seed(["metrics"]);
        const b = seed(["logs"]);
        const data = await listed();
        expect(data.map((c: { id: string }) => c.id)).toEqual([a.id, b.id]);
    });

    test("seed keeps given id and creator", async () => {
        const user = sim.addUser(source.id, "Outside Admin");
        const id = "4f0e3c1a-2b3c-4d5e-8f9a-0b1c2d3e4f5a";
        const c = seed(["logs"], { id, createdById: user.id });
        expect(c.id).toBe(id);
        expect((await listed())[0].relationships.created_by.data).toEqual({
            type: "users",
            id: user.id,
            name: "Outside Admin",
        });
    });

    test("unknown creator has no name", async () => {
        const ghost = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
        seed(["logs"], { createdById: ghost });
        const response = await call(sim, "GET", LIST, { keys });
        const creator = response.json.data[0].relationships.created_by.data;
        expect(creator).toEqual({ type: "users", id: ghost });
        const included: Array<{ type: string }> = response.json.included;
        expect(included.map((i) => i.type)).toEqual(["orgs", "orgs"]);
    });

    test("connections returns copies", () => {
        seed(["logs"]);
        sim.connections()[0].connectionTypes.push("metrics");
        expect(sim.connections()[0].connectionTypes).toEqual(["logs"]);
    });

    test("created_at timestamps are distinct and increasing", () => {
        const stamps = [0, 1, 2, 3, 4].map(() => {
            const org = sim.addOrg({ name: "Sink" });
            const c = sim.seedConnection({
                sourceOrgId: sink.id,
                sinkOrgId: org.id,
                connectionTypes: ["logs"],
            });
            return c.createdAt;
        });
        for (const stamp of stamps) {
            expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
        }
        expect([...stamps].sort()).toEqual(stamps);
        expect(new Set(stamps).size).toBe(stamps.length);
    });

    const unknown = "4f0e3c1a-2b3c-4d5e-8f9a-0b1c2d3e4f5a";
    const misuse: Array<[string, (s: DatadogSimulator) => unknown, string]> = [
        [
            "edit of unknown id",
            (s) => s.editConnection(unknown, ["logs"]),
            `Connection ${unknown} does not exist in the simulator`,
        ],
        [
            "delete of unknown id",
            (s) => s.deleteConnection(unknown),
            `Connection ${unknown} does not exist in the simulator`,
        ],
        [
            "seed with unknown org",
            (s) =>
                s.seedConnection({
                    sourceOrgId: unknown,
                    sinkOrgId: unknown,
                    connectionTypes: ["logs"],
                }),
            `Org ${unknown} is not known to the simulator; call addOrg first`,
        ],
        [
            "addOrg with a non-UUID id",
            (s) => s.addOrg({ name: "X", id: "org-1" }),
            'Invalid org id "org-1": pass a UUID or omit id to generate one',
        ],
        [
            "addKeys with a user of another org",
            (s) => s.addKeys(s.orgs()[1].id, { userId: s.addUser(s.orgs()[0].id).id }),
            "is not a user of org",
        ],
    ];
    test.each(misuse)("%s throws", (_name, action, message) => {
        expect(() => action(sim)).toThrow(message);
    });

    test("edit with empty types throws", () => {
        const c = seed(["logs"]);
        expect(() => sim.editConnection(c.id, [])).toThrow(
            'Invalid connectionTypes []: pass a non-empty array of strings such as ["logs"]',
        );
    });

    test("addOrg with an existing id throws", () => {
        expect(() => sim.addOrg({ name: "Again", id: source.id })).toThrow(
            `Org ${source.id} already exists; pass another id or omit it`,
        );
    });

    test("explicit keys authenticate and must be unique", async () => {
        const explicit = { apiKey: "sim-fixed-api", appKey: "sim-fixed-app" };
        sim.addKeys(source.id, explicit);
        expect((await call(sim, "GET", LIST, { keys: explicit })).status).toBe(200);
        expect(() => sim.addKeys(sink.id, { apiKey: "sim-fixed-api" })).toThrow(
            "A key with that value already exists; pass distinct keys",
        );
    });

    test("generated keys start with sim-", () => {
        expect(keys.apiKey).toMatch(/^sim-api-[0-9a-f]{24}$/);
        expect(keys.appKey).toMatch(/^sim-app-[0-9a-f]{32}$/);
        expect(keys.permissions).toEqual(["org_connections_read", "org_connections_write"]);
    });
});
