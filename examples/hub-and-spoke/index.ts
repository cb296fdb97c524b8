// Shows one stack that connects several source orgs (spokes) to one central sink org (hub).
// Datadog lets only the source org create its connection, so each OrgConnection acts with its
// own spoke's keys, chosen by the `profile` input. The keys stay out of the program and the
// state: each profile is read when the provider runs, from the stack config
//     pulumi config set --secret --path 'datadog:profiles.<profile>.apiKey' <API key>
//     pulumi config set --secret --path 'datadog:profiles.<profile>.appKey' <application key>
// or from the environment (DD_PROFILE_<PROFILE>_API_KEY and DD_PROFILE_<PROFILE>_APP_KEY).
// Pointing a spoke at another profile with keys of the same org (a key rotation) changes no
// connection and sends no request.
import * as pulumi from "@pulumi/pulumi";
import { ConnectionType, OrgConnection } from "pulumi-datadog-org-connections";

/** One spoke: a source org, the profile with its keys, and the data it shares. */
interface Spoke {
    /** Resource name suffix, for example "payments". */
    name: string;
    /** Credential profile with keys of this spoke's org. */
    profile: string;
    /** Data shared with the hub. @default ["logs", "metrics"] */
    connectionTypes?: ConnectionType[];
}

const config = new pulumi.Config();
const hubOrgId = config.require("hubOrgId");
// A JSON list, for example:
//     pulumi config set spokes '[{"name":"payments","profile":"payments"}]'
const spokes = config.requireObject<Spoke[]>("spokes");

const connections = spokes.map(
    (spoke) =>
        new OrgConnection(`spoke-${spoke.name}`, {
            sinkOrgId: hubOrgId,
            connectionTypes: spoke.connectionTypes ?? ["logs", "metrics"],
            profile: spoke.profile,
        }),
);

/** Each spoke's connection, keyed by spoke name. */
export const spokeConnections = Object.fromEntries(
    spokes.map((spoke, i) => [
        spoke.name,
        {
            connectionId: connections[i].connectionId,
            sourceOrgId: connections[i].sourceOrgId,
            sourceOrgName: connections[i].sourceOrgName,
            connectionTypes: connections[i].connectionTypes,
        },
    ]),
);
export const hubOrgName = connections.length > 0 ? connections[0].sinkOrgName : undefined;
