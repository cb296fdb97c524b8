/** Jest runs the TypeScript tests directly through ts-jest; engine suites need minutes, not seconds. */
module.exports = {
    preset: "ts-jest",
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    modulePathIgnorePatterns: ["<rootDir>/dist/"],
    testTimeout: 60000,
};
