// Crawlee's PlaywrightCrawler over the same pages at a fixed concurrency, driving the same Chromium; the request
// handler takes the rendered HTML. Storage stays in memory so the disk does not set the pace.
import { PlaywrightCrawler, Configuration } from 'crawlee';
import { chromium } from 'playwright-core';
import { parseArgs, launchArgs, report, isRendered, busyCpuSeconds } from './common.mjs';

const { urls, warmup, concurrency, executablePath } = parseArgs(process.argv.slice(2));
let failed = 0;
let rendered = 0;
let handled = 0;
const crawler = new PlaywrightCrawler({
  minConcurrency: concurrency,
  maxConcurrency: concurrency,
  maxRequestRetries: 0,
  requestHandlerTimeoutSecs: 30,
  navigationTimeoutSecs: 30,
  launchContext: { launcher: chromium, launchOptions: { executablePath, headless: true, args: launchArgs } },
  async requestHandler({ page }) {
    handled++;
    rendered += isRendered(await page.content()) ? 1 : 0;
  },
  failedRequestHandler() {
    failed++;
  },
}, new Configuration({ persistStorage: false, purgeOnStart: true, logLevel: 'WARNING' }));
// Launched before the clock, as the other fetchers are, and warmed up on pages of their own.
await crawler.browserPool.newPage().then((page) => page.close());
if (warmup.length > 0) {
  await crawler.run(warmup.map((url) => ({ url, uniqueKey: `warmup ${url}` })));
}
failed = 0;
rendered = 0;
handled = 0;
const cpuBefore = busyCpuSeconds();
const started = performance.now();
await crawler.run(urls.map((url) => ({ url, uniqueKey: url })));
const seconds = (performance.now() - started) / 1000;
const cpuSeconds = cpuBefore === null ? null : busyCpuSeconds() - cpuBefore;
await crawler.teardown();
// A rate over pages the crawler skipped would flatter it: every page must have been handled or have failed.
if (handled + failed !== urls.length) {
  throw new Error(`Crawlee handled ${handled} and failed ${failed} of ${urls.length} pages`);
}
report({ peer: 'crawlee', pages: urls.length, failed, seconds, rendered, cpuSeconds });
