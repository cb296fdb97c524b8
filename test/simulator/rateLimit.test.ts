import { DatadogSimulator, DEFAULT_RATE_LIMIT, SimKeys, SimOrg } from "../../simulator";
import { call, createBody } from "./simulatorClient";

const LIST = "/api/v2/org_connections";
// A multiple of 10 s, so a 10 s window starts exactly here.
const WINDOW_START = 1_700_000_000_000;

describe("simulator rate limit", () => {
    let sim: DatadogSimulator;
    let now: number;
    let source: SimOrg;
    let keys: SimKeys;

    beforeEach(async () => {
        now = WINDOW_START + 3_500;
        sim = await DatadogSimulator.start({
            rateLimit: { limit: 2, periodSeconds: 10 },
            clock: () => now,
        });
        source = sim.addOrg({ name: "Source Org" });
        keys = sim.addKeys(source.id);
    });

    afterEach(async () => {
        await sim.stop();
    });

    const list = () => call(sim, "GET", LIST, { keys });

    test("headers count down within the window", async () => {
        const first = await list();
        expect(first.status).toBe(200);
        expect(first.headers["x-ratelimit-limit"]).toBe("2");
        expect(first.headers["x-ratelimit-period"]).toBe("10");
        expect(first.headers["x-ratelimit-remaining"]).toBe("1");
        expect(first.headers["x-ratelimit-reset"]).toBe("7");
        expect(first.headers["x-ratelimit-name"]).toBe("org_connections");
        now += 2_000;
        const second = await list();
        expect(second.headers["x-ratelimit-remaining"]).toBe("0");
        expect(second.headers["x-ratelimit-reset"]).toBe("5");
    });

    test("over the limit gets 429", async () => {
        await list();
        await list();
        const throttled = await list();
        expect(throttled.status).toBe(429);
        expect(throttled.json).toEqual({ errors: ["Too many requests"] });
        expect(throttled.headers["x-ratelimit-remaining"]).toBe("0");
        expect(throttled.headers["x-ratelimit-reset"]).toBe("7");
        expect(throttled.headers["x-ratelimit-name"]).toBe("org_connections");
    });

    test("reset header is at least 1", async () => {
        now = WINDOW_START + 9_999;
        expect((await list()).headers["x-ratelimit-reset"]).toBe("1");
    });

    test("new window starts the count afresh", async () => {
        await list();
        await list();
        expect((await list()).status).toBe(429);
        now = WINDOW_START + 10_000;
        const next = await list();
        expect(next.status).toBe(200);
        expect(next.headers["x-ratelimit-remaining"]).toBe("1");
        expect(next.headers["x-ratelimit-reset"]).toBe("10");
    });

    test("throttled POST stores nothing", async () => {
        const sink = sim.addOrg({ name: "Sink Org" });
        await list();
        await list();
        const body = createBody(sink.id, ["logs"]);
        const response = await call(sim, "POST", LIST, { keys, body });
        expect(response.status).toBe(429);
        expect(sim.connections()).toEqual([]);
    });

    test("each org has its own counter", async () => {
        const otherKeys = sim.addKeys(sim.addOrg({ name: "Other Org" }).id);
        await list();
        await list();
        expect((await list()).status).toBe(429);
        const other = await call(sim, "GET", LIST, { keys: otherKeys });
        expect(other.status).toBe(200);
        expect(other.headers["x-ratelimit-remaining"]).toBe("1");
    });

    test("keys of one org share the counter", async () => {
        const second = sim.addKeys(source.id);
        await list();
        await list();
        expect((await call(sim, "GET", LIST, { keys: second })).status).toBe(429);
    });

    test("endpoint groups count separately", async () => {
        await list();
        await list();
        const validate = await call(sim, "GET", "/api/v1/validate", { keys });
        expect(validate.status).toBe(200);
        expect(validate.headers["x-ratelimit-name"]).toBe("validate");
        expect(validate.headers["x-ratelimit-remaining"]).toBe("1");
    });

    test("error responses carry the headers too", async () => {
        const wrongAppKey = { apiKey: keys.apiKey, appKey: "wrong" };
        const response = await call(sim, "GET", LIST, { keys: wrongAppKey });
        expect(response.status).toBe(403);
        expect(response.headers["x-ratelimit-remaining"]).toBe("1");
    });

    test("setRateLimit replaces the limit and resets counters", async () => {
        await list();
        await list();
        sim.setRateLimit({ limit: 5, periodSeconds: 60 });
        const response = await list();
        expect(response.status).toBe(200);
        expect(response.headers["x-ratelimit-limit"]).toBe("5");
        expect(response.headers["x-ratelimit-period"]).toBe("60");
        expect(response.headers["x-ratelimit-remaining"]).toBe("4");
        expect(response.headers["x-ratelimit-reset"]).toBe("37");
    });

    test("setRateLimit(undefined) restores the default", async () => {
        sim.setRateLimit(undefined);
        const response = await list();
        const { limit, periodSeconds } = DEFAULT_RATE_LIMIT;
        expect(response.headers["x-ratelimit-limit"]).toBe(String(limit));
        expect(response.headers["x-ratelimit-period"]).toBe(String(periodSeconds));
    });

    test("clearFaults keeps the rate limit", async () => {
        sim.clearFaults();
        await list();
        await list();
        expect((await list()).status).toBe(429);
    });

    test("paths outside the API are not limited", async () => {
        await list();
        await list();
        const outside = await call(sim, "GET", "/metrics", { keys });
        expect(outside.status).toBe(404);
        expect(outside.headers["x-ratelimit-limit"]).toBeUndefined();
    });

    test.each([
        [{ limit: 0, periodSeconds: 10 }, "Invalid rate limit 0: pass an integer >= 1"],
        [
            { limit: 5, periodSeconds: 0.5 },
            "Invalid rate limit period 0.5: pass whole seconds >= 1",
        ],
    ])("setRateLimit rejects %j", (settings, message) => {
        expect(() => sim.setRateLimit(settings)).toThrow(message);
    });
});

describe("simulator default rate limit", () => {
    test("headers are sent on every API response", async () => {
        const sim = await DatadogSimulator.start();
        try {
            const keys = sim.addKeys(sim.addOrg({ name: "Source Org" }).id);
            const response = await call(sim, "GET", LIST, { keys });
            expect(response.headers["x-ratelimit-limit"]).toBe("6000");
            expect(response.headers["x-ratelimit-period"]).toBe("60");
            expect(response.headers["x-ratelimit-remaining"]).toBe("5999");
            expect(Number(response.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(1);
            expect(Number(response.headers["x-ratelimit-reset"])).toBeLessThanOrEqual(60);
        } finally {
            await sim.stop();
        }
    });
});
