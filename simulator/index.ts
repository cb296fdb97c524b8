/**
 * Public entry point of the Datadog org connections API simulator.
 */
export { DatadogSimulator } from "./server";
export { mulberry32 } from "./faults";
export type { RandomFailureSettings } from "./faults";
export { formatTimestamp, isUuid } from "./state";
export { DEFAULT_RATE_LIMIT, PERMISSIONS, SIM_CONNECTION_TYPES } from "./types";
export type {
    Fault,
    FaultAction,
    RateLimitSettings,
    RecordedRequest,
    SimConnection,
    SimKeys,
    SimOrg,
    SimulatorOptions,
    SimUser,
} from "./types";
export { DEMO_KEYS, DEMO_ORGS, DEMO_PROFILE_KEYS, seedDemoAccount } from "./demo";
export type { DemoAccount } from "./demo";
