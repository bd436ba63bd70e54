// Types of scripts/demo-web.mjs (for test/browser/demo.test.ts under test/tsconfig.json).
export interface DemoFile {
  type: string;
  body: Buffer;
}

/** The page's files, by URL path. */
export function buildDemo(): Promise<Record<string, DemoFile>>;

/** Builds and serves the page; resolves to its URL and a close function. */
export function serveDemo(options?: { port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }>;
