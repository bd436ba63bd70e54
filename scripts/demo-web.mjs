// `npm run demo:web`: bundles demo/web/main.ts (with the library from src/) by esbuild, in memory,
// and serves it with demo/web/index.html on http://127.0.0.1:$PORT (default 5173; PORT=0 picks a
// free one; HOST=0.0.0.0 serves other machines too, but WebGPU needs a secure context: https or
// localhost). `serveDemo` is what test/browser/demo.test.ts starts.
import { build } from "esbuild";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The page's files, by URL path. */
export async function buildDemo() {
  const out = await build({
    absWorkingDir: root,
    entryPoints: ["demo/web/main.ts"],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    splitting: true, // code the library loads on demand (gpu.js) becomes a chunk of its own
    outdir: "web",
    write: false,
    logLevel: "warning",
  });
  return {
    "/": { type: "text/html; charset=utf-8", body: readFileSync(`${root}demo/web/index.html`) },
    ...Object.fromEntries(
      out.outputFiles.map((f) => [`/${f.path.split("/").at(-1)}`, { type: f.path.endsWith(".map") ? "application/json" : "text/javascript; charset=utf-8", body: Buffer.from(f.contents) }]),
    ),
  };
}

/** Builds and serves the page; resolves to its URL and a close function. */
export async function serveDemo({ port = 5173, host = "127.0.0.1" } = {}) {
  const files = await buildDemo();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const f = files[path === "/index.html" ? "/" : path];
    if (!f || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": f.type, "content-length": f.body.length, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : f.body);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${server.address().port}/`;
  return { url, close: () => new Promise((r) => server.close(r)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = process.env.PORT === undefined ? 5173 : Number(process.env.PORT);
  try {
    const { url } = await serveDemo({ port, host: process.env.HOST || "127.0.0.1" });
    console.log(`shapegrad web demo: ${url}  (Ctrl-C stops; PORT and HOST pick another address)`);
  } catch (e) {
    console.error(`error: ${e.code === "EADDRINUSE" ? `port ${port} is in use (set PORT to another)` : e.message}`);
    process.exitCode = 1;
  }
}
