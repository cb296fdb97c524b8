/**
 * The provider against odd settings and a scripted server on 127.0.0.1 that returns what
 * Datadog never should.
 */
import * as http from "http";
import { AddressInfo } from "net";

import { makeProvider } from "./fixture";

const API_KEY = "attack-api-key-0123456789abcdef";
const APP_KEY = "attack-app-key-fedcba9876543210";
const CONNECTION_ID = "3f1c0b8e-2a4d-4f6b-9c1e-000000000001";
const SOURCE_ID = "a1b2c3d4-0000-4000-8000-000000000001";
const SINK_ID = "a1b2c3d4-0000-4000-8000-000000000002";

/** Starts a server on 127.0.0.1 that responds to every request with the JSON `body`. */
async function startServer(
    body: unknown,
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

function listedConnection(id: string, sinkId: string): object {
    return {
        type: "org_connection",
        id,
        attributes: { connection_types: ["logs"], created_at: "2025-08-26T20:19:35+00:00" },
        relationships: {
            source_org: { data: { type: "orgs", id: SOURCE_ID } },
            sink_org: { data: { type: "orgs", id: sinkId } },
        },
    };
}

const STORED = {
    connectionId: CONNECTION_ID,
    sinkOrgId: SINK_ID,
    sourceOrgId: SOURCE_ID,
    connectionTypes: ["logs"],
    createdAt: "2025-08-26T20:19:35+00:00",
};

describe("provider settings", () => {
    test("site constructor fails check", async () => {
        const { provider } = await makeProvider({
            "datadog:site": "constructor",
            "datadog:apiKey": API_KEY,
            "datadog:appKey": APP_KEY,
        });
        const result = await provider.check({}, { sinkOrgId: SINK_ID, connectionTypes: ["logs"] });
        expect(result.failures).toHaveLength(1);
        expect(result.failures?.[0].reason).toContain(
            'The default credentials: Unknown Datadog site "constructor".',
        );
    });

    test("profile named __proto__ resolves", async () => {
        // A JSON text, because an object literal with __proto__ would set its prototype.
        const profiles = `{"__proto__": {"apiKey": "${API_KEY}", "appKey": "${APP_KEY}"}}`;
        const { provider } = await makeProvider({
            "datadog:apiUrl": "http://127.0.0.1:9",
            "datadog:profiles": profiles,
        });
        const result = await provider.check(
            {},
            { sinkOrgId: SINK_ID, connectionTypes: ["logs"], profile: "__proto__" },
        );
        expect(result.failures).toEqual([]);
    });
});

describe("provider read of odd listings", () => {
    test("upper-case id keeps the state", async () => {
        const body = {
            data: [listedConnection(CONNECTION_ID.toUpperCase(), SINK_ID)],
            meta: { page: { total_count: 1, total_filtered_count: 1 } },
        };
        const server = await startServer(body);
        try {
            const { provider } = await makeProvider({
                "datadog:apiUrl": server.url,
                "datadog:apiKey": API_KEY,
                "datadog:appKey": APP_KEY,
            });
            await expect(
                provider.read(CONNECTION_ID, { ...STORED, __provider: "exports.handler = __f0;" }),
            ).rejects.toThrow(
                `Reading org connection ${CONNECTION_ID} failed, so the state keeps it ` +
                    `unchanged: GET /api/v2/org_connections?sink_org_id=${SINK_ID}&limit=1000` +
                    `&offset=0 returned HTTP 200 with an unexpected body. Invalid org connection ` +
                    `in the response: id must be a lower-case UUID`,
            );
        } finally {
            await server.close();
        }
    });

    test("upper-case sink id keeps the state", async () => {
        const body = {
            data: [listedConnection(CONNECTION_ID, SINK_ID.toUpperCase())],
            meta: { page: { total_count: 1, total_filtered_count: 1 } },
        };
        const server = await startServer(body);
        try {
            const { provider } = await makeProvider({
                "datadog:apiUrl": server.url,
                "datadog:apiKey": API_KEY,
                "datadog:appKey": APP_KEY,
            });
            await expect(
                provider.read(CONNECTION_ID, { ...STORED, __provider: "exports.handler = __f0;" }),
            ).rejects.toThrow(
                "relationships.sink_org.data must be an object with a lower-case UUID",
            );
        } finally {
            await server.close();
        }
    });
});
