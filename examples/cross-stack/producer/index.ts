// Shows the producing side of a stack pair: this stack connects its org to a central sink org
// and exports the connection's outputs. Another stack, such as ../consumer, reads them through
// a StackReference (`<organization>/org-connection-cross-stack-producer/<stack>`), so teams
// that own other source orgs connect to the same sink org without copying its id.
import * as pulumi from "@pulumi/pulumi";
import { OrgConnection } from "pulumi-datadog-org-connections";

const config = new pulumi.Config();

const connection = new OrgConnection("platform-telemetry", {
    sinkOrgId: config.require("sinkOrgId"),
    connectionTypes: ["logs", "metrics"],
});

export const connectionId = connection.connectionId;
export const sinkOrgId = connection.sinkOrgId;
export const sinkOrgName = connection.sinkOrgName;
export const sourceOrgId = connection.sourceOrgId;
export const sourceOrgName = connection.sourceOrgName;
export const connectionTypes = connection.connectionTypes;
