import * as http from "http";
import { AddressInfo } from "net";

/** One request as it passed through the proxy, headers included. */
export interface ProxiedRequest {
    method: string;
    /** Request target: path and query string. */
    url: string;
    headers: http.IncomingHttpHeaders;
}

/** A running proxy; see {@link startRecordingProxy}. */
export interface RecordingProxy {
    url: string;
    requests: ProxiedRequest[];
    stop(): Promise<void>;
}

/**
 * Starts an HTTP proxy on 127.0.0.1 that records each request's headers and forwards it
 * unchanged to `targetUrl`. The simulator records no headers, so tests of the User-Agent and
 * of the key headers put this proxy in front of it.
 */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
    const target = new URL(targetUrl);
    const requests: ProxiedRequest[] = [];
    const server = http.createServer((req, res) => {
        const headers = { ...req.headers };
        requests.push({ method: req.method ?? "", url: req.url ?? "", headers });
        const forwarded = {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
        };
        const upstream = http.request(forwarded, (response) => {
            res.writeHead(response.statusCode ?? 502, response.headers);
            response.pipe(res);
        });
        upstream.on("error", () => res.destroy());
        req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        stop: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
