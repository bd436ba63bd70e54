/**
 * The demo a newcomer runs first (`npm start`): the seed case, then a physics-informed network.
 * Errors are one line each, never a stack trace.
 */
import { runSeed } from "./seed.js";
import { runPinnDemo } from "./pinn.js";
import { defaultBackend } from "../src/index.js";

function main(): number {
  console.log(`backend: ${defaultBackend().name}\n`);
  const seed = runSeed();
  console.log("");
  const pinn = runPinnDemo({ steps: 3000, out: "pinn.svg" });
  return seed || pinn;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
