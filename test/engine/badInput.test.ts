// Bad input through the real Pulumi CLI: `pulumi preview` of a program with one OrgConnection
// per bad value fails, each failure names the property, the value and the fix, and not one
// request reaches the API.
import { DatadogSimulator } from "../../simulator";
import { PulumiStack } from "../harness/pulumi";
import {
    ConnectionSpec,
    ReportedCheckFailure,
    collectCheckFailures,
    connectionsProgram,
    createConnectionsStack,
    outputOf,
    parseCheckFailures,
    removeConfig,
    setConfigValues,
} from "./connectionsProgram";

jest.setTimeout(10 * 60 * 1000);

/** The example UUID that the messages show. */
const EXAMPLE = "9d2b4a1e-3c5f-4e6a-8b7c-0d1e2f3a4b5c";
const UPPER_CASE = EXAMPLE.toUpperCase();
const KNOWN_TYPES = '"logs", "metrics", "audit"';
const SINK_MEANING = "the UUID of the org that receives the data";
const ADOPT_MEANING = "the id of the existing org connection to adopt";

type Property = "sinkOrgId" | "connectionTypes" | "profile" | "adoptConnectionId";

/** A bad value of one input and the exact reason that `check` gives for it. */
interface BadCase {
    property: Property;
    value: unknown;
    reason: string;
}

/** Returns the reason for a string that is no UUID at all. */
function notUuid(property: string, value: string, meaning: string): string {
    return (
        `Invalid ${property} ${JSON.stringify(value)}: not a UUID. Set it to ${meaning}, a lower-case UUID ` +
        `in the 8-4-4-4-12 form such as "${EXAMPLE}".`
    );
}

/** Returns the reason for a UUID written in a form that Datadog does not use. */
function otherForm(property: string, value: string): string {
    return (
        `Invalid ${property} ${JSON.stringify(value)}: Datadog ids are lower-case UUIDs in the 8-4-4-4-12 ` +
        `form. Use "${EXAMPLE}" instead.`
    );
}

/** Returns the reason for a value that is not a string. */
function notString(property: string, displayed: string, type: string, meaning: string): string {
    return (
        `Invalid ${property} ${displayed} (${type}): expected a string holding ${meaning}, for example ` +
        `"${EXAMPLE}".`
    );
}

function emptyValue(property: string, value: string, meaning: string): string {
    return `Invalid ${property} ${JSON.stringify(value)}: the value is empty. Set it to ${meaning}.`;
}

function misspelledType(index: number, value: string, fix: string): string {
    return (
        `Invalid connectionTypes[${index}] ${JSON.stringify(value)}: connection types are lower-case ` +
        `words without spaces. Use "${fix}" instead.`
    );
}

function unknownType(index: number, value: string): string {
    return (
        `Invalid connectionTypes[${index}] ${JSON.stringify(value)}: not a known connection type. Use ` +
        `one of ${KNOWN_TYPES}.`
    );
}

function notList(displayed: string): string {
    return (
        `Invalid connectionTypes ${displayed}: expected a list such as ["logs"], with values from ` +
        `${KNOWN_TYPES}.`
    );
}

const CASES: BadCase[] = [
    {
        property: "sinkOrgId",
        value: "not-a-uuid",
        reason: notUuid("sinkOrgId", "not-a-uuid", SINK_MEANING),
    },
    {
        property: "sinkOrgId",
        value: "9d2b4a1e-3c5f-4e6a-8b7c",
        reason: notUuid("sinkOrgId", "9d2b4a1e-3c5f-4e6a-8b7c", SINK_MEANING),
    },
    {
        property: "sinkOrgId",
        value: "9d2b4a1e-3c5f-4e6a-8b7c-0d1e2f3a4b5g",
        reason: notUuid("sinkOrgId", "9d2b4a1e-3c5f-4e6a-8b7c-0d1e2f3a4b5g", SINK_MEANING),
    },
    { property: "sinkOrgId", value: UPPER_CASE, reason: otherForm("sinkOrgId", UPPER_CASE) },
    {
        property: "sinkOrgId",
        value: `{${EXAMPLE}}`,
        reason: otherForm("sinkOrgId", `{${EXAMPLE}}`),
    },
    {
        property: "sinkOrgId",
        value: ` ${EXAMPLE} `,
        reason: otherForm("sinkOrgId", ` ${EXAMPLE} `),
    },
    { property: "sinkOrgId", value: "", reason: emptyValue("sinkOrgId", "", SINK_MEANING) },
    { property: "sinkOrgId", value: "   ", reason: emptyValue("sinkOrgId", "   ", SINK_MEANING) },
    {
        property: "sinkOrgId",
        value: 42,
        reason: notString("sinkOrgId", "42", "number", SINK_MEANING),
    },
    {
        property: "sinkOrgId",
        value: true,
        reason: notString("sinkOrgId", "true", "boolean", SINK_MEANING),
    },
    {
        property: "sinkOrgId",
        value: { id: EXAMPLE },
        reason: notString("sinkOrgId", `{"id":"${EXAMPLE}"}`, "object", SINK_MEANING),
    },
    {
        property: "sinkOrgId",
        value: null,
        reason: `Missing sinkOrgId: set it to ${SINK_MEANING}, for example "${EXAMPLE}".`,
    },

    {
        property: "connectionTypes",
        value: [],
        reason: `Invalid connectionTypes []: at least one connection type is required. Use values from ${KNOWN_TYPES}.`,
    },
    { property: "connectionTypes", value: ["traces"], reason: unknownType(0, "traces") },
    {
        property: "connectionTypes",
        value: ["logs", "logs"],
        reason:
            'Invalid connectionTypes ["logs","logs"]: "logs" is listed more than once. List each connection type ' +
            "once.",
    },
    { property: "connectionTypes", value: ["Logs"], reason: misspelledType(0, "Logs", "logs") },
    {
        property: "connectionTypes",
        value: ["metrics", " audit"],
        reason: misspelledType(1, " audit", "audit"),
    },
    { property: "connectionTypes", value: [""], reason: unknownType(0, "") },
    { property: "connectionTypes", value: ["  "], reason: unknownType(0, "  ") },
    {
        property: "connectionTypes",
        value: [7],
        reason: `Invalid connectionTypes[0] 7: expected a string, one of ${KNOWN_TYPES}.`,
    },
    { property: "connectionTypes", value: "logs", reason: notList('"logs"') },
    { property: "connectionTypes", value: { logs: true }, reason: notList('{"logs":true}') },
    {
        property: "connectionTypes",
        value: null,
        reason: `Missing connectionTypes: set it to a non-empty list of ${KNOWN_TYPES}.`,
    },

    {
        property: "profile",
        value: "",
        reason:
            'Invalid profile "": the name is empty. Remove the profile input to use the default keys, or name a ' +
            "set under datadog:profiles.",
    },
    {
        property: "profile",
        value: "   ",
        reason:
            'Invalid profile "   ": the name is empty. Remove the profile input to use the default keys, or name ' +
            "a set under datadog:profiles.",
    },
    {
        property: "profile",
        value: " hub ",
        reason: 'Invalid profile " hub ": remove the spaces around the name (use "hub").',
    },
    {
        property: "profile",
        value: 5,
        reason:
            "Invalid profile 5 (number): expected the name of a credential set under datadog:profiles, or no " +
            "profile for the default keys.",
    },
    {
        property: "profile",
        value: "nope",
        reason:
            'Unknown Datadog credentials profile "nope". Known profiles: none are configured. Run `pulumi config ' +
            "set --secret --path 'datadog:profiles.nope.apiKey' <your API key>` and `pulumi config set --secret " +
            "--path 'datadog:profiles.nope.appKey' <your application key>`, or set the DD_PROFILE_NOPE_API_KEY " +
            "and DD_PROFILE_NOPE_APP_KEY environment variables.",
    },

    {
        property: "adoptConnectionId",
        value: "abc",
        reason: notUuid("adoptConnectionId", "abc", ADOPT_MEANING),
    },
    {
        property: "adoptConnectionId",
        value: UPPER_CASE,
        reason: otherForm("adoptConnectionId", UPPER_CASE),
    },
    {
        property: "adoptConnectionId",
        value: "",
        reason: emptyValue("adoptConnectionId", "", ADOPT_MEANING),
    },
    {
        property: "adoptConnectionId",
        value: 12,
        reason: notString("adoptConnectionId", "12", "number", ADOPT_MEANING),
    },
];

/**
 * Spreads the cases over as few resources as possible, at most one bad value per property of
 * each resource, with valid values elsewhere. Returns the specs and, per resource, its cases.
 */
function packCases(cases: BadCase[]): {
    specs: ConnectionSpec[];
    expected: Map<string, BadCase[]>;
} {
    const specs: ConnectionSpec[] = [];
    const expected = new Map<string, BadCase[]>();
    const next: Record<Property, number> = {
        sinkOrgId: 0,
        connectionTypes: 0,
        profile: 0,
        adoptConnectionId: 0,
    };
    for (const badCase of cases) {
        const index = next[badCase.property]++;
        if (index === specs.length) {
            const name = `bad-${index}`;
            specs.push({ name, sinkOrgId: EXAMPLE, connectionTypes: ["logs"] });
            expected.set(name, []);
        }
        specs[index][badCase.property] = badCase.value;
        expected.get(specs[index].name)?.push(badCase);
    }
    return { specs, expected };
}

/** Sorts failures so that two lists compare without regard to order. */
function sorted(failures: ReportedCheckFailure[]): ReportedCheckFailure[] {
    return [...failures].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe("bad input through the engine", () => {
    let simulator: DatadogSimulator;
    let stack: PulumiStack;

    beforeAll(async () => {
        simulator = await DatadogSimulator.start();
        const source = simulator.addOrg({ name: "Platform Org" });
        const keys = simulator.addKeys(source.id);
        stack = await createConnectionsStack(simulator, keys, []);
    });

    afterAll(async () => {
        stack?.dispose();
        await simulator?.stop();
    });

    test("each bad input names property, value and fix", async () => {
        const { specs, expected } = packCases(CASES);

        const { failures, previews } = await collectCheckFailures(stack, specs);

        console.log(
            `${CASES.length} bad values in ${specs.length} resources took ${previews} previews`,
        );
        for (const spec of specs) {
            const reported = failures.filter((failure) => failure.resource === spec.name);
            const expectedFailures = (expected.get(spec.name) ?? []).map((badCase) => ({
                resource: spec.name,
                property: badCase.property,
                reason: badCase.reason,
            }));
            expect(sorted(reported)).toEqual(sorted(expectedFailures));
        }
        expect(simulator.requests).toEqual([]);
    });

    /** A stack-wide setting that makes `check` fail every resource. */
    interface BadConfig {
        title: string;
        plain: Record<string, string>;
        remove: string[];
        reason: string;
    }

    describe.each<BadConfig>([
        {
            title: "unknown site",
            plain: { "datadog:site": "datadoghq.de" },
            remove: ["datadog:apiUrl"],
            reason:
                'The default credentials: Unknown Datadog site "datadoghq.de". Known sites: datadoghq.com, ' +
                "us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ap2.datadoghq.com, " +
                "uk1.datadoghq.com, ddog-gov.com, us2.ddog-gov.com. Set the site to one of them, or set the API URL " +
                "instead.",
        },
        {
            title: "API URL without a scheme",
            plain: { "datadog:apiUrl": "api.datadoghq.com" },
            remove: [],
            reason:
                'The default credentials: Invalid Datadog API URL "api.datadoghq.com": it is not an absolute URL. ' +
                "Use the API origin of your site, such as https://api.datadoghq.com.",
        },
        {
            title: "retry setting out of range",
            plain: { "datadog:httpClientRetryMaxRetries": "9" },
            remove: [],
            reason: 'Invalid value "9" for datadog:httpClientRetryMaxRetries: use a whole number from 1 to 5 (retries).',
        },
    ])("config with $title", ({ plain, remove, reason }) => {
        test("fails preview without requests", async () => {
            const saved = simulator.url;
            await setConfigValues(stack, { plain });
            await removeConfig(stack, ...remove);
            stack.writeProgram(
                connectionsProgram([
                    { name: "valid", sinkOrgId: EXAMPLE, connectionTypes: ["logs"] },
                ]),
            );
            try {
                const result = await stack.preview([], { allowFailure: true });

                expect(result.code).not.toBe(0);
                expect(parseCheckFailures(outputOf(result))).toEqual([
                    { resource: "valid", property: "", reason },
                ]);
                expect(simulator.requests).toEqual([]);
            } finally {
                await removeConfig(stack, ...Object.keys(plain));
                await setConfigValues(stack, { plain: { "datadog:apiUrl": saved } });
            }
        });
    });
});
