/**
 * The provider object that Pulumi serializes into the `__provider` input of every
 * `OrgConnection`.
 *
 * Each method loads the implementation from the installed package when it runs. So the
 * serialized text stays small and contains no secret and no copy of the code, and `refresh`
 * or `destroy` run the installed version rather than the one that created the resource. The
 * methods capture nothing but `require` and string literals, because any value they referenced
 * would be serialized along with them.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Thin provider that forwards every call to `provider` in implementation.ts. */
export const shim: pulumi.dynamic.ResourceProvider = {
    configure: (req) =>
        require("pulumi-datadog-org-connections/dist/provider/implementation").provider.configure(
            req,
        ),
    check: (olds, news) =>
        require("pulumi-datadog-org-connections/dist/provider/implementation").provider.check(
            olds,
            news,
        ),
    diff: (id, olds, news) =>
        require("pulumi-datadog-org-connections/dist/provider/implementation").provider.diff(
            id,
            olds,
            news,
        ),
    create: (inputs) =>
        require("pulumi-datadog-org-connections/dist/provider/implementation").provider.create(
            inputs,
        ),
    read: (id, props) =>
        require("pulumi-datadog-org-connections/dist/provider/implementation").provider.read(
            id,
            props,
        ),
    update: (id, olds, news) =>
        require("pulumi-datadog-org-connections/dist/provider/implementation").provider.update(
            id,
            olds,
            news,
        ),
    delete: (id, props) =>
        require("pulumi-datadog-org-connections/dist/provider/implementation").provider.delete(
            id,
            props,
        ),
};
