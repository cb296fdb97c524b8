/**
 * Test helper: sends requests to a running simulator over HTTP with node-fetch and returns the
 * status, headers and parsed body.
 */
import fetch from "node-fetch";

import { DatadogSimulator, SimKeys } from "../../simulator";

/** A response with its body parsed as JSON when possible. */
export interface ApiResponse {
    status: number;
    headers: Record<string, string>;
    text: string;
    /** Parsed JSON body, undefined when the body is not JSON. */
    json: any;
}

/** Request options: keys to send (or explicit headers), a JSON body or a raw body. */
export interface CallOptions {
    keys?: Pick<SimKeys, "apiKey" | "appKey">;
    headers?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
}

/** Sends one request to the simulator and reads the whole response. */
export async function call(
    simulator: DatadogSimulator,
    method: string,
    path: string,
    options: CallOptions = {},
): Promise<ApiResponse> {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    if (options.keys !== undefined) {
        headers["DD-API-KEY"] = options.keys.apiKey;
        headers["DD-APPLICATION-KEY"] = options.keys.appKey;
    }
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["Content-Type"] = "application/json";
    }
    const response = await fetch(`${simulator.url}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
        responseHeaders[name] = value;
    });
    return { status: response.status, headers: responseHeaders, text, json };
}

/** Builds a POST body the way Datadog's clients do. */
export function createBody(sinkOrgId: string, connectionTypes: unknown[]): object {
    return {
        data: {
            type: "org_connection",
            attributes: { connection_types: connectionTypes },
            relationships: { sink_org: { data: { type: "orgs", id: sinkOrgId } } },
        },
    };
}

/** Builds a PATCH body the way Datadog's clients do. */
export function updateBody(id: string, connectionTypes: unknown[]): object {
    return {
        data: { type: "org_connection", id, attributes: { connection_types: connectionTypes } },
    };
}
