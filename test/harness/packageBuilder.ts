/**
 * Builds npm tarballs of this package for tests that install it the way a user does: the
 * repository as it is, or a variant compiled from a temporary copy with a changed version or
 * edited sources. The repository's own files and dist/ are never touched by a variant.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";

import { REPO_ROOT } from "./pulumi";

const run = promisify(execFile);

/** A tarball made by `npm pack`. */
export interface PackedPackage {
    /** Absolute path of the `.tgz` file. */
    tarball: string;
    /** Version written in the packed package.json. */
    version: string;
    /** Paths inside the package, as `npm pack` lists them (without the `package/` prefix). */
    files: string[];
}

/** One text replacement in a file of the temporary copy. */
export interface SourceEdit {
    /** Path relative to the repository root, for example `provider/shim.ts`. */
    file: string;
    /** Text or pattern to replace; its first match is replaced. */
    find: string | RegExp;
    /** Replacement; `$1` and the like refer to groups of a `find` pattern. */
    replace: string;
}

/** How a variant differs from the repository. */
export interface PackageVariant {
    /** Version written in the copy's package.json. @default the repository's version */
    version?: string;
    /** Replacements made in the copy before it is compiled. */
    edits?: SourceEdit[];
}

/** What the copy needs to compile the provider and pack it. README.md is packed when present. */
const COPIED = ["provider", "package.json", "tsconfig.json", "tsconfig.build.json", "README.md"];

/**
 * Runs `npm pack` on `packageDir` and writes the tarball into `destination`. Lifecycle scripts
 * are skipped: this package defines none for packing, and a tarball must come from the files
 * given, not from a rebuild.
 */
export async function npmPack(packageDir: string, destination: string): Promise<PackedPackage> {
    fs.mkdirSync(destination, { recursive: true });
    const { stdout } = await run(
        "npm",
        ["pack", packageDir, "--pack-destination", destination, "--json", "--ignore-scripts"],
        { cwd: destination, maxBuffer: 16 * 1024 * 1024 },
    );
    const [packed] = JSON.parse(stdout) as Array<{
        filename: string;
        version: string;
        files: Array<{ path: string }>;
    }>;
    return {
        tarball: path.join(destination, packed.filename),
        version: packed.version,
        files: packed.files.map((file) => file.path),
    };
}

/**
 * Packs the repository as it is, with the dist/ that `npm run build` left. Fails with the
 * command to run when dist/ is missing, since npm would then pack a package without code.
 */
export async function packRepository(destination: string): Promise<PackedPackage> {
    const entry = path.join(REPO_ROOT, "dist", "provider", "index.js");
    if (!fs.existsSync(entry)) {
        throw new Error(`${entry} is missing: run \`npm run build\` before packing the package.`);
    }
    return npmPack(REPO_ROOT, destination);
}

/**
 * Copies the package sources into a temporary folder under `workDir`, applies `variant`,
 * compiles them with the repository's TypeScript and packs the result into `destination`. The
 * copy is deleted afterwards, also when a step fails.
 */
export async function buildVariant(
    workDir: string,
    destination: string,
    variant: PackageVariant,
): Promise<PackedPackage> {
    const copy = fs.mkdtempSync(path.join(workDir, "package-copy-"));
    try {
        for (const name of COPIED) {
            const source = path.join(REPO_ROOT, name);
            if (fs.existsSync(source)) {
                fs.cpSync(source, path.join(copy, name), { recursive: true });
            }
        }
        // The copy borrows the repository's node_modules for tsc and the type packages only.
        const nodeModules = path.join(REPO_ROOT, "node_modules");
        fs.symlinkSync(nodeModules, path.join(copy, "node_modules"), "dir");

        if (variant.version !== undefined) {
            const manifestPath = path.join(copy, "package.json");
            const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
            manifest.version = variant.version;
            fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 4)}\n`);
        }
        for (const edit of variant.edits ?? []) {
            applyEdit(copy, edit);
        }

        // tsc runs directly instead of `npm run build`: the build script's link step would point
        // the repository's node_modules/pulumi-datadog-org-connections at this copy.
        const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
        try {
            await run(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: copy });
        } catch (error) {
            const output = (error as { stdout?: string }).stdout ?? "";
            throw new Error(`Compiling the package copy in ${copy} failed:\n${output}`);
        }
        return await npmPack(copy, destination);
    } finally {
        fs.rmSync(copy, { recursive: true, force: true });
    }
}

/** Applies one edit to the copy; an edit whose text is not found fails instead of doing nothing. */
function applyEdit(copy: string, edit: SourceEdit): void {
    const file = path.join(copy, edit.file);
    const before = fs.readFileSync(file, "utf8");
    const after = before.replace(edit.find, edit.replace);
    if (after === before) {
        throw new Error(
            `Edit of ${edit.file} found no ${String(edit.find)}; update the edit to match the ` +
                `current source.`,
        );
    }
    fs.writeFileSync(file, after);
}

/**
 * Runs `npm install ARGS` in a project folder the way the tests install this package: from the
 * local npm cache when it contains what is needed, without audit or funding requests.
 */
export async function npmInstall(projectDir: string, args: string[] = []): Promise<void> {
    try {
        await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...args], {
            cwd: projectDir,
            maxBuffer: 16 * 1024 * 1024,
        });
    } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        const command = ["npm", "install", ...args].join(" ");
        throw new Error(`${command} in ${projectDir} failed:\n${stdout}\n${stderr}`);
    }
}
