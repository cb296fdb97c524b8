/**
 * Input validation for the `OrgConnection` resource: the provider's `check` step.
 *
 * Every failure names the property, the rejected value and the fix, so that `pulumi preview`
 * stops before any request reaches Datadog.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Connection types that Datadog accepts for an org connection (`connection_types` enum). */
export const CONNECTION_TYPES = ["logs", "metrics", "audit"] as const;

/** One of {@link CONNECTION_TYPES}. */
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/**
 * Value that the Pulumi engine sends for an input that is not known yet (during a preview, for
 * example a `sinkOrgId` taken from another resource's output).
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Lower-case canonical UUID in the 8-4-4-4-12 form, the only form Datadog returns for ids. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Example shown in messages, so users see the expected shape. */
const EXAMPLE_UUID = "9d2b4a1e-3c5f-4e6a-8b7c-0d1e2f3a4b5c";

const KNOWN_TYPES_TEXT = CONNECTION_TYPES.map((t) => `"${t}"`).join(", ");

/** Returns true when the engine has not resolved this input yet. */
export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE;
}

/** Returns true when a value, or any element of a list value, is not resolved yet. */
export function containsUnknown(value: unknown): boolean {
    return isUnknown(value) || (Array.isArray(value) && value.some(isUnknown));
}

/** Returns true when `value` is a lower-case canonical UUID. */
export function isCanonicalUuid(value: unknown): value is string {
    return typeof value === "string" && CANONICAL_UUID.test(value);
}

/**
 * Validates the inputs of an `OrgConnection` and returns one failure per problem found.
 * Inputs still unknown (see {@link UNKNOWN_VALUE}) pass unvalidated.
 */
export function validateInputs(inputs: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const add = (failure: pulumi.dynamic.CheckFailure | undefined) => {
        if (failure) {
            failures.push(failure);
        }
    };

    add(checkUuid("sinkOrgId", inputs.sinkOrgId, "the UUID of the org that receives the data"));
    failures.push(...checkConnectionTypes(inputs.connectionTypes));
    add(checkProfile(inputs.profile));
    if (inputs.adoptConnectionId !== undefined && inputs.adoptConnectionId !== null) {
        add(
            checkUuid(
                "adoptConnectionId",
                inputs.adoptConnectionId,
                "the id of the existing org connection to adopt",
            ),
        );
    }
    return failures;
}

/** Formats a rejected value for a message: strings quoted, long values cut. */
export function describeValue(value: unknown): string {
    const text = value === undefined ? "undefined" : JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Returns the canonical form of a UUID written in another common form (upper case, braces,
 * a `urn:uuid:` prefix, no dashes, surrounding spaces), or undefined when it is no UUID at all.
 */
export function suggestCanonicalUuid(value: string): string | undefined {
    let candidate = value.trim().toLowerCase();
    if (candidate.startsWith("urn:uuid:")) {
        candidate = candidate.slice("urn:uuid:".length);
    }
    if (candidate.startsWith("{") && candidate.endsWith("}")) {
        candidate = candidate.slice(1, -1);
    }
    if (/^[0-9a-f]{32}$/.test(candidate)) {
        candidate = [
            candidate.slice(0, 8),
            candidate.slice(8, 12),
            candidate.slice(12, 16),
            candidate.slice(16, 20),
            candidate.slice(20),
        ].join("-");
    }
    return CANONICAL_UUID.test(candidate) ? candidate : undefined;
}

function checkUuid(
    property: string,
    value: unknown,
    meaning: string,
): pulumi.dynamic.CheckFailure | undefined {
    if (isUnknown(value) || isCanonicalUuid(value)) {
        return undefined;
    }
    if (value === undefined || value === null) {
        return {
            property,
            reason: `Missing ${property}: set it to ${meaning}, for example "${EXAMPLE_UUID}".`,
        };
    }
    if (typeof value !== "string") {
        return {
            property,
            reason:
                `Invalid ${property} ${describeValue(value)} (${typeof value}): ` +
                `expected a string holding ${meaning}, for example "${EXAMPLE_UUID}".`,
        };
    }
    if (value.trim() === "") {
        return {
            property,
            reason:
                `Invalid ${property} ${describeValue(value)}: the value is empty. ` +
                `Set it to ${meaning}.`,
        };
    }

    const suggestion = suggestCanonicalUuid(value);
    if (suggestion !== undefined) {
        return {
            property,
            reason:
                `Invalid ${property} ${describeValue(value)}: Datadog ids are lower-case UUIDs ` +
                `in the 8-4-4-4-12 form. Use "${suggestion}" instead.`,
        };
    }
    return {
        property,
        reason:
            `Invalid ${property} ${describeValue(value)}: not a UUID. Set it to ${meaning}, ` +
            `a lower-case UUID in the 8-4-4-4-12 form such as "${EXAMPLE_UUID}".`,
    };
}

function checkConnectionTypes(value: unknown): pulumi.dynamic.CheckFailure[] {
    const property = "connectionTypes";
    if (isUnknown(value)) {
        return [];
    }
    if (value === undefined || value === null) {
        return [
            {
                property,
                reason: `Missing ${property}: set it to a non-empty list of ${KNOWN_TYPES_TEXT}.`,
            },
        ];
    }
    if (!Array.isArray(value)) {
        return [
            {
                property,
                reason:
                    `Invalid ${property} ${describeValue(value)}: expected a list such as ` +
                    `["logs"], with values from ${KNOWN_TYPES_TEXT}.`,
            },
        ];
    }
    if (value.length === 0) {
        return [
            {
                property,
                reason:
                    `Invalid ${property} []: at least one connection type is required. ` +
                    `Use values from ${KNOWN_TYPES_TEXT}.`,
            },
        ];
    }

    const failures: pulumi.dynamic.CheckFailure[] = [];
    const seen = new Set<string>();
    value.forEach((element, index) => {
        if (isUnknown(element)) {
            return;
        }
        const reason = checkConnectionType(element);
        if (reason !== undefined) {
            failures.push({
                property,
                reason: `Invalid ${property}[${index}] ${describeValue(element)}: ${reason}`,
            });
            return;
        }
        const type = element as string;
        if (seen.has(type)) {
            // Datadog rejects a list with a repeated type (HTTP 400), so catch it before the API.
            failures.push({
                property,
                reason:
                    `Invalid ${property} ${describeValue(value)}: "${type}" is listed more than ` +
                    `once. List each connection type once.`,
            });
        }
        seen.add(type);
    });
    return failures;
}

/** Returns why one element of `connectionTypes` is invalid, or undefined when it is valid. */
function checkConnectionType(element: unknown): string | undefined {
    if (typeof element !== "string") {
        return `expected a string, one of ${KNOWN_TYPES_TEXT}.`;
    }
    if ((CONNECTION_TYPES as readonly string[]).includes(element)) {
        return undefined;
    }
    const normalized = element.trim().toLowerCase();
    if ((CONNECTION_TYPES as readonly string[]).includes(normalized)) {
        return `connection types are lower-case words without spaces. Use "${normalized}" instead.`;
    }
    return `not a known connection type. Use one of ${KNOWN_TYPES_TEXT}.`;
}

function checkProfile(value: unknown): pulumi.dynamic.CheckFailure | undefined {
    const property = "profile";
    if (value === undefined || value === null || isUnknown(value)) {
        return undefined;
    }
    if (typeof value !== "string") {
        return {
            property,
            reason:
                `Invalid ${property} ${describeValue(value)} (${typeof value}): expected the ` +
                `name of a credential set under datadog:profiles, or no profile for the ` +
                `default keys.`,
        };
    }
    if (value.trim() === "") {
        return {
            property,
            reason:
                `Invalid ${property} ${describeValue(value)}: the name is empty. Remove the ` +
                `profile input to use the default keys, or name a set under datadog:profiles.`,
        };
    }
    if (value.trim() !== value) {
        return {
            property,
            reason:
                `Invalid ${property} ${describeValue(value)}: remove the spaces around the name ` +
                `(use "${value.trim()}").`,
        };
    }
    return undefined;
}
