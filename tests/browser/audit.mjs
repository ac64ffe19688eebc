// Load pages of the built book in headless Chromium and report, per page:
// every network request, console errors and page errors, whether MathJax rendered
// the page's equations, and, for each colour scheme (light, dark) and viewport width
// (390, 768, 1440 px), the axe-core accessibility violations (WCAG 2.2 A and AA plus
// best practice) and the layout measurements in `layout()` below.
//
// Usage: node audit.mjs <output.json> <url> [<url> ...]
// CHROMIUM may name the browser executable (default: /usr/bin/chromium).
// AUDIT_SCHEMES and AUDIT_WIDTHS (comma-separated) narrow the passes for a quick look.
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

// ------------------------------------------------------------------ passes
const SCHEMES = (process.env.AUDIT_SCHEMES || "light,dark").split(",");
const WIDTHS = (process.env.AUDIT_WIDTHS || "390,768,1440").split(",").map(Number);
const HEIGHT = 900;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

// The theme (pydata-sphinx-theme) reads the reader's choice from localStorage before
// the page renders (its layout.html); "dark" here is the dark mode a reader selects.
function schemeScript(scheme) {
  return `try { localStorage.setItem("mode", "${scheme}"); localStorage.setItem("theme", "${scheme}"); } catch (e) {}`;
}

// ------------------------------------------------------------------ one page load
async function load(page, url) {
  const record = { requests: [], consoleErrors: [], failedRequests: [], listening: true };
  page.on("request", (request) => record.requests.push(request.url()));
  // Console messages are the page's own until the audit starts: axe-core's style
  // sheet requests (blocked on file:// pages) are not errors of the book.
  page.on("console", (message) => {
    if (record.listening && message.type() === "error") record.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => {
    if (record.listening) record.consoleErrors.push(`pageerror: ${error.message}`);
  });
  page.on("requestfailed", (request) => {
    if (record.listening) {
      record.failedRequests.push(`${request.url()} ${request.failure()?.errorText ?? ""}`);
    }
  });

  await page.goto(url, { waitUntil: "load", timeout: 30000 });
  record.math = await page.evaluate(async () => {
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
  record.searchResults = null;
  if (new URL(url).searchParams.has("q")) {
    record.searchResults = await page
      .waitForSelector("#search-results ul.search li", { timeout: 20000 })
      .then(() => page.locator("#search-results ul.search li").count())
      .catch(() => 0);
  }
  record.listening = false;
  // The axe script itself is injected from disk, not requested by the page.
  await page.addScriptTag({ path: axePath });
  return record;
}

async function axe(page) {
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })),
      count: v.nodes.length,
    }));
  }, AXE_TAGS);
}

// Measurements at the current viewport, checked by tests/test_website.py.
async function layout(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };
    const name = (el) =>
      el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") +
      [...el.classList].slice(0, 3).map((c) => `.${c}`).join("");
    const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
    // Elements reaching past the right edge of the viewport, outside any scroll box.
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (!visible(el) || el.getBoundingClientRect().right <= innerWidth + 0.5) continue;
      let boxed = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible") { boxed = true; break; }
      }
      if (!boxed) wide.push(name(el));
    }
    // Blocks whose content is wider than the block: they must scroll (and axe checks
    // that a scroll box can be reached with the keyboard).
    const clipped = (selector) =>
      [...document.querySelectorAll(selector)]
        .filter((el) => visible(el) && el.scrollWidth > el.clientWidth + 1 && !scrolls(el))
        .map((el) => `${name(el)}: ${el.scrollWidth} > ${el.clientWidth}`);
    // Blocks sticking out of the article column.
    const article = document.querySelector(".bd-article");
    const right = article ? article.getBoundingClientRect().right : innerWidth;
    const outside = (selector) =>
      [...document.querySelectorAll(selector)]
        .filter((el) => visible(el) && el.getBoundingClientRect().right > right + 1)
        .map((el) => `${name(el)}: right edge ${Math.round(el.getBoundingClientRect().right)} > ${Math.round(right)}`);
    // The search field of the search page: its icon must not cover the text.
    const form = [...document.querySelectorAll("form.bd-search")].find((f) => !f.closest("dialog"));
    let searchIcon = null;
    if (form) {
      const icon = form.querySelector(".fa-magnifying-glass");
      const input = form.querySelector("input");
      if (icon && input && visible(icon)) {
        searchIcon = {
          iconRight: icon.getBoundingClientRect().right,
          textLeft: input.getBoundingClientRect().left + parseFloat(getComputedStyle(input).paddingLeft),
        };
      }
    }
    return {
      scrollWidth: document.scrollingElement.scrollWidth,
      innerWidth,
      wide: wide.slice(0, 5),
      clippedCode: clipped("div.highlight pre, div.cell_output pre"),
      clippedEquations: clipped("mjx-container[display='true'], div.math"),
      // Code blocks that scroll sideways (on a desktop screen, long lines wrap instead).
      scrollingCode: [...document.querySelectorAll("div.cell div.highlight pre, div.cell_output pre")]
        .filter((el) => visible(el) && el.scrollWidth > el.clientWidth + 1)
        .map((el) => `${name(el)}: ${el.scrollWidth} > ${el.clientWidth}`),
      outsideArticle: outside("div.cell, div.highlight, mjx-container[display='true'], div.math"),
      // Visible search fields in the page header (pydata-sphinx-theme's persistent
      // search bar): the book's search lives in the sidebar and the article header.
      headerSearchFields: [...document.querySelectorAll(".bd-header .search-button-field")].filter(visible).length,
      searchIcon,
      // Figures: the image file and its displayed width; the test reads each PNG's
      // recorded font size and resolution to work out its text height on screen.
      figures: [...document.querySelectorAll(".bd-article img")]
        .filter(visible)
        .map((img) => ({ src: img.currentSrc || img.src, width: img.getBoundingClientRect().width })),
    };
  });
}

// pydata-sphinx-theme gives each block it may scroll (these selectors, from its script)
// tab stop 0 when its content overflows and -1 when not, 300 ms after a resize (a
// debounce). Wait until every block has the tab stop its overflow calls for, instead of
// a fixed pause: on a busy machine the theme's timer may fire late. If a block never
// gets it, the audit goes on after 5 s and axe reports it (scrollable-region-focusable).
const THEME_SCROLLERS = ["pre", ".nboutput > .output_area", ".cell_output > .output",
  ".jp-RenderedHTMLCommon", ".pst-scrollable-table-container"].join(", ");

async function themeTabStops(page) {
  await page.waitForFunction((selector) => [...document.querySelectorAll(selector)].every((el) =>
    el.tabIndex === (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight ? 0 : -1)),
  THEME_SCROLLERS, { timeout: 5000, polling: 50 }).catch(() => undefined);
}

// ------------------------------------------------------------------ main
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

const results = urls.map((url) => ({ url, passes: [] }));
for (const scheme of SCHEMES) {
  const context = await browser.newContext({ colorScheme: scheme, viewport: { width: WIDTHS[0], height: HEIGHT } });
  await context.addInitScript(schemeScript(scheme));
  for (const result of results) {
    // a page opened from disk is the same page the server sends: load it once, for the
    // file:// checks (requests, console, equations, search), and audit the served copy
    const fromDisk = result.url.startsWith("file://");
    if (fromDisk && scheme !== SCHEMES[0]) continue;
    const page = await context.newPage();
    const record = await load(page, result.url);
    if (scheme === SCHEMES[0]) {
      Object.assign(result, {
        requests: record.requests, failedRequests: record.failedRequests,
        consoleErrors: record.consoleErrors, math: record.math, searchResults: record.searchResults,
      });
    } else {
      result.consoleErrors.push(...record.consoleErrors.map((m) => `(${scheme}) ${m}`));
      result.failedRequests.push(...record.failedRequests.map((m) => `(${scheme}) ${m}`));
    }
    for (const width of fromDisk ? [] : WIDTHS) {
      await page.setViewportSize({ width, height: HEIGHT });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await themeTabStops(page);
      const theme = await page.evaluate(() => document.documentElement.dataset.theme);
      result.passes.push({ scheme, width, theme, violations: await axe(page), layout: await layout(page) });
    }
    await page.close();
  }
  await context.close();
}
await browser.close();
writeFileSync(output, JSON.stringify(results, null, 1));
