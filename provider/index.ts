/**
 * pulumi-datadog-org-connections: a Pulumi resource for Datadog org connections.
 */
export { OrgConnection, OrgConnectionArgs } from "./resource";
export { CONNECTION_TYPES, ConnectionType } from "./validation";
export { DatadogApiError, isDatadogApiError } from "./errors";
export { SITES } from "./settings";
