/**
 * Shared setup of the provider tests: a simulator with a source org, two sink orgs and keys,
 * and an {@link OrgConnectionProvider} configured against it in-process.
 */
import type * as pulumi from "@pulumi/pulumi";
import { OrgConnectionProvider } from "../../provider/implementation";
import type { OrgConnectionInputs } from "../../provider/outputs";
import {
    DatadogSimulator,
    FaultAction,
    SimConnection,
    SimKeys,
    SimOrg,
    SimUser,
} from "../../simulator";

/** Everything a provider test works with. */
export interface ProviderFixture {
    sim: DatadogSimulator;
    source: SimOrg;
    sink: SimOrg;
    otherSink: SimOrg;
    user: SimUser;
    keys: SimKeys;
    provider: OrgConnectionProvider;
    /** Log lines the provider wrote, as `level: message`. */
    logs: string[];
    /** Waits the provider asked for, in ms; the tests do not really wait. */
    sleeps: number[];
    /** Stack config given to `configure`. */
    config: Record<string, string>;
}

/** Returns a `pulumi.dynamic.Config` over a plain object, as the plugin passes stack config. */
export function configOf(values: Record<string, string>): pulumi.dynamic.Config {
    return {
        get: (key) => values[key],
        require: (key) => {
            const value = values[key];
            if (value === undefined) {
                throw new Error(`Missing required configuration variable '${key}'`);
            }
            return value;
        },
    };
}

/**
 * Starts a simulator with orgs "Source Org", "Sink Org" and "Other Sink Org" and keys of the
 * source org, and configures a provider with `datadog:apiUrl` set to the simulator and the
 * given extra config. The environment is empty, so no key of the machine is used.
 */
export async function startFixture(
    extraConfig: Record<string, string> = {},
): Promise<ProviderFixture> {
    const sim = await DatadogSimulator.start();
    const source = sim.addOrg({ name: "Source Org" });
    const sink = sim.addOrg({ name: "Sink Org" });
    const otherSink = sim.addOrg({ name: "Other Sink Org" });
    const user = sim.addUser(source.id, "Jane Doe");
    const keys = sim.addKeys(source.id, { userId: user.id });
    const config: Record<string, string> = {
        "datadog:apiUrl": sim.url,
        "datadog:apiKey": keys.apiKey,
        "datadog:appKey": keys.appKey,
        ...extraConfig,
    };
    const { provider, logs, sleeps } = await makeProvider(config);
    return { sim, source, sink, otherSink, user, keys, provider, logs, sleeps, config };
}

/** Makes and configures a provider that records its logs and waits. */
export async function makeProvider(
    config: Record<string, string>,
    options: { absenceRecheckDelaysMs?: number[] } = {},
): Promise<{ provider: OrgConnectionProvider; logs: string[]; sleeps: number[] }> {
    const logs: string[] = [];
    const sleeps: number[] = [];
    const provider = new OrgConnectionProvider({
        env: {},
        log: (level, message) => logs.push(`${level}: ${message}`),
        sleep: async (ms) => {
            sleeps.push(ms);
        },
        random: () => 0.5,
        absenceRecheckDelaysMs: options.absenceRecheckDelaysMs ?? [],
    });
    await provider.configure({ config: configOf(config) });
    return { provider, logs, sleeps };
}

/** Inputs as the engine passes them after `check`, with a `__provider` like the real one. */
export function inputsOf(
    inputs: OrgConnectionInputs,
): OrgConnectionInputs & { __provider: string } {
    return { ...inputs, __provider: "exports.handler = __f0;" };
}

/** Asserts that no recorded text contains either key of `keys`. */
export function expectNoKeys(texts: string[], keys: SimKeys): void {
    for (const text of texts) {
        expect(text).not.toContain(keys.apiKey);
        expect(text).not.toContain(keys.appKey);
    }
}

/** Creates a connection from the source org to the fixture's sink org through the provider. */
export function createToSink(
    f: ProviderFixture,
    connectionTypes: string[] = ["logs"],
): Promise<pulumi.dynamic.CreateResult> {
    return f.provider.create(inputsOf({ sinkOrgId: f.sink.id, connectionTypes }));
}

/** Path of the org connections collection. */
export const LIST = "/api/v2/org_connections";

/** A consistent empty list page, as a list that does not show a new connection yet returns. */
export const EMPTY_PAGE = JSON.stringify({
    data: [],
    meta: { page: { total_count: 0, total_filtered_count: 0 } },
});

/** A 200 list page whose counts claim five connections although `data` is empty. */
export const INCONSISTENT_PAGE = JSON.stringify({
    data: [],
    meta: { page: { total_count: 5, total_filtered_count: 5 } },
});

/** Queues a fault for the next `times` requests with `method` to the org connections list. */
export function injectListFault(
    f: ProviderFixture,
    method: "GET" | "POST",
    action: FaultAction,
    times = 1,
): void {
    f.sim.injectFault({ method, path: LIST, times, action });
}

/** Stores a connection made outside Pulumi, from the source org unless `sourceOrgId` is given. */
export function seed(
    f: ProviderFixture,
    sinkOrgId: string,
    connectionTypes: string[],
    sourceOrgId: string = f.source.id,
): SimConnection {
    const createdById = f.user.id;
    return f.sim.seedConnection({ sourceOrgId, sinkOrgId, connectionTypes, createdById });
}

/** Returns the provider config with the keys replaced by `keys`. */
export function configWithKeys(f: ProviderFixture, keys: SimKeys): Record<string, string> {
    return { ...f.config, "datadog:apiKey": keys.apiKey, "datadog:appKey": keys.appKey };
}
