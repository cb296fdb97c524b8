import {
    CONNECTION_TYPES,
    UNKNOWN_VALUE,
    suggestCanonicalUuid,
    validateInputs,
} from "../../provider/validation";

const SINK = "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d";
const CONNECTION = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
const EXAMPLE = "9d2b4a1e-3c5f-4e6a-8b7c-0d1e2f3a4b5c";
const TYPES_TEXT = '"logs", "metrics", "audit"';

const valid = { sinkOrgId: SINK, connectionTypes: ["logs"] };

type Case = [name: string, inputs: Record<string, unknown>, failures: Array<[string, string]>];

const cases: Case[] = [
    // Valid inputs pass.
    ["minimal valid inputs", valid, []],
    ["every type", { ...valid, connectionTypes: ["audit", "metrics", "logs"] }, []],
    ["profile and adopt id", { ...valid, profile: "hub", adoptConnectionId: CONNECTION }, []],
    ["null optional inputs", { ...valid, profile: null, adoptConnectionId: null }, []],

    // Unknown values at preview pass through unvalidated.
    ["unknown sink", { ...valid, sinkOrgId: UNKNOWN_VALUE }, []],
    ["unknown type list", { ...valid, connectionTypes: UNKNOWN_VALUE }, []],
    ["unknown type element", { ...valid, connectionTypes: ["logs", UNKNOWN_VALUE] }, []],
    ["unknown profile", { ...valid, profile: UNKNOWN_VALUE }, []],
    ["unknown adopt id", { ...valid, adoptConnectionId: UNKNOWN_VALUE }, []],

    // Missing, empty or whitespace sink.
    [
        "missing sink",
        { connectionTypes: ["logs"] },
        [
            [
                "sinkOrgId",
                `Missing sinkOrgId: set it to the UUID of the org that receives the data, for example "${EXAMPLE}".`,
            ],
        ],
    ],
    [
        "null sink",
        { ...valid, sinkOrgId: null },
        [
            [
                "sinkOrgId",
                `Missing sinkOrgId: set it to the UUID of the org that receives the data, for example "${EXAMPLE}".`,
            ],
        ],
    ],
    [
        "empty sink",
        { ...valid, sinkOrgId: "" },
        [
            [
                "sinkOrgId",
                'Invalid sinkOrgId "": the value is empty. Set it to the UUID of the org that receives the data.',
            ],
        ],
    ],
    [
        "whitespace sink",
        { ...valid, sinkOrgId: "   " },
        [
            [
                "sinkOrgId",
                'Invalid sinkOrgId "   ": the value is empty. Set it to the UUID of the org that receives the data.',
            ],
        ],
    ],

    // Malformed UUIDs.
    ...[
        "abc",
        "0b5a7c1e-2d3f-4a5b-8c6d",
        "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2",
        "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2g",
        "0b5a7c1e2d3f-4a5b-8c6d-7e8f9a0b1c2d-",
        "fasjyydbcgwwc2uc",
    ].map((value): Case => [
        `malformed sink ${value}`,
        { ...valid, sinkOrgId: value },
        [
            [
                "sinkOrgId",
                `Invalid sinkOrgId "${value}": not a UUID. Set it to the UUID of the org that receives the data, ` +
                    `a lower-case UUID in the 8-4-4-4-12 form such as "${EXAMPLE}".`,
            ],
        ],
    ]),

    // Other spellings of a UUID get the canonical form suggested.
    ...[
        SINK.toUpperCase(),
        `{${SINK}}`,
        `{${SINK.toUpperCase()}}`,
        `urn:uuid:${SINK}`,
        SINK.replace(/-/g, ""),
        ` ${SINK} `,
    ].map((value): Case => [
        `non-canonical sink ${value}`,
        { ...valid, sinkOrgId: value },
        [
            [
                "sinkOrgId",
                `Invalid sinkOrgId ${JSON.stringify(value)}: Datadog ids are lower-case UUIDs in the 8-4-4-4-12 form. ` +
                    `Use "${SINK}" instead.`,
            ],
        ],
    ]),

    // Non-string sink values.
    [
        "numeric sink",
        { ...valid, sinkOrgId: 42 },
        [
            [
                "sinkOrgId",
                `Invalid sinkOrgId 42 (number): expected a string holding the UUID of the org that receives the data, for example "${EXAMPLE}".`,
            ],
        ],
    ],
    [
        "list sink",
        { ...valid, sinkOrgId: [SINK] },
        [
            [
                "sinkOrgId",
                `Invalid sinkOrgId ["${SINK}"] (object): expected a string holding the UUID of the org that receives the data, for example "${EXAMPLE}".`,
            ],
        ],
    ],

    // Connection types: missing, wrong shape, empty, unknown, duplicate, non-string.
    [
        "missing types",
        { sinkOrgId: SINK },
        [
            [
                "connectionTypes",
                `Missing connectionTypes: set it to a non-empty list of ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "types as a string",
        { ...valid, connectionTypes: "logs" },
        [
            [
                "connectionTypes",
                `Invalid connectionTypes "logs": expected a list such as ["logs"], with values from ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "empty types",
        { ...valid, connectionTypes: [] },
        [
            [
                "connectionTypes",
                `Invalid connectionTypes []: at least one connection type is required. Use values from ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "unknown type",
        { ...valid, connectionTypes: ["logs", "traces"] },
        [
            [
                "connectionTypes",
                `Invalid connectionTypes[1] "traces": not a known connection type. Use one of ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "upper-case type",
        { ...valid, connectionTypes: ["Metrics"] },
        [
            [
                "connectionTypes",
                'Invalid connectionTypes[0] "Metrics": connection types are lower-case words without spaces. Use "metrics" instead.',
            ],
        ],
    ],
    [
        "padded type",
        { ...valid, connectionTypes: [" logs"] },
        [
            [
                "connectionTypes",
                'Invalid connectionTypes[0] " logs": connection types are lower-case words without spaces. Use "logs" instead.',
            ],
        ],
    ],
    [
        "empty type",
        { ...valid, connectionTypes: [""] },
        [
            [
                "connectionTypes",
                `Invalid connectionTypes[0] "": not a known connection type. Use one of ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "whitespace type",
        { ...valid, connectionTypes: ["  "] },
        [
            [
                "connectionTypes",
                `Invalid connectionTypes[0] "  ": not a known connection type. Use one of ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "numeric type",
        { ...valid, connectionTypes: ["logs", 7] },
        [
            [
                "connectionTypes",
                `Invalid connectionTypes[1] 7: expected a string, one of ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "null type",
        { ...valid, connectionTypes: [null] },
        [
            [
                "connectionTypes",
                `Invalid connectionTypes[0] null: expected a string, one of ${TYPES_TEXT}.`,
            ],
        ],
    ],
    [
        "duplicate type",
        { ...valid, connectionTypes: ["logs", "metrics", "logs"] },
        [
            [
                "connectionTypes",
                'Invalid connectionTypes ["logs","metrics","logs"]: "logs" is listed more than once. List each connection type once.',
            ],
        ],
    ],

    // Profile.
    [
        "empty profile",
        { ...valid, profile: "" },
        [
            [
                "profile",
                'Invalid profile "": the name is empty. Remove the profile input to use the default keys, or name a set under datadog:profiles.',
            ],
        ],
    ],
    [
        "whitespace profile",
        { ...valid, profile: " " },
        [
            [
                "profile",
                'Invalid profile " ": the name is empty. Remove the profile input to use the default keys, or name a set under datadog:profiles.',
            ],
        ],
    ],
    [
        "padded profile",
        { ...valid, profile: " hub " },
        [["profile", 'Invalid profile " hub ": remove the spaces around the name (use "hub").']],
    ],
    [
        "numeric profile",
        { ...valid, profile: 1 },
        [
            [
                "profile",
                "Invalid profile 1 (number): expected the name of a credential set under datadog:profiles, or no profile for the default keys.",
            ],
        ],
    ],

    // Adopt id.
    [
        "upper-case adopt id",
        { ...valid, adoptConnectionId: CONNECTION.toUpperCase() },
        [
            [
                "adoptConnectionId",
                `Invalid adoptConnectionId "${CONNECTION.toUpperCase()}": Datadog ids are lower-case UUIDs in the 8-4-4-4-12 form. Use "${CONNECTION}" instead.`,
            ],
        ],
    ],
    [
        "empty adopt id",
        { ...valid, adoptConnectionId: "" },
        [
            [
                "adoptConnectionId",
                'Invalid adoptConnectionId "": the value is empty. Set it to the id of the existing org connection to adopt.',
            ],
        ],
    ],
    [
        "malformed adopt id",
        { ...valid, adoptConnectionId: "conn-1" },
        [
            [
                "adoptConnectionId",
                `Invalid adoptConnectionId "conn-1": not a UUID. Set it to the id of the existing org connection to adopt, a lower-case UUID in the 8-4-4-4-12 form such as "${EXAMPLE}".`,
            ],
        ],
    ],

    // Several problems are all reported.
    [
        "several problems",
        { sinkOrgId: "x", connectionTypes: [], profile: "" },
        [
            [
                "sinkOrgId",
                `Invalid sinkOrgId "x": not a UUID. Set it to the UUID of the org that receives the data, a lower-case UUID in the 8-4-4-4-12 form such as "${EXAMPLE}".`,
            ],
            [
                "connectionTypes",
                `Invalid connectionTypes []: at least one connection type is required. Use values from ${TYPES_TEXT}.`,
            ],
            [
                "profile",
                'Invalid profile "": the name is empty. Remove the profile input to use the default keys, or name a set under datadog:profiles.',
            ],
        ],
    ],
];

describe("validateInputs", () => {
    test.each(cases)("%s", (_name, inputs, expected) => {
        const failures = validateInputs(inputs);
        expect(failures.map((f) => [f.property, f.reason])).toEqual(expected);
    });

    test("long values are cut in messages", () => {
        const value = "x".repeat(200);
        const [failure] = validateInputs({ ...valid, sinkOrgId: value });
        expect(failure.reason).toContain(`Invalid sinkOrgId "${"x".repeat(76)}...: not a UUID.`);
        expect(failure.reason).not.toContain("x".repeat(100));
    });
});

describe("suggestCanonicalUuid", () => {
    test.each([
        [SINK.toUpperCase(), SINK],
        [`{${SINK}}`, SINK],
        [SINK.replace(/-/g, "").toUpperCase(), SINK],
        ["not-a-uuid", undefined],
        [`{${SINK}`, undefined],
    ])("%s", (value, expected) => {
        expect(suggestCanonicalUuid(value)).toBe(expected);
    });
});

test("CONNECTION_TYPES lists the API enum", () => {
    expect(CONNECTION_TYPES).toEqual(["logs", "metrics", "audit"]);
});
