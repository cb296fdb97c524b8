import {
    EMPTY_PAGE,
    INCONSISTENT_PAGE,
    LIST,
    ProviderFixture,
    configWithKeys,
    createToSink,
    injectListFault,
    makeProvider,
    seed,
    startFixture,
} from "./fixture";

/** Provider options with two short waits before concluding that a new connection is gone. */
const RECHECKS = { absenceRecheckDelaysMs: [100, 200] };

describe("provider read", () => {
    let f: ProviderFixture;

    beforeEach(async () => {
        f = await startFixture();
    });

    afterEach(async () => {
        await f.sim.stop();
    });

    test("matches by id among two connections to one sink", async () => {
        // A second source org also connects to the sink, and the sink org's keys list both.
        const otherSource = f.sim.addOrg({ name: "Other Source Org" });
        const a = seed(f, f.sink.id, ["metrics"], otherSource.id);
        const b = seed(f, f.sink.id, ["logs"]);
        const sinkKeys = f.sim.addKeys(f.sink.id);
        const { provider } = await makeProvider(configWithKeys(f, sinkKeys));

        const stored = { connectionId: b.id, sinkOrgId: f.sink.id, connectionTypes: ["logs"] };
        const read = await provider.read(b.id, stored);
        expect(read.id).toBe(b.id);
        expect(read.props).toEqual({
            connectionId: b.id,
            sinkOrgId: f.sink.id,
            sinkOrgName: "Sink Org",
            sourceOrgId: f.source.id,
            sourceOrgName: "Source Org",
            connectionTypes: ["logs"],
            createdAt: b.createdAt,
            createdById: f.user.id,
            createdByName: "Jane Doe",
        });
        expect(read.inputs).toEqual({ sinkOrgId: f.sink.id, connectionTypes: ["logs"] });
        expect(JSON.stringify(read)).not.toContain(a.id);
        expect(JSON.stringify(read)).not.toContain("Other Source Org");
    });

    test("drift is returned in inputs", async () => {
        const created = await createToSink(f);
        f.sim.editConnection(created.id, ["metrics", "logs"]);

        const read = await f.provider.read(created.id, { ...created.outs, __provider: "x" });
        expect(read.props).toEqual({ ...created.outs, connectionTypes: ["logs", "metrics"] });
        expect(read.inputs).toEqual({ sinkOrgId: f.sink.id, connectionTypes: ["logs", "metrics"] });

        // The next up converges with one PATCH back to the declared types.
        const declared = { sinkOrgId: f.sink.id, connectionTypes: ["logs"] };
        const diff = await f.provider.diff(created.id, read.props, declared);
        expect(diff.changes).toBe(true);
        expect(diff.replaces).toEqual([]);
        f.sim.clearRequests();
        await f.provider.update(created.id, read.props, declared);
        expect(f.sim.requests.map((r) => [r.method, r.path, r.body])).toEqual([
            [
                "PATCH",
                `${LIST}/${created.id}`,
                {
                    data: {
                        type: "org_connection",
                        id: created.id,
                        attributes: { connection_types: ["logs"] },
                    },
                },
            ],
        ]);
    });

    test("profile and adopt id are kept in inputs", async () => {
        const created = await createToSink(f);
        const stored = { ...created.outs, profile: "default", adoptConnectionId: created.id };

        const read = await f.provider.read(created.id, stored);
        expect(read.inputs).toEqual({
            sinkOrgId: f.sink.id,
            connectionTypes: ["logs"],
            profile: "default",
            adoptConnectionId: created.id,
        });
    });

    test("5xx after retries fails the read", async () => {
        const created = await createToSink(f);
        injectListFault(f, "GET", { type: "status", status: 502 }, 4);

        await expect(f.provider.read(created.id, created.outs)).rejects.toThrow(
            `Reading org connection ${created.id} failed, so the state keeps it unchanged: GET ${LIST}?sink_org_id=` +
                `${f.sink.id}&limit=1000&offset=0 failed with HTTP 502: Bad Gateway. All 4 attempts failed. Datadog ` +
                "reported a server error. Run the command again later, and check https://status.datadoghq.com if it persists.",
        );
        expect(f.sim.countRequests({ method: "GET" })).toBe(4);
        expect(f.sim.connections()).toHaveLength(1);
    });

    test("inconsistent page fails the read", async () => {
        const created = await createToSink(f);
        injectListFault(f, "GET", { type: "status", status: 200, body: INCONSISTENT_PAGE }, 3);

        await expect(f.provider.read(created.id, created.outs)).rejects.toThrow(
            `Reading org connection ${created.id} failed, so the state keeps it unchanged: GET ${LIST}?sink_org_id=` +
                `${f.sink.id}&limit=1000&offset=0 returned an incomplete listing: the page is empty, but ` +
                "meta.page.total_filtered_count is 5 and only 0 connections were read. The listing cannot prove which " +
                "connections exist, so it was rejected. Run the command again, and contact Datadog support if this persists.",
        );
    });

    test("502, inconsistent page, then good page finds it", async () => {
        // Three refreshes in a row: the first two fail, and the third one finds the connection.
        const created = await createToSink(f);
        injectListFault(f, "GET", { type: "status", status: 502 }, 4);
        injectListFault(f, "GET", { type: "status", status: 200, body: INCONSISTENT_PAGE });

        const readAgain = () => f.provider.read(created.id, created.outs);
        await expect(readAgain()).rejects.toThrow("failed with HTTP 502");
        await expect(readAgain()).rejects.toThrow("returned an incomplete listing");
        const read = await f.provider.read(created.id, created.outs);
        expect(read.id).toBe(created.id);
        expect(f.sim.countRequests({ method: "POST" })).toBe(1);
    });

    test("network reset after retries fails the read", async () => {
        const created = await createToSink(f);
        injectListFault(f, "GET", { type: "reset" }, 4);

        await expect(f.provider.read(created.id, created.outs)).rejects.toThrow(
            new RegExp(
                `^Reading org connection ${created.id} failed, so the state keeps it unchanged: GET ${LIST}\\?sink_org_id=` +
                    `${f.sink.id}&limit=1000&offset=0 failed with a network error talking to ${f.sim.url} \\(ECONNRESET\\)`,
            ),
        );
    });

    test("429 after retries fails the read", async () => {
        const created = await createToSink(f);
        const page = "<html>Too Many Requests</html>";
        const throttled = {
            type: "status",
            status: 429,
            body: page,
            contentType: "text/html",
        } as const;
        injectListFault(f, "GET", throttled, 4);
        await expect(f.provider.read(created.id, created.outs)).rejects.toThrow(
            `Reading org connection ${created.id} failed, so the state keeps it unchanged: GET ${LIST}?sink_org_id=` +
                `${f.sink.id}&limit=1000&offset=0 failed with HTTP 429 (non-JSON response, text/html).`,
        );
    });

    test("unfiltered listing confirms before gone", async () => {
        const created = await createToSink(f);
        // The filtered listing misses it, but the unfiltered one still has it.
        injectListFault(f, "GET", { type: "status", status: 200, body: EMPTY_PAGE });
        f.sim.clearRequests();

        const read = await f.provider.read(created.id, created.outs);
        expect(read.id).toBe(created.id);
        expect(f.sim.requests.map((r) => r.query)).toEqual([
            { sink_org_id: f.sink.id, limit: "1000", offset: "0" },
            { limit: "1000", offset: "0" },
        ]);
    });

    test("unfiltered listing failure keeps the resource", async () => {
        const created = await createToSink(f);
        injectListFault(f, "GET", { type: "status", status: 200, body: EMPTY_PAGE });
        injectListFault(f, "GET", { type: "status", status: 200, body: INCONSISTENT_PAGE });

        await expect(f.provider.read(created.id, created.outs)).rejects.toThrow(
            `Reading org connection ${created.id} failed, so the state keeps it unchanged: GET ${LIST}?limit=1000&offset=0 ` +
                "returned an incomplete listing",
        );
    });

    test("deleted outside Pulumi is gone", async () => {
        const created = await createToSink(f);
        f.sim.deleteConnection(created.id);
        f.sim.clearRequests();

        expect(await f.provider.read(created.id, created.outs)).toEqual({});
        expect(f.sim.requests.map((r) => [r.method, r.query])).toEqual([
            ["GET", { sink_org_id: f.sink.id, limit: "1000", offset: "0" }],
            ["GET", { limit: "1000", offset: "0" }],
        ]);
        expect(f.logs).toContain(
            `debug: operation=read id=${created.id}: missing from a complete listing, so it was deleted outside Pulumi.`,
        );
    });

    test("read without a sink lists unfiltered", async () => {
        const created = await createToSink(f);
        f.sim.clearRequests();

        const read = await f.provider.read(created.id, {});
        expect(read.props).toEqual(created.outs);
        expect(f.sim.requests.map((r) => r.query)).toEqual([{ limit: "1000", offset: "0" }]);
    });

    test("recent create is listed again before gone", async () => {
        const { provider, sleeps } = await makeProvider(f.config, RECHECKS);
        const created = await provider.create({ sinkOrgId: f.sink.id, connectionTypes: ["logs"] });
        // The list does not show the new connection for the first three requests.
        injectListFault(f, "GET", { type: "status", status: 200, body: EMPTY_PAGE }, 3);
        f.sim.clearRequests();

        const read = await provider.read(created.id, created.outs);
        expect(read.id).toBe(created.id);
        expect(sleeps).toEqual([100, 200]);
        expect(f.sim.countRequests({ method: "GET" })).toBe(4);
    });

    test("recent create missing after rechecks is gone", async () => {
        const { provider, sleeps } = await makeProvider(f.config, RECHECKS);
        const created = await provider.create({ sinkOrgId: f.sink.id, connectionTypes: ["logs"] });
        f.sim.deleteConnection(created.id);

        expect(await provider.read(created.id, created.outs)).toEqual({});
        expect(sleeps).toEqual([100, 200]);
    });

    test("old connection is not listed again", async () => {
        const { provider, sleeps } = await makeProvider(f.config, RECHECKS);
        const created = await provider.create({ sinkOrgId: f.sink.id, connectionTypes: ["logs"] });
        f.sim.deleteConnection(created.id);

        const stored = { ...created.outs, createdAt: "2025-08-26T20:19:35.554634+00:00" };
        expect(await provider.read(created.id, stored)).toEqual({});
        expect(sleeps).toEqual([]);
    });

    test("read never sends a POST", async () => {
        const created = await createToSink(f);
        f.sim.deleteConnection(created.id);
        f.sim.clearRequests();

        await f.provider.read(created.id, created.outs);
        expect(f.sim.requests.every((r) => r.method === "GET")).toBe(true);
    });
});
