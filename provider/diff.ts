/**
 * The provider's `diff` step: compares the stored outputs of an `OrgConnection` with its new
 * inputs and decides between no change, an in-place update and a replacement.
 */
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, isUnknown } from "./validation";
import { OUTPUT_PROPERTIES, sameConnectionTypes } from "./outputs";

/**
 * Compares stored outputs `olds` with new inputs `news`.
 *
 * - `changes` is always set, because the plugin would otherwise compare every input,
 *   `__provider` included, and show a change of the provider's code as an update.
 * - A different `sinkOrgId` replaces the connection: the API has no way to move a connection
 *   to another sink org, and the PATCH body carries only connection types.
 * - `connectionTypes` are compared as sets, so order alone is no change.
 * - A different `profile` is an in-place update that sends no request.
 * - `adoptConnectionId` only matters when the resource is created, so it is ignored here.
 *
 * Values still unknown during a preview count as changed.
 */
export function diffOrgConnection(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
): pulumi.dynamic.DiffResult {
    const sinkChanged = isUnknown(news.sinkOrgId) || olds.sinkOrgId !== news.sinkOrgId;
    const typesChanged =
        containsUnknown(news.connectionTypes) ||
        !sameConnectionTypes(olds.connectionTypes, news.connectionTypes);
    const profileChanged = isUnknown(news.profile) || profileOf(olds) !== profileOf(news);

    if (sinkChanged) {
        return { changes: true, replaces: ["sinkOrgId"] };
    }

    // An update rewrites only the connection types and the echoed profile; ids, names and the
    // creation time stay as they were.
    const changing = new Set<string>();
    if (typesChanged) {
        changing.add("connectionTypes");
    }
    if (profileChanged) {
        changing.add("profile");
    }
    const stables = OUTPUT_PROPERTIES.filter((property) => !changing.has(property));
    return { changes: changing.size > 0, replaces: [], stables };
}

/** Treats a missing profile and `null` alike: both mean the default keys. */
function profileOf(props: Record<string, unknown>): unknown {
    return props.profile === null ? undefined : props.profile;
}
