import { IncompleteListingError, InvalidResponseError, redactSecrets } from "./errors";
import {
    OrgConnectionRecord,
    buildCreateBody,
    buildUpdateBody,
    isUuid,
    parseListResponse,
    parseSingleResponse,
} from "./payload";
import { normalizeRetrySettings } from "./retry";
import {
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    MAX_REQUEST_TIMEOUT_SECONDS,
    RetrySettings,
} from "./settings";
import { resolveApiUrl, siteForApiUrl } from "./sites";
import { ApiTransport, RequestSpec, describeTarget } from "./transport";

/** Options of {@link OrgConnectionsClient}. */
export interface ClientOptions {
    /** API origin such as `https://api.datadoghq.com`. Plain http works only for loopback hosts. */
    apiUrl: string;
    apiKey: string;
    appKey: string;
    /** Site named in 403 messages, by default the site whose API host `apiUrl` is. */
    site?: string;
    /** Retry settings. Missing fields take the defaults of retry.ts. */
    retry?: Partial<RetrySettings>;
    /** Time limit in seconds for one HTTP attempt, fractions allowed (default 30). */
    requestTimeoutSeconds?: number;
    /** `limit` of each list request, from 1 to 1000 (default 1000). */
    pageSize?: number;
    /** Log hook for retry notices ("warn") and one line per request ("debug"), without keys. */
    log?: (level: "debug" | "warn", message: string) => void;
    /** Sleep function used between retries. Tests pass a recorder so that they need not wait. */
    sleep?: (ms: number) => Promise<void>;
    /** Source of jitter in [0, 1) (default Math.random). */
    random?: () => number;
}

/** Path of the org connections collection. */
export const ORG_CONNECTIONS_PATH = "/api/v2/org_connections";

/** Maximum `limit` the client sends, which is also Datadog's default page size. */
export const MAX_PAGE_SIZE = 1000;

// NOTE: Datadog documents no maximum of connections per org. This limit is a guess far above
// any real account, and it only stops a server whose pages never end.
/** Maximum connections read in one pass of a listing. */
const MAX_LISTED_CONNECTIONS = 100_000;

/** How many times a listing is read before giving up when its counts change between pages. */
const MAX_LISTING_PASSES = 3;

/** Characters allowed in a key: printable ASCII without spaces, so a key can go in a header. */
const KEY_PATTERN = /^[\x21-\x7e]+$/;

function defaultSleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Checks a key without ever quoting it. */
function validateKey(value: unknown, name: string, setting: string): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw new Error(
            `Missing Datadog ${name}: set ${setting} to the key from your Datadog org.`,
        );
    }
    if (!KEY_PATTERN.test(value)) {
        throw new Error(
            `Invalid Datadog ${name}: it contains spaces, line breaks or non-ASCII characters, ` +
                `which cannot be sent in a header. Copy the key again from Datadog and set ` +
                `${setting}.`,
        );
    }
    return value;
}

/** Returns a copy of a parsed JSON value with every key in its strings replaced. */
function redactStrings(value: unknown, secrets: readonly string[]): unknown {
    if (typeof value === "string") {
        return redactSecrets(value, secrets);
    }
    if (Array.isArray(value)) {
        return value.map((item) => redactStrings(item, secrets));
    }
    if (typeof value === "object" && value !== null) {
        // Object.fromEntries defines own properties, so a "__proto__" key stays plain data.
        return Object.fromEntries(
            Object.entries(value).map(([key, item]) => [
                redactSecrets(key, secrets),
                redactStrings(item, secrets),
            ]),
        );
    }
    return value;
}

function requireConnectionTypes(connectionTypes: unknown): string[] {
    const valid =
        Array.isArray(connectionTypes) &&
        connectionTypes.length > 0 &&
        connectionTypes.every((t) => typeof t === "string");
    if (!valid) {
        throw new Error(
            `Invalid connection types ${JSON.stringify(connectionTypes)}: give a non-empty list ` +
                `such as ["logs", "metrics"]. No request was sent.`,
        );
    }
    return [...(connectionTypes as string[])];
}

/**
 * Client of Datadog's org connections API (`/api/v2/org_connections`) over node-fetch.
 * Keys travel only in the DD-API-KEY and DD-APPLICATION-KEY headers. GET, PATCH and DELETE
 * are retried on 429, 5xx, network errors and timeouts, but POST is sent once. Failures throw
 * DatadogApiError, and no message contains a key.
 */
export class OrgConnectionsClient {
    private readonly transport: ApiTransport;
    private readonly pageSize: number;
    private readonly log: (level: "debug" | "warn", message: string) => void;

    /** Checks every option and throws an Error naming the bad one. Sends nothing. */
    constructor(options: ClientOptions) {
        const apiUrl = resolveApiUrl({ apiUrl: options.apiUrl });
        const apiKey = validateKey(options.apiKey, "API key", "datadog:apiKey or DD_API_KEY");
        const appKey = validateKey(
            options.appKey,
            "application key",
            "datadog:appKey or DD_APP_KEY",
        );
        const retry = normalizeRetrySettings(options.retry);

        const timeout = options.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
        if (!Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_REQUEST_TIMEOUT_SECONDS) {
            throw new Error(
                `Invalid request timeout ${timeout}: use a positive number of seconds. ` +
                    `The maximum is ${MAX_REQUEST_TIMEOUT_SECONDS}.`,
            );
        }
        const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
        if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new Error(
                `Invalid page size ${pageSize}: use a whole number from 1 to ${MAX_PAGE_SIZE}.`,
            );
        }

        this.pageSize = pageSize;
        this.log = options.log ?? (() => undefined);
        this.transport = new ApiTransport({
            apiUrl,
            apiKey,
            appKey,
            site: options.site ?? siteForApiUrl(apiUrl),
            retry,
            requestTimeoutSeconds: timeout,
            log: this.log,
            sleep: options.sleep ?? defaultSleep,
            random: options.random ?? Math.random,
        });
    }

    /**
     * Lists the caller org's connections (as source or sink), reading every page with limit
     * and offset. Filters combine with AND. Throws IncompleteListingError when a page
     * contradicts the `meta.page` counts, so an incomplete list is never taken as complete.
     * A listing whose counts change between pages (a concurrent edit) is read again, up to
     * three passes in all.
     */
    async listOrgConnections(
        filter: { sinkOrgId?: string; sourceOrgId?: string } = {},
    ): Promise<OrgConnectionRecord[]> {
        const query: Record<string, string> = {};
        if (filter.sinkOrgId !== undefined) {
            query.sink_org_id = this.requireUuid(filter.sinkOrgId, "sink org id");
        }
        if (filter.sourceOrgId !== undefined) {
            query.source_org_id = this.requireUuid(filter.sourceOrgId, "source org id");
        }

        for (let pass = 1; ; pass++) {
            const result = await this.readAllPages(query);
            if (Array.isArray(result)) {
                return result;
            }
            if (pass >= MAX_LISTING_PASSES) {
                const request = this.listingRequest(query, result.offset);
                throw new IncompleteListingError(
                    `${request} returned an incomplete listing: ${result.reason}, in each of ` +
                        `${MAX_LISTING_PASSES} passes. The org connections changed while they ` +
                        `were read, so the listing cannot be trusted. Run the command again when ` +
                        `nothing else edits them.`,
                );
            }
            this.log("warn", `Restarting the org connections listing because ${result.reason}.`);
        }
    }

    /**
     * Creates a connection from the caller's org to `sinkOrgId`. The POST is sent exactly
     * once, even after a 5xx, a timeout or a lost response, because a resent POST could create
     * the connection twice. The caller decides whether to list and retry.
     */
    async createOrgConnection(
        sinkOrgId: string,
        connectionTypes: string[],
    ): Promise<OrgConnectionRecord> {
        const sink = this.requireUuid(sinkOrgId, "sink org id");
        const types = requireConnectionTypes(connectionTypes);
        const spec: RequestSpec = {
            method: "POST",
            path: ORG_CONNECTIONS_PATH,
            body: buildCreateBody(sink, types),
        };
        return this.parse(spec, await this.transport.send(spec), parseSingleResponse);
    }

    /**
     * Replaces the connection types of connection `id`. The API's PATCH response carries no
     * org or user names, so `name` is absent from the result's org and user references.
     */
    async updateOrgConnection(id: string, connectionTypes: string[]): Promise<OrgConnectionRecord> {
        const connectionId = this.requireUuid(id, "org connection id");
        const types = requireConnectionTypes(connectionTypes);
        const spec: RequestSpec = {
            method: "PATCH",
            path: `${ORG_CONNECTIONS_PATH}/${connectionId}`,
            body: buildUpdateBody(connectionId, types),
        };
        return this.parse(spec, await this.transport.send(spec), parseSingleResponse);
    }

    /**
     * Deletes connection `id`. A 404 (unknown or already deleted) throws a DatadogApiError with
     * status 404 like any other failure, and the caller decides whether it means "already gone".
     */
    async deleteOrgConnection(id: string): Promise<void> {
        const connectionId = this.requireUuid(id, "org connection id");
        const path = `${ORG_CONNECTIONS_PATH}/${connectionId}`;
        await this.transport.send({ method: "DELETE", path });
    }

    /** Throws before any request when `id` is not a lower-case UUID, so it never reaches a URL. */
    private requireUuid(id: unknown, description: string): string {
        if (!isUuid(id)) {
            const secrets = this.transport.secrets();
            const displayed =
                typeof id === "string" ? JSON.stringify(redactSecrets(id, secrets)) : String(id);
            throw new Error(
                `Invalid ${description} ${displayed}: it must be a lower-case UUID such as ` +
                    `"0f3c2a7e-5b1d-4c8e-9a6f-2d4b8e1c7a90". No request was sent. ` +
                    `Use the id that Datadog reports.`,
            );
        }
        return id;
    }

    private listingRequest(query: Record<string, string>, offset: number): string {
        const target = describeTarget({
            method: "GET",
            path: ORG_CONNECTIONS_PATH,
            query: { ...query, limit: String(this.pageSize), offset: String(offset) },
        });
        return `GET ${target.path}${target.query}`;
    }

    /**
     * Reads every page once. Returns the records, or the reason to read again when the counts
     * or the items shift between pages. Throws IncompleteListingError on a contradiction.
     */
    private async readAllPages(
        filterQuery: Record<string, string>,
    ): Promise<OrgConnectionRecord[] | { reason: string; offset: number }> {
        const filtered = Object.keys(filterQuery).length > 0;
        const records: OrgConnectionRecord[] = [];
        const seen = new Set<string>();
        let expected: number | undefined;
        let offset = 0;

        for (;;) {
            const spec: RequestSpec = {
                method: "GET",
                path: ORG_CONNECTIONS_PATH,
                query: { ...filterQuery, limit: String(this.pageSize), offset: String(offset) },
            };
            const page = this.parse(spec, await this.transport.send(spec), parseListResponse);

            // Without filters both counts cover the same connections. With filters only
            // total_filtered_count describes this listing.
            const useFiltered = filtered || page.totalFilteredCount !== undefined;
            const count = useFiltered ? page.totalFilteredCount : page.totalCount;
            const countName = useFiltered ? "total_filtered_count" : "total_count";
            if (count !== undefined && expected !== undefined && count !== expected) {
                const reason = `meta.page.${countName} changed from ${expected} to ${count} between pages`;
                return { reason, offset };
            }
            expected = count ?? expected;

            for (const record of page.connections) {
                if (seen.has(record.id)) {
                    return { reason: `connection ${record.id} appeared on two pages`, offset };
                }
                seen.add(record.id);
                records.push(record);
            }
            if (records.length > MAX_LISTED_CONNECTIONS) {
                const reason =
                    `more than ${MAX_LISTED_CONNECTIONS} connections were read, which is more ` +
                    `than the client accepts in one listing, so the pages may never end`;
                throw this.incomplete(filterQuery, offset, reason);
            }

            if (expected === undefined) {
                // Without counts to check against, a short page is the last one.
                if (page.connections.length < this.pageSize) {
                    return records;
                }
            } else if (records.length > expected) {
                const reason =
                    `${records.length} connections were read, ` +
                    `but meta.page.${countName} is ${expected}`;
                throw this.incomplete(filterQuery, offset, reason);
            } else if (records.length === expected) {
                return records;
            } else if (page.connections.length === 0) {
                const reason =
                    `the page is empty, but meta.page.${countName} is ${expected} and only ` +
                    `${records.length} connections were read`;
                throw this.incomplete(filterQuery, offset, reason);
            }
            // A short page with more to come is allowed, because the server may cap the page size.
            offset += page.connections.length;
        }
    }

    private incomplete(
        query: Record<string, string>,
        offset: number,
        reason: string,
    ): IncompleteListingError {
        const request = this.listingRequest(query, offset);
        return new IncompleteListingError(
            `${request} returned an incomplete listing: ${reason}. The listing cannot prove ` +
                `which connections exist, so it was rejected. Run the command again, and ` +
                `contact Datadog support if this persists.`,
        );
    }

    /**
     * Returns the parser's message for a body that it rejected, without any key. The parser
     * quotes response values (cut to 80 characters, which could leave part of a key), and a
     * misconfigured proxy may echo a key, so the message comes from parsing a copy of the body
     * with the keys replaced.
     */
    private describeInvalidBody(
        parser: (body: unknown) => unknown,
        body: unknown,
        error: InvalidResponseError,
    ): string {
        const secrets = this.transport.secrets();
        try {
            parser(redactStrings(body, secrets));
        } catch (e) {
            if (e instanceof InvalidResponseError) {
                return redactSecrets(e.message, secrets);
            }
        }
        return redactSecrets(error.message, secrets);
    }

    /** Runs a payload parser and adds the request and the next step to its error. */
    private parse<T>(
        spec: RequestSpec,
        response: { status: number; body: unknown },
        parser: (body: unknown) => T,
    ): T {
        try {
            return parser(response.body);
        } catch (e) {
            if (!(e instanceof InvalidResponseError)) {
                throw e;
            }
            const target = describeTarget(spec);
            const request = `${spec.method} ${target.path}${target.query}`;
            const reason = this.describeInvalidBody(parser, response.body, e);
            throw new InvalidResponseError(
                `${request} returned HTTP ${response.status} with an unexpected body. ` +
                    `${reason} Check that ${this.transport.apiUrl} is a Datadog API host, ` +
                    `such as https://api.datadoghq.com.`,
            );
        }
    }
}
