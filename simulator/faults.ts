/**
 * Fault injection for the simulator: scripted faults, seeded random failures and a fixed-window
 * rate limiter. All three apply to API routes only.
 */
import { Fault, FaultAction, RateLimitSettings } from "./types";

interface QueuedFault {
    method?: string;
    path?: string | RegExp;
    remaining: number;
    action: FaultAction;
}

/** Returns whether `path` matches a string prefix or a RegExp. An absent pattern matches all. */
export function pathMatches(pattern: string | RegExp | undefined, path: string): boolean {
    if (pattern === undefined) {
        return true;
    }
    if (typeof pattern === "string") {
        return path.startsWith(pattern);
    }
    // A global or sticky RegExp keeps lastIndex between calls, so reset it for a stable result.
    pattern.lastIndex = 0;
    return pattern.test(path);
}

function validateAction(action: FaultAction): void {
    switch (action.type) {
        case "status":
            if (!Number.isInteger(action.status) || action.status < 100 || action.status > 599) {
                throw new Error(`Invalid fault status ${action.status}: pass an integer 100-599`);
            }
            return;
        case "delay":
            if (!Number.isFinite(action.ms) || action.ms < 0) {
                throw new Error(`Invalid fault delay ${action.ms}: pass milliseconds >= 0`);
            }
            return;
        case "reset":
        case "reset-after-commit":
            return;
        default:
            throw new Error(`Unknown fault action ${JSON.stringify(action)}`);
    }
}

/** Scripted faults, matched in injection order. Each fires `times` times and is then dropped. */
export class FaultQueue {
    private faults: QueuedFault[] = [];

    /** Queues a fault after validating it, so a typo fails the test that injects it. */
    add(fault: Fault): void {
        const times = fault.times ?? 1;
        if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
            throw new Error(`Invalid fault times ${times}: pass an integer >= 1 or Infinity`);
        }
        validateAction(fault.action);
        this.faults.push({
            method: fault.method?.toUpperCase(),
            path: fault.path,
            remaining: times,
            action: fault.action,
        });
    }

    /** Returns the action of the first fault matching the request and uses up one firing. */
    take(method: string, path: string): FaultAction | undefined {
        const index = this.faults.findIndex(
            (f) =>
                (f.method === undefined || f.method === method.toUpperCase()) &&
                pathMatches(f.path, path),
        );
        if (index < 0) {
            return undefined;
        }
        const fault = this.faults[index];
        fault.remaining -= 1;
        if (fault.remaining <= 0) {
            this.faults.splice(index, 1);
        }
        return fault.action;
    }

    clear(): void {
        this.faults = [];
    }
}

/** Returns a mulberry32 generator: fast, seedable, and the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Settings of {@link RandomFailures}. */
export interface RandomFailureSettings {
    /** Probability in [0, 1] that a request fails. */
    rate: number;
    /** Status of a failed request, default 503. */
    status?: number;
    /** PRNG seed, default 1. */
    seed?: number;
}

/**
 * Fails a fraction of API requests. The generator draws once per API request, so the same seed
 * and the same request sequence fail the same requests.
 */
export class RandomFailures {
    private settings?: { rate: number; status: number };
    private next: () => number = mulberry32(1);

    configure(o: RandomFailureSettings | undefined): void {
        if (o === undefined) {
            this.settings = undefined;
            return;
        }
        if (!(o.rate >= 0 && o.rate <= 1)) {
            throw new Error(`Invalid failure rate ${o.rate}: pass a number from 0 to 1`);
        }
        const status = o.status ?? 503;
        if (!Number.isInteger(status) || status < 400 || status > 599) {
            throw new Error(`Invalid failure status ${status}: pass an integer 400-599`);
        }
        this.settings = { rate: o.rate, status };
        this.next = mulberry32(o.seed ?? 1);
    }

    /** Returns the status to fail this request with, or undefined to let it through. */
    draw(): number | undefined {
        if (this.settings === undefined) {
            return undefined;
        }
        return this.next() < this.settings.rate ? this.settings.status : undefined;
    }
}

/** Outcome of counting one request against the rate limit. */
export interface RateLimitDecision {
    limited: boolean;
    headers: Record<string, string>;
}

/**
 * Fixed-window rate limiter. Windows are aligned to multiples of the period since the epoch,
 * as Datadog's are calendar-aligned, and each (limit name, org) pair has its own counter.
 */
export class RateLimiter {
    private settings: RateLimitSettings;
    private counters = new Map<string, { windowStart: number; count: number }>();

    constructor(
        settings: RateLimitSettings,
        private readonly clock: () => number,
    ) {
        this.settings = RateLimiter.validate(settings);
    }

    /** Replaces the settings and starts every counter afresh. */
    configure(settings: RateLimitSettings): void {
        this.settings = RateLimiter.validate(settings);
        this.counters.clear();
    }

    /** Counts one request for `name` and `bucket`, and returns whether it exceeds the limit. */
    hit(name: string, bucket: string): RateLimitDecision {
        const periodMs = this.settings.periodSeconds * 1000;
        const now = this.clock();
        const windowStart = Math.floor(now / periodMs) * periodMs;
        const key = `${name}\u0000${bucket}`;
        let counter = this.counters.get(key);
        if (counter === undefined || counter.windowStart !== windowStart) {
            counter = { windowStart, count: 0 };
            this.counters.set(key, counter);
        }
        counter.count += 1;
        const remaining = Math.max(0, this.settings.limit - counter.count);
        const resetSeconds = Math.max(1, Math.ceil((windowStart + periodMs - now) / 1000));
        return {
            limited: counter.count > this.settings.limit,
            headers: {
                "X-RateLimit-Limit": String(this.settings.limit),
                "X-RateLimit-Period": String(this.settings.periodSeconds),
                "X-RateLimit-Remaining": String(remaining),
                "X-RateLimit-Reset": String(resetSeconds),
                "X-RateLimit-Name": name,
            },
        };
    }

    private static validate(settings: RateLimitSettings): RateLimitSettings {
        if (!Number.isInteger(settings.limit) || settings.limit < 1) {
            throw new Error(`Invalid rate limit ${settings.limit}: pass an integer >= 1`);
        }
        if (!Number.isInteger(settings.periodSeconds) || settings.periodSeconds < 1) {
            throw new Error(
                `Invalid rate limit period ${settings.periodSeconds}: pass whole seconds >= 1`,
            );
        }
        return { ...settings };
    }
}
