// Shows the smallest stack: one org connection from the org whose keys the stack uses (the source
// org) to a sink org. The connection types come from stack config, so a change of
// `connectionTypes` updates the connection in place, and a change of `sinkOrgId` replaces it.
import * as pulumi from "@pulumi/pulumi";
import { ConnectionType, OrgConnection } from "pulumi-datadog-org-connections";

const config = new pulumi.Config();

const connection = new OrgConnection("shared-telemetry", {
    sinkOrgId: config.require("sinkOrgId"),
    // A JSON list, for example: pulumi config set connectionTypes '["logs","metrics"]'
    connectionTypes: config.getObject<ConnectionType[]>("connectionTypes") ?? ["logs"],
});

export const connectionId = connection.connectionId;
export const sourceOrgId = connection.sourceOrgId;
export const sourceOrgName = connection.sourceOrgName;
export const sinkOrgId = connection.sinkOrgId;
export const sinkOrgName = connection.sinkOrgName;
export const connectionTypes = connection.connectionTypes;
export const createdAt = connection.createdAt;
export const createdByName = connection.createdByName;
