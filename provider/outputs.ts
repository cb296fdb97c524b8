/**
 * Mapping between the API's view of an org connection and the resource's inputs and outputs.
 */
import type { OrgConnectionRecord } from "./payload";

/** Inputs of an `OrgConnection` as the provider receives them, after `check`. */
export interface OrgConnectionInputs {
    sinkOrgId: string;
    connectionTypes: string[];
    profile?: string;
    adoptConnectionId?: string;
}

/**
 * Outputs of an `OrgConnection` as stored in the Pulumi state. Optional fields are left out,
 * never set to `undefined`, because the provider plugin cannot encode `undefined`.
 */
export interface OrgConnectionOutputs {
    connectionId: string;
    sinkOrgId: string;
    sinkOrgName?: string;
    sourceOrgId?: string;
    sourceOrgName?: string;
    /** Connection types as the API reports them, sorted. */
    connectionTypes: string[];
    createdAt: string;
    createdById?: string;
    createdByName?: string;
    /** Profile input echoed, so that `read` and `delete` use the same keys. */
    profile?: string;
    /** Id given in `adoptConnectionId` when the resource was created, echoed. */
    adoptConnectionId?: string;
}

/** Every output property, in the order of {@link OrgConnectionOutputs}. */
export const OUTPUT_PROPERTIES: readonly (keyof OrgConnectionOutputs)[] = [
    "connectionId",
    "sinkOrgId",
    "sinkOrgName",
    "sourceOrgId",
    "sourceOrgName",
    "connectionTypes",
    "createdAt",
    "createdById",
    "createdByName",
    "profile",
    "adoptConnectionId",
];

/** Inputs echoed into the outputs. */
export interface EchoedInputs {
    profile?: string;
    adoptConnectionId?: string;
}

/**
 * Builds the outputs from an API record. Names missing from the record (a PATCH response
 * carries ids only) are taken from `previous` when it refers to the same org or user, and so
 * are ids the record lacks entirely.
 */
export function toOutputs(
    record: OrgConnectionRecord,
    previous: Partial<OrgConnectionOutputs> | undefined,
    echoed: EchoedInputs,
): OrgConnectionOutputs {
    const sink = pickReference(record.sinkOrg, previous?.sinkOrgId, previous?.sinkOrgName);
    const source = pickReference(record.sourceOrg, previous?.sourceOrgId, previous?.sourceOrgName);
    const creator = pickReference(record.createdBy, previous?.createdById, previous?.createdByName);

    const outputs: OrgConnectionOutputs = {
        connectionId: record.id,
        sinkOrgId: sink.id ?? "",
        connectionTypes: sortConnectionTypes(record.connectionTypes),
        createdAt: record.createdAt,
    };
    setIfDefined(outputs, "sinkOrgName", sink.name);
    setIfDefined(outputs, "sourceOrgId", source.id);
    setIfDefined(outputs, "sourceOrgName", source.name);
    setIfDefined(outputs, "createdById", creator.id);
    setIfDefined(outputs, "createdByName", creator.name);
    setIfDefined(outputs, "profile", echoed.profile);
    setIfDefined(outputs, "adoptConnectionId", echoed.adoptConnectionId);
    return outputs;
}

/**
 * Derives the inputs that match the live connection, which `read` returns so that drift found
 * by a refresh is kept and the next `pulumi up` converges it.
 */
export function toInputs(outputs: OrgConnectionOutputs): OrgConnectionInputs {
    const inputs: OrgConnectionInputs = {
        sinkOrgId: outputs.sinkOrgId,
        connectionTypes: [...outputs.connectionTypes],
    };
    setIfDefined(inputs, "profile", outputs.profile);
    setIfDefined(inputs, "adoptConnectionId", outputs.adoptConnectionId);
    return inputs;
}

/** Returns a sorted copy of a list of connection types, so that order never shows as a change. */
export function sortConnectionTypes(types: readonly string[]): string[] {
    return [...types].sort();
}

/** Returns true when two lists hold the same connection types, ignoring order. */
export function sameConnectionTypes(a: unknown, b: unknown): boolean {
    if (!Array.isArray(a) || !Array.isArray(b)) {
        return false;
    }
    const left = new Set(a);
    const right = new Set(b);
    return left.size === right.size && [...left].every((type) => right.has(type));
}

/** Returns a copy of stored outputs with the echoed inputs replaced. */
export function withEchoedInputs(
    outputs: OrgConnectionOutputs,
    echoed: EchoedInputs,
): OrgConnectionOutputs {
    const result: OrgConnectionOutputs = { ...outputs };
    delete result.profile;
    delete result.adoptConnectionId;
    setIfDefined(result, "profile", echoed.profile);
    setIfDefined(result, "adoptConnectionId", echoed.adoptConnectionId);
    return result;
}

function pickReference(
    ref: { id: string; name?: string } | undefined,
    previousId: string | undefined,
    previousName: string | undefined,
): { id?: string; name?: string } {
    if (ref === undefined) {
        return { id: previousId, name: previousName };
    }
    const name = ref.name ?? (ref.id === previousId ? previousName : undefined);
    return { id: ref.id, name };
}

function setIfDefined<T extends object, K extends keyof T>(
    target: T,
    key: K,
    value: T[K] | undefined,
): void {
    if (value !== undefined) {
        target[key] = value;
    }
}
