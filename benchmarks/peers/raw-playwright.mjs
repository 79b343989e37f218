// The limit: a minimal Playwright loop (goto, then content) with N pages in flight, each worker reusing one page of
// its own context. No capture, no interception, no retries.
import { chromium } from 'playwright-core';
import { parseArgs, launchArgs, report, isRendered } from './common.mjs';

const { urls, concurrency, executablePath } = parseArgs(process.argv.slice(2));
const browser = await chromium.launch({ executablePath, headless: true, args: launchArgs });
let next = 0;
let failed = 0;
let rendered = 0;
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  while (next < urls.length) {
    const url = urls[next++];
    try {
      await page.goto(url, { waitUntil: 'load', timeout: 30000 });
      rendered += isRendered(await page.content()) ? 1 : 0;
    } catch {
      failed++;
    }
  }
  await context.close();
}));
const seconds = (performance.now() - started) / 1000;
await browser.close();
report({ peer: 'raw-playwright', pages: urls.length, failed, seconds, rendered });
