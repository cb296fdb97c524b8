import fetch from "node-fetch";

import { DatadogSimulator, SimKeys, SimOrg } from "../../simulator";
import { call, createBody } from "./simulatorClient";

const LIST = "/api/v2/org_connections";

describe("simulator fault injection", () => {
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

    const post = () => call(sim, "POST", LIST, { keys, body: createBody(sink.id, ["logs"]) });
    const seed = () =>
        sim.seedConnection({
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes: ["logs"],
        });
    const list = () => call(sim, "GET", LIST, { keys });

    test("status fault sends HTML 429 once", async () => {
        sim.injectFault({
            method: "GET",
            path: LIST,
            action: {
                type: "status",
                status: 429,
                body: "<html><body>Too Many Requests</body></html>",
                contentType: "text/html",
                headers: { "X-RateLimit-Reset": "2", "X-RateLimit-Remaining": "0" },
            },
        });
        const throttled = await list();
        expect(throttled.status).toBe(429);
        expect(throttled.text).toBe("<html><body>Too Many Requests</body></html>");
        expect(throttled.headers["content-type"]).toBe("text/html");
        expect(throttled.headers["x-ratelimit-reset"]).toBe("2");
        expect(throttled.headers["x-ratelimit-remaining"]).toBe("0");
        expect((await list()).status).toBe(200);
    });

    test("status fault sends inconsistent list page", async () => {
        seed();
        const page = { data: [], meta: { page: { total_count: 5, total_filtered_count: 5 } } };
        sim.injectFault({
            path: LIST,
            action: { type: "status", status: 200, body: JSON.stringify(page) },
        });
        const faulty = await list();
        expect(faulty.status).toBe(200);
        expect(faulty.json).toEqual(page);
        expect(faulty.headers["content-type"]).toBe("application/json");
        expect((await list()).json.data).toHaveLength(1);
    });

    test("status fault defaults to reason phrase", async () => {
        sim.injectFault({ action: { type: "status", status: 502 } });
        const response = await list();
        expect(response.status).toBe(502);
        expect(response.json).toEqual({ errors: ["Bad Gateway"] });
    });

    test("status fault on POST stores nothing", async () => {
        sim.injectFault({ method: "POST", action: { type: "status", status: 500 } });
        const response = await post();
        expect(response.status).toBe(500);
        expect(sim.connections()).toEqual([]);
    });

    test("fault fires the given number of times", async () => {
        sim.injectFault({ times: 2, action: { type: "status", status: 503 } });
        const statuses = [(await list()).status, (await list()).status, (await list()).status];
        expect(statuses).toEqual([503, 503, 200]);
    });

    test("fault with Infinity times stays until cleared", async () => {
        sim.injectFault({ times: Infinity, action: { type: "status", status: 503 } });
        for (let i = 0; i < 4; i++) {
            expect((await list()).status).toBe(503);
        }
        sim.clearFaults();
        expect((await list()).status).toBe(200);
    });

    test("fault matches method case-insensitively", async () => {
        sim.injectFault({ method: "post", action: { type: "status", status: 502 } });
        expect((await list()).status).toBe(200);
        expect((await post()).status).toBe(502);
    });

    test("fault matches path prefix and RegExp", async () => {
        sim.injectFault({ path: "/api/v1/", action: { type: "status", status: 502 } });
        sim.injectFault({
            path: /\/org_connections\/[^/]+$/,
            action: { type: "status", status: 504 },
        });
        expect((await list()).status).toBe(200);
        const id = "0b8f5a52-4c1e-4d3b-9a8e-2f6a1b7c9d01";
        expect((await call(sim, "DELETE", `${LIST}/${id}`, { keys })).status).toBe(504);
        expect((await call(sim, "GET", "/api/v1/validate", { keys })).status).toBe(502);
    });

    test("RegExp fault ignores the query string", async () => {
        sim.injectFault({ path: /org_connections$/, action: { type: "status", status: 502 } });
        const response = await call(sim, "GET", `${LIST}?limit=1`, { keys });
        expect(response.status).toBe(502);
    });

    test("first matching fault in queue wins", async () => {
        sim.injectFault({ method: "POST", action: { type: "status", status: 500 } });
        sim.injectFault({ action: { type: "status", status: 502 } });
        sim.injectFault({ action: { type: "status", status: 503 } });
        expect((await list()).status).toBe(502);
        expect((await list()).status).toBe(503);
        expect((await post()).status).toBe(500);
    });

    test("faults skip paths outside the API", async () => {
        sim.injectFault({ action: { type: "status", status: 503 } });
        const outside = await call(sim, "GET", "/health", { keys });
        expect(outside.status).toBe(404);
        expect((await list()).status).toBe(503);
    });

    test("delay fault then normal handling", async () => {
        sim.injectFault({ method: "POST", action: { type: "delay", ms: 300 } });
        const started = Date.now();
        const response = await post();
        expect(Date.now() - started).toBeGreaterThanOrEqual(290);
        expect(response.status).toBe(200);
        expect(sim.connections()).toHaveLength(1);
    });

    test("delayed POST stored after client timeout", async () => {
        sim.injectFault({ method: "POST", action: { type: "delay", ms: 300 } });
        await expect(
            fetch(`${sim.url}${LIST}`, {
                method: "POST",
                headers: { "DD-API-KEY": keys.apiKey, "DD-APPLICATION-KEY": keys.appKey },
                body: JSON.stringify(createBody(sink.id, ["logs"])),
                timeout: 50,
            }),
        ).rejects.toMatchObject({ type: "request-timeout" });
        expect(sim.connections()).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(sim.connections()).toHaveLength(1);
    });

    test("reset fault stores nothing", async () => {
        sim.injectFault({ method: "POST", action: { type: "reset" } });
        await expect(post()).rejects.toMatchObject({ code: "ECONNRESET" });
        expect(sim.connections()).toEqual([]);
        const recorded = sim.requests[sim.requests.length - 1];
        expect(recorded).toMatchObject({ method: "POST", path: LIST, status: 0, dropped: true });
        expect((await post()).status).toBe(200);
    });

    test("reset-after-commit stores without reply", async () => {
        sim.injectFault({ method: "POST", path: LIST, action: { type: "reset-after-commit" } });
        await expect(post()).rejects.toMatchObject({ code: "ECONNRESET" });
        const stored = sim.connections();
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes: ["logs"],
        });
        const recorded = sim.requests[sim.requests.length - 1];
        expect(recorded).toMatchObject({ method: "POST", status: 200, dropped: true });

        const again = await post();
        expect(again.status).toBe(409);
        expect(again.json).toEqual({
            errors: [`connection between orgs ${source.id} and ${sink.id} already exists`],
        });
        expect(sim.connections()).toHaveLength(1);
    });

    test("reset-after-commit on DELETE removes the connection", async () => {
        const c = seed();
        sim.injectFault({ method: "DELETE", action: { type: "reset-after-commit" } });
        await expect(call(sim, "DELETE", `${LIST}/${c.id}`, { keys })).rejects.toMatchObject({
            code: "ECONNRESET",
        });
        expect(sim.connections()).toEqual([]);
    });

    const invalidFaults: Array<[string, any, string]> = [
        [
            "times 0",
            { times: 0, action: { type: "reset" } },
            "Invalid fault times 0: pass an integer >= 1 or Infinity",
        ],
        [
            "times 1.5",
            { times: 1.5, action: { type: "reset" } },
            "Invalid fault times 1.5: pass an integer >= 1 or Infinity",
        ],
        [
            "status 42",
            { action: { type: "status", status: 42 } },
            "Invalid fault status 42: pass an integer 100-599",
        ],
        [
            "negative delay",
            { action: { type: "delay", ms: -1 } },
            "Invalid fault delay -1: pass milliseconds >= 0",
        ],
        [
            "unknown action",
            { action: { type: "explode" } },
            'Unknown fault action {"type":"explode"}',
        ],
    ];
    test.each(invalidFaults)("injectFault rejects %s", (_name, fault, message) => {
        expect(() => sim.injectFault(fault)).toThrow(message);
    });
});

describe("simulator random failures", () => {
    /** Starts a simulator with random failures and returns the statuses of `count` lists. */
    async function statusesWith(
        settings: { rate: number; status?: number; seed?: number },
        count: number,
    ): Promise<number[]> {
        const sim = await DatadogSimulator.start();
        try {
            const keys = sim.addKeys(sim.addOrg({ name: "Source Org" }).id);
            sim.setRandomFailures(settings);
            const statuses: number[] = [];
            for (let i = 0; i < count; i++) {
                statuses.push((await call(sim, "GET", LIST, { keys })).status);
            }
            return statuses;
        } finally {
            await sim.stop();
        }
    }

    test("same seed fails the same requests", async () => {
        const first = await statusesWith({ rate: 0.5, seed: 42 }, 40);
        const second = await statusesWith({ rate: 0.5, seed: 42 }, 40);
        expect(second).toEqual(first);
        expect(first).toContain(503);
        expect(first).toContain(200);
    });

    test("different seeds fail different requests", async () => {
        const first = await statusesWith({ rate: 0.5, seed: 1 }, 40);
        const second = await statusesWith({ rate: 0.5, seed: 2 }, 40);
        expect(second).not.toEqual(first);
    });

    test("rates 0 and 1 are exact", async () => {
        expect(new Set(await statusesWith({ rate: 0 }, 10))).toEqual(new Set([200]));
        expect(new Set(await statusesWith({ rate: 1, status: 500 }, 10))).toEqual(new Set([500]));
    });

    test("randomly failed POST stores nothing", async () => {
        const sim = await DatadogSimulator.start();
        try {
            const source = sim.addOrg({ name: "Source Org" });
            const sink = sim.addOrg({ name: "Sink Org" });
            const keys = sim.addKeys(source.id);
            sim.setRandomFailures({ rate: 1 });
            const body = createBody(sink.id, ["logs"]);
            const response = await call(sim, "POST", LIST, { keys, body });
            expect(response.status).toBe(503);
            expect(response.json).toEqual({ errors: ["Service Unavailable"] });
            expect(sim.connections()).toEqual([]);
            sim.setRandomFailures(undefined);
            expect((await call(sim, "POST", LIST, { keys, body })).status).toBe(200);
        } finally {
            await sim.stop();
        }
    });

    test("clearFaults turns random failures off", async () => {
        const sim = await DatadogSimulator.start();
        try {
            const keys = sim.addKeys(sim.addOrg({ name: "Source Org" }).id);
            sim.setRandomFailures({ rate: 1 });
            sim.clearFaults();
            expect((await call(sim, "GET", LIST, { keys })).status).toBe(200);
        } finally {
            await sim.stop();
        }
    });

    test.each([
        [{ rate: 1.5 }, "Invalid failure rate 1.5: pass a number from 0 to 1"],
        [{ rate: Number.NaN }, "Invalid failure rate NaN: pass a number from 0 to 1"],
        [{ rate: 0.1, status: 200 }, "Invalid failure status 200: pass an integer 400-599"],
    ])("setRandomFailures rejects %j", async (settings, message) => {
        const sim = await DatadogSimulator.start();
        try {
            expect(() => sim.setRandomFailures(settings)).toThrow(message);
        } finally {
            await sim.stop();
        }
    });
});
