import {
    DatadogApiError,
    DatadogApiErrorDetails,
    IncompleteListingError,
    InvalidResponseError,
    isDatadogApiError,
    redactSecrets,
} from "../../provider/errors";

const BASE: DatadogApiErrorDetails = {
    method: "GET",
    path: "/api/v2/org_connections",
    status: 500,
    apiUrl: "https://api.datadoghq.eu",
    site: "datadoghq.eu",
    kind: "http",
    retryable: false,
    attempts: 1,
};

const SERVER_ERROR_STEP =
    "Datadog reported a server error. Run the command again later, and check " +
    "https://status.datadoghq.com if it persists.";

function error(details: Partial<DatadogApiErrorDetails>): DatadogApiError {
    return new DatadogApiError({ ...BASE, ...details });
}

describe("DatadogApiError", () => {
    it("carries the request, status and Datadog's errors", () => {
        const e = error({
            method: "POST",
            status: 409,
            errors: ["connection between orgs X and Y already exists"],
        });
        expect(e).toBeInstanceOf(Error);
        expect(e.name).toBe("DatadogApiError");
        expect(e.method).toBe("POST");
        expect(e.path).toBe("/api/v2/org_connections");
        expect(e.query).toBe("");
        expect(e.status).toBe(409);
        expect(e.errors).toEqual(["connection between orgs X and Y already exists"]);
        expect(e.apiUrl).toBe("https://api.datadoghq.eu");
        expect(e.retryable).toBe(false);
        expect(e.attempts).toBe(1);
        expect(e.message).toBe(
            "POST /api/v2/org_connections failed with HTTP 409: " +
                "connection between orgs X and Y already exists.",
        );
    });

    it("joins several errors and keeps a final full stop", () => {
        expect(error({ status: 400, errors: ["first", "second."] }).message).toBe(
            "GET /api/v2/org_connections failed with HTTP 400: first; second.",
        );
    });

    it("names the content type of a non-JSON body", () => {
        const e = error({
            status: 502,
            nonJsonContentType: "text/html",
            retryable: true,
            attempts: 4,
            stopReason: "max-retries",
        });
        expect(e.message).toBe(
            "GET /api/v2/org_connections failed with HTTP 502 (non-JSON response, text/html). " +
                `All 4 attempts failed. ${SERVER_ERROR_STEP}`,
        );
    });

    it("points a non-JSON 404 at the API URL", () => {
        expect(error({ status: 404, nonJsonContentType: "text/html" }).message).toBe(
            "GET /api/v2/org_connections failed with HTTP 404 (non-JSON response, text/html). " +
                "Check that https://api.datadoghq.eu is a Datadog API host, such as " +
                "https://api.datadoghq.com.",
        );
    });

    it.each([
        ["GET", "org_connections_read"],
        ["PATCH", "org_connections_write"],
        ["DELETE", "org_connections_write"],
        ["POST", "org_connections_write"],
    ])("names the permission a %s needs on 403", (method, permission) => {
        expect(error({ method, status: 403, errors: ["Forbidden"] }).message).toBe(
            `${method} /api/v2/org_connections failed with HTTP 403: Forbidden. ` +
                "Datadog at https://api.datadoghq.eu (site datadoghq.eu) rejected the keys. " +
                "Check that the application key is valid, belongs to the org that sends the " +
                `request and has the ${permission} permission. Keys created on another Datadog ` +
                "site are also rejected with 403, so check the site or API URL.",
        );
    });

    it("explains a 401", () => {
        expect(error({ status: 401, errors: ["Unauthorized"] }).message).toBe(
            "GET /api/v2/org_connections failed with HTTP 401: Unauthorized. Check that both an " +
                "API key and an application key are set for the org that sends the request.",
        );
    });

    it("explains a lasting 429 with its reset time", () => {
        const e = error({
            status: 429,
            query: "?limit=1000&offset=0",
            errors: ["Too many requests"],
            retryable: true,
            attempts: 6,
            stopReason: "max-retries",
            rateLimitName: "org_connections",
            rateLimitResetSeconds: 7,
        });
        expect(e.message).toBe(
            "GET /api/v2/org_connections?limit=1000&offset=0 failed with HTTP 429: " +
                "Too many requests. All 6 attempts failed. The Datadog rate limit " +
                '"org_connections" is still exceeded. It resets in 7 s. Wait and run the command ' +
                "again, or allow more retries (datadog:httpClientRetryMaxRetries, " +
                "datadog:httpClientRetryTimeout).",
        );
        expect(e.rateLimitResetSeconds).toBe(7);
    });

    it("says why a POST was not resent", () => {
        const e = error({
            method: "POST",
            status: 503,
            errors: ["Service Unavailable"],
            retryable: true,
            stopReason: "not-resendable",
        });
        expect(e.message).toBe(
            "POST /api/v2/org_connections failed with HTTP 503: Service Unavailable. The POST " +
                "was sent once and not resent, because Datadog may have applied it and a second " +
                `POST could apply it twice. ${SERVER_ERROR_STEP}`,
        );
    });

    it("describes a timeout that used up the retry budget", () => {
        const e = error({
            status: 0,
            kind: "timeout",
            timeoutSeconds: 0.2,
            retryable: true,
            attempts: 2,
            stopReason: "timeout",
            retryTimeoutSeconds: 1,
        });
        expect(e.message).toBe(
            "GET /api/v2/org_connections timed out after 0.2 s without a response from " +
                "https://api.datadoghq.eu. Stopped after 2 attempts because the next retry would " +
                "pass the retry timeout of 1 s. Check network access to " +
                "https://api.datadoghq.eu, then run the command again.",
        );
    });

    it("describes a network error with retries disabled", () => {
        const e = error({
            status: 0,
            kind: "network",
            networkError: "ECONNREFUSED",
            retryable: true,
            stopReason: "disabled",
        });
        expect(e.message).toBe(
            "GET /api/v2/org_connections failed with a network error talking to " +
                "https://api.datadoghq.eu (ECONNREFUSED). Retries are disabled. Check network " +
                "access to https://api.datadoghq.eu, then run the command again.",
        );
    });

    it("refuses to follow a redirect", () => {
        expect(error({ status: 301, location: "https://app.datadoghq.com/" }).message).toBe(
            "GET /api/v2/org_connections failed with HTTP 301. The API URL redirected to " +
                "https://app.datadoghq.com/, and the client does not follow redirects because " +
                "they would carry the keys. Set the API URL to the API host itself, such as " +
                "https://api.datadoghq.com.",
        );
    });

    it("keeps its cause", () => {
        const cause = new Error("socket hang up");
        expect(error({ kind: "network", cause }).cause).toBe(cause);
    });
});

describe("isDatadogApiError", () => {
    it("recognizes the class and copies of it", () => {
        expect(isDatadogApiError(error({}))).toBe(true);
        const copy = Object.assign(new Error("x"), { name: "DatadogApiError", status: 500 });
        expect(isDatadogApiError(copy)).toBe(true);
        expect(isDatadogApiError(new Error("x"))).toBe(false);
        expect(isDatadogApiError(new IncompleteListingError("x"))).toBe(false);
        expect(isDatadogApiError({ name: "DatadogApiError", status: 500 })).toBe(false);
        expect(isDatadogApiError(undefined)).toBe(false);
    });
});

describe("other errors", () => {
    it("have their own names", () => {
        expect(new IncompleteListingError("m").name).toBe("IncompleteListingError");
        expect(new InvalidResponseError("m").name).toBe("InvalidResponseError");
        expect(new IncompleteListingError("m")).toBeInstanceOf(Error);
    });
});

describe("redactSecrets", () => {
    it("replaces every occurrence of each secret", () => {
        expect(redactSecrets("key abc, again abc, other xyz", ["abc", "xyz"])).toBe(
            "key <redacted>, again <redacted>, other <redacted>",
        );
    });

    it("ignores empty secrets", () => {
        expect(redactSecrets("text", [""])).toBe("text");
    });
});
