/**
 * The demo account that `npm run simulator` and the demo script start with: one source org, two
 * sink orgs in the same account, and a fixed key pair for the source org.
 */
import { DatadogSimulator } from "./server";
import { SimKeys, SimOrg, SimUser } from "./types";

/** Fixed org UUIDs, so that docs and examples can name them. */
export const DEMO_ORGS = {
    platform: { id: "11111111-1111-4111-8111-111111111111", name: "Platform Org" },
    security: { id: "22222222-2222-4222-8222-222222222222", name: "Security Org" },
    analytics: { id: "33333333-3333-4333-8333-333333333333", name: "Analytics Org" },
} as const;

/**
 * Keys of the Platform Org in the demo account. They exist only in the simulator, so they may be
 * printed. The `sim-` prefix distinguishes them from real Datadog keys.
 */
export const DEMO_KEYS = {
    apiKey: "sim-demo-api-key-platform",
    appKey: "sim-demo-app-key-platform",
} as const;

/** Keys of the two other demo orgs, so that each org can act as a source org (a profile). */
export const DEMO_PROFILE_KEYS = {
    security: { apiKey: "sim-demo-api-key-security", appKey: "sim-demo-app-key-security" },
    analytics: { apiKey: "sim-demo-api-key-analytics", appKey: "sim-demo-app-key-analytics" },
} as const;

/** Orgs, user and keys added by {@link seedDemoAccount}. */
export interface DemoAccount {
    platform: SimOrg;
    security: SimOrg;
    analytics: SimOrg;
    user: SimUser;
    keys: SimKeys;
    /** Keys of the Security Org and the Analytics Org, by profile name. */
    profileKeys: { security: SimKeys; analytics: SimKeys };
}

/** Adds the demo orgs, a user "Demo User" of the Platform Org, and keys of each org. */
export function seedDemoAccount(simulator: DatadogSimulator): DemoAccount {
    const platform = simulator.addOrg({ ...DEMO_ORGS.platform, account: "demo-account" });
    const security = simulator.addOrg({ ...DEMO_ORGS.security, account: "demo-account" });
    const analytics = simulator.addOrg({ ...DEMO_ORGS.analytics, account: "demo-account" });
    const user = simulator.addUser(platform.id, "Demo User");
    const keys = simulator.addKeys(platform.id, { userId: user.id, ...DEMO_KEYS });
    const profileKeys = {
        security: simulator.addKeys(security.id, DEMO_PROFILE_KEYS.security),
        analytics: simulator.addKeys(analytics.id, DEMO_PROFILE_KEYS.analytics),
    };
    return { platform, security, analytics, user, keys, profileKeys };
}
