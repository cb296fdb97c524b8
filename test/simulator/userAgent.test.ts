import { DatadogSimulator, SimKeys } from "../../simulator";
import { call } from "./simulatorClient";

const LIST = "/api/v2/org_connections";

describe("simulator User-Agent recording", () => {
    const started: DatadogSimulator[] = [];

    /** Starts a simulator with one org and its keys; afterEach stops it. */
    const start = async (recordUserAgent?: boolean): Promise<[DatadogSimulator, SimKeys]> => {
        const sim = await DatadogSimulator.start({ recordUserAgent });
        started.push(sim);
        const org = sim.addOrg({ name: "Source Org" });
        return [sim, sim.addKeys(org.id)];
    };

    afterEach(async () => {
        await Promise.all(started.splice(0).map((sim) => sim.stop()));
    });

    test("recorded when enabled", async () => {
        const [sim, keys] = await start(true);
        await call(sim, "GET", LIST, { keys, headers: { "User-Agent": "probe/1.2.3 (node)" } });

        expect(sim.requests).toHaveLength(1);
        expect(sim.requests[0].userAgent).toBe("probe/1.2.3 (node)");
        expect(JSON.stringify(sim.requests)).not.toContain(keys.apiKey);
        expect(JSON.stringify(sim.requests)).not.toContain(keys.appKey);
    });

    test("absent by default", async () => {
        const [sim, keys] = await start();
        await call(sim, "GET", LIST, { keys, headers: { "User-Agent": "probe/1.2.3 (node)" } });

        expect(sim.requests).toHaveLength(1);
        expect(sim.requests[0]).not.toHaveProperty("userAgent");
    });
});
