/**
 * The path of one HTTP request through the simulator: recording, scripted faults, rate limit,
 * random failures, authentication and the route handler, in that order.
 */
import { IncomingMessage, ServerResponse } from "http";

import { FaultQueue, RandomFailures, RateLimiter } from "./faults";
import {
    errorResponse,
    INVALID_JSON,
    parseJsonBody,
    readBody,
    reasonPhrase,
    SimResponse,
} from "./http";
import { authenticate, matchRoute } from "./routes";
import { SimState } from "./state";
import { RecordedRequest, SimulatorOptions } from "./types";

/** Query parameters that carry keys, which are never recorded or logged. */
const KEY_QUERY_PARAMS = new Set(["api_key", "application_key"]);

function headerValue(req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** The simulator's parts that the pipeline reads and updates. */
export interface PipelineParts {
    state: SimState;
    faults: FaultQueue;
    randomFailures: RandomFailures;
    rateLimiter: RateLimiter;
    requests: RecordedRequest[];
    options: SimulatorOptions;
    clock: () => number;
    /** Waits for a delay fault. The simulator cancels pending waits when it stops. */
    sleep(ms: number): Promise<void>;
}

/** Handles requests for one simulator. */
export class RequestPipeline {
    constructor(private readonly parts: PipelineParts) {}

    /** Handles one request. An unexpected error becomes a 500 response and a log line. */
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        try {
            await this.dispatch(req, res);
        } catch (error) {
            const path = req.url?.split("?")[0];
            this.parts.options.log?.(`simulator error on ${req.method} ${path}: ${error}`);
            if (!res.headersSent && !res.destroyed) {
                this.write(res, errorResponse(500, `Internal simulator error: ${error}`));
            }
        }
    }

    private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const { state, options } = this.parts;
        const method = (req.method ?? "GET").toUpperCase();
        const url = new URL(req.url ?? "/", "http://simulator.invalid");
        const bodyRead = await readBody(req);
        if (!url.pathname.startsWith("/api/")) {
            this.write(res, errorResponse(404, "Not found"));
            return;
        }

        const acceptQueryKeys = options.acceptQueryKeys ?? false;
        const queryKey = (name: string) =>
            acceptQueryKeys ? url.searchParams.get(name) || undefined : undefined;
        const apiKey = headerValue(req, "dd-api-key") ?? queryKey("api_key");
        const appKey = headerValue(req, "dd-application-key") ?? queryKey("application_key");
        const query: Record<string, string> = {};
        for (const [name, value] of url.searchParams) {
            if (!KEY_QUERY_PARAMS.has(name)) {
                query[name] = value;
            }
        }

        const record: RecordedRequest = {
            method,
            path: url.pathname,
            query,
            status: 0,
            at: this.parts.clock(),
        };
        const orgId = apiKey === undefined ? undefined : state.keysByApiKey.get(apiKey)?.orgId;
        if (orgId !== undefined) {
            record.orgId = orgId;
        }
        // Only this header is copied: the key headers must never reach a recording.
        const userAgent = headerValue(req, "user-agent");
        if (options.recordUserAgent === true && userAgent !== undefined) {
            record.userAgent = userAgent;
        }
        const body = bodyRead.ok ? parseJsonBody(bodyRead.raw) : undefined;
        if (body !== undefined && bodyRead.ok) {
            record.body = body === INVALID_JSON ? bodyRead.raw.toString("utf8") : body;
        }
        this.parts.requests.push(record);
        if (!bodyRead.ok) {
            this.finish(res, record, errorResponse(413, "Request body exceeds 1 MB"));
            return;
        }

        // A scripted fault is not rate limited, and its reply gets no rate-limit headers.
        const fault = this.parts.faults.take(method, url.pathname);
        if (fault?.type === "reset") {
            this.drop(req, record, 0);
            return;
        }
        if (fault?.type === "status") {
            const defaultBody = JSON.stringify({ errors: [reasonPhrase(fault.status)] });
            const faultBody = fault.body ?? defaultBody;
            const headers = {
                "Content-Type": fault.contentType ?? "application/json",
                ...fault.headers,
            };
            this.finish(res, record, { status: fault.status, headers, body: faultBody });
            return;
        }
        if (fault?.type === "delay") {
            await this.parts.sleep(fault.ms);
        }

        const response = this.process(method, url.pathname, query, body, apiKey, appKey);
        if (fault?.type === "reset-after-commit") {
            this.drop(req, record, response.status);
            return;
        }
        this.finish(res, record, response);
    }

    /** Applies the rate limit, random failures, authentication and the route handler. */
    private process(
        method: string,
        path: string,
        query: Record<string, string>,
        body: unknown,
        apiKey: string | undefined,
        appKey: string | undefined,
    ): SimResponse {
        const { state } = this.parts;
        const matched = matchRoute(method, path);
        const orgId = apiKey === undefined ? undefined : state.keysByApiKey.get(apiKey)?.orgId;
        const rate = this.parts.rateLimiter.hit(
            matched?.route.rateLimitName ?? "default",
            orgId ?? "unknown-api-key",
        );
        const withRateHeaders = (r: SimResponse): SimResponse => ({
            ...r,
            headers: { ...r.headers, ...rate.headers },
        });
        if (rate.limited) {
            return withRateHeaders(errorResponse(429, "Too many requests"));
        }
        const failureStatus = this.parts.randomFailures.draw();
        if (failureStatus !== undefined) {
            return withRateHeaders(errorResponse(failureStatus, reasonPhrase(failureStatus)));
        }
        if (matched === undefined) {
            return withRateHeaders(errorResponse(404, "Not found"));
        }

        const auth = authenticate(state, matched.route, apiKey, appKey);
        if ("response" in auth) {
            return withRateHeaders(auth.response);
        }
        const response = matched.route.handle({
            state,
            caller: auth.caller,
            query,
            body,
            params: matched.params,
            maxConnectionsPerSource: this.parts.options.maxConnectionsPerSource ?? 5,
        });
        return withRateHeaders(response);
    }

    private finish(res: ServerResponse, record: RecordedRequest, response: SimResponse): void {
        record.status = response.status;
        this.parts.options.log?.(`${record.method} ${record.path} -> ${response.status}`);
        this.write(res, response);
    }

    private write(res: ServerResponse, response: SimResponse): void {
        res.writeHead(response.status, {
            ...response.headers,
            "Content-Length": String(Buffer.byteLength(response.body)),
        });
        res.end(response.body);
    }

    /** Destroys the socket without a reply and records `status` (computed but unsent, or 0). */
    private drop(req: IncomingMessage, record: RecordedRequest, status: number): void {
        record.status = status;
        record.dropped = true;
        this.parts.options.log?.(
            `${record.method} ${record.path} -> connection reset (status ${status})`,
        );
        req.socket.destroy();
    }
}
