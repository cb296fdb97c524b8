import type { RetrySettings } from "./settings";

/**
 * Retry defaults, the same as those of Datadog's Terraform provider and Go client:
 * retries on, a 60 s total budget, 3 retries, backoff base 2 s and multiplier 2.
 */
export const DEFAULT_RETRY_SETTINGS: Readonly<RetrySettings> = Object.freeze({
    enabled: true,
    maxRetries: 3,
    timeoutSeconds: 60,
    backoffBaseSeconds: 2,
    backoffMultiplier: 2,
});

/** Allowed range of `maxRetries`, the same as Terraform's `http_client_retry_max_retries`. */
export const MIN_MAX_RETRIES = 1;
export const MAX_MAX_RETRIES = 5;

/** Maximum backoff wait in seconds before jitter, so that a large multiplier cannot stall a run. */
export const MAX_BACKOFF_SECONDS = 30;

/**
 * Maximum extra wait in ms added after `X-RateLimit-Reset`. Many resources share one rate
 * limit, and the spread keeps them from all retrying in the same instant.
 */
export const RATE_LIMIT_JITTER_MS = 1000;

/**
 * Merges `partial` over {@link DEFAULT_RETRY_SETTINGS} and checks every value. Throws an
 * Error naming the setting, the bad value and the allowed range.
 */
export function normalizeRetrySettings(partial: Partial<RetrySettings> = {}): RetrySettings {
    const settings: RetrySettings = { ...DEFAULT_RETRY_SETTINGS };
    for (const [key, value] of Object.entries(partial)) {
        if (value !== undefined) {
            (settings as unknown as Record<string, unknown>)[key] = value;
        }
    }

    if (typeof settings.enabled !== "boolean") {
        const enabled = String(settings.enabled);
        throw new Error(`Invalid retry setting enabled=${enabled}: use true or false.`);
    }
    const maxRetries = settings.maxRetries;
    const inRange = maxRetries >= MIN_MAX_RETRIES && maxRetries <= MAX_MAX_RETRIES;
    if (!Number.isInteger(maxRetries) || !inRange) {
        throw new Error(
            `Invalid retry setting maxRetries=${String(maxRetries)}: use a whole number from ` +
                `${MIN_MAX_RETRIES} to ${MAX_MAX_RETRIES}.`,
        );
    }
    requirePositive("timeoutSeconds", settings.timeoutSeconds, "seconds");
    requirePositive("backoffBaseSeconds", settings.backoffBaseSeconds, "seconds");
    if (!Number.isFinite(settings.backoffMultiplier) || settings.backoffMultiplier < 1) {
        throw new Error(
            `Invalid retry setting backoffMultiplier=${String(settings.backoffMultiplier)}: ` +
                `use a number of at least 1.`,
        );
    }
    return settings;
}

function requirePositive(name: string, value: unknown, unit: string): void {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        throw new Error(
            `Invalid retry setting ${name}=${String(value)}: use a positive number of ${unit}.`,
        );
    }
}

/** Returns whether an HTTP status is worth retrying: 429 (rate limited) and every 5xx. */
export function isRetryableStatus(status: number): boolean {
    return status === 429 || (status >= 500 && status <= 599);
}

/**
 * Returns whether the client may resend a request with this method after a failure that
 * might have been applied. POST is excluded because a resent create can duplicate a
 * connection, so the caller must list first.
 */
export function isResendableMethod(method: string): boolean {
    return ["GET", "PATCH", "DELETE"].includes(method.toUpperCase());
}

/**
 * Parses `X-RateLimit-Reset`, which Datadog sends as seconds until the limit resets (not an
 * epoch). Returns undefined for a missing, negative or non-numeric value.
 */
export function parseRateLimitReset(value: string | null | undefined): number | undefined {
    if (value === null || value === undefined || value.trim() === "") {
        return undefined;
    }
    const seconds = Number(value.trim());
    if (!Number.isFinite(seconds) || seconds < 0) {
        return undefined;
    }
    return seconds;
}

/**
 * Computes the wait in ms before retry number `retryNumber` (1 for the first retry) with
 * capped exponential backoff and full jitter: a uniform draw from 0 to
 * min(base * multiplier^(retryNumber - 1), {@link MAX_BACKOFF_SECONDS}) seconds.
 * `random` returns a number in [0, 1).
 */
export function backoffDelayMs(
    retryNumber: number,
    settings: RetrySettings,
    random: () => number = Math.random,
): number {
    const growth = settings.backoffMultiplier ** (retryNumber - 1);
    const exponential = settings.backoffBaseSeconds * growth;
    const capSeconds = Math.min(exponential, MAX_BACKOFF_SECONDS);
    return Math.floor(random() * capSeconds * 1000);
}

/** The failure of one attempt, as far as the retry decision needs it. */
export type AttemptFailure =
    | { kind: "http"; status: number; rateLimitResetSeconds?: number }
    | { kind: "network" }
    | { kind: "timeout" };

/** Outcome of {@link planRetry}: wait `delayMs` and retry, or stop for `reason`. */
export type RetryDecision =
    { retry: true; delayMs: number } | { retry: false; reason: RetryStopReason };

/**
 * Why the client stopped retrying: the failure is final ("not-retryable"), the method may
 * not be resent ("not-resendable"), retries are off ("disabled"), `maxRetries` was used
 * up ("max-retries"), or the next wait would overrun `timeoutSeconds` ("timeout").
 */
export type RetryStopReason =
    "not-retryable" | "not-resendable" | "disabled" | "max-retries" | "timeout";

/**
 * Decides whether to retry after a failed attempt. `attempts` counts the attempts made so
 * far (1 after the first) and `elapsedMs` the time since the first one started.
 * A 429 waits `X-RateLimit-Reset` seconds plus up to {@link RATE_LIMIT_JITTER_MS} when the
 * header is present. Other failures use {@link backoffDelayMs}.
 */
export function planRetry(o: {
    method: string;
    failure: AttemptFailure;
    attempts: number;
    elapsedMs: number;
    settings: RetrySettings;
    random?: () => number;
}): RetryDecision {
    const random = o.random ?? Math.random;
    if (o.failure.kind === "http" && !isRetryableStatus(o.failure.status)) {
        return { retry: false, reason: "not-retryable" };
    }
    if (!isResendableMethod(o.method)) {
        return { retry: false, reason: "not-resendable" };
    }
    if (!o.settings.enabled) {
        return { retry: false, reason: "disabled" };
    }
    if (o.attempts > o.settings.maxRetries) {
        return { retry: false, reason: "max-retries" };
    }

    let delayMs: number;
    const failure = o.failure;
    const resetSeconds = failure.kind === "http" ? failure.rateLimitResetSeconds : undefined;
    if (failure.kind === "http" && failure.status === 429 && resetSeconds !== undefined) {
        delayMs = Math.ceil(resetSeconds * 1000 + random() * RATE_LIMIT_JITTER_MS);
    } else {
        delayMs = backoffDelayMs(o.attempts, o.settings, random);
    }

    if (o.elapsedMs + delayMs > o.settings.timeoutSeconds * 1000) {
        return { retry: false, reason: "timeout" };
    }
    return { retry: true, delayMs };
}
