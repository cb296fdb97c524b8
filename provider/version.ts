import * as fs from "fs";
import * as path from "path";

/** Name of this npm package, as written in its package.json. */
export const PACKAGE_NAME = "pulumi-datadog-org-connections";

/**
 * Finds this package's package.json by walking up from this file. The file sits at
 * `provider/version.ts` in the repository and at `dist/provider/version.js` once compiled,
 * so the manifest is one or two levels up.
 */
function findPackageManifest(
    startDirectory: string,
): { name: string; version: string } | undefined {
    let directory = startDirectory;
    for (let level = 0; level < 4; level++) {
        const candidate = path.join(directory, "package.json");
        if (fs.existsSync(candidate)) {
            const manifest = JSON.parse(fs.readFileSync(candidate, "utf8")) as {
                name?: unknown;
                version?: unknown;
            };
            if (manifest.name === PACKAGE_NAME && typeof manifest.version === "string") {
                return { name: manifest.name, version: manifest.version };
            }
        }
        directory = path.dirname(directory);
    }
    return undefined;
}

// NOTE: "unknown" is sent only when the package was copied without its package.json, which
// npm never does. The User-Agent then still names the package.
/** Version of this package from its package.json, or "unknown" when the manifest is missing. */
export const PACKAGE_VERSION: string = findPackageManifest(__dirname)?.version ?? "unknown";

/**
 * Builds the User-Agent header sent with every Datadog API request, for example
 * `pulumi-datadog-org-connections/0.1.0 (node v20.19.0)`.
 */
export function userAgent(): string {
    return `${PACKAGE_NAME}/${PACKAGE_VERSION} (node ${process.version})`;
}
