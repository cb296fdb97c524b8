/**
 * Small HTTP helpers of the simulator: the response value that handlers return, and reading a
 * request body with a size cap.
 */
import { IncomingMessage, STATUS_CODES } from "http";

/** A response computed by a handler, written (or dropped by a fault) by the server. */
export interface SimResponse {
    status: number;
    headers: Record<string, string>;
    body: string;
}

/** Maximum request body size in bytes. Bigger bodies get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Marks a request body that is not valid JSON. */
export const INVALID_JSON: unique symbol = Symbol("invalid JSON body");

/** Returns a JSON response. */
export function jsonResponse(status: number, value: unknown): SimResponse {
    return {
        status,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(value),
    };
}

/** Returns a Datadog error response, `{"errors": [...messages]}`. */
export function errorResponse(status: number, ...messages: string[]): SimResponse {
    return jsonResponse(status, { errors: messages });
}

/** Returns the standard reason phrase of a status, e.g. "Service Unavailable" for 503. */
export function reasonPhrase(status: number): string {
    return STATUS_CODES[status] ?? `HTTP ${status}`;
}

/** Result of reading a request body. */
export type BodyReadResult = { ok: true; raw: Buffer } | { ok: false; tooLarge: true };

/**
 * Reads the whole request body, stopping at {@link MAX_BODY_BYTES}. On overflow the rest of the
 * body is discarded so the 413 response can still be written.
 */
export function readBody(req: IncomingMessage): Promise<BodyReadResult> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = false;
        req.on("data", (chunk: Buffer) => {
            // Size only grows, so once over the cap the body stays rejected.
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                tooLarge = true;
                chunks.length = 0;
            } else {
                chunks.push(chunk);
            }
        });
        req.on("end", () => {
            resolve(
                tooLarge ? { ok: false, tooLarge: true } : { ok: true, raw: Buffer.concat(chunks) },
            );
        });
        // Without this, a client that disconnects mid-body would leave the promise pending.
        req.on("close", () => {
            if (!req.complete) {
                reject(new Error("client closed the connection before sending the whole body"));
            }
        });
        req.on("error", reject);
    });
}

/** Parses a body as JSON: undefined when empty, {@link INVALID_JSON} when it does not parse. */
export function parseJsonBody(raw: Buffer): unknown {
    const text = raw.toString("utf8");
    if (text.trim() === "") {
        return undefined;
    }
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return INVALID_JSON;
    }
}
