/**
 * Datadog sites and their API origins. The API host is "api." followed by the site, and the
 * last two entries are the FedRAMP sites.
 */
export const SITES: Readonly<Record<string, string>> = Object.freeze({
    "datadoghq.com": "https://api.datadoghq.com",
    "us3.datadoghq.com": "https://api.us3.datadoghq.com",
    "us5.datadoghq.com": "https://api.us5.datadoghq.com",
    "datadoghq.eu": "https://api.datadoghq.eu",
    "ap1.datadoghq.com": "https://api.ap1.datadoghq.com",
    "ap2.datadoghq.com": "https://api.ap2.datadoghq.com",
    "uk1.datadoghq.com": "https://api.uk1.datadoghq.com",
    "ddog-gov.com": "https://api.ddog-gov.com",
    "us2.ddog-gov.com": "https://api.us2.ddog-gov.com",
});

/** Site used when neither a site nor an API URL is configured. */
export const DEFAULT_SITE = "datadoghq.com";

/** Returns whether `hostname` (as `URL.hostname` gives it) is a loopback host. */
export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.toLowerCase();
    if (host === "localhost" || host === "[::1]" || host === "::1") {
        return true;
    }
    const octets = host.split(".");
    return (
        octets.length === 4 &&
        octets[0] === "127" &&
        octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
    );
}

/** Shows a URL in a message without its credentials, query or fragment, which may hold secrets. */
function displayUrl(url: URL): string {
    const userInfo = url.username !== "" || url.password !== "" ? "<credentials>@" : "";
    const query = url.search !== "" ? "?<query>" : "";
    const fragment = url.hash !== "" ? "#<fragment>" : "";
    return `${url.protocol}//${userInfo}${url.host}${url.pathname}${query}${fragment}`;
}

/** Checks a configured API URL and returns its origin, as {@link resolveApiUrl} describes. */
function validateApiUrl(apiUrl: string): string {
    const text = apiUrl.trim();
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        const displayed = text.includes("@") ? "<hidden because it contains @>" : text;
        throw new Error(
            `Invalid Datadog API URL "${displayed}": it is not an absolute URL. ` +
                `Use the API origin of your site, such as https://api.datadoghq.com.`,
        );
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        // Only the scheme is shown: in a value like "user:secret@host" the rest may be a secret.
        throw new Error(
            `Invalid Datadog API URL: the scheme "${url.protocol}" is not supported. ` +
                `Use https, such as https://api.datadoghq.com.`,
        );
    }

    const displayed = displayUrl(url);
    const origin = `${url.protocol}//${url.host}`;
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
        throw new Error(
            `Invalid Datadog API URL "${displayed}": plain http would send the keys unencrypted, ` +
                `so it is allowed only for loopback hosts. Use https://${url.host}.`,
        );
    }
    if (url.username !== "" || url.password !== "") {
        throw new Error(
            `Invalid Datadog API URL "${displayed}": it contains credentials. ` +
                `Remove them and set the keys as datadog:apiKey and datadog:appKey instead.`,
        );
    }
    if (url.search !== "" || url.hash !== "") {
        throw new Error(
            `Invalid Datadog API URL "${displayed}": it has a query string or fragment, which ` +
                `the API URL must not have because keys belong only in headers. Use ${origin}.`,
        );
    }
    if (url.pathname !== "/" && url.pathname !== "") {
        throw new Error(
            `Invalid Datadog API URL "${displayed}": it has the path "${url.pathname}", ` +
                `but only the scheme and host are used. Use ${origin}.`,
        );
    }
    return origin;
}

/**
 * Returns the API origin (scheme, host and port, no trailing slash) for a site or an API URL.
 * `apiUrl` wins when both are given. It must use https, except for loopback hosts
 * (127.0.0.0/8, ::1, localhost), and must have no path other than "/", no credentials, no
 * query and no fragment. A site must be one of {@link SITES}. With neither,
 * {@link DEFAULT_SITE} is used. Throws an Error naming the bad value and the fix.
 */
export function resolveApiUrl(o: { site?: string; apiUrl?: string }): string {
    if (o.apiUrl !== undefined && o.apiUrl.trim() !== "") {
        return validateApiUrl(o.apiUrl);
    }
    const configuredSite = o.site?.trim() ?? "";
    const site = (configuredSite === "" ? DEFAULT_SITE : configuredSite).toLowerCase();
    // An own-property check, so that names such as "constructor" do not resolve to a method.
    const origin = Object.prototype.hasOwnProperty.call(SITES, site) ? SITES[site] : undefined;
    if (origin === undefined) {
        throw new Error(
            `Unknown Datadog site "${o.site}". Known sites: ${Object.keys(SITES).join(", ")}. ` +
                `Set the site to one of them, or set the API URL instead.`,
        );
    }
    return origin;
}

/** Returns the site whose API origin is `apiUrl`, or undefined for any other host. */
export function siteForApiUrl(apiUrl: string): string | undefined {
    return Object.keys(SITES).find((site) => SITES[site] === apiUrl);
}
