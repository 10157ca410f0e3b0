import type { Page } from 'playwright-core';

/** What sticks out sideways on a page, as Chromium laid it out. */
export interface SidewaysLayout {
  /** The layout viewport's width (CSS px). */
  viewport: number;
  /** document.documentElement.scrollWidth: wider than `viewport` means the page pans sideways. */
  scrollWidth: number;
  /** Elements and text past the viewport's edges and not inside a scroll box of their own. */
  overflowing: string[];
  /** Boxes that scroll sideways (overflow-x auto or scroll, content wider than the box). */
  scrollBoxes: {
    tag: string;
    /** The element it holds, and how a keyboard and a screen reader find it. */
    holds: string | undefined;
    role: string | null;
    tabindex: string | null;
    label: string | null;
    content: number;
    width: number;
  }[];
  images: { natural: number; width: number; height: number }[];
}

/**
 * Runs in the page (the project's TypeScript has no DOM types, so it is sent as source). A box
 * whose overflow is hidden does not count as a scroll box: what it hides, a reader never sees.
 */
const MEASURE = `(() => {
  const viewport = document.documentElement.clientWidth;
  const scrolls = (el) => /^(auto|scroll)$/.test(getComputedStyle(el).overflowX);
  const insideScrollBox = (node) => {
    for (let p = node.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) return true;
    }
    return false;
  };
  const overflowing = [];
  const check = (node, rect, name) => {
    if (rect.width === 0 || (rect.left >= -0.5 && rect.right <= viewport + 0.5)) return;
    if (!insideScrollBox(node)) {
      overflowing.push(name + ' ' + Math.round(rect.left) + '…' + Math.round(rect.right));
    }
  };
  for (const el of document.body.querySelectorAll('*')) {
    check(el, el.getBoundingClientRect(), '<' + el.tagName.toLowerCase() + '>');
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(text);
    check(text, range.getBoundingClientRect(), JSON.stringify(text.textContent.trim().slice(0, 30)));
  }
  return {
    viewport,
    scrollWidth: document.documentElement.scrollWidth,
    overflowing,
    scrollBoxes: [...document.querySelectorAll('*')]
      .filter((el) => scrolls(el) && el.scrollWidth > el.clientWidth)
      .map((el) => ({
        tag: el.tagName.toLowerCase(),
        holds: el.firstElementChild?.tagName.toLowerCase(),
        role: el.getAttribute('role'),
        tabindex: el.getAttribute('tabindex'),
        label: el.getAttribute('aria-label'),
        content: el.scrollWidth,
        width: el.getBoundingClientRect().width,
      })),
    images: [...document.images].map((img) => ({
      natural: img.naturalWidth,
      width: img.getBoundingClientRect().width,
      height: img.getBoundingClientRect().height,
    })),
  };
})()`;

/** How the page sits in its viewport sideways, once every image has loaded or failed. */
export async function sidewaysLayout(page: Page): Promise<SidewaysLayout> {
  await page.waitForFunction('[...document.images].every((img) => img.complete)');
  return page.evaluate<SidewaysLayout>(MEASURE);
}
