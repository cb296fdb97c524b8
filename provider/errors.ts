/** Kind of request failure: an HTTP error status, a network error, or no response in time. */
export type ApiFailureKind = "http" | "network" | "timeout";

/**
 * Reason the client stopped retrying. The values repeat RetryStopReason of retry.ts, so
 * that errors.ts needs no imports.
 */
export type StopReason =
    "not-retryable" | "not-resendable" | "disabled" | "max-retries" | "timeout";

/** Fields of a {@link DatadogApiError}, from which its message is built. */
export interface DatadogApiErrorDetails {
    method: string;
    /** Request path without the query string, for example `/api/v2/org_connections`. */
    path: string;
    /** Query string with its leading "?", or "" when there is none. Never contains a key. */
    query?: string;
    /** HTTP status, or 0 for a network error or a timeout. */
    status: number;
    /** Datadog's `errors` list, with any key replaced by "<redacted>". */
    errors?: string[];
    /** Origin of the API, for example `https://api.datadoghq.eu`. */
    apiUrl: string;
    /** Datadog site, when the API URL is a known site's host. */
    site?: string;
    kind: ApiFailureKind;
    retryable: boolean;
    attempts: number;
    stopReason?: StopReason;
    /** Content-Type of a response that was not JSON. */
    nonJsonContentType?: string;
    /** Network error code such as ECONNRESET, or the error's own text when it has none. */
    networkError?: string;
    timeoutSeconds?: number;
    retryTimeoutSeconds?: number;
    rateLimitName?: string;
    rateLimitResetSeconds?: number;
    /** Location header of a redirect, which the client does not follow. */
    location?: string;
    cause?: unknown;
}

/**
 * A Datadog API request that failed with an HTTP error status, a network error or a
 * timeout, after the client's retries. The message names the method, path and status,
 * quotes Datadog's `errors` and tells the user what to do next. It never contains an API or
 * application key.
 */
export class DatadogApiError extends Error {
    readonly method: string;
    readonly path: string;
    readonly query: string;
    /** HTTP status, or 0 for a network error or a timeout. */
    readonly status: number;
    readonly errors: string[];
    readonly apiUrl: string;
    readonly site?: string;
    readonly kind: ApiFailureKind;
    /** Whether the failure is transient (429, 5xx, network, timeout), even when not retried. */
    readonly retryable: boolean;
    readonly attempts: number;
    readonly stopReason?: StopReason;
    readonly rateLimitResetSeconds?: number;

    constructor(details: DatadogApiErrorDetails) {
        const options = details.cause === undefined ? undefined : { cause: details.cause };
        super(formatApiErrorMessage(details), options);
        this.name = "DatadogApiError";
        this.method = details.method;
        this.path = details.path;
        this.query = details.query ?? "";
        this.status = details.status;
        this.errors = details.errors ?? [];
        this.apiUrl = details.apiUrl;
        this.site = details.site;
        this.kind = details.kind;
        this.retryable = details.retryable;
        this.attempts = details.attempts;
        this.stopReason = details.stopReason;
        this.rateLimitResetSeconds = details.rateLimitResetSeconds;
    }
}

/**
 * Returns whether `e` is a {@link DatadogApiError}. It checks the name as well as the class,
 * because the provider and its callers can load separate copies of this module.
 */
export function isDatadogApiError(e: unknown): e is DatadogApiError {
    if (e instanceof DatadogApiError) {
        return true;
    }
    return e instanceof Error && e.name === "DatadogApiError" && "status" in e;
}

/**
 * A listing whose pages contradict their `meta.page` counts, for example an empty page while
 * `total_filtered_count` is 5. Such a listing cannot prove that a connection is absent.
 */
export class IncompleteListingError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "IncompleteListingError";
    }
}

/** A successful response whose body is not the JSON:API document the contract describes. */
export class InvalidResponseError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InvalidResponseError";
    }
}

/** Replaces every occurrence of each non-empty secret in `text` with "<redacted>". */
export function redactSecrets(text: string, secrets: readonly string[]): string {
    let result = text;
    for (const secret of secrets) {
        if (secret.length > 0) {
            result = result.split(secret).join("<redacted>");
        }
    }
    return result;
}

function endSentence(text: string): string {
    return /[.!?]$/.test(text) ? text : `${text}.`;
}

function describeFailure(d: DatadogApiErrorDetails): string {
    const request = `${d.method} ${d.path}${d.query ?? ""}`;
    if (d.kind === "timeout") {
        const seconds = d.timeoutSeconds ?? "?";
        return `${request} timed out after ${seconds} s without a response from ${d.apiUrl}`;
    }
    if (d.kind === "network") {
        const cause = d.networkError ?? "unknown";
        return `${request} failed with a network error talking to ${d.apiUrl} (${cause})`;
    }
    if (d.nonJsonContentType !== undefined) {
        const type = d.nonJsonContentType;
        return `${request} failed with HTTP ${d.status} (non-JSON response, ${type})`;
    }
    if (d.errors !== undefined && d.errors.length > 0) {
        return `${request} failed with HTTP ${d.status}: ${d.errors.join("; ")}`;
    }
    return `${request} failed with HTTP ${d.status}`;
}

function describeAttempts(d: DatadogApiErrorDetails): string | undefined {
    if (!d.retryable) {
        return undefined;
    }
    const attempts = `${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`;
    switch (d.stopReason) {
        case "max-retries":
            return `All ${attempts} failed.`;
        case "timeout":
            return (
                `Stopped after ${attempts} because the next retry would pass the retry timeout ` +
                `of ${d.retryTimeoutSeconds ?? "?"} s.`
            );
        case "disabled":
            return "Retries are disabled.";
        case "not-resendable":
            // A 429 is rejected before Datadog processes the request, so only other failures
            // may have applied it.
            if (d.kind === "http" && d.status === 429) {
                return `The client does not resend a ${d.method}, so it was sent once.`;
            }
            return (
                `The ${d.method} was sent once and not resent, because Datadog may have ` +
                `applied it and a second ${d.method} could apply it twice.`
            );
        default:
            return undefined;
    }
}

function describeNextStep(d: DatadogApiErrorDetails): string | undefined {
    const siteText = d.site === undefined ? d.apiUrl : `${d.apiUrl} (site ${d.site})`;
    if (d.kind === "timeout" || d.kind === "network") {
        return `Check network access to ${d.apiUrl}, then run the command again.`;
    }
    if (d.status >= 300 && d.status <= 399) {
        return (
            `The API URL redirected to ${d.location ?? "another address"}, and the client does ` +
            `not follow redirects because they would carry the keys. Set the API URL to the API ` +
            `host itself, such as https://api.datadoghq.com.`
        );
    }
    if (d.nonJsonContentType !== undefined && d.status < 500 && d.status !== 429) {
        return `Check that ${d.apiUrl} is a Datadog API host, such as https://api.datadoghq.com.`;
    }
    if (d.status === 401) {
        return (
            "Check that both an API key and an application key are set for the org that sends " +
            "the request."
        );
    }
    if (d.status === 403) {
        const permission = d.method === "GET" ? "org_connections_read" : "org_connections_write";
        return (
            `Datadog at ${siteText} rejected the keys. Check that the application key is ` +
            `valid, belongs to the org that sends the request and has the ${permission} ` +
            `permission. Keys created on another Datadog site are also rejected with 403, so ` +
            `check the site or API URL.`
        );
    }
    if (d.status === 429) {
        const name = d.rateLimitName === undefined ? "" : ` "${d.rateLimitName}"`;
        const seconds = d.rateLimitResetSeconds;
        const reset = seconds === undefined ? "" : ` It resets in ${seconds} s.`;
        return (
            `The Datadog rate limit${name} is still exceeded.${reset} Wait and run the command ` +
            `again, or allow more retries (datadog:httpClientRetryMaxRetries, ` +
            `datadog:httpClientRetryTimeout).`
        );
    }
    if (d.status >= 500) {
        return (
            "Datadog reported a server error. Run the command again later, and check " +
            "https://status.datadoghq.com if it persists."
        );
    }
    return undefined;
}

/** Builds the message of a {@link DatadogApiError} from its details. */
export function formatApiErrorMessage(details: DatadogApiErrorDetails): string {
    const parts = [endSentence(describeFailure(details))];
    const attempts = describeAttempts(details);
    if (attempts !== undefined) {
        parts.push(attempts);
    }
    const nextStep = describeNextStep(details);
    if (nextStep !== undefined) {
        parts.push(nextStep);
    }
    return parts.join(" ");
}
