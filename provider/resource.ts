/**
 * The `OrgConnection` resource: a Datadog org connection that shares data from the org whose
 * keys create it (the source org) with another org of the same account (the sink org).
 */
import * as pulumi from "@pulumi/pulumi";
import { shim } from "./shim";
import type { ConnectionType } from "./validation";

/** Arguments of an {@link OrgConnection}. */
export interface OrgConnectionArgs {
    /**
     * UUID of the sink org, the org that receives the data, in lower-case 8-4-4-4-12 form.
     * Changing it replaces the connection, because Datadog cannot move a connection to another
     * sink org.
     */
    sinkOrgId: pulumi.Input<string>;
    /**
     * Data the connection shares: a non-empty list of distinct values from
     * `CONNECTION_TYPES` (`"logs"`, `"metrics"`, `"audit"`). Compared as a set, so order never
     * causes a change. A change updates the connection in place with one PATCH.
     */
    connectionTypes: pulumi.Input<pulumi.Input<ConnectionType>[]>;
    /**
     * Name of the credential set to act with, configured under `datadog:profiles.<name>` or as
     * `DD_PROFILE_<NAME>_API_KEY` and `DD_PROFILE_<NAME>_APP_KEY`. The keys must belong to the
     * source org. Absent: the default `datadog:apiKey` and `datadog:appKey`. Changing it
     * replaces nothing and sends no request.
     */
    profile?: pulumi.Input<string>;
    /**
     * Id of an existing connection to bring under management instead of creating one. Create
     * then finds it by id, checks that its sink org is `sinkOrgId`, and PATCHes its types once
     * if they differ. Pulumi's `import` option does not work with dynamic resources, so this
     * input takes its place. Changing or removing it later changes nothing.
     */
    adoptConnectionId?: pulumi.Input<string>;
}

/**
 * A Datadog org connection, managed through Datadog's `/api/v2/org_connections` API.
 *
 * The type token is `pulumi-nodejs:dynamic/datadog:OrgConnection`. Keys come from the stack
 * config or the environment when the provider runs and are never stored in the state.
 */
export class OrgConnection extends pulumi.dynamic.Resource {
    // `declare` keeps these fields out of the compiled class: with ES2022 class fields, a plain
    // declaration would reset each output to undefined after the base constructor set it.

    /** Id of the connection, a UUID assigned by Datadog. */
    declare public readonly connectionId: pulumi.Output<string>;
    /** UUID of the sink org. */
    declare public readonly sinkOrgId: pulumi.Output<string>;
    /** Name of the sink org, when Datadog reported it. */
    declare public readonly sinkOrgName: pulumi.Output<string | undefined>;
    /** UUID of the source org, the org whose keys created the connection. */
    declare public readonly sourceOrgId: pulumi.Output<string | undefined>;
    /** Name of the source org, when Datadog reported it. */
    declare public readonly sourceOrgName: pulumi.Output<string | undefined>;
    /** Connection types as Datadog reports them, sorted. */
    declare public readonly connectionTypes: pulumi.Output<ConnectionType[]>;
    /** Creation time as Datadog formats it, for example `2025-08-26T20:19:35.554634+00:00`. */
    declare public readonly createdAt: pulumi.Output<string>;
    /** UUID of the user who created the connection. */
    declare public readonly createdById: pulumi.Output<string | undefined>;
    /** Name of the user who created the connection, when Datadog reported it. */
    declare public readonly createdByName: pulumi.Output<string | undefined>;
    /** The `profile` input, echoed. */
    declare public readonly profile: pulumi.Output<string | undefined>;
    /** The `adoptConnectionId` input given when the resource was created, echoed. */
    declare public readonly adoptConnectionId: pulumi.Output<string | undefined>;

    /**
     * Declares an org connection.
     *
     * @param name The unique name of the resource in the stack.
     * @param args The sink org, the connection types and the optional profile and adopt id.
     * @param opts Options that control this resource's behavior.
     */
    constructor(name: string, args: OrgConnectionArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            shim,
            name,
            {
                sinkOrgId: args.sinkOrgId,
                connectionTypes: args.connectionTypes,
                profile: args.profile,
                adoptConnectionId: args.adoptConnectionId,
                // Outputs only: listed as undefined so that they become properties of this object.
                connectionId: undefined,
                sinkOrgName: undefined,
                sourceOrgId: undefined,
                sourceOrgName: undefined,
                createdAt: undefined,
                createdById: undefined,
                createdByName: undefined,
            },
            opts,
            "datadog",
            "OrgConnection",
        );
    }
}
