/**
 * Detects keys that belong to another org than a connection's source org, such as a profile
 * filled with the keys of the wrong spoke. The org connections API has no request that names
 * the caller's org, but a listing contains only connections that the caller's org is a party
 * to. A listed connection that the source org is not a party to therefore proves that the keys
 * belong to another org. An empty listing proves nothing either way.
 */
import type { OrgConnectionRecord, OrgRef } from "./payload";

/** Returns a listed connection that `orgId` is neither the source nor the sink of. */
export function findConnectionWithoutOrg(
    records: readonly OrgConnectionRecord[],
    orgId: string,
): OrgConnectionRecord | undefined {
    return records.find(
        (record) =>
            record.sourceOrg !== undefined &&
            record.sinkOrg !== undefined &&
            record.sourceOrg.id !== orgId &&
            record.sinkOrg.id !== orgId,
    );
}

/**
 * Returns the caller's org when the listing pins it down: the only org that is a party to
 * every listed connection. Returns undefined when several orgs or none fit.
 */
export function findCallerOrg(records: readonly OrgConnectionRecord[]): OrgRef | undefined {
    let candidates: OrgRef[] | undefined;
    for (const record of records) {
        const parties = [record.sourceOrg, record.sinkOrg].filter(
            (org): org is OrgRef => org !== undefined,
        );
        candidates =
            candidates === undefined
                ? parties
                : candidates.filter((org) => parties.some((party) => party.id === org.id));
    }
    return candidates?.length === 1 ? candidates[0] : undefined;
}

/**
 * Builds the explanation for keys that a listing shows to belong to another org than the
 * source org, or returns undefined when the listing does not show that.
 *
 * @param credentials Names the keys, for example `profile "payments" (site datadoghq.com)`.
 * @param source The connection's source org, from the state.
 * @param records A complete listing made with those keys.
 */
export function describeKeysOfAnotherOrg(
    credentials: string,
    source: { id?: string; name?: string },
    records: readonly OrgConnectionRecord[],
): string | undefined {
    if (source.id === undefined || source.id === "") {
        return undefined;
    }
    const foreign = findConnectionWithoutOrg(records, source.id);
    if (foreign === undefined) {
        return undefined;
    }

    const sourceText = describeOrg({ id: source.id, name: source.name });
    const caller = findCallerOrg(records);
    const evidence =
        caller === undefined
            ? `they list connection ${foreign.id} from org ` +
              `${describeOrg(foreign.sourceOrg as OrgRef)} to org ` +
              `${describeOrg(foreign.sinkOrg as OrgRef)}, which org ${source.id} is not part of`
            : `they belong to org ${describeOrg(caller)}`;
    return (
        `The keys of ${credentials} do not belong to the connection's source org ` +
        `${sourceText}: ${evidence}. The provider acts on a connection with keys of its source ` +
        `org, so set this OrgConnection's profile to one whose keys belong to org ${sourceText}.`
    );
}

function describeOrg(org: OrgRef): string {
    return org.name === undefined ? org.id : `${org.id} (${org.name})`;
}
