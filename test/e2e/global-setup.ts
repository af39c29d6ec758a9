/**
 * Mocha global fixtures of the e2e tier (test/e2e/.mocharc.json): the plugin is packed, installed and linked once,
 * before the parallel workers start, and removed after them. Each session keeps its own HOME and emulator.
 */
import { stageForWorkers } from './harness.js';

let cleanup: (() => void) | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  cleanup = await stageForWorkers();
}

export function mochaGlobalTeardown(): void {
  cleanup?.();
}
