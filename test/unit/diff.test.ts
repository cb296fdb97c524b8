import { diffOrgConnection } from "../../provider/diff";
import { UNKNOWN_VALUE } from "../../provider/validation";

const SINK = "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d";
const OTHER_SINK = "1c6b8d2f-3e4a-4b5c-9d7e-8f9a0b1c2d3e";
const CONNECTION = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";

/** Stored outputs of a connection to SINK with logs and metrics, created by the "hub" profile. */
const olds = {
    connectionId: CONNECTION,
    sinkOrgId: SINK,
    sinkOrgName: "Sink",
    sourceOrgId: "2d7c9e3a-4f5b-4c6d-8e8f-9a0b1c2d3e4f",
    sourceOrgName: "Source",
    connectionTypes: ["logs", "metrics"],
    createdAt: "2025-08-26T20:19:35.554634+00:00",
    createdById: "3e8daf4b-5a6c-4d7e-9f9a-0b1c2d3e4f5a",
    createdByName: "Jane",
    profile: "hub",
    __provider: "exports.handler = old code",
};

const base = {
    sinkOrgId: SINK,
    connectionTypes: ["logs", "metrics"],
    profile: "hub",
    __provider: "exports.handler = old code",
};

const ALL = [
    "connectionId",
    "sinkOrgId",
    "sinkOrgName",
    "sourceOrgId",
    "sourceOrgName",
    "connectionTypes",
    "createdAt",
    "createdById",
    "createdByName",
    "profile",
    "adoptConnectionId",
];
const without = (...names: string[]) => ALL.filter((name) => !names.includes(name));

type Case = [
    name: string,
    news: Record<string, unknown>,
    expected: { changes: boolean; replaces: string[]; stables?: string[] },
];

const cases: Case[] = [
    // No change.
    ["same inputs", base, { changes: false, replaces: [], stables: ALL }],
    [
        "types in another order",
        { ...base, connectionTypes: ["metrics", "logs"] },
        { changes: false, replaces: [], stables: ALL },
    ],
    [
        "provider code changed",
        { ...base, __provider: "exports.handler = new code" },
        { changes: false, replaces: [], stables: ALL },
    ],
    [
        "adopt id added",
        { ...base, adoptConnectionId: CONNECTION },
        { changes: false, replaces: [], stables: ALL },
    ],

    // In-place updates.
    [
        "type added",
        { ...base, connectionTypes: ["logs", "metrics", "audit"] },
        { changes: true, replaces: [], stables: without("connectionTypes") },
    ],
    [
        "type removed",
        { ...base, connectionTypes: ["logs"] },
        { changes: true, replaces: [], stables: without("connectionTypes") },
    ],
    [
        "type swapped",
        { ...base, connectionTypes: ["logs", "audit"] },
        { changes: true, replaces: [], stables: without("connectionTypes") },
    ],
    [
        "profile changed",
        { ...base, profile: "spoke" },
        { changes: true, replaces: [], stables: without("profile") },
    ],
    [
        "profile removed",
        { ...base, profile: undefined },
        { changes: true, replaces: [], stables: without("profile") },
    ],
    [
        "types and profile",
        { ...base, connectionTypes: ["audit"], profile: "spoke" },
        { changes: true, replaces: [], stables: without("connectionTypes", "profile") },
    ],
    [
        "unknown types",
        { ...base, connectionTypes: UNKNOWN_VALUE },
        { changes: true, replaces: [], stables: without("connectionTypes") },
    ],
    [
        "unknown type element",
        { ...base, connectionTypes: ["logs", UNKNOWN_VALUE] },
        { changes: true, replaces: [], stables: without("connectionTypes") },
    ],
    [
        "unknown profile",
        { ...base, profile: UNKNOWN_VALUE },
        { changes: true, replaces: [], stables: without("profile") },
    ],

    // Replacements.
    [
        "sink changed",
        { ...base, sinkOrgId: OTHER_SINK },
        { changes: true, replaces: ["sinkOrgId"] },
    ],
    [
        "unknown sink",
        { ...base, sinkOrgId: UNKNOWN_VALUE },
        { changes: true, replaces: ["sinkOrgId"] },
    ],
    [
        "sink and types changed",
        { ...base, sinkOrgId: OTHER_SINK, connectionTypes: ["audit"] },
        { changes: true, replaces: ["sinkOrgId"] },
    ],
];

describe("diffOrgConnection", () => {
    test.each(cases)("%s", (_name, news, expected) => {
        const result = diffOrgConnection(olds, news);
        expect(result.changes).toBe(expected.changes);
        expect(result.replaces).toEqual(expected.replaces);
        expect(result.stables).toEqual(expected.stables);
    });

    test("missing profile equals null profile", () => {
        const { profile: _profile, ...noProfile } = olds;
        const result = diffOrgConnection(noProfile, { ...base, profile: null });
        expect(result.changes).toBe(false);
    });

    test("state without types is updated", () => {
        const { connectionTypes: _types, ...noTypes } = olds;
        const result = diffOrgConnection(noTypes, base);
        expect(result.changes).toBe(true);
        expect(result.replaces).toEqual([]);
    });
});
