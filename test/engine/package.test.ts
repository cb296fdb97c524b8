// The package as users get it: packed with `npm pack`, installed from the tarball into a Pulumi
// project outside the repository with its own node_modules, and run on the real engine. The
// tests check what the tarball contains and the size of the serialized provider when the package
// lives in node_modules. Then an upgrade is installed that `refresh` and `destroy` run without an
// `up`, and a change of the provider's code alone that the engine must not treat as a change.
// Each test builds on the state the previous one left.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { DatadogSimulator, RecordedRequest, SimKeys, SimOrg } from "../../simulator";
import { buildVariant, npmInstall, PackedPackage, packRepository } from "../harness/packageBuilder";
import { PulumiStack, REPO_ROOT } from "../harness/pulumi";

const TYPE = "pulumi-nodejs:dynamic/datadog:OrgConnection";
const PACKAGE = "pulumi-datadog-org-connections";
const UPGRADE_VERSION = "0.1.1-test";
const SHIM_COMMENT = "// Rebuilt: this comment changes the serialized provider, not what it does.";
const LOG_MARKER = "(rebuilt build)";
const MUTATIONS = ["POST", "PATCH", "DELETE"];

jest.setTimeout(15 * 60 * 1000);

const repoManifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

/** Returns the files of a Pulumi project as a user would write it, depending on `tarball`. */
function scratchProject(tarball: string): Record<string, string> {
    const dev = repoManifest.devDependencies as Record<string, string>;
    return {
        "Pulumi.yaml": [
            "name: installed-org-connections",
            "description: Org connections from the package installed from a tarball.",
            "runtime: nodejs",
            "",
        ].join("\n"),
        "package.json": JSON.stringify(
            {
                name: "installed-org-connections",
                private: true,
                dependencies: {
                    "@pulumi/pulumi": "3.248.0",
                    [PACKAGE]: `file:${tarball}`,
                },
                devDependencies: {
                    "@types/node": dev["@types/node"],
                    "ts-node": dev["ts-node"],
                    typescript: dev.typescript,
                },
            },
            null,
            4,
        ),
        "tsconfig.json": JSON.stringify(
            {
                compilerOptions: {
                    target: "ES2022",
                    module: "commonjs",
                    moduleResolution: "node",
                    strict: true,
                    types: ["node"],
                    skipLibCheck: false,
                },
                files: ["index.ts"],
            },
            null,
            4,
        ),
        "index.ts": [
            'import * as pulumi from "@pulumi/pulumi";',
            `import { OrgConnection } from "${PACKAGE}";`,
            "",
            "const config = new pulumi.Config();",
            "",
            "function outputsOf(connection: OrgConnection) {",
            "    return {",
            "        connectionId: connection.connectionId,",
            "        sinkOrgId: connection.sinkOrgId,",
            "        sinkOrgName: connection.sinkOrgName,",
            "        sourceOrgId: connection.sourceOrgId,",
            "        sourceOrgName: connection.sourceOrgName,",
            "        connectionTypes: connection.connectionTypes,",
            "        createdAt: connection.createdAt,",
            "        createdById: connection.createdById,",
            "        createdByName: connection.createdByName,",
            "    };",
            "}",
            "",
            'const logs = new OrgConnection("logs-to-security", {',
            '    sinkOrgId: config.require("securityOrgId"),',
            '    connectionTypes: ["logs"],',
            "});",
            'const metrics = new OrgConnection("metrics-to-analytics", {',
            '    sinkOrgId: config.require("analyticsOrgId"),',
            '    connectionTypes: ["metrics", "audit"],',
            "});",
            "",
            "export const security = outputsOf(logs);",
            "export const analytics = outputsOf(metrics);",
            "",
        ].join("\n"),
    };
}

/** Escapes `text` for use inside a regular expression. */
function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The User-Agent that version `version` of the package sends, as a pattern. */
function userAgentOf(version: string): RegExp {
    const product = `${escapeRegExp(PACKAGE)}/${escapeRegExp(version)}`;
    return new RegExp(`^${product} \\(node v\\d+\\.\\d+\\.\\d+\\)$`);
}

/**
 * Returns the `inputs` or `outputs` of each resource by URN, without the serialized provider that
 * a code change alters. The URN keys make the result independent of the order of the state.
 */
function byUrn(
    resources: Array<Record<string, any>>,
    kind: "inputs" | "outputs",
): Record<string, Record<string, unknown>> {
    const result: Record<string, Record<string, unknown>> = {};
    for (const resource of resources) {
        const { __provider: _provider, ...rest } = resource[kind] as Record<string, unknown>;
        result[resource.urn] = rest;
    }
    return result;
}

/** Returns the serialized provider in each resource's outputs, by URN. */
function storedProviders(resources: Array<Record<string, any>>): Record<string, string> {
    const result: Record<string, string> = {};
    for (const resource of resources) {
        result[resource.urn] = resource.outputs.__provider;
    }
    return result;
}

describe("OrgConnection installed from a tarball", () => {
    let root: string;
    let projectDir: string;
    let simulator: DatadogSimulator;
    let source: SimOrg;
    let security: SimOrg;
    let analytics: SimOrg;
    let keys: SimKeys;
    let stack: PulumiStack | undefined;
    let original: PackedPackage;
    let upgrade: Promise<PackedPackage>;
    let codeOnly: Promise<PackedPackage>;

    /** Requests of the current test that changed something. */
    const mutations = (): RecordedRequest[] =>
        simulator.requests.filter((request) => MUTATIONS.includes(request.method));

    /** Folder of the package installed in the scratch project. */
    const installedPackage = (): string => path.join(projectDir, "node_modules", PACKAGE);

    /** Reads `dist/provider/<file>` of the installed package. */
    const installedFile = (file: string): string =>
        fs.readFileSync(path.join(installedPackage(), "dist", "provider", file), "utf8");

    const installedVersion = (): string => {
        const manifest = fs.readFileSync(path.join(installedPackage(), "package.json"), "utf8");
        return JSON.parse(manifest).version;
    };

    const requireStack = (): PulumiStack => {
        if (stack === undefined) {
            throw new Error("The stack was not created: the install test failed first.");
        }
        return stack;
    };

    beforeAll(async () => {
        // The real path, so that comparisons with resolved paths work where tmp is a link.
        root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "orgconn-package-")));
        projectDir = path.join(root, "project");
        const tarballs = path.join(root, "tarballs");

        // The variants compile while the first tests run; each is awaited where it is installed.
        upgrade = buildVariant(root, path.join(tarballs, "upgrade"), { version: UPGRADE_VERSION });
        codeOnly = buildVariant(root, path.join(tarballs, "code-only"), {
            version: UPGRADE_VERSION,
            edits: [
                {
                    file: "provider/shim.ts",
                    find: /(\bread: \([^)]*\) =>\n)/,
                    replace: `$1        ${SHIM_COMMENT}\n`,
                },
                {
                    file: "provider/implementation.ts",
                    find: /`operation=delete id=\$\{id\}: deleted\.`/,
                    replace: `\`operation=delete id=\${id}: deleted ${LOG_MARKER}.\``,
                },
            ],
        });
        // Marks both as handled so that a failed build surfaces in its test, not as a crash.
        upgrade.catch(() => undefined);
        codeOnly.catch(() => undefined);

        original = await packRepository(path.join(tarballs, "original"));

        simulator = await DatadogSimulator.start({ recordUserAgent: true });
        source = simulator.addOrg({ name: "Platform Org" });
        security = simulator.addOrg({ name: "Security Org" });
        analytics = simulator.addOrg({ name: "Analytics Org" });
        keys = simulator.addKeys(source.id);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
        await Promise.allSettled([upgrade, codeOnly]);
        fs.rmSync(root, { recursive: true, force: true });
    });

    beforeEach(() => simulator.clearRequests());

    test("tarball ships compiled provider only", () => {
        const sources = fs
            .readdirSync(path.join(REPO_ROOT, "provider"))
            .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
            .map((name) => name.replace(/\.ts$/, ""));
        expect(sources).toContain("shim");

        for (const name of sources) {
            expect(original.files).toContain(`dist/provider/${name}.js`);
            expect(original.files).toContain(`dist/provider/${name}.d.ts`);
        }
        expect(original.files).toContain(repoManifest.main);
        expect(original.files).toContain(repoManifest.types);
        const unexpected = original.files.filter(
            (file) => !/^(package\.json|README\.md|dist\/provider\/.+\.(js|d\.ts))$/.test(file),
        );
        expect(unexpected).toEqual([]);
        const leaked = original.files.filter((file) =>
            /(^|\/)(test|simulator|examples)\//.test(file),
        );
        expect(leaked).toEqual([]);
    });

    test("install uses the project's own node_modules", async () => {
        fs.mkdirSync(projectDir);
        for (const [name, contents] of Object.entries(scratchProject(original.tarball))) {
            fs.writeFileSync(path.join(projectDir, name), contents);
        }
        expect(path.relative(REPO_ROOT, projectDir).startsWith("..")).toBe(true);

        await npmInstall(projectDir);

        const nodeModules = path.join(projectDir, "node_modules");
        expect(fs.lstatSync(nodeModules).isSymbolicLink()).toBe(false);
        expect(fs.lstatSync(installedPackage()).isSymbolicLink()).toBe(false);
        expect(fs.realpathSync(installedPackage())).toBe(installedPackage());
        expect(installedVersion()).toBe(original.version);
        // One copy of the SDK, shared by the program and the package.
        const nestedSdk = path.join(installedPackage(), "node_modules", "@pulumi");
        expect(fs.existsSync(nestedSdk)).toBe(false);
        const sdk = path.join(nodeModules, "@pulumi", "pulumi", "package.json");
        expect(fs.existsSync(sdk)).toBe(true);

        // The shipped declarations type-check a user's program with the project's own compiler.
        const tsc = path.join(nodeModules, "typescript", "bin", "tsc");
        execFileSync(process.execPath, [tsc, "--noEmit", "-p", projectDir], { cwd: projectDir });

        stack = await PulumiStack.create({ programDirectory: projectDir, parentDir: root });
        await stack.setConfig("datadog:apiUrl", simulator.url);
        await stack.setConfig("datadog:apiKey", keys.apiKey, { secret: true });
        await stack.setConfig("datadog:appKey", keys.appKey, { secret: true });
        await stack.setConfig("securityOrgId", security.id);
        await stack.setConfig("analyticsOrgId", analytics.id);
    });

    test("up creates both connections", async () => {
        await requireStack().up();

        expect(simulator.countRequests({ method: "POST" })).toBe(2);
        const connections = simulator.connections();
        expect(connections).toHaveLength(2);
        const bySink = (sink: SimOrg) => connections.find((c) => c.sinkOrgId === sink.id)!;
        const expected = (sink: SimOrg, connectionTypes: string[]) => ({
            connectionId: bySink(sink).id,
            sinkOrgId: sink.id,
            sinkOrgName: sink.name,
            sourceOrgId: source.id,
            sourceOrgName: "Platform Org",
            connectionTypes,
            createdAt: bySink(sink).createdAt,
            createdById: keys.userId,
            createdByName: expect.any(String),
        });
        expect(await requireStack().outputs()).toEqual({
            security: expected(security, ["logs"]),
            analytics: expected(analytics, ["audit", "metrics"]),
        });
        for (const request of simulator.requests) {
            expect(request.userAgent).toMatch(userAgentOf(original.version));
        }
    });

    test("serialized provider stays under 4 KB", async () => {
        const state = await requireStack().exportText();
        expect(state).not.toContain(keys.apiKey);
        expect(state).not.toContain(keys.appKey);

        const all: Array<Record<string, any>> = JSON.parse(state).deployment.resources;
        const resources = all.filter((resource) => resource.type === TYPE);
        expect(resources).toHaveLength(2);
        for (const resource of resources) {
            const text: string = resource.inputs.__provider;
            const size = Buffer.byteLength(text, "utf8");
            const name = resource.urn.split("::").pop();
            console.log(`__provider of ${name} installed from the tarball: ${size} bytes`);
            expect(size).toBeLessThan(4096);
            expect(resource.outputs.__provider).toBe(text);
            expect(text).toContain(`require("${PACKAGE}/dist/provider/implementation")`);
            // No version in the text: the code that runs is whichever version is installed.
            expect(text).not.toContain(original.version);
            expect(text).not.toContain(projectDir);
        }
    });

    test("refresh with the same version finds no change", async () => {
        await requireStack().refresh(["--expect-no-changes"]);

        expect(simulator.requests.length).toBeGreaterThan(0);
        expect(mutations()).toEqual([]);
        for (const request of simulator.requests) {
            expect(request.userAgent).toMatch(userAgentOf(original.version));
        }
    });

    test("refresh after an upgrade runs the new version", async () => {
        const stored = storedProviders(await requireStack().stateResources(TYPE));
        await npmInstall(projectDir, [(await upgrade).tarball]);
        expect(installedVersion()).toBe(UPGRADE_VERSION);
        simulator.clearRequests();

        await requireStack().refresh(["--expect-no-changes"]);

        const lists = simulator.requests.filter((request) => request.method === "GET");
        expect(lists.length).toBeGreaterThanOrEqual(2);
        expect(lists).toHaveLength(simulator.requests.length);
        for (const request of lists) {
            expect(request.userAgent).toMatch(userAgentOf(UPGRADE_VERSION));
        }
        // The state still contains the text the first version wrote. Only node_modules changed.
        const after = storedProviders(await requireStack().stateResources(TYPE));
        expect(after).toEqual(stored);
    });

    test("destroy after an upgrade runs the new version", async () => {
        const ids = simulator.connections().map((connection) => connection.id);

        await requireStack().destroy();

        const deletes = simulator.requests.filter((request) => request.method === "DELETE");
        expect(deletes.map((request) => request.path).sort()).toEqual(
            ids.map((id) => `/api/v2/org_connections/${id}`).sort(),
        );
        for (const request of deletes) {
            expect(request.status).toBe(200);
            expect(request.userAgent).toMatch(userAgentOf(UPGRADE_VERSION));
        }
        expect(simulator.connections()).toEqual([]);
        expect(await requireStack().stateResources(TYPE)).toEqual([]);
    });

    test("code change alone changes nothing", async () => {
        await requireStack().up();
        expect(simulator.countRequests({ method: "POST" })).toBe(2);
        const outputsBefore = await requireStack().outputs();
        const before = await requireStack().stateResources(TYPE);

        await npmInstall(projectDir, [(await codeOnly).tarball]);
        expect(installedVersion()).toBe(UPGRADE_VERSION);
        expect(installedFile("shim.js")).toContain(SHIM_COMMENT);
        expect(installedFile("implementation.js")).toContain(LOG_MARKER);
        simulator.clearRequests();

        await requireStack().preview(["--expect-no-changes"]);
        const up = await requireStack().up();

        expect(mutations()).toEqual([]);
        expect(up.stdout).not.toMatch(/OrgConnection\s+\S+\s+(update|replace|create|delete)/);
        expect(up.stdout).toMatch(/\b3 unchanged\b/);
        expect(await requireStack().outputs()).toEqual(outputsBefore);
        const after = await requireStack().stateResources(TYPE);
        expect(byUrn(after, "outputs")).toEqual(byUrn(before, "outputs"));
        expect(byUrn(after, "inputs")).toEqual(byUrn(before, "inputs"));
        // The engine did see the new code: the stored inputs carry the edited shim.
        for (const resource of after) {
            expect(resource.inputs.__provider).toContain(SHIM_COMMENT);
        }
    });
});
