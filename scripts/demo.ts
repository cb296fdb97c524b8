// Walks through the life of one org connection on the real Pulumi engine against the local Datadog
// API simulator: create, drift made outside Pulumi, refresh, converge, replace, destroy.
//
// Run with `npm run demo`. Nothing leaves this machine: the stack's API URL is the simulator on
// 127.0.0.1, and any DD_* or DATADOG_* variable of the calling shell is dropped.
import { DatadogSimulator } from "../simulator";
import { CommandResult, PulumiStack, engineBinDir } from "../test/harness/pulumi";

const DIVIDER = "-".repeat(78);

function step(title: string, explanation: string): void {
    console.log(`\n${DIVIDER}\n${title}\n${DIVIDER}`);
    console.log(explanation);
}

/** Prints the engine's output indented, without the blank lines that pad it. */
function show(result: CommandResult): void {
    const lines = `${result.stdout}${result.stderr}`
        .split("\n")
        .filter((line) => line.trim() !== "");
    for (const line of lines) {
        console.log(`    ${line}`);
    }
}

function describeConnections(simulator: DatadogSimulator): string {
    const connections = simulator.connections();
    if (connections.length === 0) {
        return "the simulator stores no org connection";
    }
    return connections
        .map((c) => `${c.id}: ${c.sourceOrgId} -> ${c.sinkOrgId} [${c.connectionTypes.join(", ")}]`)
        .join("\n    ");
}

async function main(): Promise<void> {
    step(
        "1. Engine",
        "Finding (or building, on the first run) the Pulumi CLI and Node.js language host.",
    );
    console.log(`    engine folder: ${engineBinDir()}`);

    const simulator = await DatadogSimulator.start();
    const platform = simulator.addOrg({ name: "Platform Org" });
    const security = simulator.addOrg({ name: "Security Org" });
    const analytics = simulator.addOrg({ name: "Analytics Org" });
    const keys = simulator.addKeys(platform.id);

    step(
        "2. Datadog API simulator",
        `Listening on ${simulator.url} with one account of three orgs:\n` +
            `    source org  ${platform.name} (${platform.id})\n` +
            `    sink org    ${security.name} (${security.id})\n` +
            `    sink org    ${analytics.name} (${analytics.id})\n` +
            "The stack holds the source org's keys as config secrets.",
    );

    const stack = await PulumiStack.create({
        program: "basic",
        stackName: "demo",
        transpileOnly: false,
    });
    try {
        await stack.setConfig("datadog:apiUrl", simulator.url);
        await stack.setConfig("datadog:apiKey", keys.apiKey, { secret: true });
        await stack.setConfig("datadog:appKey", keys.appKey, { secret: true });
        await stack.setConfig("sinkOrgId", security.id);
        await stack.setConfig("connectionTypes", JSON.stringify(["logs"]));

        step("3. pulumi up", "Creates the org connection that shares logs with the Security Org.");
        show(await stack.up());
        console.log(
            `\n    stack outputs: ${JSON.stringify(await stack.outputs(), null, 2).replace(/\n/g, "\n    ")}`,
        );

        const [connection] = simulator.connections();
        step(
            "4. A change outside Pulumi",
            "Someone adds metrics to the connection in the Datadog UI (here: straight in the simulator).",
        );
        simulator.editConnection(connection.id, ["logs", "metrics"]);
        console.log(`    ${describeConnections(simulator)}`);

        step(
            "5. pulumi refresh",
            "Refresh reads the connection by id and records the drift in the state. The stack\n" +
                "outputs printed below keep their old value: Pulumi updates outputs on the next `up`.",
        );
        show(await stack.refresh());

        step(
            "6. pulumi up",
            "The program still says logs only: one PATCH brings the connection back.",
        );
        simulator.clearRequests();
        show(await stack.up());
        console.log(`    PATCH requests sent: ${simulator.countRequests({ method: "PATCH" })}`);
        console.log(`    ${describeConnections(simulator)}`);

        step(
            "7. Change the sink org",
            "A connection cannot move to another sink org, so Pulumi replaces it: create the new one, then delete the old one.",
        );
        await stack.setConfig("sinkOrgId", analytics.id);
        show(await stack.up());
        console.log(`    ${describeConnections(simulator)}`);

        step(
            "8. No secret in the state",
            "Searching `pulumi stack export` for the API and application keys.",
        );
        const state = await stack.exportText();
        const leaked = [keys.apiKey, keys.appKey].filter((key) => state.includes(key));
        console.log(
            leaked.length === 0
                ? "    neither key appears in the state"
                : "    A KEY APPEARS IN THE STATE",
        );

        step("9. pulumi destroy", "Deletes the connection and leaves the simulator empty.");
        show(await stack.destroy());
        console.log(`    ${describeConnections(simulator)}`);

        if (leaked.length !== 0 || simulator.connections().length !== 0) {
            throw new Error("the demo ended with a key in the state or a connection left behind");
        }
        console.log(
            `\n${DIVIDER}\nDone: created, refreshed, converged, replaced and destroyed on the real engine.`,
        );
    } finally {
        stack.dispose();
        await simulator.stop();
    }
}

main().catch((error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
