/**
 * `npm run simulator [-- --port N]`: starts the simulator with the demo account, prints its URL,
 * the org UUIDs and the shell lines that point a Pulumi program at it, then runs until Ctrl-C.
 */
import { DatadogSimulator } from "./server";
import { seedDemoAccount } from "./demo";

function parsePort(args: string[]): number {
    const index = args.indexOf("--port");
    if (index < 0) {
        return 0;
    }
    const value = args[index + 1];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
        throw new Error(`Invalid --port value "${value ?? ""}": pass a port from 0 to 65535`);
    }
    return Number(value);
}

async function main(): Promise<void> {
    const port = parsePort(process.argv.slice(2));
    const simulator = await DatadogSimulator.start({
        port,
        log: (line) => console.log(`[simulator] ${line}`),
    });
    const demo = seedDemoAccount(simulator);

    console.log(`Datadog API simulator listening on ${simulator.url}`);
    console.log("");
    console.log("Orgs (account demo-account):");
    for (const org of [demo.platform, demo.security, demo.analytics]) {
        console.log(`  ${org.name.padEnd(14)} ${org.id}`);
    }
    console.log("");
    const owner = `${demo.platform.name}, user ${demo.user.name}`;
    console.log(`Simulator-only demo keys (${owner}):`);
    console.log(`  export DD_HOST=${simulator.url}`);
    console.log(`  export DD_API_KEY=${demo.keys.apiKey}`);
    console.log(`  export DD_APP_KEY=${demo.keys.appKey}`);
    console.log("");
    console.log("Keys of the other orgs, as credential profiles (examples/hub-and-spoke):");
    for (const [profile, keys] of Object.entries(demo.profileKeys)) {
        const name = profile.toUpperCase();
        console.log(`  export DD_PROFILE_${name}_API_KEY=${keys.apiKey}`);
        console.log(`  export DD_PROFILE_${name}_APP_KEY=${keys.appKey}`);
    }
    console.log("");
    console.log("Press Ctrl-C to stop.");

    const shutdown = () => {
        console.log("Stopping the simulator.");
        simulator.stop().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
    console.error(`Simulator failed to start: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
});
