/**
 * @salesforce/core's index (CommonJS, compiled by tsc) requires every module of the package up front — jsforce, the
 * org and auth stack, the logger — although `sf oncehub status` or a command's `--help` touch only Messages,
 * ConfigFile and a few more. The sf CLI loads one copy of core for its own plugins; an installed plugin runs its own
 * bundled copy, and pays for all of it on every command. Here the index's re-exports become lazy: tsc writes each one
 * as `Object.defineProperty(exports, "X", { enumerable: true, get: function () { return mod_1.X; } })` over a
 * `var mod_1 = require("./mod")` at the top; the `require` moves into the getter, so a module's body runs when one of
 * its exports is first read. Nothing else changes (the same bindings, in the same order, with the same values).
 *
 * Breaks when: core stops compiling its index to tsc's CommonJS re-export form (no `var x_1 = require("./…")` line,
 * or a binding left behind after the rewrite): the build fails. A module whose body must run for its side effects at
 * import time would then run later; core's index has none (its side-effect-free re-exports are the whole file).
 */
import type { SourcePatch } from './source-patch.js';

export const lazyCoreIndex: SourcePatch = {
  name: 'lazy-core-index',
  why: "Start-up: core's index loads every module (jsforce included) up front; an installed plugin pays for its own copy.",
  package: '@salesforce/core',
  file: /[\\/]node_modules[\\/]@salesforce[\\/]core[\\/]lib[\\/]index\.js$/,
  transform(source) {
    const bindings = [...source.matchAll(/^(?:var|const) (\w+_1) = require\("(\.[^"]+)"\);$/gm)];
    if (bindings.length === 0) throw new Error('no `var x_1 = require("./…")` line: the index is no longer in the form this patch rewrites');
    let out = source;
    for (const [line, name, spec] of bindings) {
      out = out.replace(`${line}\n`, '').replace(new RegExp(`\\b${name}\\b`, 'g'), `require(${JSON.stringify(spec)})`);
    }
    const left = /\b\w+_1\b/.exec(out);
    if (left) throw new Error(`the module binding ${left[0]} was left behind`);
    return out;
  },
};
