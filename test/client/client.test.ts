import * as fs from "fs";
import * as path from "path";

import { ClientOptions, OrgConnectionsClient } from "../../provider/client";
import { DatadogApiError, IncompleteListingError, isDatadogApiError } from "../../provider/errors";
import { buildCreateBody, buildUpdateBody } from "../../provider/payload";
import { DatadogSimulator, SimConnection, SimKeys, SimOrg } from "../../simulator";
import { startRecordingProxy } from "./recordingProxy";

const UNKNOWN_ORG_ID = "00000000-0000-4000-8000-000000000000";
const UUID_HINT =
    'it must be a lower-case UUID such as "0f3c2a7e-5b1d-4c8e-9a6f-2d4b8e1c7a90". ' +
    "No request was sent. Use the id that Datadog reports.";
const INCOMPLETE_STEP =
    "The listing cannot prove which connections exist, so it was rejected. Run the command " +
    "again, and contact Datadog support if this persists.";

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
    sinks: SimOrg[];
    keys: SimKeys;
}

/** Creates a source org with keys and `sinkCount` sink orgs in one account, new for each test. */
function newAccount(sinkCount: number, permissions?: string[]): Account {
    const source = sim.addOrg({ name: "Source Org" });
    const sinks = Array.from({ length: sinkCount }, (_, i) =>
        sim.addOrg({ name: `Sink Org ${i + 1}` }),
    );
    const keys = sim.addKeys(source.id, permissions === undefined ? undefined : { permissions });
    return { source, sinks, keys };
}

/** Stores a connection as if it had been made outside Pulumi. */
function seed(source: SimOrg, sink: SimOrg, connectionTypes = ["logs"]): SimConnection {
    return sim.seedConnection({ sourceOrgId: source.id, sinkOrgId: sink.id, connectionTypes });
}

function clientFor(keys: SimKeys, options: Partial<ClientOptions> = {}): OrgConnectionsClient {
    return new OrgConnectionsClient({
        apiUrl: sim.url,
        apiKey: keys.apiKey,
        appKey: keys.appKey,
        sleep: async () => undefined,
        ...options,
    });
}

/** Runs `action` and returns what it threw. Fails the test when it does not throw. */
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

describe("createOrgConnection", () => {
    it("posts the JSON:API body and returns the names", async () => {
        const { source, sinks, keys } = newAccount(1);
        const record = await clientFor(keys).createOrgConnection(sinks[0].id, ["logs", "metrics"]);

        expect(record.connectionTypes).toEqual(["logs", "metrics"]);
        expect(record.sourceOrg).toEqual({ id: source.id, name: "Source Org" });
        expect(record.sinkOrg).toEqual({ id: sinks[0].id, name: "Sink Org 1" });
        expect(record.createdBy?.id).toBe(keys.userId);
        expect(record.createdBy?.name).toMatch(/^Sim User \d+$/);
        expect(record.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
        expect(sim.connections().map((c) => c.id)).toContain(record.id);

        expect(sim.requests).toHaveLength(1);
        expect(sim.requests[0].method).toBe("POST");
        expect(sim.requests[0].path).toBe("/api/v2/org_connections");
        expect(sim.requests[0].orgId).toBe(source.id);
        expect(sim.requests[0].body).toEqual(buildCreateBody(sinks[0].id, ["logs", "metrics"]));
    });

    it("reports 409 with Datadog's text and sends one POST", async () => {
        const { source, sinks, keys } = newAccount(1);
        seed(source, sinks[0]);
        const error = await apiFailureOf(() =>
            clientFor(keys).createOrgConnection(sinks[0].id, ["logs"]),
        );

        const text = `connection between orgs ${source.id} and ${sinks[0].id} already exists`;
        expect(isDatadogApiError(error)).toBe(true);
        expect(error.status).toBe(409);
        expect(error.retryable).toBe(false);
        expect(error.errors).toEqual([text]);
        expect(error.message).toBe(`POST /api/v2/org_connections failed with HTTP 409: ${text}.`);
        expect(sim.countRequests({ method: "POST" })).toBe(1);
    });

    it("reports an unknown sink org as 404 Not found", async () => {
        const { keys } = newAccount(0);
        const error = await apiFailureOf(() =>
            clientFor(keys).createOrgConnection(UNKNOWN_ORG_ID, ["logs"]),
        );
        expect(error.status).toBe(404);
        expect(error.errors).toEqual(["Not found"]);
        expect(error.message).toBe("POST /api/v2/org_connections failed with HTTP 404: Not found.");
    });

    it("names the write permission and the API URL on 403", async () => {
        const { sinks, keys } = newAccount(1, ["org_connections_read"]);
        const error = await apiFailureOf(() =>
            clientFor(keys).createOrgConnection(sinks[0].id, ["logs"]),
        );
        expect(error.status).toBe(403);
        expect(error.message).toBe(
            "POST /api/v2/org_connections failed with HTTP 403: Forbidden. " +
                `Datadog at ${sim.url} rejected the keys. Check that the application key is ` +
                "valid, belongs to the org that sends the request and has the " +
                "org_connections_write permission. Keys created on another Datadog site are also " +
                "rejected with 403, so check the site or API URL.",
        );
        expectNoKeys(error.message, keys);
    });

    it("names the site it was given on 403", async () => {
        const { keys } = newAccount(0, []);
        const client = clientFor(keys, { site: "datadoghq.eu" });
        const error = await apiFailureOf(() => client.listOrgConnections());
        expect(error.message).toContain(
            `Datadog at ${sim.url} (site datadoghq.eu) rejected the keys.`,
        );
        expect(error.message).toContain("has the org_connections_read permission.");
    });

    it("rejects bad input before any request", async () => {
        const { keys } = newAccount(0);
        const client = clientFor(keys);
        await expect(client.createOrgConnection("not-a-uuid", ["logs"])).rejects.toThrow(
            `Invalid sink org id "not-a-uuid": ${UUID_HINT}`,
        );
        await expect(client.createOrgConnection(UNKNOWN_ORG_ID, [])).rejects.toThrow(
            'Invalid connection types []: give a non-empty list such as ["logs", "metrics"]. ' +
                "No request was sent.",
        );
        expect(sim.requests).toHaveLength(0);
    });
});

describe("listOrgConnections", () => {
    it("reads every page with limit and offset", async () => {
        const { source, sinks, keys } = newAccount(5);
        const seeded = sinks.map((sink) => seed(source, sink));
        const records = await clientFor(keys, { pageSize: 2 }).listOrgConnections();

        expect(records.map((r) => r.id)).toEqual(seeded.map((c) => c.id));
        expect(records.map((r) => r.sinkOrg?.name)).toEqual(sinks.map((s) => s.name));
        expect(sim.requests.map((r) => r.query)).toEqual([
            { limit: "2", offset: "0" },
            { limit: "2", offset: "2" },
            { limit: "2", offset: "4" },
        ]);
        expect(sim.requests.every((r) => r.orgId === source.id)).toBe(true);
    });

    it("reads an empty listing with one request", async () => {
        const { keys } = newAccount(0);
        await expect(clientFor(keys).listOrgConnections()).resolves.toEqual([]);
        expect(sim.requests.map((r) => r.query)).toEqual([{ limit: "1000", offset: "0" }]);
    });

    it("filters by sink, by source and by both", async () => {
        const { source, sinks, keys } = newAccount(3);
        const other = sim.addOrg({ name: "Other Source" });
        const toFirst = seed(source, sinks[0]);
        const toSecond = seed(source, sinks[1], ["metrics"]);
        // A connection where the caller is the sink is listed too.
        const incoming = seed(other, source, ["audit"]);
        const client = clientFor(keys, { pageSize: 1 });

        const bySink = await client.listOrgConnections({ sinkOrgId: sinks[1].id });
        expect(bySink.map((r) => r.id)).toEqual([toSecond.id]);
        expect(sim.requests[0].query).toEqual({
            sink_org_id: sinks[1].id,
            limit: "1",
            offset: "0",
        });

        const bySource = await client.listOrgConnections({ sourceOrgId: source.id });
        expect(bySource.map((r) => r.id)).toEqual([toFirst.id, toSecond.id]);

        const both = await client.listOrgConnections({
            sourceOrgId: other.id,
            sinkOrgId: source.id,
        });
        expect(both.map((r) => r.id)).toEqual([incoming.id]);
        expect(both[0].connectionTypes).toEqual(["audit"]);

        const none = await client.listOrgConnections({
            sourceOrgId: source.id,
            sinkOrgId: sinks[2].id,
        });
        expect(none).toEqual([]);

        const all = await client.listOrgConnections();
        const expected = [toFirst.id, toSecond.id, incoming.id].sort();
        expect(all.map((r) => r.id).sort()).toEqual(expected);
    });

    it("rejects an empty page that contradicts total_count", async () => {
        const { source, sinks, keys } = newAccount(5);
        sinks.forEach((sink) => seed(source, sink));
        const emptyPage = { data: [], meta: { page: { total_count: 5 } } };
        sim.injectFault({
            method: "GET",
            path: "/api/v2/org_connections",
            action: { type: "status", status: 200, body: JSON.stringify(emptyPage) },
        });
        const error = await failureOf(() => clientFor(keys).listOrgConnections());

        expect(error).toBeInstanceOf(IncompleteListingError);
        expect(error.message).toBe(
            "GET /api/v2/org_connections?limit=1000&offset=0 returned an incomplete listing: the " +
                "page is empty, but meta.page.total_count is 5 and only 0 connections were read. " +
                INCOMPLETE_STEP,
        );
        expect(sim.countRequests({ method: "GET" })).toBe(1);
    });

    it("rejects a later empty page that contradicts total_filtered_count", async () => {
        const { source, sinks, keys } = newAccount(5);
        sinks.forEach((sink) => seed(source, sink));
        // The first page is served normally, and the second is an empty page with the real counts.
        const emptyPage = { data: [], meta: { page: { total_count: 5, total_filtered_count: 5 } } };
        sim.injectFault({ method: "GET", action: { type: "delay", ms: 0 } });
        sim.injectFault({
            method: "GET",
            action: { type: "status", status: 200, body: JSON.stringify(emptyPage) },
        });
        const client = clientFor(keys, { pageSize: 2 });
        const error = await failureOf(() => client.listOrgConnections({ sourceOrgId: source.id }));

        expect(error).toBeInstanceOf(IncompleteListingError);
        expect(error.message).toBe(
            `GET /api/v2/org_connections?source_org_id=${source.id}&limit=2&offset=2 returned an ` +
                "incomplete listing: the page is empty, but meta.page.total_filtered_count is 5 " +
                `and only 2 connections were read. ${INCOMPLETE_STEP}`,
        );
    });

    it("restarts when a connection is added between pages", async () => {
        const { source, sinks, keys } = newAccount(4);
        sinks.slice(0, 3).forEach((sink) => seed(source, sink));
        const warnings: string[] = [];
        const client = clientFor(keys, {
            pageSize: 2,
            log: (level, message) => level === "warn" && warnings.push(message),
        });
        // Hold the second page so the test can add a connection while the client has the first.
        sim.injectFault({ method: "GET", action: { type: "delay", ms: 0 } });
        sim.injectFault({ method: "GET", action: { type: "delay", ms: 500 } });
        const listing = client.listOrgConnections();
        while (sim.requests.length < 2) {
            await new Promise((resolve) => setTimeout(resolve, 5));
        }
        seed(source, sinks[3]);

        const records = await listing;
        expect(records).toHaveLength(4);
        // Pages at offsets 0 and 2, then a full second pass of two pages.
        expect(sim.requests.map((r) => r.query.offset)).toEqual(["0", "2", "0", "2"]);
        expect(warnings).toEqual([
            "Restarting the org connections listing because meta.page.total_filtered_count " +
                "changed from 3 to 4 between pages.",
        ]);
    });

    it("names the read permission on 403", async () => {
        const { keys } = newAccount(0, ["org_connections_write"]);
        const error = await apiFailureOf(() => clientFor(keys).listOrgConnections());
        expect(error.status).toBe(403);
        expect(error.method).toBe("GET");
        expect(error.path).toBe("/api/v2/org_connections");
        expect(error.query).toBe("?limit=1000&offset=0");
        expect(error.message).toContain("has the org_connections_read permission.");
        expect(error.message).toContain(`Datadog at ${sim.url} rejected the keys.`);
        expectNoKeys(error.message, keys);
    });

    it("rejects a filter that is not a UUID before any request", async () => {
        const { keys } = newAccount(0);
        const client = clientFor(keys);
        await expect(client.listOrgConnections({ sinkOrgId: "Org-B" })).rejects.toThrow(
            `Invalid sink org id "Org-B": ${UUID_HINT}`,
        );
        await expect(client.listOrgConnections({ sourceOrgId: "" })).rejects.toThrow(
            `Invalid source org id "": ${UUID_HINT}`,
        );
        expect(sim.requests).toHaveLength(0);
    });
});

describe("updateOrgConnection", () => {
    it("patches the types and returns names absent", async () => {
        const { source, sinks, keys } = newAccount(1);
        const seeded = seed(source, sinks[0]);
        const record = await clientFor(keys).updateOrgConnection(seeded.id, ["metrics", "logs"]);

        expect(record).toEqual({
            id: seeded.id,
            connectionTypes: ["metrics", "logs"],
            createdAt: seeded.createdAt,
            sourceOrg: { id: source.id },
            sinkOrg: { id: sinks[0].id },
            createdBy: { id: seeded.createdById },
        });
        const stored = sim.connections().find((c) => c.id === seeded.id);
        expect(stored?.connectionTypes).toEqual(["metrics", "logs"]);
        expect(sim.requests[0].method).toBe("PATCH");
        expect(sim.requests[0].path).toBe(`/api/v2/org_connections/${seeded.id}`);
        expect(sim.requests[0].body).toEqual(buildUpdateBody(seeded.id, ["metrics", "logs"]));
    });

    it("reports an unknown id with Datadog's 404 text", async () => {
        const { keys } = newAccount(0);
        const id = "11111111-2222-4333-8444-555555555555";
        const error = await apiFailureOf(() => clientFor(keys).updateOrgConnection(id, ["logs"]));
        const text = `Org connection with id:${id} not found not found`;
        expect(error.status).toBe(404);
        expect(error.errors).toEqual([text]);
        expect(error.message).toBe(
            `PATCH /api/v2/org_connections/${id} failed with HTTP 404: ${text}.`,
        );
        expect(sim.countRequests({ method: "PATCH" })).toBe(1);
    });

    it.each([
        "abc",
        "../validate",
        "{11111111-2222-4333-8444-555555555555}",
        "11111111-2222-4333-8444-55555555555A",
    ])("rejects the id %s before any request", async (id) => {
        const { keys } = newAccount(0);
        await expect(clientFor(keys).updateOrgConnection(id, ["logs"])).rejects.toThrow(
            `Invalid org connection id ${JSON.stringify(id)}: ${UUID_HINT}`,
        );
        expect(sim.requests).toHaveLength(0);
    });
});

describe("deleteOrgConnection", () => {
    it("deletes, then reports 404 with Datadog's text", async () => {
        const { source, sinks, keys } = newAccount(1);
        const seeded = seed(source, sinks[0]);
        const client = clientFor(keys);

        await expect(client.deleteOrgConnection(seeded.id)).resolves.toBeUndefined();
        expect(sim.connections().some((c) => c.id === seeded.id)).toBe(false);

        const error = await apiFailureOf(() => client.deleteOrgConnection(seeded.id));
        const text = `org connection with id:${seeded.id} not found not found`;
        expect(error.status).toBe(404);
        expect(error.retryable).toBe(false);
        expect(error.attempts).toBe(1);
        expect(error.errors).toEqual([text]);
        expect(error.message).toBe(
            `DELETE /api/v2/org_connections/${seeded.id} failed with HTTP 404: ${text}.`,
        );
        expect(sim.countRequests({ method: "DELETE" })).toBe(2);
    });

    it("rejects a non-UUID id before any request", async () => {
        const { keys } = newAccount(0);
        await expect(clientFor(keys).deleteOrgConnection("malformed_id")).rejects.toThrow(
            `Invalid org connection id "malformed_id": ${UUID_HINT}`,
        );
        expect(sim.requests).toHaveLength(0);
    });
});

describe("headers", () => {
    it("carry the keys and the User-Agent, never the URL", async () => {
        const { source, sinks, keys } = newAccount(1);
        const proxy = await startRecordingProxy(sim.url);
        try {
            const client = clientFor(keys, { apiUrl: proxy.url });
            const created = await client.createOrgConnection(sinks[0].id, ["logs"]);
            await client.listOrgConnections({ sinkOrgId: sinks[0].id });
            await client.updateOrgConnection(created.id, ["metrics"]);
            await client.deleteOrgConnection(created.id);
        } finally {
            await proxy.stop();
        }

        const manifestPath = path.join(__dirname, "../../package.json");
        const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { version: string };
        const version = manifest.version;
        const expectedAgent = `pulumi-datadog-org-connections/${version} (node ${process.version})`;
        expect(proxy.requests.map((r) => r.method)).toEqual(["POST", "GET", "PATCH", "DELETE"]);
        for (const request of proxy.requests) {
            expect(request.headers["dd-api-key"]).toBe(keys.apiKey);
            expect(request.headers["dd-application-key"]).toBe(keys.appKey);
            expect(request.headers["user-agent"]).toBe(expectedAgent);
            expect(request.headers.accept).toBe("application/json");
            expectNoKeys(request.url, keys);
        }
        expect(proxy.requests[0].headers["content-type"]).toBe("application/json");
        expect(sim.requests.map((r) => r.orgId)).toEqual(Array(4).fill(source.id));
        expectNoKeys(JSON.stringify(sim.requests), keys);
    });
});

describe("OrgConnectionsClient options", () => {
    const keys = { apiKey: "api-key-value", appKey: "app-key-value" };
    const construct = (options: Partial<ClientOptions>) =>
        new OrgConnectionsClient({ apiUrl: "http://127.0.0.1:1", ...keys, ...options });

    it.each([
        [
            { apiUrl: "http://api.datadoghq.com" },
            'Invalid Datadog API URL "http://api.datadoghq.com/": plain http would send the keys ' +
                "unencrypted, so it is allowed only for loopback hosts. " +
                "Use https://api.datadoghq.com.",
        ],
        [
            { apiKey: "" },
            "Missing Datadog API key: set datadog:apiKey or DD_API_KEY to the key from your " +
                "Datadog org.",
        ],
        [
            { appKey: "app key with spaces" },
            "Invalid Datadog application key: it contains spaces, line breaks or non-ASCII " +
                "characters, which cannot be sent in a header. Copy the key again from Datadog " +
                "and set datadog:appKey or DD_APP_KEY.",
        ],
        [{ pageSize: 0 }, "Invalid page size 0: use a whole number from 1 to 1000."],
        [{ pageSize: 1001 }, "Invalid page size 1001: use a whole number from 1 to 1000."],
        [
            { requestTimeoutSeconds: 0 },
            "Invalid request timeout 0: use a positive number of seconds.",
        ],
        [
            { retry: { maxRetries: 9 } },
            "Invalid retry setting maxRetries=9: use a whole number from 1 to 5.",
        ],
    ] as [Partial<ClientOptions>, string][])("rejects %j", (options, message) => {
        expect(() => construct(options)).toThrow(message);
    });

    it("never quotes a malformed key", () => {
        const error = (() => {
            try {
                construct({ apiKey: "secret\nvalue" });
            } catch (e) {
                return e as Error;
            }
            throw new Error("expected the constructor to throw");
        })();
        expect(error.message).toMatch(
            /^Invalid Datadog API key: it contains spaces, line breaks or non-ASCII characters/,
        );
        expect(error.message).not.toContain("secret");
    });
});
