/**
 * Tests of the client against hostile or malformed responses and odd settings. The responses
 * come from a Node HTTP server on 127.0.0.1 that each test scripts itself.
 */
import * as http from "http";
import { AddressInfo } from "net";

import { ClientOptions, OrgConnectionsClient } from "../../provider/client";
import { DatadogApiError, IncompleteListingError } from "../../provider/errors";
import { readProviderSettings, resolveApiUrl } from "../../provider/settings";

const API_KEY = "attack-api-key-0123456789abcdef";
const APP_KEY = "attack-app-key-fedcba9876543210";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

interface ScriptedServer {
    url: string;
    requests: string[];
    close: () => Promise<void>;
}

/** Starts a server on 127.0.0.1 that handles every request with `handler`. */
async function startServer(handler: Handler): Promise<ScriptedServer> {
    const requests: string[] = [];
    const sockets = new Set<import("net").Socket>();
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        requests.push(`${req.method} ${url.pathname}${url.search}`);
        handler(req, res, url);
    });
    server.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                for (const socket of sockets) {
                    socket.destroy();
                }
                server.close(() => resolve());
            }),
    };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
}

/** Returns a canonical UUID whose last group is `n`. */
function uuid(n: number): string {
    return `3f1c0b8e-2a4d-4f6b-9c1e-${n.toString(16).padStart(12, "0")}`;
}

function connection(id: string): object {
    return {
        type: "org_connection",
        id,
        attributes: { connection_types: ["logs"], created_at: "2025-08-26T20:19:35+00:00" },
    };
}

function clientFor(url: string, options: Partial<ClientOptions> = {}): OrgConnectionsClient {
    return new OrgConnectionsClient({
        apiUrl: url,
        apiKey: API_KEY,
        appKey: APP_KEY,
        sleep: async () => undefined,
        retry: { enabled: false },
        ...options,
    });
}

let server: ScriptedServer | undefined;

afterEach(async () => {
    await server?.close();
    server = undefined;
});

describe("site names", () => {
    test.each(["constructor", "__proto__", "toString", "hasOwnProperty"])(
        "site %s is unknown",
        (site) => {
            expect(() => resolveApiUrl({ site })).toThrow(`Unknown Datadog site "${site}".`);
        },
    );
});

describe("request timeout", () => {
    test("timeout beyond setTimeout range rejected", () => {
        expect(() => clientFor("http://127.0.0.1:9", { requestTimeoutSeconds: 3_000_000 })).toThrow(
            "Invalid request timeout 3000000: use a positive number of seconds. " +
                "The maximum is 2147483.",
        );
    });

    test("timeout setting beyond range rejected", () => {
        const env = { DD_HTTP_CLIENT_REQUEST_TIMEOUT: "3000000" };
        expect(() => readProviderSettings({ get: () => undefined }, env)).toThrow(
            'Invalid value "3000000" for DD_HTTP_CLIENT_REQUEST_TIMEOUT: use a number ' +
                "greater than 0 and at most 2147483 (seconds).",
        );
    });

    test("largest timeout still waits", async () => {
        server = await startServer((_req, res) => {
            setTimeout(() => sendJson(res, 200, { data: [] }), 50);
        });
        const client = clientFor(server.url, { requestTimeoutSeconds: 2_147_483 });
        await expect(client.listOrgConnections()).resolves.toEqual([]);
    });

    test("body stalled mid-way times out", async () => {
        server = await startServer((_req, res) => {
            res.writeHead(200, { "Content-Type": "application/json" });
            res.write('{"data": [');
        });
        const client = clientFor(server.url, { requestTimeoutSeconds: 0.3 });
        const error = await client.listOrgConnections().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatadogApiError);
        expect((error as DatadogApiError).kind).toBe("timeout");
        expect((error as Error).message).toContain("timed out after 0.3 s");
    });
});

describe("keys in responses", () => {
    test("redirect location with key redacted", async () => {
        server = await startServer((_req, res) => {
            res.writeHead(302, { Location: `http://127.0.0.1:9/?api_key=${API_KEY}` });
            res.end();
        });
        const error = await clientFor(server.url)
            .listOrgConnections()
            .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatadogApiError);
        const message = (error as Error).message;
        expect(message).not.toContain(API_KEY);
        expect(message).toContain("redirected to http://127.0.0.1:9/?api_key=<redacted>");
        expect(server.requests).toHaveLength(1);
    });

    test("rate limit name with key redacted", async () => {
        server = await startServer((_req, res) => {
            res.writeHead(429, { "X-RateLimit-Name": `limit-${APP_KEY}` });
            res.end();
        });
        const error = await clientFor(server.url)
            .listOrgConnections()
            .catch((e: unknown) => e);
        const message = (error as Error).message;
        expect(message).not.toContain(APP_KEY);
        expect(message).toContain('The Datadog rate limit "limit-<redacted>" is still exceeded.');
    });

    test("echoed key in list body redacted", async () => {
        server = await startServer((_req, res) => sendJson(res, 200, { data: APP_KEY }));
        const error = await clientFor(server.url)
            .listOrgConnections()
            .catch((e: unknown) => e);
        const message = (error as Error).message;
        expect(message).not.toContain(APP_KEY);
        expect(message).toContain('data must be an array, but it is "<redacted>".');
    });

    test("key cut by truncation not quoted", async () => {
        const filler = "x".repeat(60);
        server = await startServer((_req, res) => sendJson(res, 200, { data: filler + API_KEY }));
        const error = await clientFor(server.url)
            .listOrgConnections()
            .catch((e: unknown) => e);
        const message = (error as Error).message;
        expect(message).not.toContain(API_KEY.slice(0, 6));
        expect(message).toContain(`data must be an array, but it is "${filler}<redacted>"`);
    });
});

describe("malformed listings", () => {
    test("endless pages without counts stop", async () => {
        let next = 0;
        server = await startServer((_req, res, url) => {
            const limit = Number(url.searchParams.get("limit"));
            const data = Array.from({ length: limit }, () => connection(uuid(next++)));
            sendJson(res, 200, { data });
        });
        const error = await clientFor(server.url)
            .listOrgConnections()
            .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(IncompleteListingError);
        expect((error as Error).message).toContain(
            "returned an incomplete listing: more than 100000 connections were read, which is " +
                "more than the client accepts in one listing, so the pages may never end.",
        );
        expect(server.requests).toHaveLength(101);
    }, 20_000);

    test("upper-case connection id rejected", async () => {
        const id = uuid(1).toUpperCase();
        server = await startServer((_req, res) => sendJson(res, 200, { data: [connection(id)] }));
        const error = await clientFor(server.url)
            .listOrgConnections()
            .catch((e: unknown) => e);
        expect((error as Error).name).toBe("InvalidResponseError");
        expect((error as Error).message).toContain(
            `Invalid org connection in the response: id must be a lower-case UUID, ` +
                `but it is "${id}".`,
        );
    });

    test("upper-case sink org id rejected", async () => {
        const sinkId = uuid(2).toUpperCase();
        const item = {
            ...connection(uuid(1)),
            relationships: { sink_org: { data: { type: "orgs", id: sinkId } } },
        };
        server = await startServer((_req, res) => sendJson(res, 200, { data: [item] }));
        const error = await clientFor(server.url)
            .listOrgConnections()
            .catch((e: unknown) => e);
        expect((error as Error).message).toContain(
            "Invalid org connection in the response: relationships.sink_org.data must be an " +
                'object with a lower-case UUID "id"',
        );
    });
});
