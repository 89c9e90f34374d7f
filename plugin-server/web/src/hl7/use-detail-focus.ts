// Keyboard and screen-reader users continue where the page changed: at the detail's heading once
// a detail has loaded, and back at the row's link when they return to the list.

import { useEffect, useRef, type RefObject } from 'react';

/** For a detail view: focuses the returned heading when `ready` first turns true. */
export function useHeadingFocus(ready: boolean): RefObject<HTMLHeadingElement | null> {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focused = useRef(false);
  useEffect(() => {
    if (!ready || focused.current) return;
    focused.current = true;
    headingRef.current?.focus();
  }, [ready]);
  return headingRef;
}

/**
 * For a list page: when the detail `openedId` is closed, focuses the element in the returned
 * container that has data-open-id equal to it (the link that opened it).
 */
export function useReturnFocus(openedId: string): RefObject<HTMLDivElement | null> {
  const listRef = useRef<HTMLDivElement>(null);
  const lastOpened = useRef('');
  useEffect(() => {
    if (openedId !== '') {
      lastOpened.current = openedId;
      return;
    }
    if (!/^\d+$/.test(lastOpened.current)) return;
    listRef.current?.querySelector<HTMLElement>(`[data-open-id="${lastOpened.current}"]`)?.focus();
    lastOpened.current = '';
  }, [openedId]);
  return listRef;
}
