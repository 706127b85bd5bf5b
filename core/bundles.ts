// The files build.mjs writes to dist/ and the code that spawns or loads them, from one table (core/bundles.json: JSON
// so that build.mjs, plain Node, reads it too). package.json's main/bin/scripts and .vscodeignore are checked against it
// by test/unit/extension/bundles.test.ts.
import bundles from './bundles.json';

/** Paths from the package root, with '/' separators. */
export const BUNDLES = bundles;

export type PageName = keyof typeof bundles.pages;

/** The CSS esbuild writes next to a page bundle that imports CSS (the dashboard's uPlot styles). */
export function pageCss(page: PageName): string {
  return bundles.pages[page].outfile.replace(/\.js$/, '.css');
}
