/**
 * Makes nbconvert's HTML self-contained, and finds what would still load from
 * elsewhere. Debian's nbconvert links require.js and MathJax from
 * `file:///usr/share/javascript/...`; the report needs neither (no widgets), so
 * those scripts go. Links to web pages in Markdown become plain text with the
 * address shown, so a page never points outside itself.
 *
 * @module
 */

/** Attribute or CSS references that load or link outside the page. */
const EXTERNAL = [
  /\b(?:src|href|srcset|poster|data|action)\s*=\s*["']?\s*(?:https?:|file:|ftp:|\/\/)/gi,
  /url\(\s*["']?\s*(?:https?:|file:|\/\/)/gi,
  /@import\s+(?:url\()?\s*["']?\s*(?:https?:|file:|\/\/)/gi,
  /file:\/\//gi,
];

/**
 * Every place in `html` that refers outside the page (src/href/url()/@import to
 * http(s), file or protocol-relative URLs, or any `file://`), each with context.
 */
export function externalReferences(html: string): string[] {
  const found = new Map<number, string>();
  for (const pattern of EXTERNAL) {
    for (const m of html.matchAll(pattern)) {
      found.set(m.index, html.slice(Math.max(0, m.index - 20), m.index + 80));
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

/**
 * Removes scripts loaded from elsewhere and MathJax's configuration, and turns
 * external hyperlinks into text. Throws if anything external is left (e.g. an
 * `<img src="https://...">` in a notebook's Markdown), naming it.
 */
export function makeSelfContained(html: string): string {
  let out = html
    // <script src="file:///...require.min.js"></script>, MathJax.js, any CDN.
    .replace(
      /<script\b[^>]*\bsrc\s*=\s*["'](?!data:)[^"']*["'][^>]*>\s*<\/script>/gi,
      "",
    )
    .replace(
      /<script\b[^>]*type\s*=\s*["']text\/x-mathjax-config["'][^>]*>[\s\S]*?<\/script>/gi,
      "",
    )
    .replace(/<!-- (?:Load|MathJax)[^>]*-->/g, "");
  out = out.replace(
    /<a\b[^>]*\bhref\s*=\s*["']((?:https?|ftp):\/\/[^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi,
    (_m, url: string, text: string) => {
      const shown = url.replace(/^(?:https?|ftp):\/\//, "");
      return text.includes(shown) || text.includes(url)
        ? `<span class="external-link">${text}</span>`
        : `<span class="external-link">${text} (${shown})</span>`;
    },
  );
  const left = externalReferences(out);
  if (left.length) {
    throw new Error(
      `page is not self-contained: ${left.length} external reference(s), first: ${
        left[0]
      }`,
    );
  }
  return out;
}
