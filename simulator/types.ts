/**
 * Public types of the Datadog org connections simulator. Tests and the demo import them through
 * `simulator/index.ts`.
 */

/** Permissions that the org connections endpoints check on the application key. */
export const PERMISSIONS = ["org_connections_read", "org_connections_write"] as const;

/** Values of `connection_types` that the API accepts on create and update. */
export const SIM_CONNECTION_TYPES = ["logs", "metrics", "audit"] as const;

/** A Datadog organization known to the simulator. */
export interface SimOrg {
    /** Org UUID, the id used in org connection relationships. */
    id: string;
    /** Public id shown by `GET /api/v1/org`, equal to the UUID unless set otherwise. */
    publicId: string;
    name: string;
    /** Billing account. Connections are allowed only between orgs of the same account. */
    account: string;
    /** HIPAA-enabled orgs cannot take part in org connections. */
    hipaa: boolean;
    /** Creation time in Datadog's timestamp format, shown in `included` org objects. */
    createdAt: string;
}

/** A user of one org. The user of an application key becomes `created_by` of new connections. */
export interface SimUser {
    id: string;
    name: string;
    handle: string;
    email: string;
    orgId: string;
}

/** An API key and application key pair of one org, with the application key's permissions. */
export interface SimKeys {
    apiKey: string;
    appKey: string;
    orgId: string;
    userId: string;
    permissions: string[];
}

/** A stored org connection. */
export interface SimConnection {
    id: string;
    sourceOrgId: string;
    sinkOrgId: string;
    connectionTypes: string[];
    /** Timestamp like `2025-08-26T20:19:35.554634+00:00`. */
    createdAt: string;
    createdById: string;
}

/** One API request as the simulator saw it. Keys, in headers or query, are never stored. */
export interface RecordedRequest {
    method: string;
    /** URL path without the query string. */
    path: string;
    /** Query parameters, without `api_key` and `application_key`. */
    query: Record<string, string>;
    /** Status sent (or computed but unsent when `dropped`), 0 when the socket was reset first. */
    status: number;
    /** Org of the API key, when the key is known. */
    orgId?: string;
    /** Parsed JSON body, or the raw text when it is not JSON. Absent when the body is empty. */
    body?: unknown;
    /** Arrival time in milliseconds since the epoch. */
    at: number;
    /** True when a fault destroyed the socket and the client got no response. */
    dropped?: boolean;
    /**
     * The `User-Agent` header, recorded only when the simulator was started with
     * `recordUserAgent`. It identifies the client build that sent the request.
     */
    userAgent?: string;
}

/** Action a fault takes on a matching request. */
export type FaultAction =
    /** Reply with this status and body instead of handling the request, storing nothing. */
    | {
          type: "status";
          status: number;
          /** Raw body, default `{"errors":["<reason phrase>"]}`. */
          body?: string;
          /** Default `application/json`. */
          contentType?: string;
          headers?: Record<string, string>;
      }
    /** Wait, then handle the request normally (even when the client gave up meanwhile). */
    | { type: "delay"; ms: number }
    /** Destroy the socket before processing, storing nothing. */
    | { type: "reset" }
    /** Process fully (state changes kept), then destroy the socket without a reply. */
    | { type: "reset-after-commit" };

/** A scripted fault. Faults are matched in the order they were injected. */
export interface Fault {
    /** HTTP method, case-insensitive. Any method matches when absent. */
    method?: string;
    /** Path prefix, or a RegExp tested on the path without query. Any path when absent. */
    path?: string | RegExp;
    /** Number of matching requests the fault applies to, default 1. `Infinity` keeps it. */
    times?: number;
    action: FaultAction;
}

/** A fixed-window rate limit, counted per org and per endpoint group. */
export interface RateLimitSettings {
    /** Requests allowed per window. */
    limit: number;
    /** Window length in seconds. Windows are aligned to multiples of it since the epoch. */
    periodSeconds: number;
}

/** Options of {@link DatadogSimulator.start}. */
export interface SimulatorOptions {
    /** TCP port. 0, the default, picks a free one. */
    port?: number;
    /** Loopback address to listen on, default 127.0.0.1. Other addresses are rejected. */
    host?: string;
    /** Rate limit, default {@link DEFAULT_RATE_LIMIT}. */
    rateLimit?: RateLimitSettings;
    /** Whether to read keys from the `api_key` and `application_key` query parameters too. */
    acceptQueryKeys?: boolean;
    /** Maximum connections per source org, default 5 (the limit Datadog documents). */
    maxConnectionsPerSource?: number;
    /** Clock in milliseconds since the epoch. Tests of rate-limit windows pass a fake one. */
    clock?: () => number;
    /** Receives one line per API request (method, path, status) and never a key. */
    log?: (line: string) => void;
    /**
     * Whether each {@link RecordedRequest} keeps the request's `User-Agent` header. Off by
     * default so that recordings stay the same for tests that compare them whole.
     */
    recordUserAgent?: boolean;
}

/**
 * Rate limit used when none is configured. Datadog does not publish the limit of the org
 * connections endpoints, so this value is a guess, set high enough that tests never reach it.
 */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimitSettings> = { limit: 6000, periodSeconds: 60 };
