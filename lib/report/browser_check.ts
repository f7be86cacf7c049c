/**
 * Opens every page of a report in headless Chromium (Debian's, driven by
 * playwright-core) and checks what a reader would see: every image decoded, the
 * SVG plots present, no request leaving the page, no script error, and, where
 * asked, what the page's first line says (synthetic data); saves a screenshot
 * of each page.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import type { BrowserContext } from "playwright-core";

/** Debian's Chromium (playwright's own download cannot work offline). */
export const CHROMIUM = "/usr/bin/chromium";

/** Flags for a quiet, offline, throwaway browser. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What one page showed. */
export interface PageCheck {
  page: string;
  images: number;
  /** Sources (truncated) of images that did not decode. */
  brokenImages: string[];
  /** <svg> plots in notebook outputs. */
  svgs: number;
  /** Links to other pages of the report (index only matters). */
  links: string[];
  /** Requests to anything but the page itself and data: URLs (blocked). */
  externalRequests: string[];
  /** Uncaught script errors. */
  scriptErrors: string[];
  /** The first line of text a reader sees. */
  firstLine: string;
  screenshot?: string;
}

/** The result of {@link checkReportInBrowser}; `problems` empty means it passed. */
export interface BrowserCheck {
  pages: PageCheck[];
  problems: string[];
}

/**
 * Checks `reportDir`/index.html and every other .html page there. A notebook page
 * must show at least one figure (image or SVG) unless `requireFigures` is false;
 * the index must link every page; a page named in `firstLines` must say what
 * its patterns match on its first line.
 */
export async function checkReportInBrowser(
  reportDir: string,
  options: {
    screenshotsDir?: string;
    executablePath?: string;
    requireFigures?: boolean;
    /** Page file name -> what its first line must say. */
    firstLines?: Record<string, RegExp[]>;
  } = {},
): Promise<BrowserCheck> {
  const dir = resolve(reportDir);
  const pages: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".html")) pages.push(e.name);
  }
  pages.sort((a, b) =>
    a === "index.html" ? -1 : b === "index.html" ? 1 : a.localeCompare(b)
  );
  if (options.screenshotsDir) {
    await Deno.mkdir(options.screenshotsDir, { recursive: true });
  }
  // A fresh profile inside the report folder (the only place the task may write).
  const userDataDir = await Deno.makeTempDir({
    dir,
    prefix: ".chromium-profile-",
  });
  // Loaded here: playwright-core reads the home folder etc. as soon as it loads.
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.executablePath ??
      Deno.env.get("COLOURLAB_CHROMIUM") ?? CHROMIUM,
    args: CHROMIUM_FLAGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  const results: PageCheck[] = [];
  try {
    for (const name of pages) {
      results.push(
        await checkPage(context, join(dir, name), options.screenshotsDir),
      );
    }
  } finally {
    await context.close();
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
  return {
    pages: results,
    problems: problemsOf(
      results,
      pages,
      options.requireFigures ?? true,
      options.firstLines ?? {},
    ),
  };
}

/**
 * Runs in the page (a string: this module is type-checked without the DOM lib).
 * Images decode asynchronously, so it waits for each (or its failure). Plots are
 * counted inside notebook outputs: the page template has icons of its own.
 */
const IN_PAGE = `(async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map((i) => i.decode().catch(() => {})));
  return {
    images: imgs.map((i) => ({ src: i.src.slice(0, 60), ok: i.complete && i.naturalWidth > 0 })),
    svgs: [...document.querySelectorAll(".jp-OutputArea-output svg, .output_area svg")]
      .filter((s) => !s.parentElement.closest("svg")).length,
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href") || ""),
    firstLine: document.body.innerText.split("\\n").map((l) => l.trim()).find(Boolean) || "",
  };
})()`;

async function checkPage(
  context: BrowserContext,
  path: string,
  screenshotsDir?: string,
): Promise<PageCheck> {
  const page = await context.newPage();
  const url = new URL(`file://${path}`).href;
  const externalRequests: string[] = [];
  const scriptErrors: string[] = [];
  page.on("pageerror", (e) => scriptErrors.push(String(e)));
  await page.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested === url || requested.startsWith("data:")) {
      return route.continue();
    }
    externalRequests.push(requested.slice(0, 120));
    return route.abort();
  });
  await page.goto(url, { waitUntil: "load" });
  // Images decode asynchronously; wait for all of them (or their failure).
  const seen = await page.evaluate(IN_PAGE) as {
    images: { src: string; ok: boolean }[];
    svgs: number;
    links: string[];
    firstLine: string;
  };
  let screenshot: string | undefined;
  if (screenshotsDir) {
    screenshot = join(screenshotsDir, basename(path, ".html") + ".png");
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  await page.close();
  return {
    page: basename(path),
    images: seen.images.length,
    brokenImages: seen.images.filter((i) => !i.ok).map((i) => i.src),
    svgs: seen.svgs,
    links: seen.links,
    externalRequests,
    scriptErrors,
    firstLine: seen.firstLine,
    screenshot,
  };
}

function problemsOf(
  results: PageCheck[],
  pages: string[],
  requireFigures: boolean,
  firstLines: Record<string, RegExp[]>,
): string[] {
  const problems: string[] = [];
  for (const [page, patterns] of Object.entries(firstLines)) {
    const seen = results.find((r) => r.page === page);
    for (const pattern of patterns) {
      if (seen && !pattern.test(seen.firstLine)) {
        problems.push(
          `${page}: the first line does not say ${pattern}: "${
            seen.firstLine.slice(0, 120)
          }"`,
        );
      }
    }
  }
  const index = results.find((r) => r.page === "index.html");
  if (!index) problems.push("no index.html");
  for (const r of results) {
    if (r.brokenImages.length) {
      problems.push(
        `${r.page}: ${r.brokenImages.length} broken image(s): ${
          r.brokenImages[0]
        }`,
      );
    }
    if (r.externalRequests.length) {
      problems.push(`${r.page}: requested ${r.externalRequests.join(", ")}`);
    }
    if (r.scriptErrors.length) {
      problems.push(`${r.page}: script error ${r.scriptErrors[0]}`);
    }
    if (r.page !== "index.html") {
      if (requireFigures && r.images + r.svgs === 0) {
        problems.push(`${r.page}: no figure`);
      }
      if (index && !index.links.includes(r.page)) {
        problems.push(`index.html does not link ${r.page}`);
      }
    }
  }
  if (pages.length < 2) problems.push("no notebook pages");
  return problems;
}
