import * as pulumi from "@pulumi/pulumi";

const registered: pulumi.runtime.MockResourceArgs[] = [];

pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            registered.push(args);
            return {
                id: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                state: {
                    ...args.inputs,
                    connectionId: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                    sinkOrgName: "Sink Org",
                    createdAt: "2025-08-26T20:19:35.554634+00:00",
                },
            };
        },
        call: () => ({}),
    },
    "project",
    "stack",
    false,
);

// Imported after setMocks, as Pulumi's mocks require.
import { CONNECTION_TYPES, OrgConnection, SITES } from "../../provider";

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

describe("OrgConnection", () => {
    test("registers the dynamic type with its inputs", async () => {
        const connection = new OrgConnection("hub", {
            sinkOrgId: "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d",
            connectionTypes: ["logs", "metrics"],
            profile: "hub",
        });
        await valueOf(connection.urn);

        const args = registered.find((r) => r.name === "hub");
        expect(args?.type).toBe("pulumi-nodejs:dynamic/datadog:OrgConnection");
        expect(args?.inputs).toEqual({
            sinkOrgId: "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d",
            connectionTypes: ["logs", "metrics"],
            profile: "hub",
            __provider: expect.stringContaining(
                'require("pulumi-datadog-org-connections/dist/provider/implementation")',
            ),
        });
    });

    test("exposes outputs on the instance", async () => {
        const connection = new OrgConnection("outputs", {
            sinkOrgId: "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d",
            connectionTypes: ["logs"],
        });
        expect(await valueOf(connection.connectionId)).toBe("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9");
        expect(await valueOf(connection.sinkOrgName)).toBe("Sink Org");
        expect(await valueOf(connection.createdAt)).toBe("2025-08-26T20:19:35.554634+00:00");
        expect(await valueOf(connection.connectionTypes)).toEqual(["logs"]);
        expect(await valueOf(connection.id)).toBe("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9");
    });

    test("package exports the public names", () => {
        expect(CONNECTION_TYPES).toEqual(["logs", "metrics", "audit"]);
        expect(SITES["datadoghq.eu"]).toBe("https://api.datadoghq.eu");
    });
});
