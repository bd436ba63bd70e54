// The one way the browser checks start Chromium (test/browser/run.mjs, test/browser/demo.test.ts,
// scripts/check-bundle.mjs): Debian's /usr/bin/chromium (or $CHROMIUM) through puppeteer-core,
// headless, with a profile of its own that close() removes. Without a GPU, WebGPU is SwiftShader
// (Vulkan on the CPU; --enable-unsafe-webgpu, and a secure origin such as http://127.0.0.1) and
// WebGL2 is ANGLE on SwiftShader (Chromium warns that its automatic fallback to SwiftShader is
// deprecated unless --enable-unsafe-swiftshader is given).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const haveChromium = () => existsSync(CHROMIUM);

/** The WebGPU flag; `[]` or `["--disable-gpu"]` for a browser without an adapter. */
export const WEBGPU = ["--enable-unsafe-webgpu", "--disable-gpu-sandbox", "--use-angle=swiftshader"];

/** Starts Chromium with `gpu` flags (default: WebGPU on); resolves to the browser, whose close() also removes its profile. */
export async function launchChromium({ gpu = WEBGPU, protocolTimeout } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), "shapegrad-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    userDataDir,
    args: [
      "--headless=new",
      "--no-sandbox",
      ...gpu,
      "--enable-unsafe-swiftshader",
      "--disable-background-networking",
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
    ...(protocolTimeout ? { protocolTimeout } : {}),
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      rmSync(userDataDir, { recursive: true, force: true });
    }
  };
  return browser;
}
