/**
 * Handlers of the org connections endpoints (`/api/v2/org_connections`), with Datadog's checks in
 * Datadog's order and its recorded error texts.
 */
import { errorResponse, INVALID_JSON, jsonResponse, SimResponse } from "./http";
import { renderConnection, renderIncluded } from "./render";
import { isUuid, SimState } from "./state";
import { SIM_CONNECTION_TYPES, SimConnection, SimKeys, SimOrg } from "./types";

/** Handler input: the state, the authenticated caller and the parsed request. */
export interface HandlerContext {
    state: SimState;
    caller: { org: SimOrg; keys: SimKeys };
    query: Record<string, string>;
    /** Parsed JSON body, undefined when empty, INVALID_JSON when it does not parse. */
    body: unknown;
    /** Path parameters captured by the route pattern. */
    params: string[];
    maxConnectionsPerSource: number;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isParty(c: SimConnection, orgId: string): boolean {
    return c.sourceOrgId === orgId || c.sinkOrgId === orgId;
}

// NOTE: Datadog's texts for invalid limit/offset and for POST schema errors were never recorded.
// These texts are the simulator's own, so only the status code can be relied on.
function parsePaging(value: string | undefined, fallback: number, name: string): number | string {
    if (value === undefined) {
        return fallback;
    }
    if (!/^\d+$/.test(value)) {
        return `invalid ${name}: must be a non-negative integer, got "${value}"`;
    }
    return Number(value);
}

/**
 * Lists the connections where the caller's org is the source or the sink, filtered by
 * `sink_org_id` and `source_org_id` (both must match), then paged by offset and limit.
 */
export function listConnections(ctx: HandlerContext): SimResponse {
    const limit = parsePaging(ctx.query.limit, 1000, "limit");
    const offset = parsePaging(ctx.query.offset, 0, "offset");
    if (typeof limit === "string" || typeof offset === "string") {
        return errorResponse(400, typeof limit === "string" ? limit : (offset as string));
    }

    const orgId = ctx.caller.org.id;
    const sinkFilter = ctx.query.sink_org_id?.toLowerCase();
    const sourceFilter = ctx.query.source_org_id?.toLowerCase();
    const visible = [...ctx.state.connectionsById.values()].filter((c) => isParty(c, orgId));
    const filtered = visible.filter(
        (c) =>
            (!sinkFilter || c.sinkOrgId === sinkFilter) &&
            (!sourceFilter || c.sourceOrgId === sourceFilter),
    );
    const page = filtered.slice(offset, offset + limit);

    const body: JsonObject = { data: page.map((c) => renderConnection(ctx.state, c, true)) };
    // Datadog sends `included` only when the page has data.
    if (page.length > 0) {
        body.included = renderIncluded(ctx.state, page);
    }
    body.meta = { page: { total_count: visible.length, total_filtered_count: filtered.length } };
    return jsonResponse(200, body);
}

const badBody = (detail: string) => errorResponse(400, `Invalid request body: ${detail}`);

/** Checks a connection_types value against the schema and returns the problem, if any. */
function connectionTypesProblem(value: unknown): string | undefined {
    if (!Array.isArray(value) || value.length === 0) {
        return "data.attributes.connection_types must be a non-empty array";
    }
    for (const item of value) {
        if (!(SIM_CONNECTION_TYPES as readonly unknown[]).includes(item)) {
            const expected = SIM_CONNECTION_TYPES.join(", ");
            return (
                `unknown connection type ${JSON.stringify(item)} in ` +
                `data.attributes.connection_types; expected one of ${expected}`
            );
        }
    }
    return undefined;
}

/**
 * Creates a connection from the caller's org. Checks run in Datadog's order: schema (400),
 * unknown sink (404), policy (400 "not allowed"), existing pair (409).
 */
export function createConnection(ctx: HandlerContext): SimResponse {
    const body = ctx.body;
    if (body === INVALID_JSON) {
        return badBody("not valid JSON");
    }
    if (!isObject(body) || !isObject(body.data)) {
        return badBody("data is required and must be an object");
    }
    const data = body.data;
    if (data.type !== "org_connection") {
        return badBody('data.type must be "org_connection"');
    }
    if (!isObject(data.attributes)) {
        return badBody("data.attributes is required and must be an object");
    }
    const typesProblem = connectionTypesProblem(data.attributes.connection_types);
    if (typesProblem !== undefined) {
        return badBody(typesProblem);
    }
    const sinkData = isObject(data.relationships) ? data.relationships.sink_org : undefined;
    if (!isObject(sinkData) || !isObject(sinkData.data)) {
        return badBody("data.relationships.sink_org.data is required");
    }
    // The schema makes type, id and name of sink_org.data optional. Terraform sends "name": "".
    const sinkRef = sinkData.data;
    if (sinkRef.type !== undefined && sinkRef.type !== "orgs") {
        return badBody('data.relationships.sink_org.data.type must be "orgs"');
    }
    if (sinkRef.id !== undefined && typeof sinkRef.id !== "string") {
        return badBody("data.relationships.sink_org.data.id must be a string");
    }

    // A missing or malformed sink id is looked up like any other and is simply not found.
    const sinkId = typeof sinkRef.id === "string" ? sinkRef.id.toLowerCase() : "";
    const sink = ctx.state.orgs.get(sinkId);
    if (sink === undefined) {
        return errorResponse(404, "Not found");
    }

    const source = ctx.caller.org;
    const types = data.attributes.connection_types as string[];
    const sourceCount = [...ctx.state.connectionsById.values()].filter(
        (c) => c.sourceOrgId === source.id,
    ).length;
    const notAllowed =
        new Set(types).size !== types.length ||
        sink.account !== source.account ||
        sink.id === source.id ||
        sourceCount >= ctx.maxConnectionsPerSource ||
        source.hipaa ||
        sink.hipaa;
    const pair = `connection between orgs ${source.id} and ${sink.id}`;
    if (notAllowed) {
        return errorResponse(400, `${pair} is not allowed`);
    }

    const exists = [...ctx.state.connectionsById.values()].some(
        (c) => c.sourceOrgId === source.id && c.sinkOrgId === sink.id,
    );
    if (exists) {
        return errorResponse(409, `${pair} already exists`);
    }

    const created = ctx.state.seedConnection({
        sourceOrgId: source.id,
        sinkOrgId: sink.id,
        connectionTypes: types,
        createdById: ctx.caller.keys.userId,
    });
    return jsonResponse(200, { data: renderConnection(ctx.state, created, true) });
}

/**
 * Replaces a connection's types. Only the source org may update, and the reply carries no names
 * in its relationships, as Datadog's does.
 */
export function updateConnection(ctx: HandlerContext): SimResponse {
    const id = ctx.params[0];
    if (!isUuid(id)) {
        return errorResponse(400, "connection id must be a valid uuid");
    }
    const connection = ctx.state.findConnection(id);
    const orgId = ctx.caller.org.id;
    if (connection === undefined || !isParty(connection, orgId)) {
        return errorResponse(404, `Org connection with id:${id} not found not found`);
    }
    // NOTE: Datadog documents that only the source org may update, not which status it sends.
    if (connection.sourceOrgId !== orgId) {
        return errorResponse(403, "Forbidden");
    }

    const body = ctx.body;
    const data = isObject(body) ? body.data : undefined;
    if (!isObject(data) || data.type !== "org_connection" || typeof data.id !== "string") {
        return errorResponse(400, "Validation failed for input.");
    }
    // NOTE: whether Datadog compares the body id with the path id is not known. This text is ours.
    if (data.id.toLowerCase() !== connection.id) {
        return errorResponse(
            400,
            `connection id ${data.id} in the request body does not match id ${id} in the path`,
        );
    }
    const types = isObject(data.attributes) ? data.attributes.connection_types : undefined;
    if (
        connectionTypesProblem(types) !== undefined ||
        new Set(types as string[]).size !== (types as string[]).length
    ) {
        return errorResponse(400, "Validation failed for input.");
    }

    const updated = ctx.state.editConnection(connection.id, types as string[]);
    return jsonResponse(200, { data: renderConnection(ctx.state, updated, false) });
}

/** Deletes a connection. Either the source org or the sink org may delete it. */
export function deleteConnection(ctx: HandlerContext): SimResponse {
    const id = ctx.params[0];
    if (!isUuid(id)) {
        return errorResponse(400, "connection id must be a valid uuid");
    }
    const connection = ctx.state.findConnection(id);
    if (connection === undefined || !isParty(connection, ctx.caller.org.id)) {
        return errorResponse(404, `org connection with id:${id} not found not found`);
    }
    ctx.state.deleteConnection(connection.id);
    return jsonResponse(200, {});
}
