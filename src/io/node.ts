/**
 * Node helpers for checkpoints: safetensors files on disk. Node only (node:fs), so this module is
 * not part of the package's browser-safe entry point (src/index.ts); import it directly, as the
 * examples do. The format and the checks are those of io/safetensors.ts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadSafetensors, saveSafetensors, type SaveSafetensorsOptions } from "./safetensors.js";

/** Writes the tensors of `tree` to a safetensors file at `path` (saveSafetensors' bytes). */
export function saveSafetensorsFile(path: string, tree: unknown, options?: SaveSafetensorsOptions): void {
  writeFileSync(path, saveSafetensors(tree, options));
}

/** Reads a safetensors file at `path` into a tree shaped like `template` (loadSafetensors' checks). */
export function loadSafetensorsFile<Tree>(path: string, template: Tree): Tree {
  return loadSafetensors(new Uint8Array(readFileSync(path)), template);
}
