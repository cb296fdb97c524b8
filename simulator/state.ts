/**
 * In-memory state of the simulator: orgs, users, keys and org connections, plus the direct
 * ("outside Pulumi") operations that tests use to seed, edit and delete connections.
 */
import { randomBytes, randomUUID } from "crypto";

import { PERMISSIONS, SimConnection, SimKeys, SimOrg, SimUser } from "./types";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns whether `value` is a UUID in the 8-4-4-4-12 hex form, in either case. */
export function isUuid(value: string): boolean {
    return UUID_PATTERN.test(value);
}

/**
 * Formats a time given in microseconds since the epoch the way Datadog writes `created_at`:
 * microseconds and an explicit UTC offset, e.g. `2025-08-26T20:19:35.554634+00:00`.
 */
export function formatTimestamp(micros: number): string {
    const base = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 23);
    const fraction = String(micros % 1000).padStart(3, "0");
    return `${base}${fraction}+00:00`;
}

function copyConnection(c: SimConnection): SimConnection {
    return { ...c, connectionTypes: [...c.connectionTypes] };
}

function checkConnectionTypes(connectionTypes: unknown): string[] {
    const valid =
        Array.isArray(connectionTypes) &&
        connectionTypes.length > 0 &&
        connectionTypes.every((t) => typeof t === "string");
    if (!valid) {
        throw new Error(
            `Invalid connectionTypes ${JSON.stringify(connectionTypes)}: ` +
                'pass a non-empty array of strings such as ["logs"]',
        );
    }
    return [...(connectionTypes as string[])];
}

/** Orgs, users, keys and connections. Connections keep their creation order. */
export class SimState {
    readonly orgs = new Map<string, SimOrg>();
    readonly users = new Map<string, SimUser>();
    /** Keys by API key. */
    readonly keysByApiKey = new Map<string, SimKeys>();
    /** Keys by application key. */
    readonly keysByAppKey = new Map<string, SimKeys>();
    readonly connectionsById = new Map<string, SimConnection>();
    private userCount = 0;
    private lastMicros = 0;

    constructor(private readonly clock: () => number) {}

    /**
     * Returns the current time in Datadog's timestamp format. The clock has millisecond
     * resolution, so timestamps within one millisecond are made distinct and increasing.
     */
    now(): string {
        this.lastMicros = Math.max(Math.floor(this.clock()) * 1000, this.lastMicros + 1);
        return formatTimestamp(this.lastMicros);
    }

    /** Adds an org. The UUID is generated unless given, and `publicId` defaults to the UUID. */
    addOrg(o: {
        name: string;
        account?: string;
        id?: string;
        publicId?: string;
        hipaa?: boolean;
    }): SimOrg {
        const id = (o.id ?? randomUUID()).toLowerCase();
        if (!isUuid(id)) {
            throw new Error(`Invalid org id "${o.id}": pass a UUID or omit id to generate one`);
        }
        if (this.orgs.has(id)) {
            throw new Error(`Org ${id} already exists; pass another id or omit it`);
        }
        const org: SimOrg = {
            id,
            publicId: o.publicId ?? id,
            name: o.name,
            account: o.account ?? "acct-1",
            hipaa: o.hipaa ?? false,
            createdAt: this.now(),
        };
        this.orgs.set(id, org);
        return { ...org };
    }

    /** Adds a user to an org, with a generated UUID, handle and email. */
    addUser(orgId: string, name?: string): SimUser {
        this.requireOrg(orgId);
        this.userCount += 1;
        const handle = `sim-user-${this.userCount}@example.com`;
        const user: SimUser = {
            id: randomUUID(),
            name: name ?? `Sim User ${this.userCount}`,
            handle,
            email: handle,
            orgId: orgId.toLowerCase(),
        };
        this.users.set(user.id, user);
        return { ...user };
    }

    /** Adds a key pair for an org. Keys are generated unless given (the demo gives fixed ones). */
    addKeys(
        orgId: string,
        o: { permissions?: string[]; userId?: string; apiKey?: string; appKey?: string } = {},
    ): SimKeys {
        const org = this.requireOrg(orgId);
        let userId = o.userId;
        if (userId === undefined) {
            userId = this.addUser(org.id).id;
        } else if (this.users.get(userId)?.orgId !== org.id) {
            throw new Error(`User ${userId} is not a user of org ${org.id}; call addUser first`);
        }
        const keys: SimKeys = {
            apiKey: o.apiKey ?? `sim-api-${randomBytes(12).toString("hex")}`,
            appKey: o.appKey ?? `sim-app-${randomBytes(16).toString("hex")}`,
            orgId: org.id,
            userId,
            permissions: [...(o.permissions ?? PERMISSIONS)],
        };
        if (this.keysByApiKey.has(keys.apiKey) || this.keysByAppKey.has(keys.appKey)) {
            throw new Error("A key with that value already exists; pass distinct keys");
        }
        this.keysByApiKey.set(keys.apiKey, keys);
        this.keysByAppKey.set(keys.appKey, keys);
        return { ...keys, permissions: [...keys.permissions] };
    }

    /**
     * Stores a connection without any of the API's checks, so tests can build states that the
     * API would reject (two connections for one pair, say). Only the orgs must exist.
     */
    seedConnection(c: {
        sourceOrgId: string;
        sinkOrgId: string;
        connectionTypes: string[];
        createdById?: string;
        id?: string;
    }): SimConnection {
        const source = this.requireOrg(c.sourceOrgId);
        const sink = this.requireOrg(c.sinkOrgId);
        const id = (c.id ?? randomUUID()).toLowerCase();
        if (!isUuid(id)) {
            throw new Error(`Invalid connection id "${c.id}": pass a UUID or omit id`);
        }
        if (this.connectionsById.has(id)) {
            throw new Error(`Connection ${id} already exists; pass another id or omit it`);
        }
        const connection: SimConnection = {
            id,
            sourceOrgId: source.id,
            sinkOrgId: sink.id,
            connectionTypes: checkConnectionTypes(c.connectionTypes),
            createdAt: this.now(),
            createdById: c.createdById ?? this.defaultCreator(source.id),
        };
        this.connectionsById.set(id, connection);
        return copyConnection(connection);
    }

    /** Replaces the connection types as an edit in the Datadog UI would. */
    editConnection(id: string, connectionTypes: string[]): SimConnection {
        const connection = this.requireConnection(id);
        connection.connectionTypes = checkConnectionTypes(connectionTypes);
        return copyConnection(connection);
    }

    /** Removes a connection as a deletion in the Datadog UI would. */
    deleteConnection(id: string): void {
        this.requireConnection(id);
        this.connectionsById.delete(id.toLowerCase());
    }

    /** Returns copies of all connections in creation order. */
    connections(): SimConnection[] {
        return [...this.connectionsById.values()].map(copyConnection);
    }

    /** Returns the stored connection itself (not a copy), or undefined. */
    findConnection(id: string): SimConnection | undefined {
        return this.connectionsById.get(id.toLowerCase());
    }

    private requireOrg(orgId: string): SimOrg {
        const org = this.orgs.get(orgId.toLowerCase());
        if (org === undefined) {
            throw new Error(`Org ${orgId} is not known to the simulator; call addOrg first`);
        }
        return org;
    }

    private requireConnection(id: string): SimConnection {
        const connection = this.findConnection(id);
        if (connection === undefined) {
            throw new Error(`Connection ${id} does not exist in the simulator`);
        }
        return connection;
    }

    /** Picks the org's first user as creator of a seeded connection, adding one when none. */
    private defaultCreator(orgId: string): string {
        for (const user of this.users.values()) {
            if (user.orgId === orgId) {
                return user.id;
            }
        }
        return this.addUser(orgId).id;
    }
}
