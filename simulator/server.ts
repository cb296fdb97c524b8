/**
 * The Datadog org connections API simulator: an HTTP server on a loopback address that keeps its
 * state in memory and lets tests inject faults, random failures and rate limits.
 */
import http from "http";
import { AddressInfo, isIPv4 } from "net";

import {
    FaultQueue,
    pathMatches,
    RandomFailures,
    RandomFailureSettings,
    RateLimiter,
} from "./faults";
import { RequestPipeline } from "./pipeline";
import { SimState } from "./state";
import {
    DEFAULT_RATE_LIMIT,
    Fault,
    RateLimitSettings,
    RecordedRequest,
    SimConnection,
    SimKeys,
    SimOrg,
    SimulatorOptions,
    SimUser,
} from "./types";

function checkLoopbackHost(host: string): string {
    const loopbackV4 = isIPv4(host) && host.startsWith("127.");
    if (!(loopbackV4 || host === "::1" || host === "localhost")) {
        throw new Error(
            `Simulator host "${host}" is not a loopback address; use 127.0.0.1 or ::1 ` +
                "so that no other machine can reach the simulator",
        );
    }
    return host;
}

function checkOptions(options: SimulatorOptions): void {
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`Invalid simulator port ${port}: pass 0 (any free port) to 65535`);
    }
    const max = options.maxConnectionsPerSource ?? 5;
    if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) {
        throw new Error(`Invalid maxConnectionsPerSource ${max}: pass an integer >= 0`);
    }
}

/** A running simulator. Create it with {@link DatadogSimulator.start} and end it with `stop()`. */
export class DatadogSimulator {
    /** Every API request, in arrival order. */
    readonly requests: RecordedRequest[] = [];
    private readonly state: SimState;
    private readonly faults = new FaultQueue();
    private readonly randomFailures = new RandomFailures();
    private readonly rateLimiter: RateLimiter;
    private readonly clock: () => number;
    private readonly server: http.Server;
    private readonly timers = new Set<NodeJS.Timeout>();
    private baseUrl = "";
    private stopped = false;

    private constructor(options: SimulatorOptions) {
        this.clock = options.clock ?? Date.now;
        this.state = new SimState(this.clock);
        this.rateLimiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, this.clock);
        const pipeline = new RequestPipeline({
            state: this.state,
            faults: this.faults,
            randomFailures: this.randomFailures,
            rateLimiter: this.rateLimiter,
            requests: this.requests,
            options,
            clock: this.clock,
            sleep: (ms) => this.sleep(ms),
        });
        this.server = http.createServer((req, res) => void pipeline.handle(req, res));
    }

    /** Starts a simulator with no orgs, listening on 127.0.0.1 and a free port by default. */
    static async start(options: SimulatorOptions = {}): Promise<DatadogSimulator> {
        const host = checkLoopbackHost(options.host ?? "127.0.0.1");
        checkOptions(options);
        const simulator = new DatadogSimulator(options);
        await new Promise<void>((resolve, reject) => {
            simulator.server.once("error", reject);
            simulator.server.listen(options.port ?? 0, host, () => resolve());
        });
        const { port } = simulator.server.address() as AddressInfo;
        const urlHost = host.includes(":") ? `[${host}]` : host;
        simulator.baseUrl = `http://${urlHost}:${port}`;
        return simulator;
    }

    /** Base URL such as `http://127.0.0.1:PORT`, without a trailing slash. */
    get url(): string {
        return this.baseUrl;
    }

    /** Adds an org. The account defaults to "acct-1", and the UUID is generated unless given. */
    addOrg(o: {
        name: string;
        account?: string;
        id?: string;
        publicId?: string;
        hipaa?: boolean;
    }): SimOrg {
        return this.state.addOrg(o);
    }

    /** Adds a user to an org. */
    addUser(orgId: string, name?: string): SimUser {
        return this.state.addUser(orgId, name);
    }

    /**
     * Adds an API key and application key pair acting as a user of the org. Permissions default
     * to both org connection permissions, and the user to a new one. Keys are generated
     * with a `sim-` prefix unless given.
     */
    addKeys(
        orgId: string,
        o?: { permissions?: string[]; userId?: string; apiKey?: string; appKey?: string },
    ): SimKeys {
        return this.state.addKeys(orgId, o);
    }

    /** Stores a connection as if made outside Pulumi, skipping the API's checks. */
    seedConnection(c: {
        sourceOrgId: string;
        sinkOrgId: string;
        connectionTypes: string[];
        createdById?: string;
        id?: string;
    }): SimConnection {
        return this.state.seedConnection(c);
    }

    /** Replaces a connection's types as an edit outside Pulumi would. Throws for an unknown id. */
    editConnection(id: string, connectionTypes: string[]): SimConnection {
        return this.state.editConnection(id, connectionTypes);
    }

    /** Removes a connection as a deletion outside Pulumi would. Throws for an unknown id. */
    deleteConnection(id: string): void {
        this.state.deleteConnection(id);
    }

    /** Returns a copy of every stored connection, in creation order. */
    connections(): SimConnection[] {
        return this.state.connections();
    }

    /** Returns a copy of every org. */
    orgs(): SimOrg[] {
        return [...this.state.orgs.values()].map((o) => ({ ...o }));
    }

    /** Counts recorded requests by method (case-insensitive) and path (prefix or RegExp). */
    countRequests(filter: { method?: string; path?: string | RegExp } = {}): number {
        const method = filter.method?.toUpperCase();
        return this.requests.filter(
            (r) =>
                (method === undefined || r.method === method) && pathMatches(filter.path, r.path),
        ).length;
    }

    /** Forgets the recorded requests. */
    clearRequests(): void {
        this.requests.length = 0;
    }

    /** Queues a fault. Faults are matched in order, and each fires `times` times (default 1). */
    injectFault(fault: Fault): void {
        this.faults.add(fault);
    }

    /** Fails a seeded, deterministic fraction of API requests. Undefined turns it off. */
    setRandomFailures(o: RandomFailureSettings | undefined): void {
        this.randomFailures.configure(o);
    }

    /** Sets the rate limit and resets its counters. Undefined restores the default limit. */
    setRateLimit(o: RateLimitSettings | undefined): void {
        this.rateLimiter.configure(o ?? DEFAULT_RATE_LIMIT);
    }

    /** Drops queued faults and turns random failures off. The rate limit is left as it is. */
    clearFaults(): void {
        this.faults.clear();
        this.randomFailures.configure(undefined);
    }

    /** Stops listening and closes every open socket, including requests still delayed. */
    async stop(): Promise<void> {
        if (this.stopped) {
            return;
        }
        this.stopped = true;
        for (const timer of this.timers) {
            clearTimeout(timer);
        }
        this.timers.clear();
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }

    private sleep(ms: number): Promise<void> {
        return new Promise((resolve) => {
            const timer = setTimeout(() => {
                this.timers.delete(timer);
                resolve();
            }, ms);
            this.timers.add(timer);
        });
    }
}
