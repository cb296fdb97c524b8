/**
 * JSON:API rendering of org connections, orgs and users, in the shapes Datadog returns.
 */
import { SimState } from "./state";
import { SimConnection, SimOrg, SimUser } from "./types";

interface RelationshipData {
    type: string;
    id: string;
    name?: string;
}

function relationship(type: string, id: string, name: string | undefined, withNames: boolean) {
    const data: RelationshipData = { type, id };
    // Datadog omits `name` in PATCH responses, and a deleted user has no name to give.
    if (withNames && name !== undefined) {
        data.name = name;
    }
    return { data };
}

/**
 * Renders one connection as a JSON:API `org_connection` object. `withNames` is false for PATCH
 * responses, which carry only type and id in each relationship.
 */
export function renderConnection(state: SimState, c: SimConnection, withNames: boolean): object {
    return {
        type: "org_connection",
        id: c.id,
        attributes: {
            created_at: c.createdAt,
            connection_types: [...c.connectionTypes],
        },
        relationships: {
            source_org: relationship(
                "orgs",
                c.sourceOrgId,
                state.orgs.get(c.sourceOrgId)?.name,
                withNames,
            ),
            sink_org: relationship(
                "orgs",
                c.sinkOrgId,
                state.orgs.get(c.sinkOrgId)?.name,
                withNames,
            ),
            created_by: relationship(
                "users",
                c.createdById,
                state.users.get(c.createdById)?.name,
                withNames,
            ),
        },
    };
}

/** Renders an org as it appears in the `included` block of the connections list. */
export function renderIncludedOrg(org: SimOrg): object {
    return {
        type: "orgs",
        id: org.id,
        attributes: {
            public_id: org.publicId,
            name: org.name,
            description: null,
            sharing: "all_private",
            url: null,
            disabled: false,
            created_at: org.createdAt,
            modified_at: org.createdAt,
        },
    };
}

/** Renders a user as it appears in the `included` block of the connections list. */
export function renderIncludedUser(user: SimUser): object {
    return {
        type: "users",
        id: user.id,
        attributes: {
            name: user.name,
            handle: user.handle,
            email: user.email,
            icon: null,
            title: null,
            status: "Active",
            verified: true,
            service_account: false,
            disabled: false,
        },
    };
}

/**
 * Builds the `included` block for a page of connections: each source org, sink org and creator
 * once, in order of first appearance. Ids that no longer resolve are skipped.
 */
export function renderIncluded(state: SimState, page: SimConnection[]): object[] {
    const seen = new Set<string>();
    const included: object[] = [];
    const addOrg = (id: string) => {
        const org = state.orgs.get(id);
        if (org !== undefined && !seen.has(`orgs:${id}`)) {
            seen.add(`orgs:${id}`);
            included.push(renderIncludedOrg(org));
        }
    };
    for (const c of page) {
        addOrg(c.sourceOrgId);
        addOrg(c.sinkOrgId);
        const user = state.users.get(c.createdById);
        if (user !== undefined && !seen.has(`users:${user.id}`)) {
            seen.add(`users:${user.id}`);
            included.push(renderIncludedUser(user));
        }
    }
    return included;
}

/** Renders an org for `GET /api/v1/org`, which has no UUID field, only `public_id`. */
export function renderV1Org(org: SimOrg): object {
    return {
        public_id: org.publicId,
        name: org.name,
        created: org.createdAt.replace("T", " ").slice(0, 19),
        description: "",
        billing: { type: "parent_billing" },
        settings: {},
        subscription: { type: "pro" },
    };
}
