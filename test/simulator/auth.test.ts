import { DatadogSimulator, SimKeys, SimOrg } from "../../simulator";
import { call } from "./simulatorClient";

const LIST = "/api/v2/org_connections";

describe("simulator authentication and permissions", () => {
    let sim: DatadogSimulator;
    let source: SimOrg;
    let other: SimOrg;
    let keys: SimKeys;

    beforeAll(async () => {
        sim = await DatadogSimulator.start();
        source = sim.addOrg({ name: "Source Org" });
        other = sim.addOrg({ name: "Other Org" });
        keys = sim.addKeys(source.id);
    });

    afterAll(async () => {
        await sim.stop();
    });

    test("valid keys list connections", async () => {
        const response = await call(sim, "GET", LIST, { keys });
        expect(response.status).toBe(200);
    });

    test("header names are case-insensitive", async () => {
        const response = await call(sim, "GET", LIST, {
            headers: { "dd-api-key": keys.apiKey, "Dd-Application-Key": keys.appKey },
        });
        expect(response.status).toBe(200);
    });

    // Each case: the headers to send as [API key, application key] (undefined = header absent).
    const cases: Array<[string, () => [string?, string?], number, string]> = [
        ["missing both keys", () => [undefined, undefined], 403, "Forbidden"],
        ["missing API key", () => [undefined, keys.appKey], 403, "Forbidden"],
        ["unknown API key", () => ["nope", keys.appKey], 403, "Forbidden"],
        ["missing application key", () => [keys.apiKey, undefined], 401, "Unauthorized"],
        ["empty application key", () => [keys.apiKey, ""], 401, "Unauthorized"],
        ["unknown application key", () => [keys.apiKey, "nope"], 403, "Forbidden"],
    ];
    test.each(cases)("%s is rejected", async (_name, makeKeys, status, message) => {
        const [apiKey, appKey] = makeKeys();
        const headers: Record<string, string> = {};
        if (apiKey !== undefined) {
            headers["DD-API-KEY"] = apiKey;
        }
        if (appKey !== undefined) {
            headers["DD-APPLICATION-KEY"] = appKey;
        }
        const response = await call(sim, "GET", LIST, { headers });
        expect(response.status).toBe(status);
        expect(response.json).toEqual({ errors: [message] });
        expect(response.headers["content-type"]).toBe("application/json");
    });

    test("application key of another org is rejected", async () => {
        const otherKeys = sim.addKeys(other.id);
        const response = await call(sim, "GET", LIST, {
            headers: { "DD-API-KEY": keys.apiKey, "DD-APPLICATION-KEY": otherKeys.appKey },
        });
        expect(response.status).toBe(403);
        expect(response.json).toEqual({ errors: ["Forbidden"] });
    });

    test("second app key of org accepted", async () => {
        const second = sim.addKeys(source.id);
        const response = await call(sim, "GET", LIST, {
            headers: { "DD-API-KEY": keys.apiKey, "DD-APPLICATION-KEY": second.appKey },
        });
        expect(response.status).toBe(200);
    });

    test("read-only key lists but cannot write", async () => {
        const readOnly = sim.addKeys(source.id, { permissions: ["org_connections_read"] });
        const id = "0b8f5a52-4c1e-4d3b-9a8e-2f6a1b7c9d01";
        expect((await call(sim, "GET", LIST, { keys: readOnly })).status).toBe(200);
        for (const [method, path] of [
            ["POST", LIST],
            ["PATCH", `${LIST}/${id}`],
            ["DELETE", `${LIST}/${id}`],
        ]) {
            const response = await call(sim, method, path, { keys: readOnly, body: {} });
            expect([method, response.status, response.json]).toEqual([
                method,
                403,
                { errors: ["Forbidden"] },
            ]);
        }
    });

    test("write-only key cannot list", async () => {
        const writeOnly = sim.addKeys(source.id, { permissions: ["org_connections_write"] });
        const response = await call(sim, "GET", LIST, { keys: writeOnly });
        expect(response.status).toBe(403);
        expect(response.json).toEqual({ errors: ["Forbidden"] });
    });

    test("query-string keys are ignored by default", async () => {
        const query = `?api_key=${keys.apiKey}&application_key=${keys.appKey}`;
        const response = await call(sim, "GET", `${LIST}${query}`);
        expect(response.status).toBe(403);
    });

    test("validate needs only a valid API key", async () => {
        const ok = await call(sim, "GET", "/api/v1/validate", {
            headers: { "DD-API-KEY": keys.apiKey },
        });
        expect(ok.status).toBe(200);
        expect(ok.json).toEqual({ valid: true });
        const bad = await call(sim, "GET", "/api/v1/validate", {
            headers: { "DD-API-KEY": "nope" },
        });
        expect(bad.status).toBe(403);
        expect(bad.json).toEqual({ errors: ["Forbidden"] });
    });

    test("v1 org lists account orgs", async () => {
        sim.addOrg({ name: "Elsewhere", account: "acct-2" });
        const legacy = sim.addOrg({ name: "Legacy Org", publicId: "fasjyydbcgwwc2uc" });
        const response = await call(sim, "GET", "/api/v1/org", { keys });
        expect(response.status).toBe(200);
        const names = response.json.orgs.map((o: { name: string }) => o.name);
        expect(names).toEqual(["Source Org", "Other Org", "Legacy Org"]);
        const publicIds = response.json.orgs.map((o: { public_id: string }) => o.public_id);
        expect(publicIds).toEqual([source.id, other.id, "fasjyydbcgwwc2uc"]);
        expect(legacy.id).not.toBe(legacy.publicId);
    });

    test("unknown API route is 404", async () => {
        const response = await call(sim, "GET", "/api/v2/nothing_here", { keys });
        expect(response.status).toBe(404);
        expect(response.json).toEqual({ errors: ["Not found"] });
    });

    test("unsupported method is 404", async () => {
        const response = await call(sim, "PUT", LIST, { keys, body: {} });
        expect(response.status).toBe(404);
        expect(response.json).toEqual({ errors: ["Not found"] });
    });

    test("non-API path is 404, unrecorded", async () => {
        sim.clearRequests();
        const response = await call(sim, "GET", "/", { keys });
        expect(response.status).toBe(404);
        expect(response.json).toEqual({ errors: ["Not found"] });
        expect(sim.requests).toHaveLength(0);
    });

    test("body over 1 MB is 413", async () => {
        const rawBody = "x".repeat(1024 * 1024 + 1);
        const response = await call(sim, "POST", LIST, { keys, rawBody });
        expect(response.status).toBe(413);
        expect(response.json).toEqual({ errors: ["Request body exceeds 1 MB"] });
        expect(sim.connections()).toHaveLength(0);
    });
});

describe("simulator with acceptQueryKeys", () => {
    let sim: DatadogSimulator;
    let keys: SimKeys;

    beforeAll(async () => {
        sim = await DatadogSimulator.start({ acceptQueryKeys: true });
        keys = sim.addKeys(sim.addOrg({ name: "Source Org" }).id);
    });

    afterAll(async () => {
        await sim.stop();
    });

    test("query-string keys authenticate and are not recorded", async () => {
        const query = `?api_key=${keys.apiKey}&application_key=${keys.appKey}&limit=10`;
        const response = await call(sim, "GET", `/api/v2/org_connections${query}`);
        expect(response.status).toBe(200);
        const recorded = sim.requests[sim.requests.length - 1];
        expect(recorded.query).toEqual({ limit: "10" });
        expect(JSON.stringify(sim.requests)).not.toContain(keys.apiKey);
        expect(JSON.stringify(sim.requests)).not.toContain(keys.appKey);
    });
});
