import { InvalidResponseError } from "./errors";

/** An org or user that a connection refers to. `name` is absent when Datadog sent none. */
export interface OrgRef {
    id: string;
    name?: string;
}

/** One org connection as the API reports it. */
export interface OrgConnectionRecord {
    id: string;
    /** Connection types in the order the API sent them, unknown values included. */
    connectionTypes: string[];
    /** Creation time as Datadog formats it, for example `2025-08-26T20:19:35.554634+00:00`. */
    createdAt: string;
    sourceOrg?: OrgRef;
    sinkOrg?: OrgRef;
    /** The user who created the connection. */
    createdBy?: OrgRef;
}

/** One page of `GET /api/v2/org_connections`. */
export interface OrgConnectionsPage {
    connections: OrgConnectionRecord[];
    /** `meta.page.total_count`: all of the caller's connections, when sent. */
    totalCount?: number;
    /** `meta.page.total_filtered_count`: the connections that match the filters, when sent. */
    totalFilteredCount?: number;
}

/** Canonical lower-case UUID, the form Datadog uses for connection, org and user ids. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Returns whether `value` is a lower-case UUID string. */
export function isUuid(value: unknown): value is string {
    return typeof value === "string" && UUID_PATTERN.test(value);
}

/** Builds the JSON:API body of `POST /api/v2/org_connections`. */
export function buildCreateBody(sinkOrgId: string, connectionTypes: string[]): object {
    return {
        data: {
            type: "org_connection",
            attributes: { connection_types: [...connectionTypes] },
            relationships: { sink_org: { data: { type: "orgs", id: sinkOrgId } } },
        },
    };
}

/**
 * Builds the JSON:API body of `PATCH /api/v2/org_connections/{id}`. The body repeats the id
 * because the API schema requires it, and the list of types replaces the old one.
 */
export function buildUpdateBody(id: string, connectionTypes: string[]): object {
    return {
        data: {
            type: "org_connection",
            id,
            attributes: { connection_types: [...connectionTypes] },
        },
    };
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function invalid(field: string, expected: string, value: unknown): InvalidResponseError {
    return new InvalidResponseError(
        `Invalid org connection in the response: ${field} must be ${expected}, ` +
            `but it is ${describeValue(value)}.`,
    );
}

/** Finds the `attributes.name` of the `included` entry with this type and id. */
function findIncludedName(
    included: unknown[] | undefined,
    type: string,
    id: string,
): string | undefined {
    for (const entry of included ?? []) {
        const matches = isObject(entry) && entry.type === type && entry.id === id;
        if (matches && isObject(entry.attributes)) {
            const name = entry.attributes.name;
            if (typeof name === "string" && name !== "") {
                return name;
            }
        }
    }
    return undefined;
}

function parseReference(
    relationships: Record<string, unknown>,
    key: string,
    type: string,
    included: unknown[] | undefined,
): OrgRef | undefined {
    const relationship = relationships[key];
    if (relationship === undefined || relationship === null) {
        return undefined;
    }
    if (!isObject(relationship)) {
        throw invalid(`relationships.${key}`, "an object", relationship);
    }
    const data = relationship.data;
    if (data === undefined || data === null) {
        return undefined;
    }
    if (!isObject(data) || !isUuid(data.id)) {
        throw invalid(`relationships.${key}.data`, 'an object with a lower-case UUID "id"', data);
    }
    const ref: OrgRef = { id: data.id };
    const name = typeof data.name === "string" && data.name !== "" ? data.name : undefined;
    const resolvedName = name ?? findIncludedName(included, type, data.id);
    if (resolvedName !== undefined) {
        ref.name = resolvedName;
    }
    return ref;
}

/**
 * Converts one JSON:API org connection into an {@link OrgConnectionRecord}. Org and user names
 * come from the relationships, or else from the matching `included` entry of a list response.
 * Throws InvalidResponseError naming the field when a required field is missing or malformed.
 */
export function parseOrgConnection(data: unknown, included?: unknown[]): OrgConnectionRecord {
    if (!isObject(data)) {
        throw invalid("data", "an object", data);
    }
    if (data.type !== "org_connection") {
        throw invalid("type", '"org_connection"', data.type);
    }
    // Ids are compared and stored as sent, so another form of a UUID would make a live
    // connection look missing or its sink org look changed.
    if (!isUuid(data.id)) {
        throw invalid("id", "a lower-case UUID", data.id);
    }
    const attributes = data.attributes;
    if (!isObject(attributes)) {
        throw invalid("attributes", "an object", attributes);
    }
    const types = attributes.connection_types;
    if (!Array.isArray(types) || !types.every((t) => typeof t === "string")) {
        throw invalid("attributes.connection_types", "an array of strings", types);
    }
    if (typeof attributes.created_at !== "string") {
        throw invalid("attributes.created_at", "a string", attributes.created_at);
    }
    const relationships = data.relationships ?? {};
    if (!isObject(relationships)) {
        throw invalid("relationships", "an object", relationships);
    }

    const record: OrgConnectionRecord = {
        id: data.id,
        connectionTypes: [...(types as string[])],
        createdAt: attributes.created_at,
    };
    const sourceOrg = parseReference(relationships, "source_org", "orgs", included);
    const sinkOrg = parseReference(relationships, "sink_org", "orgs", included);
    const createdBy = parseReference(relationships, "created_by", "users", included);
    if (sourceOrg !== undefined) {
        record.sourceOrg = sourceOrg;
    }
    if (sinkOrg !== undefined) {
        record.sinkOrg = sinkOrg;
    }
    if (createdBy !== undefined) {
        record.createdBy = createdBy;
    }
    return record;
}

/** Parses the `{"data": OrgConnection}` body that POST and PATCH return. */
export function parseSingleResponse(body: unknown): OrgConnectionRecord {
    if (!isObject(body)) {
        throw new InvalidResponseError(
            `Invalid response body: expected a JSON object, but it is ${describeValue(body)}.`,
        );
    }
    const included = Array.isArray(body.included) ? body.included : undefined;
    return parseOrgConnection(body.data, included);
}

function parseCount(page: Record<string, unknown>, key: string): number | undefined {
    const value = page[key];
    if (value === undefined || value === null) {
        return undefined;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        throw new InvalidResponseError(
            `Invalid list response: meta.page.${key} must be a whole number, ` +
                `but it is ${describeValue(value)}.`,
        );
    }
    return value;
}

/**
 * Parses one page of `GET /api/v2/org_connections`: `data`, the optional `included` orgs and
 * users, and the optional `meta.page` counts. Throws InvalidResponseError on a malformed body.
 */
export function parseListResponse(body: unknown): OrgConnectionsPage {
    if (!isObject(body)) {
        throw new InvalidResponseError(
            `Invalid list response: expected a JSON object, but it is ${describeValue(body)}.`,
        );
    }
    if (!Array.isArray(body.data)) {
        throw new InvalidResponseError(
            `Invalid list response: data must be an array, but it is ${describeValue(body.data)}.`,
        );
    }
    if (body.included !== undefined && !Array.isArray(body.included)) {
        throw new InvalidResponseError(
            `Invalid list response: included must be an array, ` +
                `but it is ${describeValue(body.included)}.`,
        );
    }
    const included = body.included as unknown[] | undefined;
    const connections = body.data.map((item) => parseOrgConnection(item, included));

    const page: OrgConnectionsPage = { connections };
    const meta = body.meta;
    if (isObject(meta) && isObject(meta.page)) {
        page.totalCount = parseCount(meta.page, "total_count");
        page.totalFilteredCount = parseCount(meta.page, "total_filtered_count");
    }
    return page;
}
