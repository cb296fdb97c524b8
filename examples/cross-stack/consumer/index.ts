// Shows the consuming side of a stack pair: this stack, run with the keys of its own org,
// reads the sink org id that ../producer exports through a StackReference and connects its
// org to the same sink org. The sink org id is an output of another stack, so the program
// never repeats it, and a new sink org in the producer replaces this connection on the next
// `pulumi up` here.
import * as pulumi from "@pulumi/pulumi";
import { OrgConnection } from "pulumi-datadog-org-connections";

const config = new pulumi.Config();
const producer = new pulumi.StackReference(config.require("producerStack"));

const connection = new OrgConnection("team-telemetry", {
    sinkOrgId: producer.requireOutput("sinkOrgId"),
    connectionTypes: ["logs"],
});

export const connectionId = connection.connectionId;
export const sinkOrgId = connection.sinkOrgId;
export const sinkOrgName = connection.sinkOrgName;
export const sourceOrgName = connection.sourceOrgName;
/** The producer's own connection to the same sink org, read from its outputs. */
export const producerConnectionId = producer.getOutput("connectionId");
