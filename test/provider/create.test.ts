import {
    EMPTY_PAGE,
    LIST,
    ProviderFixture,
    createToSink,
    injectListFault,
    inputsOf,
    makeProvider,
    seed,
    startFixture,
} from "./fixture";

describe("provider create", () => {
    let f: ProviderFixture;

    beforeEach(async () => {
        f = await startFixture();
    });

    afterEach(async () => {
        await f.sim.stop();
    });

    test("lost POST response is adopted without a second POST", async () => {
        injectListFault(f, "POST", { type: "reset-after-commit" });

        const result = await createToSink(f, ["logs", "metrics"]);
        const stored = f.sim.connections();
        expect(stored).toHaveLength(1);
        expect(result.id).toBe(stored[0].id);
        expect(result.outs).toEqual({
            connectionId: stored[0].id,
            sinkOrgId: f.sink.id,
            sinkOrgName: "Sink Org",
            sourceOrgId: f.source.id,
            sourceOrgName: "Source Org",
            connectionTypes: ["logs", "metrics"],
            createdAt: stored[0].createdAt,
            createdById: f.user.id,
            createdByName: "Jane Doe",
        });
        expect(f.sim.requests.map((r) => [r.method, r.query])).toEqual([
            ["POST", {}],
            ["GET", { sink_org_id: f.sink.id, limit: "1000", offset: "0" }],
        ]);
        expect(f.logs).toContain(
            `warn: operation=create id=${stored[0].id} sinkOrgId=${f.sink.id}: the POST took effect although its ` +
                "response was lost, so the connection found is its result.",
        );
    });

    test("5xx POST that stored nothing is sent again", async () => {
        injectListFault(f, "POST", { type: "status", status: 503 });

        const result = await createToSink(f);
        expect(f.sim.connections().map((c) => c.id)).toEqual([result.id]);
        expect(f.sim.requests.map((r) => [r.method, r.status])).toEqual([
            ["POST", 503],
            ["GET", 200],
            ["POST", 200],
        ]);
        // Backoff of the first retry: base 2 s times the fixed jitter 0.5.
        expect(f.sleeps).toEqual([1000]);
    });

    test("429 POST waits for the rate limit reset", async () => {
        f.sim.injectFault({
            method: "POST",
            path: LIST,
            action: { type: "status", status: 429, headers: { "X-RateLimit-Reset": "3" } },
        });

        await createToSink(f);
        expect(f.sim.requests.map((r) => [r.method, r.status])).toEqual([
            ["POST", 429],
            ["GET", 200],
            ["POST", 200],
        ]);
        expect(f.sleeps).toEqual([3500]);
    });

    test("POST failing every time stops after the retries", async () => {
        injectListFault(f, "POST", { type: "status", status: 500 }, Infinity);

        await expect(createToSink(f)).rejects.toThrow(
            `Creating the org connection to sink org ${f.sink.id} failed: POST ${LIST} failed with HTTP 500: Internal ` +
                "Server Error. The POST was sent once and not resent, because Datadog may have applied it and a second " +
                "POST could apply it twice. Datadog reported a server error. Run the command again later, and check " +
                `https://status.datadoghq.com if it persists. No connection to sink org ${f.sink.id} exists afterwards, ` +
                "so the connection was not created (4 POST attempts). Run `pulumi up` again.",
        );
        expect(f.sim.countRequests({ method: "POST" })).toBe(4);
        expect(f.sim.countRequests({ method: "GET" })).toBe(4);
        expect(f.sim.connections()).toEqual([]);
    });

    test("POST is not resent when retries are off", async () => {
        const config = { ...f.config, "datadog:httpClientRetryEnabled": "false" };
        const { provider } = await makeProvider(config);
        injectListFault(f, "POST", { type: "reset" });

        const inputs = inputsOf({ sinkOrgId: f.sink.id, connectionTypes: ["logs"] });
        const creating = provider.create(inputs);
        await expect(creating).rejects.toThrow(
            "so the connection was not created (1 POST attempt). Run `pulumi up` again.",
        );
        expect(f.sim.countRequests({ method: "POST" })).toBe(1);
    });

    test("409 names the existing id and the adopt line", async () => {
        const existing = seed(f, f.sink.id, ["metrics"]);

        await expect(createToSink(f)).rejects.toThrow(
            `Creating the org connection to sink org ${f.sink.id} failed: POST ${LIST} failed with HTTP 409: ` +
                `connection between orgs ${f.source.id} and ${f.sink.id} already exists. Existing connection: ` +
                `${existing.id} (connectionTypes ["metrics"]). To manage it with Pulumi, add adoptConnectionId: ` +
                `"${existing.id}" to this OrgConnection's arguments and run \`pulumi up\` again.`,
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
    });

    test("409 after a lost response is not looped", async () => {
        // The first POST is stored but its response lost, and the list does not show it yet, so the
        // resent POST meets 409 and stops there.
        injectListFault(f, "POST", { type: "reset-after-commit" });
        injectListFault(f, "GET", { type: "status", status: 200, body: EMPTY_PAGE });

        await expect(createToSink(f)).rejects.toThrow(
            /failed with HTTP 409: .* To manage it with Pulumi, add adoptConnectionId: "[0-9a-f-]{36}"/u,
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["POST", "GET", "POST", "GET"]);
        expect(f.sim.connections()).toHaveLength(1);
    });

    test("unknown outcome with other types is not adopted", async () => {
        // The POST fails with a 500, and the listing shows a connection to the sink with other
        // types (made outside Pulumi), so it cannot be the result of this POST.
        const stored = seed(f, f.sink.id, ["audit"]);
        injectListFault(f, "POST", { type: "status", status: 500 });

        await expect(createToSink(f)).rejects.toThrow(
            `Creating the org connection to sink org ${f.sink.id} failed: POST ${LIST} failed with HTTP 500: Internal ` +
                "Server Error. The POST was sent once and not resent, because Datadog may have applied it and a second " +
                "POST could apply it twice. Datadog reported a server error. Run the command again later, and check " +
                "https://status.datadoghq.com if it persists. A connection to this sink org exists now, but not exactly " +
                'one that matches the request (connectionTypes ["logs"]), so none was taken as the result: ' +
                `${stored.id} (connectionTypes ["audit"]). To manage it with Pulumi, add adoptConnectionId: ` +
                `"${stored.id}" to this OrgConnection's arguments and run \`pulumi up\` again.`,
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
    });

    test("lost response and failed listing fail clearly", async () => {
        injectListFault(f, "POST", { type: "reset-after-commit" });
        injectListFault(f, "GET", { type: "status", status: 503 }, 4);

        await expect(createToSink(f)).rejects.toThrow(
            `Creating the org connection to sink org ${f.sink.id} failed: POST ${LIST} failed with a network error ` +
                `talking to ${f.sim.url} (ECONNRESET). The POST was sent once and not resent, because Datadog may have ` +
                `applied it and a second POST could apply it twice. Check network access to ${f.sim.url}, then run the ` +
                `command again. Whether Datadog created the connection is unknown, because listing the connections to ` +
                `sink org ${f.sink.id} also failed: GET ${LIST}?sink_org_id=${f.sink.id}&limit=1000&offset=0 failed with ` +
                "HTTP 503: Service Unavailable. All 4 attempts failed. Datadog reported a server error. Run the command " +
                "again later, and check https://status.datadoghq.com if it persists. Run `pulumi up` again. If the " +
                "connection exists, the POST is rejected with HTTP 409 and the error shows how to adopt it.",
        );
        expect(f.sim.countRequests({ method: "POST" })).toBe(1);
    });

    test("adopts by id without a change", async () => {
        const existing = seed(f, f.sink.id, ["metrics", "logs"]);

        const result = await f.provider.create(
            inputsOf({
                sinkOrgId: f.sink.id,
                connectionTypes: ["logs", "metrics"],
                adoptConnectionId: existing.id,
            }),
        );
        expect(result).toEqual({
            id: existing.id,
            outs: {
                connectionId: existing.id,
                sinkOrgId: f.sink.id,
                sinkOrgName: "Sink Org",
                sourceOrgId: f.source.id,
                sourceOrgName: "Source Org",
                connectionTypes: ["logs", "metrics"],
                createdAt: existing.createdAt,
                createdById: f.user.id,
                createdByName: "Jane Doe",
                adoptConnectionId: existing.id,
            },
        });
        expect(f.sim.requests.map((r) => [r.method, r.query])).toEqual([
            ["GET", { limit: "1000", offset: "0" }],
        ]);
    });

    test("adopts by id among two and converges types", async () => {
        const other = seed(f, f.otherSink.id, ["audit"]);
        const existing = seed(f, f.sink.id, ["metrics"]);

        const result = await adopt(f, existing.id);
        expect(result.id).toBe(existing.id);
        expect(result.outs).toEqual({
            connectionId: existing.id,
            sinkOrgId: f.sink.id,
            sinkOrgName: "Sink Org",
            sourceOrgId: f.source.id,
            sourceOrgName: "Source Org",
            connectionTypes: ["logs"],
            createdAt: existing.createdAt,
            createdById: f.user.id,
            createdByName: "Jane Doe",
            adoptConnectionId: existing.id,
        });
        expect(f.sim.requests.map((r) => [r.method, r.path])).toEqual([
            ["GET", LIST],
            ["PATCH", `${LIST}/${existing.id}`],
        ]);
        const untouched = f.sim.connections().find((c) => c.id === other.id);
        expect(untouched?.connectionTypes).toEqual(["audit"]);

        // The next preview shows no change, and dropping the adopt id changes nothing.
        const news = { sinkOrgId: f.sink.id, connectionTypes: ["logs"] };
        const withAdopt = { ...news, adoptConnectionId: existing.id };
        expect((await f.provider.diff(existing.id, result.outs, withAdopt)).changes).toBe(false);
        expect((await f.provider.diff(existing.id, result.outs, news)).changes).toBe(false);
    });

    test("adopt of an unknown id fails", async () => {
        seed(f, f.otherSink.id, ["audit"]);
        const missing = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

        await expect(adopt(f, missing)).rejects.toThrow(
            `Adopting org connection ${missing} failed: it is not among the 1 org connections visible to the default ` +
                `credentials (${f.sim.url}). Check the id, and check that these keys belong to the connection's source ` +
                "org (set the profile input to use other keys).",
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["GET"]);
    });

    test("adopt with another sink fails", async () => {
        const existing = seed(f, f.otherSink.id, ["logs"]);

        await expect(adopt(f, existing.id)).rejects.toThrow(
            `Adopting org connection ${existing.id} failed: its sink org is ${f.otherSink.id} (Other Sink Org), but ` +
                `sinkOrgId is ${f.sink.id}. Set sinkOrgId: "${f.otherSink.id}" to adopt this connection, or remove ` +
                `adoptConnectionId to create a new connection to ${f.sink.id}.`,
        );
        expect(f.sim.requests.map((r) => r.method)).toEqual(["GET"]);
    });

    test("adopt listing failure fails without a POST", async () => {
        injectListFault(f, "GET", { type: "status", status: 500 }, 4);
        const id = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

        await expect(adopt(f, id)).rejects.toThrow(
            `Adopting org connection ${id} failed: GET ${LIST}?limit=1000&offset=0 failed with HTTP 500`,
        );
        expect(f.sim.countRequests({ method: "POST" })).toBe(0);
    });
});

/** Creates a connection with `["logs"]` to the fixture's sink org that adopts connection `id`. */
function adopt(f: ProviderFixture, id: string) {
    return f.provider.create(
        inputsOf({ sinkOrgId: f.sink.id, connectionTypes: ["logs"], adoptConnectionId: id }),
    );
}
