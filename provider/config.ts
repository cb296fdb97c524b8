import type { ConfigReader, ProfileSettings } from "./settings";

/** Stack config keys, in the `datadog` namespace that users of `@pulumi/datadog` already use. */
export const CONFIG_KEYS = Object.freeze({
    apiKey: "datadog:apiKey",
    appKey: "datadog:appKey",
    site: "datadog:site",
    apiUrl: "datadog:apiUrl",
    profiles: "datadog:profiles",
    retryEnabled: "datadog:httpClientRetryEnabled",
    retryTimeout: "datadog:httpClientRetryTimeout",
    retryMaxRetries: "datadog:httpClientRetryMaxRetries",
    retryBackoffBase: "datadog:httpClientRetryBackoffBase",
    retryBackoffMultiplier: "datadog:httpClientRetryBackoffMultiplier",
    requestTimeout: "datadog:httpClientRequestTimeout",
});

/** Environment variables read when the stack config lacks a value, in order of preference. */
export const ENV_VARS = Object.freeze({
    apiKey: ["DD_API_KEY", "DATADOG_API_KEY"],
    appKey: ["DD_APP_KEY", "DATADOG_APP_KEY"],
    site: ["DD_SITE"],
    apiUrl: ["DD_HOST", "DATADOG_HOST"],
    retryEnabled: ["DD_HTTP_CLIENT_RETRY_ENABLED"],
    retryTimeout: ["DD_HTTP_CLIENT_RETRY_TIMEOUT"],
    retryMaxRetries: ["DD_HTTP_CLIENT_RETRY_MAX_RETRIES"],
    retryBackoffBase: ["DD_HTTP_CLIENT_RETRY_BACKOFF_BASE"],
    retryBackoffMultiplier: ["DD_HTTP_CLIENT_RETRY_BACKOFF_MULTIPLIER"],
    requestTimeout: ["DD_HTTP_CLIENT_REQUEST_TIMEOUT"],
});

/** A setting's value and the config key or env variable it came from, for messages. */
export interface FoundValue {
    value: string;
    source: string;
}

/** Fields of one credentials profile, in `datadog:profiles.<name>`. */
export const PROFILE_FIELDS = ["apiKey", "appKey", "site", "apiUrl"] as const;

const PROFILE_ENV_SUFFIXES: Record<string, (typeof PROFILE_FIELDS)[number]> = {
    API_KEY: "apiKey",
    APP_KEY: "appKey",
    SITE: "site",
    HOST: "apiUrl",
};

/**
 * Returns the `<NAME>` part of a profile's environment variables: the profile name
 * upper-cased, with every character other than A-Z and 0-9 replaced by "_".
 */
export function profileEnvName(profile: string): string {
    return profile.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** Returns the trimmed value, or undefined for a missing or blank one. */
export function nonEmpty(value: string | undefined): string | undefined {
    const trimmed = value?.trim();
    return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/** Finds a setting in config, then in the environment variables of {@link ENV_VARS}. */
export function lookupSetting(
    config: ConfigReader,
    env: NodeJS.ProcessEnv,
    key: keyof typeof ENV_VARS,
): FoundValue | undefined {
    const configKey = CONFIG_KEYS[key];
    const configValue = nonEmpty(config.get(configKey));
    if (configValue !== undefined) {
        return { value: configValue, source: configKey };
    }
    for (const name of ENV_VARS[key]) {
        const envValue = nonEmpty(env[name]);
        if (envValue !== undefined) {
            return { value: envValue, source: name };
        }
    }
    return undefined;
}

/** Parses "true"/"1" or "false"/"0" in any case, or throws an Error naming the source. */
export function parseBooleanSetting(found: FoundValue): boolean {
    const text = found.value.toLowerCase();
    if (text === "true" || text === "1") {
        return true;
    }
    if (text === "false" || text === "0") {
        return false;
    }
    throw new Error(`Invalid value "${found.value}" for ${found.source}: use true or false.`);
}

/** Allowed range of {@link parseNumberSetting}. The message names `unit`. */
export interface NumberRule {
    integer?: boolean;
    min: number;
    minExclusive?: boolean;
    max?: number;
    unit: string;
}

/** Parses a number within `rule`, or throws an Error naming the source and the range. */
export function parseNumberSetting(found: FoundValue, rule: NumberRule): number {
    const value = Number(found.value);
    const belowMin = rule.minExclusive ? value <= rule.min : value < rule.min;
    const aboveMax = rule.max !== undefined && value > rule.max;
    const notInteger = rule.integer === true && !Number.isInteger(value);
    if (!Number.isFinite(value) || notInteger || belowMin || aboveMax) {
        const kind = rule.integer ? "a whole number" : "a number";
        let range: string;
        if (rule.max !== undefined && rule.minExclusive) {
            range = `greater than ${rule.min} and at most ${rule.max}`;
        } else if (rule.max !== undefined) {
            range = `from ${rule.min} to ${rule.max}`;
        } else {
            range = `${rule.minExclusive ? "greater than" : "of at least"} ${rule.min}`;
        }
        throw new Error(
            `Invalid value "${found.value}" for ${found.source}: ` +
                `use ${kind} ${range} (${rule.unit}).`,
        );
    }
    return value;
}

/**
 * Stores `value` under `name` as an own property. Plain assignment with the name "__proto__"
 * would replace the object's prototype instead, and the profile would be lost.
 */
export function setProfile(
    profiles: Record<string, ProfileSettings>,
    name: string,
    value: ProfileSettings,
): void {
    Object.defineProperty(profiles, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses the JSON of `datadog:profiles` into profiles keyed by name. Messages never quote
 * the JSON or a field's value, because they hold keys.
 */
export function parseConfigProfiles(text: string | undefined): Record<string, ProfileSettings> {
    if (text === undefined || nonEmpty(text) === undefined) {
        return {};
    }
    const key = CONFIG_KEYS.profiles;
    const howToSet =
        "Set each profile field with " +
        "`pulumi config set --secret --path 'datadog:profiles.<name>.apiKey' <your API key>`.";
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw new Error(`Invalid ${key}: it is not a JSON object. ${howToSet}`);
    }
    if (!isPlainObject(parsed)) {
        throw new Error(`Invalid ${key}: it must be an object keyed by profile name. ${howToSet}`);
    }

    const profiles: Record<string, ProfileSettings> = {};
    for (const [name, value] of Object.entries(parsed)) {
        if (!isPlainObject(value)) {
            throw new Error(`Invalid ${key}.${name}: it must be an object with apiKey and appKey.`);
        }
        const profile: ProfileSettings = {};
        for (const [field, fieldValue] of Object.entries(value)) {
            if (!(PROFILE_FIELDS as readonly string[]).includes(field)) {
                throw new Error(
                    `Invalid ${key}.${name}: unknown field "${field}". ` +
                        `Allowed fields: ${PROFILE_FIELDS.join(", ")}.`,
                );
            }
            if (typeof fieldValue !== "string") {
                throw new Error(`Invalid ${key}.${name}.${field}: it must be a string.`);
            }
            profile[field as (typeof PROFILE_FIELDS)[number]] = nonEmpty(fieldValue);
        }
        setProfile(profiles, name, profile);
    }
    return profiles;
}

/** Collects `DD_PROFILE_<NAME>_{API_KEY,APP_KEY,SITE,HOST}` variables by `<NAME>`. */
export function parseEnvProfiles(env: NodeJS.ProcessEnv): Map<string, ProfileSettings> {
    const profiles = new Map<string, ProfileSettings>();
    for (const [name, value] of Object.entries(env)) {
        const match = /^DD_PROFILE_(.+)_(API_KEY|APP_KEY|SITE|HOST)$/.exec(name);
        const text = nonEmpty(value);
        if (match === null || text === undefined) {
            continue;
        }
        const profile = profiles.get(match[1]) ?? {};
        profile[PROFILE_ENV_SUFFIXES[match[2]]] = text;
        profiles.set(match[1], profile);
    }
    return profiles;
}
