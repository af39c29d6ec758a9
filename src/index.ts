/**
 * The package entry (`exports` in package.json). The plugin is used through `sf oncehub …`; its library is not
 * published: the bundle carries its own private copy of @salesforce/core, so a caller's Org or Connection would meet
 * classes of another copy, and the package has no dependencies to give a TypeScript consumer those types (DESIGN.md,
 * "Packaging"). As in the sf plugin template, the entry exports nothing.
 */
export default {};
