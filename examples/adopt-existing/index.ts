// Shows how to bring an org connection that already exists in Datadog (made in the UI, by a
// script or by another tool) under Pulumi. Pulumi's `import` resource option and the
// `pulumi import` command fail for dynamic resources, because the engine's import read does
// not carry the serialized provider. The `adoptConnectionId` input takes their place: the
// first `pulumi up` finds the connection by id, checks that its sink org is `sinkOrgId`,
// PATCHes its connection types once if they differ, and sends no POST. From then on the
// connection is managed like one Pulumi created, and removing `adoptConnectionId` changes
// nothing. A `pulumi up` that meets an existing connection without this input fails with
// HTTP 409 and prints the exact `adoptConnectionId: "<id>"` line to add.
import * as pulumi from "@pulumi/pulumi";
import { ConnectionType, OrgConnection } from "pulumi-datadog-org-connections";

const config = new pulumi.Config();

const connection = new OrgConnection("adopted", {
    sinkOrgId: config.require("sinkOrgId"),
    // A JSON list, for example: pulumi config set connectionTypes '["logs","metrics"]'
    connectionTypes: config.getObject<ConnectionType[]>("connectionTypes") ?? ["logs"],
    // For example: pulumi config set adoptConnectionId 2c7a5e0f-3b1d-4e6a-9f8c-1d2e3f4a5b6c
    adoptConnectionId: config.get("adoptConnectionId"),
});

export const connectionId = connection.connectionId;
export const sourceOrgName = connection.sourceOrgName;
export const sinkOrgName = connection.sinkOrgName;
export const connectionTypes = connection.connectionTypes;
export const createdAt = connection.createdAt;
export const createdByName = connection.createdByName;
