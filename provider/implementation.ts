/**
 * The `OrgConnection` dynamic provider. The serialized shim (shim.ts) loads this module from
 * the installed package at run time and forwards every call to {@link provider}.
 */
import * as pulumi from "@pulumi/pulumi";
import { OrgConnectionsClient } from "./client";
import { CreateContext, ProviderLog, createConnection } from "./create";
import { diffOrgConnection } from "./diff";
import { isDatadogApiError } from "./errors";
import { describeKeysOfAnotherOrg } from "./ownership";
import {
    OrgConnectionInputs,
    OUTPUT_PROPERTIES,
    OrgConnectionOutputs,
    sameConnectionTypes,
    toInputs,
    toOutputs,
    withEchoedInputs,
} from "./outputs";
import type { OrgConnectionRecord } from "./payload";
import { ProviderSettings, readProviderSettings, resolveConnection } from "./settings";
import { isUnknown, validateInputs } from "./validation";

/** Options of {@link OrgConnectionProvider}; tests use them, the shim uses the defaults. */
export interface ProviderOptions {
    /** Environment read for settings missing from the stack config (default process.env). */
    env?: NodeJS.ProcessEnv;
    /** Receives log lines (default `pulumi.log`); never given a key. */
    log?: ProviderLog;
    /** Waits between retries (default setTimeout). */
    sleep?: (ms: number) => Promise<void>;
    /** Source of jitter in [0, 1) (default Math.random). */
    random?: () => number;
    /**
     * Waits before listing again when a connection created less than
     * {@link RECENT_CREATE_WINDOW_MS} ago is missing from a complete listing
     * (default {@link DEFAULT_ABSENCE_RECHECK_DELAYS_MS}).
     */
    absenceRecheckDelaysMs?: number[];
}

/** Age below which a missing connection may just not be listed yet. */
export const RECENT_CREATE_WINDOW_MS = 60_000;

// NOTE: Datadog does not document how soon a new connection appears in the list. These waits
// are a guess that covers a few seconds of delay.
/** Waits in ms before each extra listing of a recently created connection that is missing. */
export const DEFAULT_ABSENCE_RECHECK_DELAYS_MS = [1000, 2000, 4000];

/**
 * Implements create, read, update and delete of Datadog org connections for
 * `pulumi.dynamic.Resource`. Keys are resolved per resource from its `profile` input and the
 * stack config; they never appear in inputs, outputs, messages or logs.
 */
export class OrgConnectionProvider implements pulumi.dynamic.ResourceProvider {
    private settings?: ProviderSettings;
    private settingsError?: Error;
    private readonly clients = new Map<
        string,
        { client: OrgConnectionsClient; credentials: string }
    >();
    private readonly env: NodeJS.ProcessEnv;
    private readonly log: ProviderLog;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly random: () => number;
    private readonly absenceRecheckDelaysMs: number[];

    constructor(options: ProviderOptions = {}) {
        this.env = options.env ?? process.env;
        this.log = options.log ?? logWithPulumi;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.random = options.random ?? Math.random;
        this.absenceRecheckDelaysMs =
            options.absenceRecheckDelaysMs ?? DEFAULT_ABSENCE_RECHECK_DELAYS_MS;
    }

    /**
     * Reads the settings from the stack config and the environment. An invalid setting is kept
     * and reported by `check` and every later call, so that one bad value does not hide which
     * resource it affects.
     */
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.clients.clear();
        try {
            this.settings = readProviderSettings(req.config, this.env);
            this.settingsError = undefined;
        } catch (e) {
            this.settings = undefined;
            this.settingsError = e as Error;
        }
    }

    /** Validates the inputs and the keys that the resource's profile selects, without requests. */
    async check(
        _olds: unknown,
        news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
        const failures = validateInputs(news);
        const profile = news.profile ?? undefined;
        const profileValid = !failures.some((failure) => failure.property === "profile");
        if (this.settingsError !== undefined) {
            failures.push({ property: "", reason: this.settingsError.message });
        } else if (profileValid && !isUnknown(profile)) {
            try {
                resolveConnection(this.requireSettings(), profile as string | undefined);
            } catch (e) {
                failures.push({
                    property: profile === undefined ? "" : "profile",
                    reason: (e as Error).message,
                });
            }
        }
        return { inputs: news, failures };
    }

    /** Compares stored outputs with new inputs; see {@link diffOrgConnection}. */
    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        return diffOrgConnection(olds, news);
    }

    /** Creates the connection, or adopts `adoptConnectionId`; see {@link createConnection}. */
    async create(news: OrgConnectionInputs): Promise<pulumi.dynamic.CreateResult> {
        const inputs = withoutNulls(news);
        const created = await createConnection(this.contextFor(inputs.profile), inputs);
        return { id: created.id, outs: created.outs };
    }

    /**
     * Reads connection `id` by listing and matching by id: filtered by its sink org first,
     * then unfiltered to confirm an absence. Returns an empty result (the connection is gone)
     * only after complete listings lack it. A failed or inconsistent listing throws, so the
     * state stays as it was, and so does a listing that shows the keys to belong to another
     * org than the source org. Returns `inputs` that match the live connection, so that
     * drift found by a refresh is kept.
     */
    async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
        const previous = outputsFromState(props);
        const ctx = this.contextFor(previous.profile);
        const storedSink = previous.sinkOrgId;
        const sink = typeof storedSink === "string" && storedSink !== "" ? storedSink : undefined;

        let found: OrgConnectionRecord | undefined;
        try {
            found = await this.findById(ctx, id, sink, previous);
            const delays = isRecent(previous.createdAt) ? this.absenceRecheckDelaysMs : [];
            for (const delayMs of delays) {
                if (found !== undefined) {
                    break;
                }
                this.log(
                    "debug",
                    `operation=read id=${id}: not listed yet, listing again in ${delayMs} ms.`,
                );
                await this.sleep(delayMs);
                found = await this.findById(ctx, id, undefined, previous);
            }
        } catch (e) {
            const reason = (e as Error).message + describeRejectedKeys(e, ctx.credentials, true);
            throw new Error(
                `Reading org connection ${id} failed, so the state keeps it unchanged: ${reason}`,
                { cause: e },
            );
        }

        if (found === undefined) {
            this.log(
                "debug",
                `operation=read id=${id}: missing from a complete listing, so it was deleted ` +
                    `outside Pulumi.`,
            );
            return {};
        }
        const outs = toOutputs(found, previous, {
            profile: previous.profile,
            adoptConnectionId: previous.adoptConnectionId,
        });
        return { id, props: outs, inputs: toInputs(outs) };
    }

    /**
     * Updates connection `id`. Only new connection types send a request (one PATCH), and a new
     * profile alone changes the echoed output. Names known before are kept, because the PATCH
     * response omits them.
     */
    async update(
        id: string,
        olds: Record<string, unknown>,
        newInputs: OrgConnectionInputs,
    ): Promise<pulumi.dynamic.UpdateResult> {
        const news = withoutNulls(newInputs);
        const previous = outputsFromState(olds);
        const echoed = { profile: news.profile, adoptConnectionId: previous.adoptConnectionId };
        if (sameConnectionTypes(previous.connectionTypes, news.connectionTypes)) {
            this.log(
                "debug",
                `operation=update id=${id}: connection types unchanged, no request sent.`,
            );
            const connectionId = previous.connectionId ?? id;
            const unchanged = { ...previous, connectionId } as OrgConnectionOutputs;
            return { outs: withEchoedInputs(unchanged, echoed) };
        }

        const ctx = this.contextFor(news.profile);
        let record: OrgConnectionRecord;
        try {
            record = await ctx.client.updateOrgConnection(id, news.connectionTypes);
        } catch (e) {
            // Datadog returns 404 (or 403 for the sink org) when keys of another org than the
            // source org send the PATCH.
            const keysOfAnotherOrg =
                isDatadogApiError(e) && (e.status === 404 || e.status === 403)
                    ? await this.checkKeysOfSourceOrg(ctx, previous)
                    : undefined;
            if (keysOfAnotherOrg !== undefined) {
                throw new Error(
                    `Updating org connection ${id} failed: ${(e as Error).message} ` +
                        keysOfAnotherOrg,
                    { cause: e },
                );
            }
            if (isDatadogApiError(e) && e.status === 404) {
                const source = describeOrg(previous.sourceOrgId, previous.sourceOrgName);
                throw new Error(
                    `Updating org connection ${id} failed: ${e.message} Datadog answers 404 ` +
                        `when the connection no longer exists, and also when the keys belong ` +
                        `to an org that is not a party to it. If it was deleted outside ` +
                        `Pulumi, run \`pulumi refresh\` to remove it from the state, then ` +
                        `\`pulumi up\` to create it again. If it still exists, give this ` +
                        `OrgConnection keys of ${source} instead of ${ctx.credentials}, for ` +
                        `example through the profile input.`,
                    { cause: e },
                );
            }
            const reason = (e as Error).message + describeRejectedKeys(e, ctx.credentials, false);
            throw new Error(`Updating org connection ${id} failed: ${reason}`, { cause: e });
        }
        this.log("debug", `operation=update id=${id}: connection types updated.`);
        return { outs: toOutputs(record, previous, echoed) };
    }

    /**
     * Deletes connection `id`. A 404 counts as already deleted, with a warning, unless a listing
     * shows that the keys belong to another org than the source org.
     */
    async delete(id: string, props: Record<string, unknown>): Promise<void> {
        const previous = outputsFromState(props);
        const ctx = this.contextFor(previous.profile);
        try {
            await ctx.client.deleteOrgConnection(id);
        } catch (e) {
            // Keys of an org that is not a party to the connection get 404 too, and the
            // connection then still exists.
            const keysOfAnotherOrg =
                isDatadogApiError(e) && e.status === 404
                    ? await this.checkKeysOfSourceOrg(ctx, previous)
                    : undefined;
            if (keysOfAnotherOrg !== undefined) {
                throw new Error(
                    `Deleting org connection ${id} failed: ${(e as Error).message} ` +
                        keysOfAnotherOrg,
                    { cause: e },
                );
            }
            if (isDatadogApiError(e) && e.status === 404) {
                // Warned, not only logged: keys of an org that is not a party to the connection
                // get this 404 too, and the connection then still exists.
                const source = describeOrg(previous.sourceOrgId, previous.sourceOrgName);
                this.log(
                    "warn",
                    `operation=delete id=${id}: DELETE returned HTTP 404, so the connection is ` +
                        `taken as already deleted and removed from the state. If it still ` +
                        `exists in Datadog, the keys of ${ctx.credentials} belong to an org ` +
                        `that is not a party to it: delete it with keys of ${source}.`,
                );
                return;
            }
            const reason = (e as Error).message + describeRejectedKeys(e, ctx.credentials, true);
            throw new Error(`Deleting org connection ${id} failed: ${reason}`, { cause: e });
        }
        this.log("debug", `operation=delete id=${id}: deleted.`);
    }

    /**
     * Lists by sink org when known, then without a filter, and returns the record with `id`.
     * Throws when the unfiltered listing lacks it and shows that the keys belong to another org
     * than the stored source org, because that listing cannot tell whether it still exists.
     * NOTE: keys of the sink org read the connection while it exists. Once it is gone, their
     * listing looks like that of a third org whenever it shows other connections, so such a
     * refresh fails instead of removing the connection from the state.
     */
    private async findById(
        ctx: CreateContext,
        id: string,
        sink: string | undefined,
        previous: Partial<OrgConnectionOutputs>,
    ): Promise<OrgConnectionRecord | undefined> {
        if (sink !== undefined) {
            const filtered = await ctx.client.listOrgConnections({ sinkOrgId: sink });
            const match = filtered.find((record) => record.id === id);
            if (match !== undefined) {
                return match;
            }
        }
        const all = await ctx.client.listOrgConnections();
        const match = all.find((record) => record.id === id);
        const keysOfAnotherOrg =
            match === undefined ? this.describeKeysOfAnotherOrg(ctx, previous, all) : undefined;
        if (keysOfAnotherOrg !== undefined) {
            throw new Error(keysOfAnotherOrg);
        }
        return match;
    }

    /**
     * After a request on a connection failed with a status that keys of another org also get,
     * lists the caller's connections and returns the explanation when they show that the keys
     * belong to another org than the stored source org. Returns undefined otherwise, also when
     * the listing fails, so that the caller reports the original error.
     */
    private async checkKeysOfSourceOrg(
        ctx: CreateContext,
        previous: Partial<OrgConnectionOutputs>,
    ): Promise<string | undefined> {
        if (previous.sourceOrgId === undefined) {
            return undefined;
        }
        try {
            const all = await ctx.client.listOrgConnections();
            return this.describeKeysOfAnotherOrg(ctx, previous, all);
        } catch (e) {
            this.log(
                "debug",
                `operation=check-keys sourceOrgId=${previous.sourceOrgId}: listing failed ` +
                    `(${(e as Error).message}), so the original error is reported.`,
            );
            return undefined;
        }
    }

    private describeKeysOfAnotherOrg(
        ctx: CreateContext,
        previous: Partial<OrgConnectionOutputs>,
        records: OrgConnectionRecord[],
    ): string | undefined {
        const source = { id: previous.sourceOrgId, name: previous.sourceOrgName };
        return describeKeysOfAnotherOrg(ctx.credentials, source, records);
    }

    private requireSettings(): ProviderSettings {
        if (this.settingsError !== undefined) {
            throw this.settingsError;
        }
        if (this.settings === undefined) {
            // configure runs before any other call in the plugin; a direct caller may skip it.
            this.settings = readProviderSettings({ get: () => undefined }, this.env);
        }
        return this.settings;
    }

    /** Returns the client for a profile's keys, made once per profile. */
    private contextFor(profile: string | undefined): CreateContext {
        const settings = this.requireSettings();
        const key = profile ?? "";
        let entry = this.clients.get(key);
        if (entry === undefined) {
            const connection = resolveConnection(settings, profile);
            const client = new OrgConnectionsClient({
                apiUrl: connection.apiUrl,
                apiKey: connection.apiKey,
                appKey: connection.appKey,
                site: connection.site,
                retry: settings.retry,
                requestTimeoutSeconds: settings.requestTimeoutSeconds,
                log: this.log,
                sleep: this.sleep,
                random: this.random,
            });
            const where =
                connection.site === undefined ? connection.apiUrl : `site ${connection.site}`;
            const owner =
                profile === undefined ? "the default credentials" : `profile "${profile}"`;
            entry = { client, credentials: `${owner} (${where})` };
            this.clients.set(key, entry);
        }
        return {
            client: entry.client,
            credentials: entry.credentials,
            retry: settings.retry,
            log: this.log,
            sleep: this.sleep,
            random: this.random,
        };
    }
}

/**
 * Returns a sentence naming the credentials that Datadog rejected (HTTP 401 or 403), or "" for
 * any other error. With `recordedConfig` (refresh and destroy) it adds the likely cause: those
 * commands run with the stack configuration recorded by the last `pulumi up`.
 */
function describeRejectedKeys(error: unknown, credentials: string, recordedConfig: boolean) {
    if (!isDatadogApiError(error) || (error.status !== 401 && error.status !== 403)) {
        return "";
    }
    const used = ` The request used the keys of ${credentials}.`;
    if (!recordedConfig) {
        return used;
    }
    return (
        `${used} \`pulumi refresh\` and \`pulumi destroy\` use the keys recorded by the ` +
        `last \`pulumi up\`, so after changing keys run \`pulumi up\` (or ` +
        `\`pulumi refresh --run-program\`) first.`
    );
}

/** Picks the known output properties from stored state, dropping `__provider` and nulls. */
function outputsFromState(props: Record<string, unknown>): Partial<OrgConnectionOutputs> {
    const outputs: Record<string, unknown> = {};
    // Anything else stored in the state, `__provider` included, is dropped.
    for (const key of OUTPUT_PROPERTIES) {
        if (props[key] !== undefined && props[key] !== null) {
            outputs[key] = props[key];
        }
    }
    return outputs as Partial<OrgConnectionOutputs>;
}

/**
 * Drops optional inputs set to null, which a JavaScript program can pass, so that they mean
 * the same as absent ones.
 */
function withoutNulls(inputs: OrgConnectionInputs): OrgConnectionInputs {
    const result: OrgConnectionInputs = {
        sinkOrgId: inputs.sinkOrgId,
        connectionTypes: inputs.connectionTypes,
    };
    if (inputs.profile !== undefined && inputs.profile !== null) {
        result.profile = inputs.profile;
    }
    if (inputs.adoptConnectionId !== undefined && inputs.adoptConnectionId !== null) {
        result.adoptConnectionId = inputs.adoptConnectionId;
    }
    return result;
}

/** Names the source org by its id and name when the state has them. */
function describeOrg(id: string | undefined, name: string | undefined): string {
    if (id === undefined) {
        return "its source org";
    }
    return name === undefined ? `its source org ${id}` : `its source org ${id} (${name})`;
}

/** Returns true when `createdAt` lies less than {@link RECENT_CREATE_WINDOW_MS} in the past. */
function isRecent(createdAt: unknown): boolean {
    const created = typeof createdAt === "string" ? Date.parse(createdAt) : NaN;
    return Number.isFinite(created) && Date.now() - created < RECENT_CREATE_WINDOW_MS;
}

/**
 * Sends a log line through `pulumi.log`.
 *
 * NOTE: the dynamic provider plugin of @pulumi/pulumi 3.248.0 does not connect `pulumi.log` to
 * the engine, so debug lines are dropped there and warnings go to the plugin's stderr, which the
 * CLI prints under the stack's diagnostics.
 */
function logWithPulumi(level: "debug" | "warn", message: string): void {
    const sent = level === "warn" ? pulumi.log.warn(message) : pulumi.log.debug(message);
    // Logging must never fail an operation.
    void sent.catch(() => undefined);
}

/** The provider instance that the serialized shim forwards to, one per plugin process. */
export const provider = new OrgConnectionProvider();
