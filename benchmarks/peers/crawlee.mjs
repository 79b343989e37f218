// Crawlee's PlaywrightCrawler over the same pages at a fixed concurrency, driving the same Chromium; the request
// handler takes the rendered HTML. Storage stays in memory so the disk does not set the pace.
import { PlaywrightCrawler, Configuration } from 'crawlee';
import { chromium } from 'playwright-core';
import { parseArgs, launchArgs, report, isRendered } from './common.mjs';

const { urls, concurrency, executablePath } = parseArgs(process.argv.slice(2));
let failed = 0;
let rendered = 0;
const crawler = new PlaywrightCrawler({
  minConcurrency: concurrency,
  maxConcurrency: concurrency,
  maxRequestRetries: 0,
  requestHandlerTimeoutSecs: 30,
  navigationTimeoutSecs: 30,
  launchContext: { launcher: chromium, launchOptions: { executablePath, headless: true, args: launchArgs } },
  async requestHandler({ page }) {
    rendered += isRendered(await page.content()) ? 1 : 0;
  },
  failedRequestHandler() {
    failed++;
  },
}, new Configuration({ persistStorage: false, purgeOnStart: true, logLevel: 'WARNING' }));
// Launched before the clock, as the other fetchers are.
await crawler.browserPool.newPage().then((page) => page.close());
const started = performance.now();
await crawler.run(urls.map((url) => ({ url, uniqueKey: url })));
const seconds = (performance.now() - started) / 1000;
await crawler.teardown();
report({ peer: 'crawlee', pages: urls.length, failed, seconds, rendered });
