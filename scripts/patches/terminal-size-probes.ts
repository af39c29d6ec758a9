/**
 * ink 7 (sf-plugins-core's tables) asks terminal-size for the window size when stdout is not a terminal (CI, pipes),
 * and terminal-size 4 then spawns `tput cols`, `tput lines` and `resize` one after the other: measured at about 0.3 s
 * of CPU per `sf oncehub status | …`. Without a terminal there is no window to measure; the bundle answers as
 * terminal-size does when those commands give nothing, with its fallback (80 × 24), which is also what `tput` prints
 * without a terminal. The probing functions stay in the file, unused.
 *
 * Breaks when: terminal-size renames or rewrites `tput`/`resize` (the `find`s fail the build).
 */
import type { SourcePatch } from './source-patch.js';

export const terminalSizeProbes: SourcePatch = {
  name: 'terminal-size-probes',
  why: 'Start-up of table output without a terminal: terminal-size spawns tput twice and resize.',
  package: 'terminal-size',
  file: /[\\/]node_modules[\\/]terminal-size[\\/]index\.js$/,
  edits: [
    { find: 'const tput = () => {', replace: 'const tput = () => undefined;\nconst probedTput = () => {' },
    { find: 'const resize = () => {', replace: 'const resize = () => undefined;\nconst probedResize = () => {' },
  ],
};
