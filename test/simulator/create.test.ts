import { DatadogSimulator, SimKeys, SimOrg, SimUser } from "../../simulator";
import { call, createBody } from "./simulatorClient";

const LIST = "/api/v2/org_connections";
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("simulator POST /api/v2/org_connections", () => {
    let sim: DatadogSimulator;
    let source: SimOrg;
    let sink: SimOrg;
    let user: SimUser;
    let keys: SimKeys;

    beforeEach(async () => {
        sim = await DatadogSimulator.start();
        source = sim.addOrg({ name: "Source Org" });
        sink = sim.addOrg({ name: "Sink Org" });
        user = sim.addUser(source.id, "Jane Doe");
        keys = sim.addKeys(source.id, { userId: user.id });
    });

    afterEach(async () => {
        await sim.stop();
    });

    /** Sends a POST that creates a connection to `sinkId`, with the given keys. */
    const post = (sinkId: string, types: unknown[], as: SimKeys = keys) =>
        call(sim, "POST", LIST, { keys: as, body: createBody(sinkId, types) });
    const notAllowed = () => `connection between orgs ${source.id} and ${sink.id} is not allowed`;

    test("creates a connection with names filled in", async () => {
        const response = await post(sink.id, ["logs", "metrics"]);
        expect(response.status).toBe(200);
        const data = response.json.data;
        expect(data.type).toBe("org_connection");
        expect(data.id).toMatch(UUID);
        expect(data.attributes.connection_types).toEqual(["logs", "metrics"]);
        expect(data.attributes.created_at).toMatch(TIMESTAMP);
        expect(data.relationships).toEqual({
            source_org: { data: { type: "orgs", id: source.id, name: "Source Org" } },
            sink_org: { data: { type: "orgs", id: sink.id, name: "Sink Org" } },
            created_by: { data: { type: "users", id: user.id, name: "Jane Doe" } },
        });
        expect(response.json.included).toBeUndefined();
        expect(sim.connections()).toEqual([
            {
                id: data.id,
                sourceOrgId: source.id,
                sinkOrgId: sink.id,
                connectionTypes: ["logs", "metrics"],
                createdAt: data.attributes.created_at,
                createdById: user.id,
            },
        ]);
    });

    test("accepts Terraform's empty sink name", async () => {
        const body = createBody(sink.id, ["audit"]) as any;
        body.data.relationships.sink_org.data.name = "";
        const response = await call(sim, "POST", LIST, { keys, body });
        expect(response.status).toBe(200);
        expect(response.json.data.attributes.connection_types).toEqual(["audit"]);
    });

    test("accepts a sink reference without type", async () => {
        const body = createBody(sink.id, ["logs"]) as any;
        delete body.data.relationships.sink_org.data.type;
        const response = await call(sim, "POST", LIST, { keys, body });
        expect(response.status).toBe(200);
    });

    // Each schema case: a mutation of a valid body and the expected 400 message.
    const noData = "Invalid request body: data is required and must be an object";
    const badType = 'Invalid request body: data.type must be "org_connection"';
    const noAttributes = "Invalid request body: data.attributes is required and must be an object";
    const badTypes =
        "Invalid request body: data.attributes.connection_types must be a non-empty array";
    const unknownType = (value: string) =>
        `Invalid request body: unknown connection type ${value} in ` +
        "data.attributes.connection_types; expected one of logs, metrics, audit";
    const noSink = "Invalid request body: data.relationships.sink_org.data is required";
    const schemaCases: Array<[string, (b: any) => unknown, string]> = [
        ["invalid JSON", () => "{not json", "Invalid request body: not valid JSON"],
        ["empty body", () => undefined, noData],
        ["missing data", () => ({}), noData],
        ["data as array", () => ({ data: [] }), noData],
        ["wrong data type", (b) => ((b.data.type = "orgs"), b), badType],
        ["missing type", (b) => (delete b.data.type, b), badType],
        ["missing attributes", (b) => (delete b.data.attributes, b), noAttributes],
        ["missing connection_types", (b) => ((b.data.attributes = {}), b), badTypes],
        ["empty connection_types", (b) => ((b.data.attributes.connection_types = []), b), badTypes],
        [
            "string connection_types",
            (b) => ((b.data.attributes.connection_types = "logs"), b),
            badTypes,
        ],
        [
            "unknown enum value",
            (b) => ((b.data.attributes.connection_types = ["logs", "traces"]), b),
            unknownType('"traces"'),
        ],
        [
            "upper-case enum value",
            (b) => ((b.data.attributes.connection_types = ["LOGS"]), b),
            unknownType('"LOGS"'),
        ],
        [
            "non-string enum value",
            (b) => ((b.data.attributes.connection_types = [1]), b),
            unknownType("1"),
        ],
        ["missing relationships", (b) => (delete b.data.relationships, b), noSink],
        ["missing sink_org", (b) => ((b.data.relationships = {}), b), noSink],
        ["missing sink_org data", (b) => ((b.data.relationships.sink_org = {}), b), noSink],
        [
            "wrong sink type",
            (b) => ((b.data.relationships.sink_org.data.type = "users"), b),
            'Invalid request body: data.relationships.sink_org.data.type must be "orgs"',
        ],
        [
            "numeric sink id",
            (b) => ((b.data.relationships.sink_org.data.id = 42), b),
            "Invalid request body: data.relationships.sink_org.data.id must be a string",
        ],
    ];
    test.each(schemaCases)("schema error: %s is 400", async (_name, mutate, message) => {
        const mutated = mutate(createBody(sink.id, ["logs"]));
        const options =
            typeof mutated === "string" ? { keys, rawBody: mutated } : { keys, body: mutated };
        const response = await call(sim, "POST", LIST, options);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ errors: [message] });
        expect(sim.connections()).toHaveLength(0);
    });

    test("schema error wins over unknown sink", async () => {
        const response = await post("nonexistent-org-id", []);
        expect(response.status).toBe(400);
    });

    const setSinkId = (b: any, id: string) => ((b.data.relationships.sink_org.data.id = id), b);
    const notFoundCases: Array<[string, (b: any) => unknown]> = [
        ["malformed sink id", (b) => setSinkId(b, "nonexistent-org-id")],
        ["unknown sink UUID", (b) => setSinkId(b, "7d0c6f6e-1a2b-4c3d-8e9f-0a1b2c3d4e5f")],
        ["missing sink id", (b) => (delete b.data.relationships.sink_org.data.id, b)],
    ];
    test.each(notFoundCases)("%s is 404 Not found", async (_name, mutate) => {
        const body = mutate(createBody(sink.id, ["logs"]));
        const response = await call(sim, "POST", LIST, { keys, body });
        expect(response.status).toBe(404);
        expect(response.json).toEqual({ errors: ["Not found"] });
    });

    test("unknown sink wins over duplicate types", async () => {
        const body = createBody("nonexistent-org-id", ["logs", "logs"]);
        const response = await call(sim, "POST", LIST, { keys, body });
        expect(response.status).toBe(404);
    });

    test("duplicate types are not allowed", async () => {
        const response = await post(sink.id, ["logs", "logs"]);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ errors: [notAllowed()] });
        const retry = await post(sink.id, ["logs"]);
        expect(retry.status).toBe(200);
    });

    test("sink in another account is not allowed", async () => {
        sink = sim.addOrg({ name: "Foreign Org", account: "acct-2" });
        const response = await post(sink.id, ["logs"]);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ errors: [notAllowed()] });
    });

    test("self-connection is not allowed", async () => {
        sink = source;
        const response = await post(source.id, ["logs"]);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ errors: [notAllowed()] });
    });

    test.each([
        ["sink", { sinkHipaa: true, sourceHipaa: false }],
        ["source", { sinkHipaa: false, sourceHipaa: true }],
    ])("HIPAA %s org is not allowed", async (_name, flags) => {
        const hipaaSource = sim.addOrg({ name: "Source H", hipaa: flags.sourceHipaa });
        sink = sim.addOrg({ name: "Sink H", hipaa: flags.sinkHipaa });
        source = hipaaSource;
        const response = await call(sim, "POST", LIST, {
            keys: sim.addKeys(hipaaSource.id),
            body: createBody(sink.id, ["logs"]),
        });
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ errors: [notAllowed()] });
    });

    test("sixth connection is not allowed", async () => {
        for (let i = 0; i < 5; i++) {
            const target = sim.addOrg({ name: `Sink ${i}` });
            const ok = await post(target.id, ["logs"]);
            expect(ok.status).toBe(200);
        }
        const response = await post(sink.id, ["logs"]);
        expect(response.status).toBe(400);
        expect(response.json).toEqual({ errors: [notAllowed()] });
        expect(sim.connections()).toHaveLength(5);
    });

    test("policy check wins over existing pair", async () => {
        await post(sink.id, ["logs"]);
        const response = await post(sink.id, ["logs", "logs"]);
        expect(response.status).toBe(400);
    });

    test("existing pair is 409 and stores nothing", async () => {
        const first = await post(sink.id, ["logs"]);
        expect(first.status).toBe(200);
        const second = await post(sink.id, ["metrics"]);
        expect(second.status).toBe(409);
        expect(second.json).toEqual({
            errors: [`connection between orgs ${source.id} and ${sink.id} already exists`],
        });
        expect(sim.connections()).toHaveLength(1);
        expect(sim.connections()[0].connectionTypes).toEqual(["logs"]);
    });

    test("reverse direction is a separate connection", async () => {
        await post(sink.id, ["logs"]);
        const sinkKeys = sim.addKeys(sink.id);
        const response = await post(source.id, ["logs"], sinkKeys);
        expect(response.status).toBe(200);
        expect(response.json.data.relationships.source_org.data.id).toBe(sink.id);
        expect(sim.connections()).toHaveLength(2);
    });

    test("upper-case sink UUID finds the org", async () => {
        const response = await post(sink.id.toUpperCase(), ["logs"]);
        expect(response.status).toBe(200);
        expect(response.json.data.relationships.sink_org.data.id).toBe(sink.id);
    });
});

describe("simulator maxConnectionsPerSource option", () => {
    test("limit of two rejects the third connection", async () => {
        const sim = await DatadogSimulator.start({ maxConnectionsPerSource: 2 });
        try {
            const source = sim.addOrg({ name: "Source Org" });
            const keys = sim.addKeys(source.id);
            const statuses: number[] = [];
            for (let i = 0; i < 3; i++) {
                const sink = sim.addOrg({ name: `Sink ${i}` });
                const body = createBody(sink.id, ["logs"]);
                statuses.push((await call(sim, "POST", LIST, { keys, body })).status);
            }
            expect(statuses).toEqual([200, 200, 400]);
        } finally {
            await sim.stop();
        }
    });

    test("invalid limit is rejected at start", async () => {
        await expect(DatadogSimulator.start({ maxConnectionsPerSource: -1 })).rejects.toThrow(
            "Invalid maxConnectionsPerSource -1: pass an integer >= 0",
        );
    });
});
