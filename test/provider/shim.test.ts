import * as pulumi from "@pulumi/pulumi";
import * as implementation from "../../provider/implementation";
import { shim } from "../../provider/shim";
import { configOf } from "./fixture";

const IMPLEMENTATION_PATH = "pulumi-datadog-org-connections/dist/provider/implementation";
const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"];

/** Serializes the shim the way `pulumi.dynamic.Resource` does. */
async function serializeShim(): Promise<string> {
    const provider = shim;
    const serialized = await pulumi.runtime.serializeFunction(() => provider, {
        allowSecrets: true,
    });
    return serialized.text;
}

/** Loads serialized text as the plugin does, with `require` mapped for the package path only. */
function loadSerialized(text: string, required: string[]): pulumi.dynamic.ResourceProvider {
    const module = { exports: {} as { handler: () => pulumi.dynamic.ResourceProvider } };
    const fakeRequire = (path: string) => {
        required.push(path);
        if (path === IMPLEMENTATION_PATH) {
            return implementation;
        }
        throw new Error(`unexpected require of ${path}`);
    };
    new Function("exports", "require", "module", text)(module.exports, fakeRequire, module);
    return module.exports.handler();
}

describe("serialized shim", () => {
    test("is small and captures only the package path", async () => {
        const text = await serializeShim();
        // Reported so that the size per resource shows in the test output.
        console.log(`serialized __provider size: ${Buffer.byteLength(text)} bytes`);
        expect(Buffer.byteLength(text)).toBeLessThan(4096);
        expect(text.split(`require("${IMPLEMENTATION_PATH}")`)).toHaveLength(METHODS.length + 1);
        expect(text).not.toMatch(/OrgConnectionsClient|readProviderSettings|node-fetch/);
        expect(text).not.toMatch(/apiKey|appKey/);
        expect(text).not.toMatch(/require\("\.{1,2}\//);
    });

    test("forwards every method to the installed implementation", async () => {
        const required: string[] = [];
        const loaded = loadSerialized(await serializeShim(), required);
        expect(Object.keys(loaded).sort()).toEqual([...METHODS].sort());
        expect(required).toEqual([]);

        await loaded.configure?.({ config: configOf({}) });
        const news = { sinkOrgId: "not-a-uuid", connectionTypes: ["logs"] };
        const checked = await loaded.check?.({}, news);
        expect(checked?.failures?.[0]?.property).toBe("sinkOrgId");
        const olds = { sinkOrgId: "a", connectionTypes: ["logs"] };
        const diff = await loaded.diff?.("id", olds, { ...olds, sinkOrgId: "b" });
        expect(diff?.replaces).toEqual(["sinkOrgId"]);
        expect(required).toEqual([IMPLEMENTATION_PATH, IMPLEMENTATION_PATH, IMPLEMENTATION_PATH]);
    });
});
