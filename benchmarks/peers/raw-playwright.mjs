// The limit: a minimal Playwright loop (goto, then content) with N pages in flight, each worker reusing one page of
// its own context. No capture, no interception, no retries.
import { chromium } from 'playwright-core';
import { parseArgs, launchArgs, report, isRendered, busyCpuSeconds } from './common.mjs';

const { urls, warmup, concurrency, executablePath } = parseArgs(process.argv.slice(2));
const browser = await chromium.launch({ executablePath, headless: true, args: launchArgs });
const workers = await Promise.all(Array.from({ length: concurrency }, async () => {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}));

async function fetchAll(list) {
  let next = 0;
  let failed = 0;
  let rendered = 0;
  await Promise.all(workers.map(async ({ page }) => {
    while (next < list.length) {
      const url = list[next++];
      try {
        await page.goto(url, { waitUntil: 'load', timeout: 30000 });
        rendered += isRendered(await page.content()) ? 1 : 0;
      } catch {
        failed++;
      }
    }
  }));
  return { failed, rendered };
}

await fetchAll(warmup);
const cpuBefore = busyCpuSeconds();
const started = performance.now();
const { failed, rendered } = await fetchAll(urls);
const seconds = (performance.now() - started) / 1000;
const cpuSeconds = cpuBefore === null ? null : busyCpuSeconds() - cpuBefore;
await Promise.all(workers.map(({ context }) => context.close()));
await browser.close();
report({ peer: 'raw-playwright', pages: urls.length, failed, seconds, rendered, cpuSeconds });
