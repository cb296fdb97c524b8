import { DatadogSimulator, SimConnection, SimKeys, SimOrg } from "../../simulator";
import { call, updateBody } from "./simulatorClient";

const LIST = "/api/v2/org_connections";

describe("simulator PATCH and DELETE /api/v2/org_connections/{id}", () => {
    let sim: DatadogSimulator;
    let source: SimOrg;
    let sink: SimOrg;
    let outsider: SimOrg;
    let sourceKeys: SimKeys;
    let sinkKeys: SimKeys;
    let outsiderKeys: SimKeys;
    let connection: SimConnection;
    const unknownId = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f";

    beforeEach(async () => {
        sim = await DatadogSimulator.start();
        source = sim.addOrg({ name: "Source Org" });
        sink = sim.addOrg({ name: "Sink Org" });
        outsider = sim.addOrg({ name: "Outsider Org" });
        sourceKeys = sim.addKeys(source.id);
        sinkKeys = sim.addKeys(sink.id);
        outsiderKeys = sim.addKeys(outsider.id);
        connection = sim.seedConnection({
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes: ["logs"],
            createdById: sourceKeys.userId,
        });
    });

    afterEach(async () => {
        await sim.stop();
    });

    describe("PATCH", () => {
        test("replaces the types and omits names", async () => {
            const response = await call(sim, "PATCH", `${LIST}/${connection.id}`, {
                keys: sourceKeys,
                body: updateBody(connection.id, ["metrics", "logs"]),
            });
            expect(response.status).toBe(200);
            expect(response.json).toEqual({
                data: {
                    type: "org_connection",
                    id: connection.id,
                    attributes: {
                        created_at: connection.createdAt,
                        connection_types: ["metrics", "logs"],
                    },
                    relationships: {
                        source_org: { data: { type: "orgs", id: source.id } },
                        sink_org: { data: { type: "orgs", id: sink.id } },
                        created_by: { data: { type: "users", id: sourceKeys.userId } },
                    },
                },
            });
            expect(sim.connections()[0].connectionTypes).toEqual(["metrics", "logs"]);
            expect(sim.connections()[0].createdAt).toBe(connection.createdAt);
        });

        test("non-UUID id is 400", async () => {
            const response = await call(sim, "PATCH", `${LIST}/malformed_id`, {
                keys: sourceKeys,
                body: updateBody("malformed_id", ["logs"]),
            });
            expect(response.status).toBe(400);
            expect(response.json).toEqual({ errors: ["connection id must be a valid uuid"] });
        });

        test("unknown id is 404 with Datadog's text", async () => {
            const response = await call(sim, "PATCH", `${LIST}/${unknownId}`, {
                keys: sourceKeys,
                body: updateBody(unknownId, ["logs"]),
            });
            expect(response.status).toBe(404);
            expect(response.json).toEqual({
                errors: [`Org connection with id:${unknownId} not found not found`],
            });
        });

        test("non-party org gets 404", async () => {
            const response = await call(sim, "PATCH", `${LIST}/${connection.id}`, {
                keys: outsiderKeys,
                body: updateBody(connection.id, ["metrics"]),
            });
            expect(response.status).toBe(404);
            expect(response.json).toEqual({
                errors: [`Org connection with id:${connection.id} not found not found`],
            });
            expect(sim.connections()[0].connectionTypes).toEqual(["logs"]);
        });

        test("sink org gets 403", async () => {
            const response = await call(sim, "PATCH", `${LIST}/${connection.id}`, {
                keys: sinkKeys,
                body: updateBody(connection.id, ["metrics"]),
            });
            expect(response.status).toBe(403);
            expect(response.json).toEqual({ errors: ["Forbidden"] });
            expect(sim.connections()[0].connectionTypes).toEqual(["logs"]);
        });

        test("sink org check comes before body validation", async () => {
            const response = await call(sim, "PATCH", `${LIST}/${connection.id}`, {
                keys: sinkKeys,
                body: updateBody(connection.id, []),
            });
            expect(response.status).toBe(403);
        });

        test("body id mismatch is 400", async () => {
            const response = await call(sim, "PATCH", `${LIST}/${connection.id}`, {
                keys: sourceKeys,
                body: updateBody(unknownId, ["metrics"]),
            });
            expect(response.status).toBe(400);
            expect(response.json).toEqual({
                errors: [
                    `connection id ${unknownId} in the request body ` +
                        `does not match id ${connection.id} in the path`,
                ],
            });
        });

        const logs = { connection_types: ["logs"] };
        const invalidBodies: Array<[string, (id: string) => unknown]> = [
            ["duplicate types", (id) => updateBody(id, ["logs", "logs"])],
            ["empty types", (id) => updateBody(id, [])],
            ["unknown type", (id) => updateBody(id, ["traces"])],
            ["types not an array", (id) => updateBody(id, "logs" as unknown as string[])],
            ["missing attributes", (id) => ({ data: { type: "org_connection", id } })],
            ["missing body id", () => ({ data: { type: "org_connection", attributes: logs } })],
            ["wrong data type", (id) => ({ data: { type: "orgs", id, attributes: logs } })],
            ["missing data", () => ({})],
            ["empty body", () => undefined],
        ];
        test.each(invalidBodies)("%s is 400 Validation failed", async (_name, makeBody) => {
            const response = await call(sim, "PATCH", `${LIST}/${connection.id}`, {
                keys: sourceKeys,
                body: makeBody(connection.id),
            });
            expect(response.status).toBe(400);
            expect(response.json).toEqual({ errors: ["Validation failed for input."] });
            expect(sim.connections()[0].connectionTypes).toEqual(["logs"]);
        });

        test("invalid JSON is 400 Validation failed", async () => {
            const response = await call(sim, "PATCH", `${LIST}/${connection.id}`, {
                keys: sourceKeys,
                rawBody: "{",
            });
            expect(response.status).toBe(400);
            expect(response.json).toEqual({ errors: ["Validation failed for input."] });
        });
    });

    describe("DELETE", () => {
        test("source org deletes and gets {}", async () => {
            const response = await call(sim, "DELETE", `${LIST}/${connection.id}`, {
                keys: sourceKeys,
            });
            expect(response.status).toBe(200);
            expect(response.json).toEqual({});
            expect(response.headers["content-type"]).toBe("application/json");
            expect(sim.connections()).toEqual([]);
        });

        test("sink org may delete", async () => {
            const response = await call(sim, "DELETE", `${LIST}/${connection.id}`, {
                keys: sinkKeys,
            });
            expect(response.status).toBe(200);
            expect(response.json).toEqual({});
            expect(sim.connections()).toEqual([]);
        });

        test("non-UUID id is 400", async () => {
            const response = await call(sim, "DELETE", `${LIST}/malformed_id`, {
                keys: sourceKeys,
            });
            expect(response.status).toBe(400);
            expect(response.json).toEqual({ errors: ["connection id must be a valid uuid"] });
        });

        test("deleted id is 404, lower-case text", async () => {
            await call(sim, "DELETE", `${LIST}/${connection.id}`, { keys: sourceKeys });
            const response = await call(sim, "DELETE", `${LIST}/${connection.id}`, {
                keys: sourceKeys,
            });
            expect(response.status).toBe(404);
            expect(response.json).toEqual({
                errors: [`org connection with id:${connection.id} not found not found`],
            });
        });

        test("non-party org gets 404", async () => {
            const response = await call(sim, "DELETE", `${LIST}/${connection.id}`, {
                keys: outsiderKeys,
            });
            expect(response.status).toBe(404);
            expect(response.json).toEqual({
                errors: [`org connection with id:${connection.id} not found not found`],
            });
            expect(sim.connections()).toHaveLength(1);
        });

        test("percent-encoded garbage id is 400", async () => {
            const response = await call(sim, "DELETE", `${LIST}/%E0%A4%A`, {
                keys: sourceKeys,
            });
            expect(response.status).toBe(400);
            expect(response.json).toEqual({ errors: ["connection id must be a valid uuid"] });
        });

        test("upper-case id finds the connection", async () => {
            const response = await call(sim, "DELETE", `${LIST}/${connection.id.toUpperCase()}`, {
                keys: sourceKeys,
            });
            expect(response.status).toBe(200);
            expect(sim.connections()).toEqual([]);
        });
    });
});
