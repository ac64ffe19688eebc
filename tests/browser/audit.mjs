// Load pages of the built book in headless Chromium and report, per page:
// every network request, console errors and page errors, whether MathJax rendered
// the page's equations, and the axe-core accessibility violations
// (WCAG 2.1 A and AA plus best practice).
//
// Usage: node audit.mjs <output.json> <url> [<url> ...]
// CHROMIUM may name the browser executable (default: /usr/bin/chromium).
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const [output, ...urls] = process.argv.slice(2);
if (!output || urls.length === 0) {
  console.error("usage: node audit.mjs <output.json> <url> [<url> ...]");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const results = [];
const context = await browser.newContext();
for (const url of urls) {
  const page = await context.newPage();
  const requests = [];
  const consoleErrors = [];
  const failedRequests = [];
  page.on("request", (request) => requests.push(request.url()));
  // Console messages are the page's own until the audit starts: axe-core's style
  // sheet requests (blocked on file:// pages) are not errors of the book.
  let listening = true;
  page.on("console", (message) => {
    if (listening && message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => {
    if (listening) consoleErrors.push(`pageerror: ${error.message}`);
  });
  page.on("requestfailed", (request) => {
    if (listening) failedRequests.push(`${request.url()} ${request.failure()?.errorText ?? ""}`);
  });

  await page.goto(url, { waitUntil: "load", timeout: 30000 });
  const math = await page.evaluate(async () => {
    const source = document.querySelectorAll(".math, .MathJax, mjx-container").length;
    if (window.MathJax?.startup?.promise) {
      await window.MathJax.startup.promise;
    }
    return {
      hasMath: source > 0,
      rendered: document.querySelectorAll("mjx-container").length,
      mathjaxLoaded: Boolean(window.MathJax?.version),
    };
  });
  await page.evaluate(() => document.fonts.ready.then(() => true));
  // On the search page with a query, wait for Sphinx's search to list its results.
  let searchResults = null;
  if (new URL(url).searchParams.has("q")) {
    searchResults = await page
      .waitForSelector("#search-results ul.search li", { timeout: 20000 })
      .then(() => page.locator("#search-results ul.search li").count())
      .catch(() => 0);
  }
  listening = false;
  await page.addScriptTag({ path: axePath });
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })),
      count: v.nodes.length,
    }));
  });
  // The axe script itself is injected from disk, not requested by the page.
  results.push({ url, requests, failedRequests, consoleErrors, math, searchResults, violations: axe });
  await page.close();
}
await context.close();
await browser.close();
writeFileSync(output, JSON.stringify(results, null, 1));
