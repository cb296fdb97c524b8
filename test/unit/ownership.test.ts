import {
    describeKeysOfAnotherOrg,
    findCallerOrg,
    findConnectionWithoutOrg,
} from "../../provider/ownership";
import type { OrgConnectionRecord, OrgRef } from "../../provider/payload";

const HUB: OrgRef = { id: "0b5a7c1e-2d3f-4a5b-8c6d-7e8f9a0b1c2d", name: "Hub Org" };
const PAYMENTS: OrgRef = { id: "1c6b8d2f-3e4a-4b6c-9d7e-8f9a0b1c2d3e", name: "Payments Org" };
const SEARCH: OrgRef = { id: "2d7c9e3a-4f5b-4c7d-8e8f-9a0b1c2d3e4f", name: "Search Org" };
const MOBILE: OrgRef = { id: "3e8d0f4b-5a6c-4d8e-9f9a-0b1c2d3e4f5a" };

const CREDENTIALS = 'profile "payments" (site datadoghq.com)';

function connection(id: string, sourceOrg?: OrgRef, sinkOrg?: OrgRef): OrgConnectionRecord {
    return {
        id,
        connectionTypes: ["logs"],
        createdAt: "2025-08-26T20:19:35.554634+00:00",
        sourceOrg,
        sinkOrg,
    };
}

const PAYMENTS_TO_HUB = connection("aaaaaaaa-0000-4000-8000-000000000001", PAYMENTS, HUB);
const SEARCH_TO_HUB = connection("aaaaaaaa-0000-4000-8000-000000000002", SEARCH, HUB);
const PAYMENTS_TO_MOBILE = connection("aaaaaaaa-0000-4000-8000-000000000003", PAYMENTS, MOBILE);
const NO_ORGS = connection("aaaaaaaa-0000-4000-8000-000000000004");

describe("findConnectionWithoutOrg", () => {
    test.each([
        ["empty listing", [], SEARCH.id, undefined],
        ["org is the source", [SEARCH_TO_HUB], SEARCH.id, undefined],
        ["org is the sink", [SEARCH_TO_HUB], HUB.id, undefined],
        ["org is no party", [SEARCH_TO_HUB, PAYMENTS_TO_HUB], SEARCH.id, PAYMENTS_TO_HUB],
        // Without both org ids a record proves nothing.
        ["record without orgs", [NO_ORGS], SEARCH.id, undefined],
    ])("%s", (_case, records, orgId, expected) => {
        expect(findConnectionWithoutOrg(records, orgId)).toEqual(expected);
    });
});

describe("findCallerOrg", () => {
    test.each([
        ["empty listing", [], undefined],
        ["one connection is ambiguous", [PAYMENTS_TO_HUB], undefined],
        ["two connections pin it down", [PAYMENTS_TO_HUB, PAYMENTS_TO_MOBILE], PAYMENTS],
        ["sink of two connections", [PAYMENTS_TO_HUB, SEARCH_TO_HUB], HUB],
        ["no common org", [SEARCH_TO_HUB, PAYMENTS_TO_MOBILE], undefined],
    ])("%s", (_case, records, expected) => {
        expect(findCallerOrg(records)).toEqual(expected);
    });
});

describe("describeKeysOfAnotherOrg", () => {
    test("names the caller org when known", () => {
        const message = describeKeysOfAnotherOrg(CREDENTIALS, SEARCH, [
            PAYMENTS_TO_HUB,
            PAYMENTS_TO_MOBILE,
        ]);

        expect(message).toBe(
            `The keys of profile "payments" (site datadoghq.com) do not belong to the ` +
                `connection's source org ${SEARCH.id} (Search Org): they belong to org ` +
                `${PAYMENTS.id} (Payments Org). The provider acts on a connection with keys of ` +
                `its source org, so set this OrgConnection's profile to one whose keys belong ` +
                `to org ${SEARCH.id} (Search Org).`,
        );
    });

    test("names the listed connection otherwise", () => {
        const message = describeKeysOfAnotherOrg(CREDENTIALS, { id: SEARCH.id }, [
            PAYMENTS_TO_MOBILE,
        ]);

        expect(message).toBe(
            `The keys of profile "payments" (site datadoghq.com) do not belong to the ` +
                `connection's source org ${SEARCH.id}: they list connection ` +
                `${PAYMENTS_TO_MOBILE.id} from org ${PAYMENTS.id} (Payments Org) to org ` +
                `${MOBILE.id}, which org ${SEARCH.id} is not part of. The provider acts on a ` +
                `connection with keys of its source org, so set this OrgConnection's profile ` +
                `to one whose keys belong to org ${SEARCH.id}.`,
        );
    });

    test.each([
        ["source org unknown", {}, [PAYMENTS_TO_HUB]],
        ["empty source org id", { id: "" }, [PAYMENTS_TO_HUB]],
        ["empty listing", SEARCH, []],
        ["source org is a party", SEARCH, [SEARCH_TO_HUB]],
    ])("no evidence: %s", (_case, source, records) => {
        expect(describeKeysOfAnotherOrg(CREDENTIALS, source, records)).toBeUndefined();
    });
});
