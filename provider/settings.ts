import {
    CONFIG_KEYS,
    ENV_VARS,
    FoundValue,
    NumberRule,
    lookupSetting,
    nonEmpty,
    parseBooleanSetting,
    parseConfigProfiles,
    parseEnvProfiles,
    parseNumberSetting,
    profileEnvName,
    setProfile,
} from "./config";
import { normalizeRetrySettings } from "./retry";
import { resolveApiUrl, siteForApiUrl } from "./sites";

export { CONFIG_KEYS, ENV_VARS, profileEnvName } from "./config";
export { DEFAULT_SITE, SITES, isLoopbackHost, resolveApiUrl, siteForApiUrl } from "./sites";

/** HTTP retry settings, named and defaulted like those of Datadog's Terraform provider. */
export interface RetrySettings {
    /** Whether GET, PATCH and DELETE are retried at all (default true). */
    enabled: boolean;
    /** Maximum retries after the first attempt, from 1 to 5 (default 3). */
    maxRetries: number;
    /** Total time budget in seconds for one request and its retries (default 60). */
    timeoutSeconds: number;
    /** First backoff wait in seconds before jitter (default 2). */
    backoffBaseSeconds: number;
    /** Factor by which each backoff wait grows (default 2). */
    backoffMultiplier: number;
}

/** One set of credentials and the API location to use them with. Every field is optional. */
export interface ProfileSettings {
    apiKey?: string;
    appKey?: string;
    site?: string;
    apiUrl?: string;
}

/** Provider settings read from stack config and the environment. */
export interface ProviderSettings {
    /** Credentials used by resources that name no profile. */
    defaults: ProfileSettings;
    /** Named credential sets. Env-only profiles are keyed by their lower-cased env name. */
    profiles: Record<string, ProfileSettings>;
    retry: RetrySettings;
    /** Time limit in seconds for one HTTP attempt (default 30). */
    requestTimeoutSeconds: number;
}

/** Read access to stack config, such as the `config` of a dynamic provider's `configure`. */
export interface ConfigReader {
    get(key: string): string | undefined;
}

/** The credentials and API origin one resource uses. */
export interface ResolvedConnection {
    /** Profile name, or "default" when the resource names none. */
    profile: string;
    apiKey: string;
    appKey: string;
    apiUrl: string;
    /** Site of the API URL, when it is one of the known sites. */
    site?: string;
}

/** Default time limit in seconds for one HTTP attempt. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

/**
 * Maximum time limit in seconds for one HTTP attempt. Node's setTimeout fires after 1 ms for
 * any delay above 2^31 - 1 ms, so a longer limit would time every request out at once.
 */
export const MAX_REQUEST_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const POSITIVE_SECONDS: NumberRule = { min: 0, minExclusive: true, unit: "seconds" };

/** Takes site and API URL together from the first source that sets either of them. */
function pickLocation(...sources: ProfileSettings[]): Pick<ProfileSettings, "site" | "apiUrl"> {
    for (const source of sources) {
        if (source.site !== undefined || source.apiUrl !== undefined) {
            return { site: source.site, apiUrl: source.apiUrl };
        }
    }
    return {};
}

function withoutUndefined(profile: ProfileSettings): ProfileSettings {
    const result: ProfileSettings = {};
    for (const [field, value] of Object.entries(profile)) {
        if (value !== undefined) {
            result[field as keyof ProfileSettings] = value;
        }
    }
    return result;
}

/** Reads the defaults and the profiles, with env values filling what config lacks. */
function readCredentials(
    config: ConfigReader,
    env: NodeJS.ProcessEnv,
): Pick<ProviderSettings, "defaults" | "profiles"> {
    const configLocation: ProfileSettings = {
        site: nonEmpty(config.get(CONFIG_KEYS.site)),
        apiUrl: nonEmpty(config.get(CONFIG_KEYS.apiUrl)),
    };
    const envLocation: ProfileSettings = {
        site: ENV_VARS.site.map((name) => nonEmpty(env[name])).find((v) => v !== undefined),
        apiUrl: ENV_VARS.apiUrl.map((name) => nonEmpty(env[name])).find((v) => v !== undefined),
    };
    const defaults = withoutUndefined({
        apiKey: lookupSetting(config, env, "apiKey")?.value,
        appKey: lookupSetting(config, env, "appKey")?.value,
        ...pickLocation(configLocation, envLocation),
    });

    const envProfiles = parseEnvProfiles(env);
    const profiles: Record<string, ProfileSettings> = {};
    const configProfiles = parseConfigProfiles(config.get(CONFIG_KEYS.profiles));
    for (const [name, fromConfig] of Object.entries(configProfiles)) {
        const envName = profileEnvName(name);
        const fromEnv = envProfiles.get(envName) ?? {};
        envProfiles.delete(envName);
        const profile = withoutUndefined({
            apiKey: fromConfig.apiKey ?? fromEnv.apiKey,
            appKey: fromConfig.appKey ?? fromEnv.appKey,
            ...pickLocation(fromConfig, fromEnv),
        });
        setProfile(profiles, name, profile);
    }
    for (const [envName, fromEnv] of envProfiles) {
        setProfile(profiles, envName.toLowerCase(), withoutUndefined(fromEnv));
    }
    return { defaults, profiles };
}

/**
 * Reads provider settings from stack config, falling back to the environment for each value
 * that config lacks. Site and API URL are taken together from the first source that sets
 * either. A profile's env variables fill the fields its config entry lacks, and env-only
 * profiles are added under their lower-cased `<NAME>`. Keys are checked later, by
 * {@link resolveConnection}. Retry and timeout values are checked here, and an invalid one
 * throws an Error naming its config key or env variable.
 */
export function readProviderSettings(
    config: ConfigReader,
    env: NodeJS.ProcessEnv,
): ProviderSettings {
    const parsed = <T>(key: keyof typeof ENV_VARS, parse: (found: FoundValue) => T) => {
        const found = lookupSetting(config, env, key);
        return found === undefined ? undefined : parse(found);
    };
    const retry = normalizeRetrySettings({
        enabled: parsed("retryEnabled", parseBooleanSetting),
        timeoutSeconds: parsed("retryTimeout", (f) => parseNumberSetting(f, POSITIVE_SECONDS)),
        maxRetries: parsed("retryMaxRetries", (f) =>
            parseNumberSetting(f, { integer: true, min: 1, max: 5, unit: "retries" }),
        ),
        backoffBaseSeconds: parsed("retryBackoffBase", (f) =>
            parseNumberSetting(f, POSITIVE_SECONDS),
        ),
        backoffMultiplier: parsed("retryBackoffMultiplier", (f) =>
            parseNumberSetting(f, { min: 1, unit: "factor" }),
        ),
    });
    const requestTimeoutSeconds =
        parsed("requestTimeout", (f) =>
            parseNumberSetting(f, { ...POSITIVE_SECONDS, max: MAX_REQUEST_TIMEOUT_SECONDS }),
        ) ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;

    return { ...readCredentials(config, env), retry, requestTimeoutSeconds };
}

/** Returns the `pulumi config set --path` property path of one field of a profile. */
function profileConfigPath(profile: string, field: string): string {
    // Pulumi property paths need the bracket form for names with dots or other punctuation.
    const plain = /^[A-Za-z0-9_-]+$/.test(profile);
    const segment = plain ? `.${profile}` : `[${JSON.stringify(profile)}]`;
    return `${CONFIG_KEYS.profiles}${segment}.${field}`;
}

/** Builds the commands and env variables that set the missing keys of a profile. */
function describeKeySetup(profile: string | undefined, missing: ("apiKey" | "appKey")[]): string {
    const placeholder = { apiKey: "<your API key>", appKey: "<your application key>" };
    const commands = missing.map((field) =>
        profile === undefined
            ? `\`pulumi config set --secret ${CONFIG_KEYS[field]} ${placeholder[field]}\``
            : `\`pulumi config set --secret --path '${profileConfigPath(profile, field)}' ` +
              `${placeholder[field]}\``,
    );
    const envNames = missing.map((field) => {
        const suffix = field === "apiKey" ? "API_KEY" : "APP_KEY";
        if (profile === undefined) {
            return ENV_VARS[field][0];
        }
        return `DD_PROFILE_${profileEnvName(profile)}_${suffix}`;
    });
    const variables =
        envNames.length === 1
            ? `the ${envNames[0]} environment variable`
            : `the ${envNames.join(" and ")} environment variables`;
    return `Run ${commands.join(" and ")}, or set ${variables}.`;
}

/** Finds a profile by exact name, else by env name (so "team-a" also finds env-only "team_a"). */
function findProfile(settings: ProviderSettings, profile: string): ProfileSettings | undefined {
    if (Object.prototype.hasOwnProperty.call(settings.profiles, profile)) {
        return settings.profiles[profile];
    }
    const envName = profileEnvName(profile);
    const match = Object.keys(settings.profiles).find((name) => profileEnvName(name) === envName);
    return match === undefined ? undefined : settings.profiles[match];
}

/**
 * Resolves the keys and API origin for `profile`, or for the default credentials when
 * `profile` is undefined, empty or "default" (unless a profile has that name). A profile
 * without its own site or API URL uses the default one, but it never borrows the default
 * keys, because those belong to another org. Throws an Error with the exact
 * `pulumi config set` command and env variable for a missing key, and an Error listing the
 * known profiles for an unknown one.
 */
export function resolveConnection(
    settings: ProviderSettings,
    profile?: string,
): ResolvedConnection {
    const profileName = profile === undefined || profile.trim() === "" ? undefined : profile;
    let chosen = settings.defaults;
    if (profileName !== undefined) {
        const found = findProfile(settings, profileName);
        if (found === undefined && profileName !== "default") {
            const known = Object.keys(settings.profiles).sort();
            const knownText = known.length === 0 ? "none are configured" : known.join(", ");
            throw new Error(
                `Unknown Datadog credentials profile "${profileName}". ` +
                    `Known profiles: ${knownText}. ` +
                    describeKeySetup(profileName, ["apiKey", "appKey"]),
            );
        }
        chosen = found ?? settings.defaults;
    }

    const isDefault = chosen === settings.defaults;
    const label = isDefault ? "the default credentials" : `profile "${profileName}"`;
    const missing = (["apiKey", "appKey"] as const).filter((field) => chosen[field] === undefined);
    if (missing.length > 0) {
        const names = { apiKey: "API key", appKey: "application key" };
        const missingKeys = missing.map((field) => names[field]).join(" and ");
        const setup = describeKeySetup(isDefault ? undefined : profileName, [...missing]);
        throw new Error(`Missing Datadog ${missingKeys} for ${label}. ${setup}`);
    }

    let apiUrl: string;
    try {
        apiUrl = resolveApiUrl(pickLocation(chosen, settings.defaults));
    } catch (e) {
        const owner = label.charAt(0).toUpperCase() + label.slice(1);
        throw new Error(`${owner}: ${(e as Error).message}`);
    }
    const resolved: ResolvedConnection = {
        profile: profileName ?? "default",
        apiKey: chosen.apiKey as string,
        appKey: chosen.appKey as string,
        apiUrl,
    };
    const site = siteForApiUrl(apiUrl);
    if (site !== undefined) {
        resolved.site = site;
    }
    return resolved;
}
