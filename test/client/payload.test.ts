import {
    buildCreateBody,
    buildUpdateBody,
    isUuid,
    parseListResponse,
    parseOrgConnection,
    parseSingleResponse,
} from "../../provider/payload";

const CONNECTION_ID = "3f1c0b8e-2a4d-4f6b-9c1e-7d5a2b8c4e10";
const SOURCE_ID = "a1b2c3d4-0000-4000-8000-000000000001";
const SINK_ID = "a1b2c3d4-0000-4000-8000-000000000002";
const USER_ID = "a1b2c3d4-0000-4000-8000-0000000000aa";

/** Builds an org connection as Datadog's list and create responses render it. */
function connection(withNames: boolean): Record<string, unknown> {
    const ref = (type: string, id: string, name: string) => ({
        data: withNames ? { type, id, name } : { type, id },
    });
    return {
        type: "org_connection",
        id: CONNECTION_ID,
        attributes: {
            created_at: "2025-08-26T20:19:35.554634+00:00",
            connection_types: ["metrics", "logs"],
        },
        relationships: {
            source_org: ref("orgs", SOURCE_ID, "Source Org"),
            sink_org: ref("orgs", SINK_ID, "Sink Org"),
            created_by: ref("users", USER_ID, "Jane Doe"),
        },
    };
}

const INCLUDED = [
    {
        type: "orgs",
        id: SOURCE_ID,
        attributes: { public_id: SOURCE_ID, name: "Source (included)" },
    },
    { type: "orgs", id: SINK_ID, attributes: { public_id: "abc", name: "Sink (included)" } },
    {
        type: "users",
        id: USER_ID,
        attributes: { name: "Jane (included)", handle: "jane@example.com" },
    },
];

describe("buildCreateBody", () => {
    it("builds the JSON:API create document", () => {
        const types = ["logs"];
        const body = buildCreateBody(SINK_ID, types);
        expect(body).toEqual({
            data: {
                type: "org_connection",
                attributes: { connection_types: ["logs"] },
                relationships: { sink_org: { data: { type: "orgs", id: SINK_ID } } },
            },
        });
        types.push("metrics");
        expect(JSON.stringify(body)).not.toContain("metrics");
    });
});

describe("buildUpdateBody", () => {
    it("repeats the id in the body", () => {
        expect(buildUpdateBody(CONNECTION_ID, ["logs", "audit"])).toEqual({
            data: {
                type: "org_connection",
                id: CONNECTION_ID,
                attributes: { connection_types: ["logs", "audit"] },
            },
        });
    });
});

describe("parseOrgConnection", () => {
    it("takes names from the relationships", () => {
        expect(parseOrgConnection(connection(true), INCLUDED)).toEqual({
            id: CONNECTION_ID,
            connectionTypes: ["metrics", "logs"],
            createdAt: "2025-08-26T20:19:35.554634+00:00",
            sourceOrg: { id: SOURCE_ID, name: "Source Org" },
            sinkOrg: { id: SINK_ID, name: "Sink Org" },
            createdBy: { id: USER_ID, name: "Jane Doe" },
        });
    });

    it("takes names from included when the relationships lack them", () => {
        const record = parseOrgConnection(connection(false), INCLUDED);
        expect(record.sourceOrg).toEqual({ id: SOURCE_ID, name: "Source (included)" });
        expect(record.sinkOrg).toEqual({ id: SINK_ID, name: "Sink (included)" });
        expect(record.createdBy).toEqual({ id: USER_ID, name: "Jane (included)" });
    });

    it("matches included entries by type as well as id", () => {
        const wrongType = [{ type: "users", id: SINK_ID, attributes: { name: "Not an org" } }];
        expect(parseOrgConnection(connection(false), wrongType).sinkOrg).toEqual({ id: SINK_ID });
    });

    it("leaves names absent as in a PATCH response", () => {
        const record = parseOrgConnection(connection(false));
        expect(record.sourceOrg).toEqual({ id: SOURCE_ID });
        expect(record.sinkOrg).toEqual({ id: SINK_ID });
        expect(record.createdBy).toEqual({ id: USER_ID });
        expect("name" in (record.sinkOrg ?? {})).toBe(false);
    });

    it("accepts missing relationships and null data", () => {
        const data = connection(true);
        data.relationships = { source_org: { data: null } };
        const record = parseOrgConnection(data);
        expect(record).toEqual({
            id: CONNECTION_ID,
            connectionTypes: ["metrics", "logs"],
            createdAt: "2025-08-26T20:19:35.554634+00:00",
        });
    });

    it("keeps connection types it does not know", () => {
        const data = connection(true);
        (data.attributes as Record<string, unknown>).connection_types = ["logs", "traces"];
        expect(parseOrgConnection(data).connectionTypes).toEqual(["logs", "traces"]);
    });

    const malformed: [string, (d: Record<string, unknown>) => unknown, string][] = [
        ["a string", () => "nope", 'data must be an object, but it is "nope".'],
        ["null", () => null, "data must be an object, but it is null."],
        [
            "a wrong type",
            (d) => ({ ...d, type: "orgs" }),
            'type must be "org_connection", but it is "orgs".',
        ],
        [
            "no id",
            (d) => ({ ...d, id: undefined }),
            "id must be a lower-case UUID, but it is nothing.",
        ],
        [
            "no attributes",
            (d) => ({ ...d, attributes: [] }),
            "attributes must be an object, but it is [].",
        ],
        [
            "numeric types",
            (d) => ({ ...d, attributes: { created_at: "x", connection_types: [1] } }),
            "attributes.connection_types must be an array of strings, but it is [1].",
        ],
        [
            "no created_at",
            (d) => ({ ...d, attributes: { connection_types: ["logs"] } }),
            "attributes.created_at must be a string, but it is nothing.",
        ],
        [
            "relationships as a list",
            (d) => ({ ...d, relationships: [] }),
            "relationships must be an object, but it is [].",
        ],
        [
            "a relationship without id",
            (d) => ({ ...d, relationships: { sink_org: { data: { type: "orgs" } } } }),
            'relationships.sink_org.data must be an object with a lower-case UUID "id", ' +
                'but it is {"type":"orgs"}.',
        ],
    ];
    it.each(malformed)("rejects %s", (_name, mutate, detail) => {
        expect(() => parseOrgConnection(mutate(connection(true)))).toThrow(
            `Invalid org connection in the response: ${detail}`,
        );
    });

    it("shortens a long value in its message", () => {
        const long = "x".repeat(500);
        expect(() => parseOrgConnection({ ...connection(true), type: long })).toThrow(
            `but it is "${"x".repeat(76)}...`,
        );
    });
});

describe("parseSingleResponse", () => {
    it("reads data and included", () => {
        const record = parseSingleResponse({ data: connection(false), included: INCLUDED });
        expect(record.sinkOrg).toEqual({ id: SINK_ID, name: "Sink (included)" });
    });

    it("rejects a body that is not an object", () => {
        expect(() => parseSingleResponse([])).toThrow(
            "Invalid response body: expected a JSON object, but it is [].",
        );
        expect(() => parseSingleResponse({})).toThrow(
            "Invalid org connection in the response: data must be an object, but it is nothing.",
        );
    });
});

describe("parseListResponse", () => {
    it("reads connections, included names and counts", () => {
        const page = parseListResponse({
            data: [connection(false)],
            included: INCLUDED,
            meta: { page: { total_count: 7, total_filtered_count: 1 } },
        });
        expect(page.totalCount).toBe(7);
        expect(page.totalFilteredCount).toBe(1);
        expect(page.connections).toHaveLength(1);
        expect(page.connections[0].createdBy).toEqual({ id: USER_ID, name: "Jane (included)" });
    });

    it("reads an empty page without included", () => {
        const body = { data: [], meta: { page: { total_count: 0, total_filtered_count: 0 } } };
        expect(parseListResponse(body)).toEqual({
            connections: [],
            totalCount: 0,
            totalFilteredCount: 0,
        });
    });

    it("leaves counts absent when meta is missing", () => {
        expect(parseListResponse({ data: [] })).toEqual({
            connections: [],
            totalCount: undefined,
            totalFilteredCount: undefined,
        });
    });

    it.each([
        [
            "a string",
            "<html>",
            'Invalid list response: expected a JSON object, but it is "<html>".',
        ],
        [
            "no data",
            { meta: {} },
            "Invalid list response: data must be an array, but it is nothing.",
        ],
        [
            "data as an object",
            { data: {} },
            "Invalid list response: data must be an array, but it is {}.",
        ],
        [
            "included as an object",
            { data: [], included: {} },
            "Invalid list response: included must be an array, but it is {}.",
        ],
        [
            "a negative count",
            { data: [], meta: { page: { total_count: -1 } } },
            "Invalid list response: meta.page.total_count must be a whole number, but it is -1.",
        ],
        [
            "a string count",
            { data: [], meta: { page: { total_filtered_count: "5" } } },
            "Invalid list response: meta.page.total_filtered_count must be a whole number, " +
                'but it is "5".',
        ],
        [
            "a bad item",
            { data: [{ type: "org_connection" }] },
            "Invalid org connection in the response: id must be a lower-case UUID, " +
                "but it is nothing.",
        ],
    ])("rejects %s", (_name, body, message) => {
        expect(() => parseListResponse(body)).toThrow(message);
    });
});

describe("isUuid", () => {
    it.each([
        [CONNECTION_ID, true],
        ["00000000-0000-0000-0000-000000000000", true],
        [CONNECTION_ID.toUpperCase(), false],
        [`{${CONNECTION_ID}}`, false],
        [` ${CONNECTION_ID}`, false],
        [`${CONNECTION_ID}/..`, false],
        ["3f1c0b8e2a4d4f6b9c1e7d5a2b8c4e10", false],
        ["", false],
        [42, false],
        [undefined, false],
    ])("%j is a UUID: %s", (value, expected) => {
        expect(isUuid(value)).toBe(expected);
    });
});
