// Types of test/browser/chromium.mjs (for test/browser/demo.test.ts under test/tsconfig.json).
import type { Browser } from "puppeteer-core";

export const CHROMIUM: string;
export function haveChromium(): boolean;

/** The WebGPU flag; `[]` or `["--disable-gpu"]` for a browser without an adapter. */
export const WEBGPU: string[];

/** Starts Chromium with `gpu` flags (default: WebGPU on); resolves to the browser, whose close() also removes its profile. */
export function launchChromium(options?: { gpu?: string[]; protocolTimeout?: number }): Promise<Browser>;
