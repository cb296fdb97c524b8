/**
 * Route table and authentication of the simulator's API.
 */
import {
    createConnection,
    deleteConnection,
    HandlerContext,
    listConnections,
    updateConnection,
} from "./connections";
import { errorResponse, jsonResponse, SimResponse } from "./http";
import { renderV1Org } from "./render";
import { SimState } from "./state";
import { PERMISSIONS, SimKeys, SimOrg } from "./types";

/** One API endpoint. */
export interface Route {
    method: string;
    pattern: RegExp;
    /** Value of `X-RateLimit-Name`. Each name has its own counters. */
    rateLimitName: string;
    /** Keys to check: `api-key` for DD-API-KEY only, `keys` for the application key too. */
    auth: "api-key" | "keys";
    /** Permission the application key must hold. */
    permission?: (typeof PERMISSIONS)[number];
    handle(ctx: HandlerContext): SimResponse;
}

/** `GET /api/v1/validate`: Datadog's API key check, which needs no application key. */
function validateApiKey(): SimResponse {
    return jsonResponse(200, { valid: true });
}

/** `GET /api/v1/org`: the orgs of the caller's account, without their UUIDs, as Datadog does. */
function listAccountOrgs(ctx: HandlerContext): SimResponse {
    const account = ctx.caller.org.account;
    const orgs = [...ctx.state.orgs.values()].filter((o) => o.account === account);
    return jsonResponse(200, { orgs: orgs.map(renderV1Org) });
}

const CONNECTIONS_PATH = /^\/api\/v2\/org_connections$/;
const CONNECTION_PATH = /^\/api\/v2\/org_connections\/([^/]+)$/;

/** Every endpoint the simulator serves. */
export const ROUTES: readonly Route[] = [
    {
        method: "GET",
        pattern: /^\/api\/v1\/validate$/,
        rateLimitName: "validate",
        auth: "api-key",
        handle: validateApiKey,
    },
    {
        method: "GET",
        pattern: /^\/api\/v1\/org$/,
        rateLimitName: "orgs",
        auth: "keys",
        // NOTE: Datadog requires org_management here, but the simulator checks no permission.
        handle: listAccountOrgs,
    },
    {
        method: "GET",
        pattern: CONNECTIONS_PATH,
        rateLimitName: "org_connections",
        auth: "keys",
        permission: "org_connections_read",
        handle: listConnections,
    },
    {
        method: "POST",
        pattern: CONNECTIONS_PATH,
        rateLimitName: "org_connections",
        auth: "keys",
        permission: "org_connections_write",
        handle: createConnection,
    },
    {
        method: "PATCH",
        pattern: CONNECTION_PATH,
        rateLimitName: "org_connections",
        auth: "keys",
        permission: "org_connections_write",
        handle: updateConnection,
    },
    {
        method: "DELETE",
        pattern: CONNECTION_PATH,
        rateLimitName: "org_connections",
        auth: "keys",
        permission: "org_connections_write",
        handle: deleteConnection,
    },
];

/** Finds the route for a request and decodes its path parameters. */
export function matchRoute(
    method: string,
    path: string,
): { route: Route; params: string[] } | undefined {
    for (const route of ROUTES) {
        const match = route.method === method ? route.pattern.exec(path) : null;
        if (match !== null) {
            const params = match.slice(1).map((p) => {
                try {
                    return decodeURIComponent(p);
                } catch {
                    // A broken %-escape is passed on as is and then fails the UUID check.
                    return p;
                }
            });
            return { route, params };
        }
    }
    return undefined;
}

/** The org and key pair a request acts as. */
export interface Caller {
    org: SimOrg;
    keys: SimKeys;
}

/**
 * Checks the keys of a request and returns the caller or the error response. A missing or unknown
 * API key gets 403, and a missing application key gets 401. An unknown application key, one of
 * another org, or one without the route's permission gets 403.
 */
export function authenticate(
    state: SimState,
    route: Route,
    apiKey: string | undefined,
    appKey: string | undefined,
): { caller: Caller } | { response: SimResponse } {
    const forbidden = { response: errorResponse(403, "Forbidden") };
    const apiKeys = apiKey ? state.keysByApiKey.get(apiKey) : undefined;
    if (apiKeys === undefined) {
        return forbidden;
    }
    const apiOrg = state.orgs.get(apiKeys.orgId) as SimOrg;
    if (route.auth === "api-key") {
        return { caller: { org: apiOrg, keys: apiKeys } };
    }
    if (!appKey) {
        return { response: errorResponse(401, "Unauthorized") };
    }
    // Any application key of the same org works with the API key, as in Datadog.
    const appKeys = state.keysByAppKey.get(appKey);
    if (appKeys === undefined || appKeys.orgId !== apiKeys.orgId) {
        return forbidden;
    }
    if (route.permission !== undefined && !appKeys.permissions.includes(route.permission)) {
        return forbidden;
    }
    return { caller: { org: apiOrg, keys: appKeys } };
}
