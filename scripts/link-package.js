// Links node_modules/pulumi-datadog-org-connections to this repository. The examples and the engine
// tests then import the package by its published name. The serialized provider shim's
// `require("pulumi-datadog-org-connections/...")` also resolves in the dynamic provider plugin, as it
// does for a user who installed the package from the registry.
"use strict";

const fs = require("fs");
const path = require("path");

const repo = path.resolve(__dirname, "..");
const { name } = require(path.join(repo, "package.json"));
const link = path.join(repo, "node_modules", name);

let existing;
try {
    existing = fs.readlinkSync(link);
} catch (error) {
    if (error.code !== "ENOENT" && error.code !== "EINVAL") {
        throw error;
    }
}

if (existing !== undefined && path.resolve(path.dirname(link), existing) === repo) {
    return;
}

fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync(path.relative(path.dirname(link), repo), link, "dir");
console.log(`linked node_modules/${name} -> ${repo}`);
