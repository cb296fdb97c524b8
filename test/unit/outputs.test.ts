import type { OrgConnectionRecord } from "../../provider/payload";
import {
    sameConnectionTypes,
    toInputs,
    toOutputs,
    withEchoedInputs,
    type OrgConnectionOutputs,
} from "../../provider/outputs";

const SINK = "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d";
const SOURCE = "2d7c9e3a-4f5b-4c6d-8e8f-9a0b1c2d3e4f";
const USER = "3e8daf4b-5a6c-4d7e-9f9a-0b1c2d3e4f5a";
const CONNECTION = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
const CREATED_AT = "2025-08-26T20:19:35.554634+00:00";

/** A POST or list record: names filled in. */
const full: OrgConnectionRecord = {
    id: CONNECTION,
    connectionTypes: ["metrics", "logs"],
    createdAt: CREATED_AT,
    sourceOrg: { id: SOURCE, name: "Source" },
    sinkOrg: { id: SINK, name: "Sink" },
    createdBy: { id: USER, name: "Jane" },
};

/** A PATCH record: ids only, as the API returns it. */
const patched: OrgConnectionRecord = {
    id: CONNECTION,
    connectionTypes: ["audit", "logs"],
    createdAt: CREATED_AT,
    sourceOrg: { id: SOURCE },
    sinkOrg: { id: SINK },
    createdBy: { id: USER },
};

const fullOutputs: OrgConnectionOutputs = {
    connectionId: CONNECTION,
    sinkOrgId: SINK,
    sinkOrgName: "Sink",
    sourceOrgId: SOURCE,
    sourceOrgName: "Source",
    connectionTypes: ["logs", "metrics"],
    createdAt: CREATED_AT,
    createdById: USER,
    createdByName: "Jane",
};

describe("toOutputs", () => {
    test("maps every field and sorts types", () => {
        expect(toOutputs(full, undefined, {})).toEqual(fullOutputs);
    });

    test("echoes profile and adopt id", () => {
        const echoed = { profile: "hub", adoptConnectionId: CONNECTION };
        const outputs = toOutputs(full, undefined, echoed);
        expect(outputs).toEqual({ ...fullOutputs, profile: "hub", adoptConnectionId: CONNECTION });
    });

    test("keeps known names after PATCH", () => {
        const outputs = toOutputs(patched, fullOutputs, {});
        expect(outputs).toEqual({ ...fullOutputs, connectionTypes: ["audit", "logs"] });
    });

    test("drops names of another org", () => {
        const otherSink = { ...patched, sinkOrg: { id: "1c6b8d2f-3e4a-4b5c-9d7e-8f9a0b1c2d3e" } };
        const outputs = toOutputs(otherSink, fullOutputs, {});
        expect(outputs.sinkOrgId).toBe("1c6b8d2f-3e4a-4b5c-9d7e-8f9a0b1c2d3e");
        expect("sinkOrgName" in outputs).toBe(false);
        expect(outputs.sourceOrgName).toBe("Source");
    });

    test("takes ids the record lacks from previous", () => {
        const bare: OrgConnectionRecord = {
            id: CONNECTION,
            connectionTypes: ["logs"],
            createdAt: CREATED_AT,
        };
        const outputs = toOutputs(bare, { sinkOrgId: SINK }, {});
        expect(outputs).toEqual({
            connectionId: CONNECTION,
            sinkOrgId: SINK,
            connectionTypes: ["logs"],
            createdAt: CREATED_AT,
        });
    });

    test("leaves out undefined fields", () => {
        const outputs = toOutputs(patched, undefined, { profile: undefined });
        expect(Object.values(outputs)).not.toContain(undefined);
        expect(Object.keys(outputs).sort()).toEqual([
            "connectionId",
            "connectionTypes",
            "createdAt",
            "createdById",
            "sinkOrgId",
            "sourceOrgId",
        ]);
    });
});

describe("toInputs", () => {
    test("keeps sink, types, profile and adopt id", () => {
        const outputs = { ...fullOutputs, profile: "hub", adoptConnectionId: CONNECTION };
        expect(toInputs(outputs)).toEqual({
            sinkOrgId: SINK,
            connectionTypes: ["logs", "metrics"],
            profile: "hub",
            adoptConnectionId: CONNECTION,
        });
    });

    test("leaves out an absent profile", () => {
        expect(toInputs(fullOutputs)).toEqual({
            sinkOrgId: SINK,
            connectionTypes: ["logs", "metrics"],
        });
    });
});

describe("withEchoedInputs", () => {
    test("replaces the profile", () => {
        const outputs = withEchoedInputs({ ...fullOutputs, profile: "hub" }, { profile: "spoke" });
        expect(outputs).toEqual({ ...fullOutputs, profile: "spoke" });
    });

    test("removes a dropped profile", () => {
        const outputs = withEchoedInputs({ ...fullOutputs, profile: "hub" }, {});
        expect(outputs).toEqual(fullOutputs);
    });
});

describe("sameConnectionTypes", () => {
    test.each([
        [["logs", "metrics"], ["metrics", "logs"], true],
        [["logs"], ["logs"], true],
        [["logs"], ["logs", "metrics"], false],
        [["logs", "metrics"], ["logs", "audit"], false],
        [["logs"], undefined, false],
        [undefined, ["logs"], false],
    ])("%j vs %j", (a, b, expected) => {
        expect(sameConnectionTypes(a, b)).toBe(expected);
    });
});
