import {
    AttemptFailure,
    DEFAULT_RETRY_SETTINGS,
    backoffDelayMs,
    isResendableMethod,
    isRetryableStatus,
    normalizeRetrySettings,
    parseRateLimitReset,
    planRetry,
} from "../../provider/retry";
import { RetrySettings } from "../../provider/settings";

const settings: RetrySettings = { ...DEFAULT_RETRY_SETTINGS };

describe("normalizeRetrySettings", () => {
    it("fills the Terraform defaults", () => {
        expect(normalizeRetrySettings()).toEqual({
            enabled: true,
            maxRetries: 3,
            timeoutSeconds: 60,
            backoffBaseSeconds: 2,
            backoffMultiplier: 2,
        });
    });

    it("keeps given values and ignores undefined ones", () => {
        expect(normalizeRetrySettings({ maxRetries: 5, timeoutSeconds: undefined })).toEqual({
            ...DEFAULT_RETRY_SETTINGS,
            maxRetries: 5,
        });
    });

    it.each([
        [{ maxRetries: 0 }, "maxRetries=0: use a whole number from 1 to 5."],
        [{ maxRetries: 6 }, "maxRetries=6: use a whole number from 1 to 5."],
        [{ maxRetries: 1.5 }, "maxRetries=1.5: use a whole number from 1 to 5."],
        [{ timeoutSeconds: 0 }, "timeoutSeconds=0: use a positive number of seconds."],
        [{ backoffBaseSeconds: -1 }, "backoffBaseSeconds=-1: use a positive number of seconds."],
        [{ backoffMultiplier: 0.5 }, "backoffMultiplier=0.5: use a number of at least 1."],
    ] as [Partial<RetrySettings>, string][])("rejects %j", (partial, message) => {
        expect(() => normalizeRetrySettings(partial)).toThrow(`Invalid retry setting ${message}`);
    });
});

describe("backoffDelayMs", () => {
    it("doubles from the base with full jitter", () => {
        const half = () => 0.5;
        expect([1, 2, 3].map((n) => backoffDelayMs(n, settings, half))).toEqual([1000, 2000, 4000]);
        expect(backoffDelayMs(1, settings, () => 0)).toBe(0);
        expect(backoffDelayMs(3, settings, () => 0.999)).toBe(7992);
    });

    it("caps the wait at 30 s before jitter", () => {
        const large = { ...settings, backoffMultiplier: 10 };
        expect(backoffDelayMs(4, large, () => 0.5)).toBe(15000);
    });
});

describe("parseRateLimitReset", () => {
    it.each([
        ["2", 2],
        [" 0 ", 0],
        ["1.5", 1.5],
        ["-3", undefined],
        ["soon", undefined],
        ["", undefined],
        [null, undefined],
        [undefined, undefined],
    ])("parses %j as %j", (value, expected) => {
        expect(parseRateLimitReset(value)).toBe(expected);
    });
});

describe("isRetryableStatus", () => {
    it.each([
        [429, true],
        [500, true],
        [502, true],
        [503, true],
        [599, true],
        [400, false],
        [401, false],
        [403, false],
        [404, false],
        [409, false],
        [301, false],
    ])("status %d retryable: %s", (status, expected) => {
        expect(isRetryableStatus(status)).toBe(expected);
    });

    it("resends GET, PATCH and DELETE but never POST", () => {
        expect(["GET", "patch", "DELETE"].map(isResendableMethod)).toEqual([true, true, true]);
        expect(isResendableMethod("POST")).toBe(false);
    });
});

describe("planRetry", () => {
    const disabled = { ...settings, enabled: false };
    type PlanOptions = {
        method: string;
        attempts: number;
        elapsedMs: number;
        settings: RetrySettings;
    };
    const plan = (failure: AttemptFailure, o: Partial<PlanOptions> = {}) =>
        planRetry({
            method: o.method ?? "GET",
            failure,
            attempts: o.attempts ?? 1,
            elapsedMs: o.elapsedMs ?? 0,
            settings: o.settings ?? settings,
            random: () => 0.25,
        });

    it("waits X-RateLimit-Reset plus jitter on a 429", () => {
        const decision = plan({ kind: "http", status: 429, rateLimitResetSeconds: 2 });
        expect(decision).toEqual({ retry: true, delayMs: 2250 });
    });

    it("backs off on a 429 without the header", () => {
        const decision = plan({ kind: "http", status: 429 }, { attempts: 2 });
        expect(decision).toEqual({ retry: true, delayMs: 1000 });
    });

    it("ignores the reset header on a 5xx", () => {
        const decision = plan({ kind: "http", status: 503, rateLimitResetSeconds: 40 });
        expect(decision).toEqual({ retry: true, delayMs: 500 });
    });

    it("retries network errors and timeouts", () => {
        expect(plan({ kind: "network" })).toEqual({ retry: true, delayMs: 500 });
        const decision = plan({ kind: "timeout" }, { method: "DELETE", attempts: 3 });
        expect(decision).toEqual({ retry: true, delayMs: 2000 });
    });

    it.each([
        ["a 4xx", { kind: "http", status: 409 }, {}, "not-retryable"],
        ["a POST", { kind: "http", status: 503 }, { method: "POST" }, "not-resendable"],
        ["a POST timeout", { kind: "timeout" }, { method: "POST" }, "not-resendable"],
        ["disabled retries", { kind: "network" }, { settings: disabled }, "disabled"],
        ["the last retry", { kind: "http", status: 502 }, { attempts: 4 }, "max-retries"],
        ["an overrun budget", { kind: "http", status: 502 }, { elapsedMs: 59900 }, "timeout"],
        ["a late reset", { kind: "http", status: 429, rateLimitResetSeconds: 61 }, {}, "timeout"],
    ] as [string, AttemptFailure, Partial<PlanOptions>, string][])(
        "stops after %s",
        (_name, failure, o, reason) => {
            expect(plan(failure, o)).toEqual({ retry: false, reason });
        },
    );
});
