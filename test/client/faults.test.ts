import * as http from "http";
import { AddressInfo } from "net";

import { ClientOptions, OrgConnectionsClient } from "../../provider/client";
import {
    DatadogApiError,
    IncompleteListingError,
    InvalidResponseError,
} from "../../provider/errors";
import { DatadogSimulator, FaultAction, SimConnection, SimKeys, SimOrg } from "../../simulator";

const HTML_BODY = "<html><body><h1>Too Many Requests</h1></body></html>";
const LIST_TARGET = "GET /api/v2/org_connections?limit=1000&offset=0";
const SERVER_ERROR_STEP =
    "Datadog reported a server error. Run the command again later, and check " +
    "https://status.datadoghq.com if it persists.";
const API_HOST_STEP = "is a Datadog API host, such as https://api.datadoghq.com.";

let sim: DatadogSimulator;

beforeAll(async () => {
    sim = await DatadogSimulator.start();
});

afterAll(async () => {
    await sim.stop();
});

beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
});

interface Account {
    source: SimOrg;
    sink: SimOrg;
    keys: SimKeys;
    connection: SimConnection;
}

/** Creates a source org with one connection to a sink org in `simulator`, new for each test. */
function newAccount(simulator: DatadogSimulator = sim): Account {
    const source = simulator.addOrg({ name: "Source Org" });
    const sink = simulator.addOrg({ name: "Sink Org" });
    const keys = simulator.addKeys(source.id);
    const connection = simulator.seedConnection({
        sourceOrgId: source.id,
        sinkOrgId: sink.id,
        connectionTypes: ["logs"],
    });
    return { source, sink, keys, connection };
}

/** Creates a client that records its waits instead of sleeping, with jitter fixed at zero. */
function clientFor(
    keys: SimKeys,
    options: Partial<ClientOptions> = {},
): { client: OrgConnectionsClient; waits: number[]; logs: string[] } {
    const waits: number[] = [];
    const logs: string[] = [];
    const client = new OrgConnectionsClient({
        apiUrl: sim.url,
        apiKey: keys.apiKey,
        appKey: keys.appKey,
        sleep: async (ms) => {
            waits.push(ms);
        },
        random: () => 0,
        log: (level, message) => logs.push(`${level}: ${message}`),
        ...options,
    });
    return { client, waits, logs };
}

async function failureOf(action: () => Promise<unknown>): Promise<Error> {
    try {
        await action();
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected the call to throw");
}

/** Runs `action` and returns the DatadogApiError it threw. */
async function apiFailureOf(action: () => Promise<unknown>): Promise<DatadogApiError> {
    const error = await failureOf(action);
    expect(error).toBeInstanceOf(DatadogApiError);
    return error as DatadogApiError;
}

function expectNoKeys(text: string, keys: SimKeys): void {
    expect(text).not.toContain(keys.apiKey);
    expect(text).not.toContain(keys.appKey);
}

/** Queues a fault that applies `action` to the next `times` requests of `method`. */
function inject(method: string, action: FaultAction, times = 1): void {
    sim.injectFault({ method, times, action });
}

describe("GET retries", () => {
    it("retries a 502 and succeeds", async () => {
        const { keys, connection } = newAccount();
        inject("GET", { type: "status", status: 502 });
        const { client, waits, logs } = clientFor(keys, { random: () => 0.5 });

        const records = await client.listOrgConnections();
        expect(records.map((r) => r.id)).toEqual([connection.id]);
        expect(sim.requests.map((r) => r.status)).toEqual([502, 200]);
        expect(waits).toEqual([1000]);
        expect(logs).toContain(
            `warn: ${LIST_TARGET} failed with HTTP 502; retrying in 1.0 s (attempt 2 of 4).`,
        );
    });

    it("waits X-RateLimit-Reset after a 429 with an HTML body", async () => {
        const { keys, connection } = newAccount();
        inject("GET", {
            type: "status",
            status: 429,
            body: HTML_BODY,
            contentType: "text/html",
            headers: { "X-RateLimit-Reset": "2", "X-RateLimit-Remaining": "0" },
        });
        const { client, waits } = clientFor(keys);

        const records = await client.listOrgConnections();
        expect(records.map((r) => r.id)).toEqual([connection.id]);
        expect(waits).toEqual([2000]);
        expect(sim.countRequests({ method: "GET" })).toBe(2);
    });

    it("retries a dropped connection", async () => {
        const { keys, connection } = newAccount();
        inject("GET", { type: "reset" });
        const { client, waits, logs } = clientFor(keys, { random: () => 0.5 });

        const records = await client.listOrgConnections();
        expect(records.map((r) => r.id)).toEqual([connection.id]);
        expect(sim.countRequests({ method: "GET" })).toBe(2);
        expect(waits).toEqual([1000]);
        expect(logs).toContain(
            `warn: ${LIST_TARGET} failed with a network error; retrying in 1.0 s (attempt 2 of 4).`,
        );
    });

    it("retries a timed-out request", async () => {
        const { keys, connection } = newAccount();
        inject("GET", { type: "delay", ms: 1000 });
        const { client, waits, logs } = clientFor(keys, { requestTimeoutSeconds: 0.2 });

        const records = await client.listOrgConnections();
        expect(records.map((r) => r.id)).toEqual([connection.id]);
        expect(waits).toEqual([0]);
        expect(logs).toContain(`debug: ${LIST_TARGET} timed out after 0.2 s`);
        expect(logs).toContain(
            `warn: ${LIST_TARGET} timed out; retrying in 0.0 s (attempt 2 of 4).`,
        );
    });

    it("reports a request that keeps timing out", async () => {
        const { keys } = newAccount();
        inject("GET", { type: "delay", ms: 1000 }, Infinity);
        const { client, waits } = clientFor(keys, { requestTimeoutSeconds: 0.2 });

        const error = await apiFailureOf(() => client.listOrgConnections());
        expect(error.kind).toBe("timeout");
        expect(error.status).toBe(0);
        expect(error.attempts).toBe(4);
        expect(error.retryable).toBe(true);
        expect(waits).toHaveLength(3);
        expect(error.message).toBe(
            `${LIST_TARGET} timed out after 0.2 s without a response from ${sim.url}. ` +
                `All 4 attempts failed. Check network access to ${sim.url}, then run the ` +
                "command again.",
        );
    });

    it("gives up on six 429s with a readable message", async () => {
        const { keys } = newAccount();
        const headers = {
            "X-RateLimit-Reset": "2",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Name": "org_connections",
        };
        const contentType = "text/html; charset=utf-8";
        inject("GET", { type: "status", status: 429, body: HTML_BODY, contentType, headers }, 6);
        const { client, waits } = clientFor(keys, { retry: { maxRetries: 5 } });

        const error = await apiFailureOf(() => client.listOrgConnections());
        expect(error.status).toBe(429);
        expect(error.attempts).toBe(6);
        expect(error.errors).toEqual([]);
        expect(waits).toEqual([2000, 2000, 2000, 2000, 2000]);
        expect(sim.countRequests({ method: "GET" })).toBe(6);
        expect(error.message).toBe(
            `${LIST_TARGET} failed with HTTP 429 (non-JSON response, text/html). ` +
                'All 6 attempts failed. The Datadog rate limit "org_connections" is still ' +
                "exceeded. It resets in 2 s. Wait and run the command again, or allow more " +
                "retries (datadog:httpClientRetryMaxRetries, datadog:httpClientRetryTimeout).",
        );
        expect(error.message).not.toContain("Unexpected token");
        expect(error.message).not.toContain("<html>");
    });

    it("waits out the simulator's rate limit", async () => {
        // A simulator on a fake clock that the client's sleep advances, so the window passes
        // exactly when the client has waited X-RateLimit-Reset seconds.
        let now = Date.UTC(2025, 0, 1, 12, 0, 0, 250);
        const limited = await DatadogSimulator.start({
            clock: () => now,
            rateLimit: { limit: 1, periodSeconds: 10 },
        });
        try {
            const { keys, connection } = newAccount(limited);
            const waits: number[] = [];
            const { client } = clientFor(keys, {
                apiUrl: limited.url,
                sleep: async (ms) => {
                    waits.push(ms);
                    now += ms;
                },
            });

            await client.listOrgConnections();
            const records = await client.listOrgConnections();
            expect(records.map((r) => r.id)).toEqual([connection.id]);
            expect(waits).toEqual([10000]);
            expect(limited.requests.map((r) => r.status)).toEqual([200, 429, 200]);
        } finally {
            await limited.stop();
        }
    });

    it("stops at once when the reset is past the retry timeout", async () => {
        const { keys } = newAccount();
        sim.setRateLimit({ limit: 1, periodSeconds: 3600 });
        try {
            const { client, waits } = clientFor(keys, { retry: { timeoutSeconds: 0.5 } });
            await client.listOrgConnections();
            const error = await apiFailureOf(() => client.listOrgConnections());
            expect(error.status).toBe(429);
            expect(error.errors).toEqual(["Too many requests"]);
            expect(error.rateLimitResetSeconds).toBeGreaterThanOrEqual(1);
            expect(error.attempts).toBe(1);
            expect(error.stopReason).toBe("timeout");
            expect(error.message).toContain(
                "Stopped after 1 attempt because the next retry would pass the retry timeout " +
                    "of 0.5 s.",
            );
            expect(error.message).toContain(`It resets in ${error.rateLimitResetSeconds} s.`);
            expect(waits).toEqual([]);
        } finally {
            sim.setRateLimit(undefined);
        }
    });

    it("fails a listing whose retried page contradicts its counts", async () => {
        const { keys, connection } = newAccount();
        const emptyPage = { data: [], meta: { page: { total_count: 5 } } };
        inject("GET", { type: "status", status: 502 });
        inject("GET", { type: "status", status: 200, body: JSON.stringify(emptyPage) });
        const { client, waits } = clientFor(keys);

        const error = await failureOf(() => client.listOrgConnections());
        expect(error).toBeInstanceOf(IncompleteListingError);
        expect(waits).toHaveLength(1);
        expect(sim.requests.map((r) => r.status)).toEqual([502, 200]);

        // The next listing is complete and still finds the connection.
        const records = await client.listOrgConnections();
        expect(records.map((r) => r.id)).toEqual([connection.id]);
    });

    it("backs off without the reset header", async () => {
        const { keys } = newAccount();
        inject("GET", { type: "status", status: 503 }, 3);
        const { client, waits } = clientFor(keys, { random: () => 0.5 });
        await client.listOrgConnections();
        expect(waits).toEqual([1000, 2000, 4000]);
    });

    it("stops when retries are disabled", async () => {
        const { keys } = newAccount();
        inject("GET", { type: "status", status: 500 });
        const { client, waits } = clientFor(keys, { retry: { enabled: false } });
        const error = await apiFailureOf(() => client.listOrgConnections());
        expect(error.message).toBe(
            `${LIST_TARGET} failed with HTTP 500: Internal Server Error. Retries are disabled. ` +
                SERVER_ERROR_STEP,
        );
        expect(waits).toEqual([]);
    });

    it("stops when the next wait would pass the retry timeout", async () => {
        const { keys } = newAccount();
        inject("GET", { type: "status", status: 503 });
        const options = { random: () => 0.5, retry: { timeoutSeconds: 0.5 } };
        const { client, waits } = clientFor(keys, options);
        const error = await apiFailureOf(() => client.listOrgConnections());
        expect(error.stopReason).toBe("timeout");
        expect(error.message).toContain(
            "Stopped after 1 attempt because the next retry would pass the retry timeout of 0.5 s.",
        );
        expect(waits).toEqual([]);
    });
});

describe("write retries", () => {
    it("never resends a POST after a 503", async () => {
        const { source, keys } = newAccount();
        const sink = sim.addOrg({ name: "Second Sink" });
        inject("POST", { type: "status", status: 503 });
        const { client, waits } = clientFor(keys);

        const error = await apiFailureOf(() => client.createOrgConnection(sink.id, ["logs"]));
        expect(sim.countRequests({ method: "POST" })).toBe(1);
        expect(waits).toEqual([]);
        expect(error.status).toBe(503);
        expect(error.retryable).toBe(true);
        expect(error.attempts).toBe(1);
        expect(error.stopReason).toBe("not-resendable");
        expect(error.message).toBe(
            "POST /api/v2/org_connections failed with HTTP 503: Service Unavailable. The POST " +
                "was sent once and not resent, because Datadog may have applied it and a second " +
                `POST could apply it twice. ${SERVER_ERROR_STEP}`,
        );
        expect(sim.connections().filter((c) => c.sourceOrgId === source.id)).toHaveLength(1);
    });

    it("never resends a POST whose response was lost", async () => {
        const { source, keys } = newAccount();
        const sink = sim.addOrg({ name: "Second Sink" });
        inject("POST", { type: "reset-after-commit" });
        const { client } = clientFor(keys);

        const error = await apiFailureOf(() => client.createOrgConnection(sink.id, ["logs"]));
        expect(error.kind).toBe("network");
        expect(error.stopReason).toBe("not-resendable");
        expect(sim.countRequests({ method: "POST" })).toBe(1);
        // The connection exists although the client saw no reply, so the caller must list.
        const stored = sim
            .connections()
            .filter((c) => c.sourceOrgId === source.id && c.sinkOrgId === sink.id);
        expect(stored).toHaveLength(1);
    });

    it("never resends a POST that timed out", async () => {
        const { keys } = newAccount();
        const sink = sim.addOrg({ name: "Second Sink" });
        inject("POST", { type: "delay", ms: 1000 });
        const { client } = clientFor(keys, { requestTimeoutSeconds: 0.2 });

        const error = await apiFailureOf(() => client.createOrgConnection(sink.id, ["logs"]));
        expect(error.kind).toBe("timeout");
        expect(error.message).toContain("POST /api/v2/org_connections timed out after 0.2 s");
        expect(sim.countRequests({ method: "POST" })).toBe(1);
    });

    it("never resends a POST after a 429", async () => {
        const { keys } = newAccount();
        const sink = sim.addOrg({ name: "Second Sink" });
        const headers = { "X-RateLimit-Reset": "3", "X-RateLimit-Name": "org_connections" };
        inject("POST", { type: "status", status: 429, headers });
        const { client, waits } = clientFor(keys);

        const error = await apiFailureOf(() => client.createOrgConnection(sink.id, ["logs"]));
        expect(sim.countRequests({ method: "POST" })).toBe(1);
        expect(waits).toEqual([]);
        expect(error.message).toBe(
            "POST /api/v2/org_connections failed with HTTP 429: Too Many Requests. The client " +
                "does not resend a POST, so it was sent once. The Datadog rate limit " +
                '"org_connections" is still exceeded. It resets in 3 s. Wait and run the command ' +
                "again, or allow more retries (datadog:httpClientRetryMaxRetries, " +
                "datadog:httpClientRetryTimeout).",
        );
        expect(sim.connections().some((c) => c.sinkOrgId === sink.id)).toBe(false);
    });

    it("retries a PATCH after a 502", async () => {
        const { keys, connection } = newAccount();
        inject("PATCH", { type: "status", status: 502 });
        const { client, waits } = clientFor(keys);

        const record = await client.updateOrgConnection(connection.id, ["metrics"]);
        expect(record.connectionTypes).toEqual(["metrics"]);
        expect(sim.countRequests({ method: "PATCH" })).toBe(2);
        expect(waits).toHaveLength(1);
    });

    it("retries a DELETE after a 429 and a dropped connection", async () => {
        const { keys, connection } = newAccount();
        const headers = { "X-RateLimit-Reset": "1" };
        inject("DELETE", { type: "status", status: 429, headers });
        inject("DELETE", { type: "reset" });
        const { client, waits } = clientFor(keys, { random: () => 0.5 });

        await client.deleteOrgConnection(connection.id);
        expect(sim.countRequests({ method: "DELETE" })).toBe(3);
        expect(waits).toEqual([1500, 2000]);
        expect(sim.connections().some((c) => c.id === connection.id)).toBe(false);
    });

    it("reports 404 when a retried DELETE had already succeeded", async () => {
        const { keys, connection } = newAccount();
        inject("DELETE", { type: "reset-after-commit" });
        const { client } = clientFor(keys);

        const error = await apiFailureOf(() => client.deleteOrgConnection(connection.id));
        expect(error.status).toBe(404);
        expect(error.attempts).toBe(2);
        expect(error.errors).toEqual([
            `org connection with id:${connection.id} not found not found`,
        ]);
    });
});

describe("failure messages", () => {
    it("never contain a key that Datadog echoes", async () => {
        const { keys } = newAccount();
        const body = JSON.stringify({ errors: [`bad key ${keys.apiKey} / ${keys.appKey}`] });
        inject("GET", { type: "status", status: 400, body });
        const { client, logs } = clientFor(keys);

        const error = await apiFailureOf(() => client.listOrgConnections());
        expect(error.errors).toEqual(["bad key <redacted> / <redacted>"]);
        expect(error.message).toBe(
            `${LIST_TARGET} failed with HTTP 400: bad key <redacted> / <redacted>.`,
        );
        expectNoKeys(error.message, keys);
        expectNoKeys(logs.join("\n"), keys);
    });

    it("read errors given as objects", async () => {
        const { keys } = newAccount();
        const errors = [{ title: "Bad Request", detail: "limit is too big" }];
        inject("GET", { type: "status", status: 400, body: JSON.stringify({ errors }) });
        const error = await apiFailureOf(() => clientFor(keys).client.listOrgConnections());
        expect(error.errors).toEqual(["limit is too big"]);
    });

    it("report a 200 with an HTML body without a parse error", async () => {
        const { keys } = newAccount();
        const body = "<html>login</html>";
        inject("GET", { type: "status", status: 200, body, contentType: "text/html" });
        const error = await failureOf(() => clientFor(keys).client.listOrgConnections());
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error.message).toBe(
            `${LIST_TARGET} returned HTTP 200 with a non-JSON body (text/html). ` +
                `Check that ${sim.url} ${API_HOST_STEP}`,
        );
        expect(sim.countRequests({ method: "GET" })).toBe(1);
    });

    it("report a 200 whose JSON is not a connection", async () => {
        const { keys, connection } = newAccount();
        const body = JSON.stringify({ data: { id: 5 } });
        inject("PATCH", { type: "status", status: 200, body });
        const { client } = clientFor(keys);
        const error = await failureOf(() => client.updateOrgConnection(connection.id, ["logs"]));
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error.message).toBe(
            `PATCH /api/v2/org_connections/${connection.id} returned HTTP 200 with an ` +
                "unexpected body. Invalid org connection in the response: type must be " +
                `"org_connection", but it is nothing. Check that ${sim.url} ${API_HOST_STEP}`,
        );
    });

    it("do not follow a redirect", async () => {
        const { keys } = newAccount();
        const location = "http://127.0.0.1:9/elsewhere";
        const headers = { Location: location };
        inject("GET", { type: "status", status: 302, body: "", contentType: "text/html", headers });
        const error = await apiFailureOf(() => clientFor(keys).client.listOrgConnections());
        expect(error.status).toBe(302);
        expect(error.message).toBe(
            `${LIST_TARGET} failed with HTTP 302. The API URL redirected to ${location}, and the ` +
                "client does not follow redirects because they would carry the keys. Set the API " +
                "URL to the API host itself, such as https://api.datadoghq.com.",
        );
        expect(sim.countRequests()).toBe(1);
    });

    it("name a refused connection after the retries", async () => {
        // Take a free port, then close it so that nothing listens there.
        const server = http.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        await new Promise<void>((resolve) => server.close(() => resolve()));

        const { keys } = newAccount();
        const apiUrl = `http://127.0.0.1:${port}`;
        const { client, waits } = clientFor(keys, { apiUrl });
        const error = await apiFailureOf(() => client.listOrgConnections());
        expect(error.kind).toBe("network");
        expect(waits).toHaveLength(3);
        expect(error.message).toBe(
            `${LIST_TARGET} failed with a network error talking to ${apiUrl} (ECONNREFUSED). ` +
                `All 4 attempts failed. Check network access to ${apiUrl}, then run the command ` +
                "again.",
        );
    });
});
