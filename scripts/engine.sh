#!/usr/bin/env bash
# Finds or builds the Pulumi engine this project runs against, then prints one line: the folder to
# put first on PATH. That folder contains `pulumi`, `pulumi-language-nodejs` and
# `pulumi-resource-pulumi-nodejs` (the dynamic provider plugin script of @pulumi/pulumi).
#
# Order: a `pulumi` on PATH that reports the pinned version, else the cache, else a build from Go
# modules. The CLI is built from github.com/pulumi/pulumi/pkg/v3 at the pinned tag. The Node.js
# language host is built from engine/language-host in this repository, because Pulumi's own host
# module is not served by the Go module proxy these machines reach (see engine/README.md).
#
# Environment:
#   PULUMI_ENGINE_CACHE  cache folder (default: ~/.cache/pulumi-datadog-org-connections/pulumi-v<version>)
#   PULUMI_ENGINE_FORCE_BUILD=1  ignore a `pulumi` on PATH and the cached binaries
set -euo pipefail

readonly pulumi_version="3.248.0"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PULUMI_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-datadog-org-connections/pulumi-v$pulumi_version}
bin="$cache/bin"

log() { echo "engine: $*" >&2; }

go_build() {
    local output=$1 package=$2 ldflags=$3
    (
        cd "$repo/engine"
        CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -tags osusergo,grpcnotrace \
            -ldflags "$ldflags" -o "$output" "$package"
    )
}

mkdir -p "$bin"

# A login shell puts Go on PATH; a bare CI environment may not, so try the standard install folder.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="$PATH:/usr/local/go/bin"
fi

# 1. The CLI.
on_path=$(command -v pulumi || true)
if [[ -n "$on_path" && "$on_path" != "$bin/pulumi" && -z "${PULUMI_ENGINE_FORCE_BUILD:-}" ]] &&
    [[ "$("$on_path" version 2>/dev/null)" == "v$pulumi_version" ]]; then
    log "using $on_path (v$pulumi_version)"
    ln -sf "$on_path" "$bin/pulumi"
elif [[ -x "$bin/pulumi" && -z "${PULUMI_ENGINE_FORCE_BUILD:-}" ]] &&
    [[ "$("$bin/pulumi" version 2>/dev/null)" == "v$pulumi_version" ]]; then
    log "using the cached CLI in $bin"
else
    command -v go >/dev/null || { log "Go is required to build the Pulumi CLI; install Go 1.25 or later"; exit 1; }
    log "building the Pulumi CLI v$pulumi_version from Go modules into $bin"
    log "a cold build downloads about 1.5 GB of modules and compiles for several minutes; later runs reuse the cache"
    started=$SECONDS
    go_build "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
        "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version"
    mv "$bin/pulumi.tmp" "$bin/pulumi"
    log "built the Pulumi CLI in $((SECONDS - started)) s"
fi

# 2. The Node.js language host, rebuilt whenever its source or pins change.
host_hash=$(cat "$repo/engine/go.mod" "$repo/engine/go.sum" "$repo"/engine/language-host/*.go | sha256sum | cut -c1-16)
if [[ -x "$bin/pulumi-language-nodejs" && "$(cat "$bin/.language-host-hash" 2>/dev/null)" == "$host_hash" &&
    -z "${PULUMI_ENGINE_FORCE_BUILD:-}" ]]; then
    log "using the cached Node.js language host in $bin"
else
    log "building the Node.js language host from engine/language-host"
    go_build "$bin/pulumi-language-nodejs.tmp" ./language-host "-X main.version=$pulumi_version"
    mv "$bin/pulumi-language-nodejs.tmp" "$bin/pulumi-language-nodejs"
    echo "$host_hash" >"$bin/.language-host-hash"
fi

# 3. The dynamic provider plugin script ships at the root of @pulumi/pulumi without a `bin` entry,
# so npm never puts it on PATH.
plugin_script="$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [[ ! -f "$plugin_script" ]]; then
    log "missing $plugin_script; run \`npm ci\` first"
    exit 1
fi
cp "$plugin_script" "$bin/pulumi-resource-pulumi-nodejs"
chmod +x "$bin/pulumi-resource-pulumi-nodejs"

echo "$bin"
