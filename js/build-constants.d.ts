// Constants the build defines in the bundles (scripts/assemble-pkg.mjs, esbuild's `define`);
// undeclared, and read through `typeof`, where the modules run unbundled.

/** The published version of the package. */
declare const __UPVEST_VERSION__: string | undefined;
