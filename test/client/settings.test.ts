import {
    ConfigReader,
    DEFAULT_SITE,
    ProviderSettings,
    SITES,
    isLoopbackHost,
    readProviderSettings,
    resolveApiUrl,
    resolveConnection,
} from "../../provider/settings";

/** Builds a ConfigReader over a plain map, as `configure` would see the stack config. */
function configOf(values: Record<string, string> = {}): ConfigReader {
    return { get: (key: string) => values[key] };
}

const KNOWN_SITES =
    "datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, " +
    "ap2.datadoghq.com, uk1.datadoghq.com, ddog-gov.com, us2.ddog-gov.com";

describe("SITES", () => {
    const table: [string, string][] = [
        ["datadoghq.com", "https://api.datadoghq.com"],
        ["us3.datadoghq.com", "https://api.us3.datadoghq.com"],
        ["us5.datadoghq.com", "https://api.us5.datadoghq.com"],
        ["datadoghq.eu", "https://api.datadoghq.eu"],
        ["ap1.datadoghq.com", "https://api.ap1.datadoghq.com"],
        ["ap2.datadoghq.com", "https://api.ap2.datadoghq.com"],
        ["uk1.datadoghq.com", "https://api.uk1.datadoghq.com"],
        ["ddog-gov.com", "https://api.ddog-gov.com"],
        ["us2.ddog-gov.com", "https://api.us2.ddog-gov.com"],
    ];

    it("lists exactly the nine sites", () => {
        expect(Object.keys(SITES)).toEqual(table.map(([site]) => site));
    });

    it.each(table)("maps %s to %s", (site, origin) => {
        expect(SITES[site]).toBe(origin);
        expect(resolveApiUrl({ site })).toBe(origin);
    });

    it("defaults to datadoghq.com", () => {
        expect(DEFAULT_SITE).toBe("datadoghq.com");
        expect(resolveApiUrl({})).toBe("https://api.datadoghq.com");
        expect(resolveApiUrl({ site: "  " })).toBe("https://api.datadoghq.com");
    });

    it("accepts upper case and surrounding spaces", () => {
        expect(resolveApiUrl({ site: " DatadogHQ.eu " })).toBe("https://api.datadoghq.eu");
    });

    it("rejects an unknown site with the known ones", () => {
        expect(() => resolveApiUrl({ site: "app.datadoghq.com" })).toThrow(
            `Unknown Datadog site "app.datadoghq.com". Known sites: ${KNOWN_SITES}. ` +
                "Set the site to one of them, or set the API URL instead.",
        );
    });
});

describe("resolveApiUrl", () => {
    it("prefers the API URL over the site", () => {
        const origin = resolveApiUrl({ site: "datadoghq.eu", apiUrl: "http://127.0.0.1:4010" });
        expect(origin).toBe("http://127.0.0.1:4010");
    });

    const accepted: [string, string][] = [
        ["https://api.datadoghq.eu", "https://api.datadoghq.eu"],
        ["https://api.datadoghq.eu/", "https://api.datadoghq.eu"],
        ["  https://API.DatadogHQ.com  ", "https://api.datadoghq.com"],
        ["https://proxy.example.com:8443", "https://proxy.example.com:8443"],
        ["http://127.0.0.1:4010", "http://127.0.0.1:4010"],
        ["http://127.8.9.10:80/", "http://127.8.9.10"],
        ["http://localhost:3000/", "http://localhost:3000"],
        ["http://[::1]:9000", "http://[::1]:9000"],
    ];
    it.each(accepted)("accepts %s as %s", (apiUrl, origin) => {
        expect(resolveApiUrl({ apiUrl })).toBe(origin);
    });

    const rejected: [string, string][] = [
        [
            "http://api.datadoghq.com",
            'Invalid Datadog API URL "http://api.datadoghq.com/": plain http would send the ' +
                "keys unencrypted, so it is allowed only for loopback hosts. " +
                "Use https://api.datadoghq.com.",
        ],
        [
            "http://127.0.0.1.nip.io:8080",
            'Invalid Datadog API URL "http://127.0.0.1.nip.io:8080/": plain http would send the ' +
                "keys unencrypted, so it is allowed only for loopback hosts. " +
                "Use https://127.0.0.1.nip.io:8080.",
        ],
        [
            "https://api.datadoghq.com/api/",
            'Invalid Datadog API URL "https://api.datadoghq.com/api/": it has the path "/api/", ' +
                "but only the scheme and host are used. Use https://api.datadoghq.com.",
        ],
        [
            "https://user:hunter2@api.datadoghq.com",
            'Invalid Datadog API URL "https://<credentials>@api.datadoghq.com/": it contains ' +
                "credentials. Remove them and set the keys as datadog:apiKey and datadog:appKey " +
                "instead.",
        ],
        [
            "https://api.datadoghq.com/?api_key=abc123",
            'Invalid Datadog API URL "https://api.datadoghq.com/?<query>": it has a query ' +
                "string or fragment, which the API URL must not have because keys belong only in " +
                "headers. " +
                "Use https://api.datadoghq.com.",
        ],
        [
            "https://api.datadoghq.com/#top",
            'Invalid Datadog API URL "https://api.datadoghq.com/#<fragment>": it has a query ' +
                "string or fragment, which the API URL must not have because keys belong only in " +
                "headers. " +
                "Use https://api.datadoghq.com.",
        ],
        [
            "ftp://api.datadoghq.com",
            'Invalid Datadog API URL: the scheme "ftp:" is not supported. ' +
                "Use https, such as https://api.datadoghq.com.",
        ],
        [
            "api.datadoghq.com",
            'Invalid Datadog API URL "api.datadoghq.com": it is not an absolute URL. Use the API ' +
                "origin of your site, such as https://api.datadoghq.com.",
        ],
    ];
    it.each(rejected)("rejects %s", (apiUrl, message) => {
        expect(() => resolveApiUrl({ apiUrl })).toThrow(message);
    });

    it("never repeats credentials or a query in its message", () => {
        const secretUrls = [
            "https://user:hunter2@api.datadoghq.com",
            "https://api.datadoghq.com/?api_key=abc123",
            "user:hunter2@host",
        ];
        for (const apiUrl of secretUrls) {
            let message = "";
            try {
                resolveApiUrl({ apiUrl });
            } catch (e) {
                message = (e as Error).message;
            }
            expect(message).not.toBe("");
            expect(message).not.toContain("hunter2");
            expect(message).not.toContain("abc123");
        }
    });
});

describe("isLoopbackHost", () => {
    it.each([
        ["127.0.0.1", true],
        ["127.255.0.9", true],
        ["localhost", true],
        ["LOCALHOST", true],
        ["[::1]", true],
        ["::1", true],
        ["128.0.0.1", false],
        ["127.0.0.1.example.com", false],
        ["127.0.0.256", false],
        ["10.0.0.1", false],
        ["169.254.169.254", false],
        ["api.datadoghq.com", false],
    ])("%s is loopback: %s", (host, expected) => {
        expect(isLoopbackHost(host)).toBe(expected);
    });
});

describe("readProviderSettings", () => {
    it("uses the defaults when nothing is set", () => {
        const settings = readProviderSettings(configOf(), {});
        expect(settings).toEqual({
            defaults: {},
            profiles: {},
            retry: {
                enabled: true,
                maxRetries: 3,
                timeoutSeconds: 60,
                backoffBaseSeconds: 2,
                backoffMultiplier: 2,
            },
            requestTimeoutSeconds: 30,
        });
    });

    it("reads keys, site and API URL from config", () => {
        const settings = readProviderSettings(
            configOf({
                "datadog:apiKey": "cfg-api",
                "datadog:appKey": "cfg-app",
                "datadog:site": "datadoghq.eu",
                "datadog:apiUrl": "http://127.0.0.1:9",
            }),
            {},
        );
        expect(settings.defaults).toEqual({
            apiKey: "cfg-api",
            appKey: "cfg-app",
            site: "datadoghq.eu",
            apiUrl: "http://127.0.0.1:9",
        });
    });

    it("falls back to DD_ variables, then DATADOG_ variables", () => {
        const dd = readProviderSettings(configOf(), {
            DD_API_KEY: "dd-api",
            DATADOG_API_KEY: "datadog-api",
            DD_APP_KEY: "dd-app",
            DATADOG_APP_KEY: "datadog-app",
            DD_HOST: "http://127.0.0.1:1",
            DATADOG_HOST: "http://127.0.0.1:2",
        });
        expect(dd.defaults).toEqual({
            apiKey: "dd-api",
            appKey: "dd-app",
            apiUrl: "http://127.0.0.1:1",
        });

        const datadog = readProviderSettings(configOf(), {
            DATADOG_API_KEY: "datadog-api",
            DATADOG_APP_KEY: "datadog-app",
            DATADOG_HOST: "http://127.0.0.1:2",
            DD_SITE: "us5.datadoghq.com",
        });
        expect(datadog.defaults).toEqual({
            apiKey: "datadog-api",
            appKey: "datadog-app",
            site: "us5.datadoghq.com",
            apiUrl: "http://127.0.0.1:2",
        });
    });

    it("prefers config over the environment", () => {
        const config = configOf({ "datadog:apiKey": "cfg-api", "datadog:site": "datadoghq.eu" });
        const settings = readProviderSettings(config, {
            DD_API_KEY: "env-api",
            DD_APP_KEY: "env-app",
            DD_HOST: "http://127.0.0.1:1",
        });
        // A site in config also hides DD_HOST, because site and API URL come from one source.
        expect(settings.defaults).toEqual({
            apiKey: "cfg-api",
            appKey: "env-app",
            site: "datadoghq.eu",
        });
    });

    it("ignores empty and blank values", () => {
        const env = { DD_API_KEY: "", DD_APP_KEY: "  app  " };
        const settings = readProviderSettings(configOf({ "datadog:apiKey": " " }), env);
        expect(settings.defaults).toEqual({ appKey: "app" });
    });

    it("reads retry settings from config and the environment", () => {
        const settings = readProviderSettings(
            configOf({
                "datadog:httpClientRetryEnabled": "false",
                "datadog:httpClientRetryMaxRetries": "5",
                "datadog:httpClientRequestTimeout": "0.2",
            }),
            {
                DD_HTTP_CLIENT_RETRY_ENABLED: "true",
                DD_HTTP_CLIENT_RETRY_TIMEOUT: "12.5",
                DD_HTTP_CLIENT_RETRY_BACKOFF_BASE: "0.5",
                DD_HTTP_CLIENT_RETRY_BACKOFF_MULTIPLIER: "3",
            },
        );
        expect(settings.retry).toEqual({
            enabled: false,
            maxRetries: 5,
            timeoutSeconds: 12.5,
            backoffBaseSeconds: 0.5,
            backoffMultiplier: 3,
        });
        expect(settings.requestTimeoutSeconds).toBe(0.2);
    });

    // Each row: config, env, and the message after 'Invalid value '.
    const badRetryValues: [Record<string, string>, Record<string, string>, string][] = [
        [
            { "datadog:httpClientRetryEnabled": "yes" },
            {},
            '"yes" for datadog:httpClientRetryEnabled: use true or false.',
        ],
        [
            { "datadog:httpClientRetryMaxRetries": "6" },
            {},
            '"6" for datadog:httpClientRetryMaxRetries: use a whole number from 1 to 5 (retries).',
        ],
        [
            {},
            { DD_HTTP_CLIENT_RETRY_MAX_RETRIES: "2.5" },
            '"2.5" for DD_HTTP_CLIENT_RETRY_MAX_RETRIES: use a whole number from 1 to 5 (retries).',
        ],
        [
            { "datadog:httpClientRetryTimeout": "0" },
            {},
            '"0" for datadog:httpClientRetryTimeout: use a number greater than 0 (seconds).',
        ],
        [
            {},
            { DD_HTTP_CLIENT_RETRY_BACKOFF_BASE: "two" },
            '"two" for DD_HTTP_CLIENT_RETRY_BACKOFF_BASE: use a number greater than 0 (seconds).',
        ],
        [
            { "datadog:httpClientRetryBackoffMultiplier": "0.5" },
            {},
            '"0.5" for datadog:httpClientRetryBackoffMultiplier: ' +
                "use a number of at least 1 (factor).",
        ],
        [
            {},
            { DD_HTTP_CLIENT_REQUEST_TIMEOUT: "-1" },
            '"-1" for DD_HTTP_CLIENT_REQUEST_TIMEOUT: use a number greater than 0 and at most ' +
                "2147483 (seconds).",
        ],
    ];
    it.each(badRetryValues)("rejects %j %j", (config, env, message) => {
        const read = () => readProviderSettings(configOf(config), env);
        expect(read).toThrow(`Invalid value ${message}`);
    });

    it("reads profiles from config and fills gaps from DD_PROFILE_ variables", () => {
        const settings = readProviderSettings(
            configOf({
                "datadog:site": "datadoghq.eu",
                "datadog:profiles": JSON.stringify({
                    "spoke-a": { apiKey: "a-api", appKey: "a-app" },
                    "spoke.b": { apiKey: "b-api", site: "us3.datadoghq.com" },
                }),
            }),
            {
                DD_PROFILE_SPOKE_A_APP_KEY: "ignored-because-config-has-it",
                DD_PROFILE_SPOKE_B_APP_KEY: "b-app-env",
                DD_PROFILE_SPOKE_B_HOST: "http://127.0.0.1:7",
                DD_PROFILE_TEAM_C_API_KEY: "c-api",
                DD_PROFILE_TEAM_C_APP_KEY: "c-app",
                DD_PROFILE_TEAM_C_SITE: "ap1.datadoghq.com",
            },
        );
        expect(settings.profiles).toEqual({
            "spoke-a": { apiKey: "a-api", appKey: "a-app" },
            "spoke.b": { apiKey: "b-api", appKey: "b-app-env", site: "us3.datadoghq.com" },
            team_c: { apiKey: "c-api", appKey: "c-app", site: "ap1.datadoghq.com" },
        });
    });

    const SET_PROFILE_FIELD =
        "Set each profile field with " +
        "`pulumi config set --secret --path 'datadog:profiles.<name>.apiKey' <your API key>`.";
    const badProfiles: [string, string][] = [
        [
            "KEYMARK-not-json",
            `Invalid datadog:profiles: it is not a JSON object. ${SET_PROFILE_FIELD}`,
        ],
        [
            '["KEYMARK-in-array"]',
            "Invalid datadog:profiles: it must be an object keyed by profile name. " +
                SET_PROFILE_FIELD,
        ],
        [
            '{"a": "KEYMARK-string"}',
            "Invalid datadog:profiles.a: it must be an object with apiKey and appKey.",
        ],
        [
            '{"a": {"apikey": "KEYMARK-value"}}',
            'Invalid datadog:profiles.a: unknown field "apikey". ' +
                "Allowed fields: apiKey, appKey, site, apiUrl.",
        ],
        ['{"a": {"apiKey": 12345}}', "Invalid datadog:profiles.a.apiKey: it must be a string."],
    ];
    it.each(badProfiles)("rejects profiles %s without quoting them", (json, message) => {
        let error: Error | undefined;
        try {
            readProviderSettings(configOf({ "datadog:profiles": json }), {});
        } catch (e) {
            error = e as Error;
        }
        expect(error?.message).toBe(message);
        expect(error?.message).not.toContain("KEYMARK");
        expect(error?.message).not.toContain("12345");
    });
});

/** Builds the `pulumi config set` command for a profile key, in backquotes as messages show it. */
function setProfileKey(profilePath: string, field: "apiKey" | "appKey"): string {
    const placeholder = field === "apiKey" ? "<your API key>" : "<your application key>";
    const path = `'datadog:profiles${profilePath}.${field}'`;
    return `\`pulumi config set --secret --path ${path} ${placeholder}\``;
}

describe("resolveConnection", () => {
    const base = (overrides: Partial<ProviderSettings> = {}): ProviderSettings => ({
        ...readProviderSettings(configOf(), {}),
        ...overrides,
    });

    it("resolves the default credentials and site", () => {
        const settings = base({ defaults: { apiKey: "api", appKey: "app", site: "datadoghq.eu" } });
        expect(resolveConnection(settings)).toEqual({
            profile: "default",
            apiKey: "api",
            appKey: "app",
            apiUrl: "https://api.datadoghq.eu",
            site: "datadoghq.eu",
        });
        expect(resolveConnection(settings, "")).toEqual(resolveConnection(settings));
    });

    it("names the site of a known API host", () => {
        const apiUrl = "https://api.ddog-gov.com/";
        const known = resolveConnection(base({ defaults: { apiKey: "a", appKey: "b", apiUrl } }));
        expect(known.site).toBe("ddog-gov.com");
        expect(known.apiUrl).toBe("https://api.ddog-gov.com");
    });

    it("names no site for a loopback URL", () => {
        const apiUrl = "http://127.0.0.1:5";
        const local = resolveConnection(base({ defaults: { apiKey: "a", appKey: "b", apiUrl } }));
        expect(local).toEqual({ profile: "default", apiKey: "a", appKey: "b", apiUrl });
    });

    it("gives the exact commands for a missing application key", () => {
        expect(() => resolveConnection(base({ defaults: { apiKey: "api" } }))).toThrow(
            "Missing Datadog application key for the default credentials. Run " +
                "`pulumi config set --secret datadog:appKey <your application key>`, " +
                "or set the DD_APP_KEY environment variable.",
        );
    });

    it("gives both commands when both keys are missing", () => {
        expect(() => resolveConnection(base())).toThrow(
            "Missing Datadog API key and application key for the default credentials. Run " +
                "`pulumi config set --secret datadog:apiKey <your API key>` and " +
                "`pulumi config set --secret datadog:appKey <your application key>`, or set the " +
                "DD_API_KEY and DD_APP_KEY environment variables.",
        );
    });

    it("gives the --path command for a profile's missing key", () => {
        const settings = base({ profiles: { "spoke-a": { appKey: "app" } } });
        expect(setProfileKey(".spoke-a", "apiKey")).toBe(
            "`pulumi config set --secret --path 'datadog:profiles.spoke-a.apiKey' <your API key>`",
        );
        expect(() => resolveConnection(settings, "spoke-a")).toThrow(
            'Missing Datadog API key for profile "spoke-a". ' +
                `Run ${setProfileKey(".spoke-a", "apiKey")}, ` +
                "or set the DD_PROFILE_SPOKE_A_API_KEY environment variable.",
        );
    });

    it("quotes a profile name with dots in the --path command", () => {
        const settings = base({ profiles: { "eu.team": { apiKey: "api" } } });
        expect(() => resolveConnection(settings, "eu.team")).toThrow(
            `Run ${setProfileKey('["eu.team"]', "appKey")}, ` +
                "or set the DD_PROFILE_EU_TEAM_APP_KEY environment variable.",
        );
    });

    it("rejects an unknown profile and lists the known ones", () => {
        const keys = { apiKey: "x", appKey: "y" };
        const settings = base({ profiles: { b: keys, a: keys } });
        expect(() => resolveConnection(settings, "spoke-z")).toThrow(
            'Unknown Datadog credentials profile "spoke-z". Known profiles: a, b. ' +
                `Run ${setProfileKey(".spoke-z", "apiKey")} and ` +
                `${setProfileKey(".spoke-z", "appKey")}, or set the DD_PROFILE_SPOKE_Z_API_KEY ` +
                "and DD_PROFILE_SPOKE_Z_APP_KEY environment variables.",
        );
        const unknown = () => resolveConnection(base(), "x");
        expect(unknown).toThrow("Known profiles: none are configured.");
    });

    it("lets a profile use the default site but never the default keys", () => {
        const settings = base({
            defaults: { apiKey: "default-api", appKey: "default-app", site: "datadoghq.eu" },
            profiles: { spoke: { apiKey: "spoke-api", appKey: "spoke-app" }, bare: {} },
        });
        expect(resolveConnection(settings, "spoke")).toEqual({
            profile: "spoke",
            apiKey: "spoke-api",
            appKey: "spoke-app",
            apiUrl: "https://api.datadoghq.eu",
            site: "datadoghq.eu",
        });
        expect(() => resolveConnection(settings, "bare")).toThrow(
            'Missing Datadog API key and application key for profile "bare".',
        );
    });

    it("finds an env-only profile by its env name", () => {
        const settings = readProviderSettings(configOf(), {
            DD_PROFILE_TEAM_A_API_KEY: "team-api",
            DD_PROFILE_TEAM_A_APP_KEY: "team-app",
            DD_PROFILE_TEAM_A_HOST: "http://127.0.0.1:8",
        });
        expect(resolveConnection(settings, "team-a")).toEqual({
            profile: "team-a",
            apiKey: "team-api",
            appKey: "team-app",
            apiUrl: "http://127.0.0.1:8",
        });
    });

    it("uses the default credentials for the profile name default", () => {
        const settings = base({ defaults: { apiKey: "api", appKey: "app" } });
        expect(resolveConnection(settings, "default").apiKey).toBe("api");
    });

    it("names the profile whose site is invalid", () => {
        const spoke = { apiKey: "a", appKey: "b", site: "datadog.eu" };
        expect(() => resolveConnection(base({ profiles: { spoke } }), "spoke")).toThrow(
            `Profile "spoke": Unknown Datadog site "datadog.eu". Known sites: ${KNOWN_SITES}.`,
        );
    });
});
