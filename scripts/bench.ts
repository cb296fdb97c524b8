// Measures what a refresh of many org connections costs: listing every page of a large org
// through the client, and finding one connection by id through the provider's read, against
// the local simulator. Prints numbers only; nothing is asserted.
//
// Run with `npm run bench`. Results and the machine they came from: docs/benchmarks.md.
import { performance } from "perf_hooks";
import { OrgConnectionsClient } from "../provider/client";
import { OrgConnectionProvider } from "../provider/implementation";
import { DatadogSimulator } from "../simulator";

const CONNECTION_COUNTS = [100, 1000, 5000];
const PAGE_SIZES = [100, 1000];
const REPEATS = 5;

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function megabytes(bytes: number): string {
    return (bytes / (1024 * 1024)).toFixed(1);
}

/** Seeds `count` connections in which `hub` is the sink, from as many source orgs as needed. */
function seedHub(simulator: DatadogSimulator, hubId: string, count: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
        const source = simulator.addOrg({ name: `Source Org ${i}` });
        ids.push(
            simulator.seedConnection({
                sourceOrgId: source.id,
                sinkOrgId: hubId,
                connectionTypes: ["logs"],
            }).id,
        );
    }
    return ids;
}

async function measureCount(count: number): Promise<void> {
    // The default rate limit would throttle thousands of page reads; the benchmark measures
    // the client and the simulator, not waiting.
    const simulator = await DatadogSimulator.start({
        rateLimit: { limit: 1_000_000, periodSeconds: 60 },
    });
    try {
        const hub = simulator.addOrg({ name: "Hub Org" });
        const keys = simulator.addKeys(hub.id);
        const ids = seedHub(simulator, hub.id, count);
        const lastId = ids[ids.length - 1];

        for (const pageSize of PAGE_SIZES) {
            const client = new OrgConnectionsClient({
                apiUrl: simulator.url,
                apiKey: keys.apiKey,
                appKey: keys.appKey,
                pageSize,
            });
            const times: number[] = [];
            let listed = 0;
            for (let i = 0; i < REPEATS; i++) {
                simulator.clearRequests();
                const started = performance.now();
                listed = (await client.listOrgConnections()).length;
                times.push(performance.now() - started);
            }
            const requests = simulator.countRequests({ method: "GET" });
            console.log(
                `list      connections=${count} pageSize=${pageSize} listed=${listed} ` +
                    `requests=${requests} medianMs=${median(times).toFixed(1)}`,
            );
        }

        const provider = new OrgConnectionProvider({ env: {} });
        await provider.configure({
            config: {
                get: (key: string) =>
                    ({
                        "datadog:apiUrl": simulator.url,
                        "datadog:apiKey": keys.apiKey,
                        "datadog:appKey": keys.appKey,
                    })[key],
            },
        } as never);
        const times: number[] = [];
        for (let i = 0; i < REPEATS; i++) {
            const started = performance.now();
            const result = await provider.read(lastId, { sinkOrgId: hub.id });
            times.push(performance.now() - started);
            if (result.id !== lastId) {
                throw new Error(`read of ${lastId} did not find it among ${count} connections`);
            }
        }
        console.log(
            `read      connections=${count} (the last listed) medianMs=${median(times).toFixed(1)} ` +
                `heapUsedMB=${megabytes(process.memoryUsage().heapUsed)} ` +
                `rssMB=${megabytes(process.memoryUsage().rss)}`,
        );
    } finally {
        await simulator.stop();
    }
}

async function main(): Promise<void> {
    console.log(
        `node ${process.version}, ${REPEATS} runs each, simulator and client in one process`,
    );
    for (const count of CONNECTION_COUNTS) {
        await measureCount(count);
    }
}

main().catch((error: unknown) => {
    console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
