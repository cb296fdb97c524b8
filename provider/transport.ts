import * as http from "http";
import * as https from "https";
import fetch, { Response } from "node-fetch";

import {
    DatadogApiError,
    DatadogApiErrorDetails,
    InvalidResponseError,
    redactSecrets,
} from "./errors";
import {
    AttemptFailure,
    RetryStopReason,
    isRetryableStatus,
    parseRateLimitReset,
    planRetry,
} from "./retry";
import { RetrySettings } from "./settings";
import { userAgent } from "./version";

/** One API request. Its `path` must already be safe, with any id checked to be a UUID. */
export interface RequestSpec {
    method: "GET" | "POST" | "PATCH" | "DELETE";
    path: string;
    query?: Record<string, string>;
    body?: object;
}

/** Settings of {@link ApiTransport}, already checked by the client. */
export interface TransportOptions {
    apiUrl: string;
    apiKey: string;
    appKey: string;
    site?: string;
    retry: RetrySettings;
    requestTimeoutSeconds: number;
    log: (level: "debug" | "warn", message: string) => void;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
}

type AttemptResult =
    | { ok: true; status: number; body: unknown }
    | { ok: false; failure: AttemptFailure; details: Partial<DatadogApiErrorDetails> };

// A new connection per request: a kept-alive socket that the server closes while idle fails
// the next request with ECONNRESET, and a POST that fails that way cannot be resent.
const httpAgent = new http.Agent({ keepAlive: false });
const httpsAgent = new https.Agent({ keepAlive: false });

/** Returns a request's path and its query string (with "?", or "" when there is none). */
export function describeTarget(spec: RequestSpec): { path: string; query: string } {
    const search = spec.query === undefined ? "" : new URLSearchParams(spec.query).toString();
    return { path: spec.path, query: search === "" ? "" : `?${search}` };
}

function mediaType(response: Response): string {
    const header = response.headers.get("content-type");
    if (header === null || header.trim() === "") {
        return "no content type";
    }
    return header.split(";")[0].trim().toLowerCase();
}

/** Reads Datadog's `errors` list. An entry that is an object gives its `detail` or `title`. */
function extractErrors(body: unknown): string[] {
    const errors = (body as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors)) {
        return [];
    }
    return errors.map((entry: unknown) => {
        if (typeof entry === "object" && entry !== null) {
            const { detail, title } = entry as { detail?: unknown; title?: unknown };
            return String(detail ?? title ?? JSON.stringify(entry));
        }
        return String(entry);
    });
}

function describeAttemptFailure(failure: AttemptFailure): string {
    switch (failure.kind) {
        case "http":
            return `failed with HTTP ${failure.status}`;
        case "network":
            return "failed with a network error";
        case "timeout":
            return "timed out";
    }
}

/**
 * Sends Datadog API requests over node-fetch with the key headers, a per-attempt timeout and
 * the retry policy of retry.ts. Redirects are not followed, because they would carry the keys
 * to another address.
 */
export class ApiTransport {
    constructor(private readonly options: TransportOptions) {}

    /** Origin that requests go to. */
    get apiUrl(): string {
        return this.options.apiUrl;
    }

    /** Returns the API and application keys, so that callers can redact them from messages. */
    secrets(): string[] {
        return [this.options.apiKey, this.options.appKey];
    }

    /**
     * Sends one request with retries and returns the status and parsed JSON body of the 2xx
     * response (body undefined when empty). Throws DatadogApiError when the retries end, and
     * InvalidResponseError for a 2xx whose body is not JSON.
     */
    async send(spec: RequestSpec): Promise<{ status: number; body: unknown }> {
        const target = describeTarget(spec);
        const started = Date.now();
        for (let attempts = 1; ; attempts++) {
            const result = await this.attempt(spec, target);
            if (result.ok) {
                return { status: result.status, body: result.body };
            }

            const decision = planRetry({
                method: spec.method,
                failure: result.failure,
                attempts,
                elapsedMs: Date.now() - started,
                settings: this.options.retry,
                random: this.options.random,
            });
            if (!decision.retry) {
                throw this.buildError(spec, target, result, attempts, decision.reason);
            }
            const request = `${spec.method} ${target.path}${target.query}`;
            const failure = describeAttemptFailure(result.failure);
            const seconds = (decision.delayMs / 1000).toFixed(1);
            const total = this.options.retry.maxRetries + 1;
            const next = `attempt ${attempts + 1} of ${total}`;
            this.options.log("warn", `${request} ${failure}; retrying in ${seconds} s (${next}).`);
            await this.options.sleep(decision.delayMs);
        }
    }

    private buildError(
        spec: RequestSpec,
        target: { path: string; query: string },
        result: Extract<AttemptResult, { ok: false }>,
        attempts: number,
        stopReason: RetryStopReason,
    ): DatadogApiError {
        const failure = result.failure;
        const retryable = failure.kind !== "http" || isRetryableStatus(failure.status);
        return new DatadogApiError({
            method: spec.method,
            path: target.path,
            query: target.query,
            status: failure.kind === "http" ? failure.status : 0,
            apiUrl: this.options.apiUrl,
            site: this.options.site,
            kind: failure.kind,
            retryable,
            attempts,
            stopReason: retryable ? stopReason : undefined,
            timeoutSeconds: this.options.requestTimeoutSeconds,
            retryTimeoutSeconds: this.options.retry.timeoutSeconds,
            ...result.details,
        });
    }

    /** Sends one HTTP request and returns its outcome, including HTTP and network failures. */
    private async attempt(
        spec: RequestSpec,
        target: { path: string; query: string },
    ): Promise<AttemptResult> {
        const request = `${spec.method} ${target.path}${target.query}`;
        const headers: Record<string, string> = {
            Accept: "application/json",
            "DD-API-KEY": this.options.apiKey,
            "DD-APPLICATION-KEY": this.options.appKey,
            "User-Agent": userAgent(),
        };
        if (spec.body !== undefined) {
            headers["Content-Type"] = "application/json";
        }

        // The timer covers reading the body too, because the signal also aborts the body stream.
        const timeoutSeconds = this.options.requestTimeoutSeconds;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutSeconds * 1000);
        const started = Date.now();
        let response: Response;
        let text: string;
        try {
            response = await fetch(`${this.options.apiUrl}${target.path}${target.query}`, {
                method: spec.method,
                headers,
                body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
                redirect: "manual",
                signal: controller.signal,
                agent: (url) => (url.protocol === "https:" ? httpsAgent : httpAgent),
            });
            text = await response.text();
        } catch (e) {
            if (controller.signal.aborted) {
                this.options.log("debug", `${request} timed out after ${timeoutSeconds} s`);
                return { ok: false, failure: { kind: "timeout" }, details: { cause: e } };
            }
            // The error's own text contains the URL, so only its code (such as ECONNRESET) is kept.
            const code = (e as { code?: unknown }).code;
            const description = typeof code === "string" ? code : String((e as Error).message);
            const networkError = redactSecrets(description, this.secrets());
            this.options.log("debug", `${request} failed with ${networkError}`);
            return { ok: false, failure: { kind: "network" }, details: { networkError } };
        } finally {
            clearTimeout(timer);
        }

        const status = response.status;
        const elapsedMs = Date.now() - started;
        this.options.log("debug", `${request} returned HTTP ${status} in ${elapsedMs} ms`);
        return this.classify(request, response, text);
    }

    /** Turns a received response into a success or a failure with its details. */
    private classify(request: string, response: Response, text: string): AttemptResult {
        const status = response.status;
        let body: unknown;
        let isJson = true;
        if (text.trim() !== "") {
            try {
                body = JSON.parse(text);
            } catch {
                isJson = false;
            }
        }

        if (status >= 200 && status <= 299) {
            if (!isJson) {
                const type = redactSecrets(mediaType(response), this.secrets());
                throw new InvalidResponseError(
                    `${request} returned HTTP ${status} with a non-JSON body (${type}). Check ` +
                        `that ${this.options.apiUrl} is a Datadog API host, such as ` +
                        `https://api.datadoghq.com.`,
                );
            }
            return { ok: true, status, body };
        }

        const details: Partial<DatadogApiErrorDetails> = { errors: [] };
        if (isJson) {
            details.errors = extractErrors(body).map((m) => redactSecrets(m, this.secrets()));
        } else {
            details.nonJsonContentType = redactSecrets(mediaType(response), this.secrets());
        }
        // Header values go into the error message, and a proxy may echo a key in them.
        const location = response.headers.get("location");
        if (location !== null) {
            details.location = redactSecrets(location, this.secrets());
        }
        const name = response.headers.get("x-ratelimit-name");
        if (name !== null) {
            details.rateLimitName = redactSecrets(name, this.secrets());
        }
        // Datadog sends the rate-limit headers on every response, but only a 429 means waiting.
        const reset = parseRateLimitReset(response.headers.get("x-ratelimit-reset"));
        if (status === 429 && reset !== undefined) {
            details.rateLimitResetSeconds = reset;
        }
        return {
            ok: false,
            failure: { kind: "http", status, rateLimitResetSeconds: details.rateLimitResetSeconds },
            details,
        };
    }
}
