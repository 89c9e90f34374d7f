// "The viewer shows an image", as the viewer tests and the viewer benchmark see it: cornerstone
// draws each viewport into a 2D canvas, so its pixels can be read; a black or uniform canvas is no
// image.

import type { Page } from 'playwright-core';

/** Every this many pixels is looked at: a sample is enough to tell an image from a blank canvas. */
const SAMPLE_STRIDE = 97;
/** An image has this many sampled pixels that are not black, in this many distinct values. */
const MIN_LIT = 20;
const MIN_DISTINCT = 4;

export type ViewportImage = {
  /** The page's clock (performance.now(), from navigation start) when the image was seen. */
  at: number;
  /** Sampled pixels that are not black. */
  lit: number;
  /** Distinct values (R+G+B) among the sampled pixels. */
  distinct: number;
};

/** Resolves when a viewport canvas shows an image; checks at every animation frame. */
export async function viewportImageShown(page: Page, timeoutMs = 60_000): Promise<ViewportImage> {
  const handle = await page.waitForFunction(
    ({ stride, minLit, minDistinct }) => {
      for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas.cornerstone-canvas')) {
        if (canvas.width === 0 || canvas.height === 0) continue;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (data === undefined) continue;
        const values = new Set<number>();
        let lit = 0;
        for (let i = 0; i < data.length; i += 4 * stride) {
          const value = (data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0);
          if (value > 0) lit += 1;
          values.add(value);
        }
        if (lit > minLit && values.size > minDistinct) return { at: performance.now(), lit, distinct: values.size };
      }
      return false;
    },
    { stride: SAMPLE_STRIDE, minLit: MIN_LIT, minDistinct: MIN_DISTINCT },
    { timeout: timeoutMs, polling: 'raf' },
  );
  return (await handle.jsonValue()) as ViewportImage;
}
