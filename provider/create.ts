/**
 * The provider's `create` step: POST a new org connection exactly once, or adopt an existing
 * one by id. A POST whose outcome is unknown is never resent before a listing shows that it
 * took no effect, because a blind resend could create the connection twice.
 */
import type { OrgConnectionsClient } from "./client";
import { DatadogApiError, InvalidResponseError, isDatadogApiError } from "./errors";
import {
    EchoedInputs,
    OrgConnectionInputs,
    OrgConnectionOutputs,
    sameConnectionTypes,
    toOutputs,
} from "./outputs";
import type { OrgConnectionRecord } from "./payload";
import { RATE_LIMIT_JITTER_MS, backoffDelayMs } from "./retry";
import type { RetrySettings } from "./settings";

/** Receives the provider's log lines; never given a key. */
export type ProviderLog = (level: "debug" | "warn", message: string) => void;

/** Client for the resource's keys, retry policy and hooks that one create uses. */
export interface CreateContext {
    client: OrgConnectionsClient;
    /** Names the keys in messages, for example `profile "hub"`; never the keys themselves. */
    credentials: string;
    retry: RetrySettings;
    log: ProviderLog;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
}

/** Result of a create: the connection id and every output. */
export interface CreatedConnection {
    id: string;
    outs: OrgConnectionOutputs;
}

/**
 * Creates the connection that `inputs` declare, or adopts `inputs.adoptConnectionId`.
 *
 * After a POST whose result is unknown (network error, timeout, 5xx, 429 or an unreadable
 * 200), the connections to the sink org are listed. Exactly one connection with the types
 * that were sent is taken as the result. None means the POST took no effect, so it is resent
 * within the retry settings. Anything else fails with the ids found and the line that adopts
 * one. A 409 fails at once with the existing id and that line.
 */
export async function createConnection(
    ctx: CreateContext,
    inputs: OrgConnectionInputs,
): Promise<CreatedConnection> {
    if (inputs.adoptConnectionId !== undefined) {
        return adoptConnection(ctx, inputs, inputs.adoptConnectionId);
    }

    const sink = inputs.sinkOrgId;
    const context = `Creating the org connection to sink org ${sink} failed:`;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
        let record: OrgConnectionRecord;
        try {
            record = await ctx.client.createOrgConnection(sink, inputs.connectionTypes);
        } catch (e) {
            if (isDatadogApiError(e) && e.status === 409) {
                throw await describeConflict(ctx, inputs, `${context} ${e.message}`);
            }
            if (!isOutcomeUnknown(e)) {
                const hint = isDatadogApiError(e) ? explainRejection(ctx, sink, e) : undefined;
                const message = `${context} ${(e as Error).message}`;
                throw new Error(hint === undefined ? message : `${message} ${hint}`, { cause: e });
            }

            ctx.log(
                "warn",
                `operation=create sinkOrgId=${sink} attempt=${attempt}: ${summarize(e)}. ` +
                    `Listing the connections to this sink org before deciding whether to send ` +
                    `the POST again.`,
            );
            const failure = `${context} ${(e as Error).message}`;
            const found = await findOwnConnection(ctx, inputs, failure);
            if (found !== undefined) {
                ctx.log(
                    "warn",
                    `operation=create id=${found.id} sinkOrgId=${sink}: the POST took effect ` +
                        `although its response was lost, so the connection found is its result.`,
                );
                return toResult(found, inputs);
            }

            const delayMs = planPostRetry(ctx.retry, e, attempt, Date.now() - started, ctx.random);
            if (delayMs === undefined) {
                const attempts = `${attempt} POST attempt${attempt === 1 ? "" : "s"}`;
                throw new Error(
                    `${failure} No connection to sink org ${sink} exists afterwards, so the ` +
                        `connection was not created (${attempts}). Run \`pulumi up\` again.`,
                    { cause: e },
                );
            }
            ctx.log(
                "warn",
                `operation=create sinkOrgId=${sink}: no connection to this sink org exists, ` +
                    `so the POST took no effect. Sending it again in ` +
                    `${(delayMs / 1000).toFixed(1)} s.`,
            );
            await ctx.sleep(delayMs);
            continue;
        }

        ctx.log("debug", `operation=create id=${record.id} sinkOrgId=${sink}: created.`);
        return toResult(record, inputs);
    }
}

/**
 * Returns what to do about a POST that Datadog rejected with 400 "not allowed" or 404, whose
 * texts do not say which rule failed or which org is unknown. Returns undefined for other
 * failures, whose messages carry their own next step.
 */
function explainRejection(
    ctx: CreateContext,
    sink: string,
    e: DatadogApiError,
): string | undefined {
    if (e.status === 404) {
        return (
            `Datadog found no org with the id ${sink}. Set sinkOrgId to the UUID of an org in ` +
            `the same account as the source org (an org's public id is not always its UUID), ` +
            `and check that ${ctx.credentials} point at that account's Datadog site.`
        );
    }
    let pair: RegExpExecArray | null = null;
    for (const text of e.errors) {
        pair = pair ?? NOT_ALLOWED.exec(text);
    }
    if (e.status !== 400 || pair === null) {
        return undefined;
    }
    const source = pair[1];
    if (source === sink) {
        return (
            `sinkOrgId ${sink} is the source org itself, the org of ${ctx.credentials}. ` +
            `Set sinkOrgId to another org, or select the keys of another source org with the ` +
            `profile input.`
        );
    }
    return (
        `Datadog connects only two different orgs of the same account and site, neither of ` +
        `them HIPAA-enabled, and allows at most ${MAX_CONNECTIONS_PER_SOURCE} connections per ` +
        `source org. Check that sink org ${sink} belongs to the account of source org ` +
        `${source}, that neither org is HIPAA-enabled, and that the source org has fewer than ` +
        `${MAX_CONNECTIONS_PER_SOURCE} connections.`
    );
}

/** Datadog's text for a POST that breaks a connection rule; groups: source org, sink org. */
const NOT_ALLOWED = /^connection between orgs (\S+) and (\S+) is not allowed$/;

/** Connections one source org may have, as Datadog documents. */
const MAX_CONNECTIONS_PER_SOURCE = 5;

/**
 * Adopts the existing connection `id`: finds it in an unfiltered listing of every page,
 * checks its sink org, and PATCHes its types once when they differ. Sends no POST.
 */
async function adoptConnection(
    ctx: CreateContext,
    inputs: OrgConnectionInputs,
    id: string,
): Promise<CreatedConnection> {
    const context = `Adopting org connection ${id} failed:`;
    let records: OrgConnectionRecord[];
    try {
        records = await ctx.client.listOrgConnections();
    } catch (e) {
        throw new Error(`${context} ${(e as Error).message}`, { cause: e });
    }

    const found = records.find((record) => record.id === id);
    if (found === undefined) {
        throw new Error(
            `${context} it is not among the ${records.length} org connections visible to ` +
                `${ctx.credentials}. Check the id, and check that these keys belong to the ` +
                `connection's source org (set the profile input to use other keys).`,
        );
    }
    const actualSink = found.sinkOrg?.id;
    if (actualSink !== inputs.sinkOrgId) {
        const name = found.sinkOrg?.name === undefined ? "" : ` (${found.sinkOrg.name})`;
        throw new Error(
            `${context} its sink org is ${actualSink ?? "not reported"}${name}, but sinkOrgId ` +
                `is ${inputs.sinkOrgId}. Set sinkOrgId: "${actualSink}" to adopt this ` +
                `connection, or remove adoptConnectionId to create a new connection to ` +
                `${inputs.sinkOrgId}.`,
        );
    }

    if (sameConnectionTypes(found.connectionTypes, inputs.connectionTypes)) {
        ctx.log("debug", `operation=create id=${id}: adopted with unchanged connection types.`);
        return toResult(found, inputs);
    }
    let patched: OrgConnectionRecord;
    try {
        patched = await ctx.client.updateOrgConnection(id, inputs.connectionTypes);
    } catch (e) {
        throw new Error(`${context} ${(e as Error).message}`, { cause: e });
    }
    ctx.log("debug", `operation=create id=${id}: adopted, connection types updated.`);
    // The PATCH response has no names, so the names come from the listing.
    const listed = toOutputs(found, { sinkOrgId: inputs.sinkOrgId }, {});
    return {
        id,
        outs: toOutputs(patched, listed, echoedInputs(inputs)),
    };
}

/**
 * Lists the connections to the sink org after a POST with an unknown outcome. Returns the one
 * connection that matches what was sent, or undefined when there is none. Throws when the
 * listing fails or finds a connection that does not match.
 */
async function findOwnConnection(
    ctx: CreateContext,
    inputs: OrgConnectionInputs,
    failure: string,
): Promise<OrgConnectionRecord | undefined> {
    let candidates: OrgConnectionRecord[];
    try {
        candidates = await listToSink(ctx, inputs.sinkOrgId);
    } catch (e) {
        throw new Error(
            `${failure} Whether Datadog created the connection is unknown, because listing ` +
                `the connections to sink org ${inputs.sinkOrgId} also failed: ` +
                `${(e as Error).message} Run \`pulumi up\` again. If the connection exists, ` +
                `the POST is rejected with HTTP 409 and the error shows how to adopt it.`,
            { cause: e },
        );
    }

    if (candidates.length === 0) {
        return undefined;
    }
    const [only] = candidates;
    const matches = sameConnectionTypes(only.connectionTypes, inputs.connectionTypes);
    if (candidates.length === 1 && matches) {
        return only;
    }
    throw new Error(
        `${failure} A connection to this sink org exists now, but not exactly one that matches ` +
            `the request (connectionTypes ${JSON.stringify(inputs.connectionTypes)}), so none ` +
            `was taken as the result: ${describeRecords(candidates)}. ${adoptHint(candidates)}`,
    );
}

/** Builds the error for a 409: names the existing connection and the line that adopts it. */
async function describeConflict(
    ctx: CreateContext,
    inputs: OrgConnectionInputs,
    failure: string,
): Promise<Error> {
    let existing: OrgConnectionRecord[];
    try {
        existing = await listToSink(ctx, inputs.sinkOrgId);
    } catch (e) {
        return new Error(
            `${failure} Listing the connections to sink org ${inputs.sinkOrgId} to find the ` +
                `existing id also failed: ${(e as Error).message} Find its id, then add ` +
                `adoptConnectionId: "<id>" to this OrgConnection's arguments.`,
            { cause: e },
        );
    }
    if (existing.length === 0) {
        return new Error(
            `${failure} No connection to sink org ${inputs.sinkOrgId} is visible to ` +
                `${ctx.credentials}, so the existing id is unknown. Find it with the keys of ` +
                `the source org, then add adoptConnectionId: "<id>" to this OrgConnection's ` +
                `arguments.`,
        );
    }
    return new Error(
        `${failure} Existing connection: ${describeRecords(existing)}. ${adoptHint(existing)}`,
    );
}

/**
 * Lists every page of the caller's connections to `sink`. A sink-filtered listing holds only
 * connections where the caller is the source or the sink, and Datadog rejects a connection
 * from an org to itself, so for a valid sink every connection listed comes from the caller.
 */
async function listToSink(ctx: CreateContext, sink: string): Promise<OrgConnectionRecord[]> {
    const records = await ctx.client.listOrgConnections({ sinkOrgId: sink });
    return records.filter((record) => record.sinkOrg?.id === sink);
}

/**
 * Returns true when a failed POST may have been applied: a network error or timeout, a 5xx, a
 * 429, or a 200 whose body could not be read. Any other 4xx response means that nothing was stored.
 */
function isOutcomeUnknown(e: unknown): boolean {
    if (isDatadogApiError(e)) {
        return e.status === 0 || e.status === 429 || e.status >= 500;
    }
    if (e instanceof InvalidResponseError) {
        return true;
    }
    return e instanceof Error && e.name === "InvalidResponseError";
}

/**
 * Returns the wait before resending a POST that provably took no effect, or undefined when
 * the retry settings allow no more attempts. Uses the client's policy: `X-RateLimit-Reset`
 * for a 429 when Datadog sent it, else capped exponential backoff with full jitter.
 */
function planPostRetry(
    retry: RetrySettings,
    e: unknown,
    attempt: number,
    elapsedMs: number,
    random: () => number,
): number | undefined {
    if (!retry.enabled || attempt > retry.maxRetries) {
        return undefined;
    }
    const reset = isDatadogApiError(e) && e.status === 429 ? e.rateLimitResetSeconds : undefined;
    const delayMs =
        reset === undefined
            ? backoffDelayMs(attempt, retry, random)
            : Math.ceil(reset * 1000 + random() * RATE_LIMIT_JITTER_MS);
    return elapsedMs + delayMs > retry.timeoutSeconds * 1000 ? undefined : delayMs;
}

/**
 * Names a failed request without the next steps of its full message, which tell the user to
 * run the command again while the provider is still retrying.
 */
function summarize(e: unknown): string {
    if (!isDatadogApiError(e)) {
        return (e as Error).message.replace(/\.$/, "");
    }
    const request = `${e.method} ${e.path}`;
    switch (e.kind) {
        case "timeout":
            return `${request} timed out`;
        case "network":
            return `${request} failed with a network error`;
        default:
            return `${request} failed with HTTP ${e.status}`;
    }
}

function toResult(record: OrgConnectionRecord, inputs: OrgConnectionInputs): CreatedConnection {
    return {
        id: record.id,
        outs: toOutputs(record, { sinkOrgId: inputs.sinkOrgId }, echoedInputs(inputs)),
    };
}

function echoedInputs(inputs: OrgConnectionInputs): EchoedInputs {
    return { profile: inputs.profile, adoptConnectionId: inputs.adoptConnectionId };
}

function describeRecords(records: OrgConnectionRecord[]): string {
    return records
        .map((record) => `${record.id} (connectionTypes ${JSON.stringify(record.connectionTypes)})`)
        .join(", ");
}

/** Returns the sentence with the exact line that adopts one of `records`. */
export function adoptHint(records: OrgConnectionRecord[]): string {
    if (records.length === 1) {
        return (
            `To manage it with Pulumi, add adoptConnectionId: "${records[0].id}" to this ` +
            `OrgConnection's arguments and run \`pulumi up\` again.`
        );
    }
    const lines = records.map((record) => `adoptConnectionId: "${record.id}"`).join(" or ");
    return `To manage one of them with Pulumi, add ${lines} to this OrgConnection's arguments.`;
}
