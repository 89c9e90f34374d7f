import { createElement, type ReactElement, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';

// OHIF renders a panel's component with its own React, which runtime extensions cannot reach. A
// component bundled with another copy of React that calls hooks crashes the whole viewer ("Invalid
// hook call"): hooks look for the copy that is rendering. So the component OHIF renders is a plain
// function without hooks that returns one <div>; its callback ref mounts a root of our React
// inside, and everything of ours (hooks included) runs there. Our React is the same version as
// OHIF's (18.3.1), so the <div> element our createElement makes is one OHIF's React accepts.

/** The component to give OHIF, rendering `content()` in an island of our own React. */
export function islandComponent(content: () => ReactNode, hostProps: Record<string, unknown> = {}): () => ReactElement {
  const roots = new Map<HTMLElement, Root>();

  function attach(element: HTMLDivElement | null): void {
    if (element !== null) {
      if (roots.has(element)) return;
      const root = createRoot(element);
      roots.set(element, root);
      root.render(content());
      return;
    }
    // React calls a callback ref with null when its element goes, without saying which one, and
    // before the element leaves the document. After OHIF's commit, unmount what has left it.
    queueMicrotask(() => {
      for (const [host, root] of roots) {
        if (host.isConnected) continue;
        roots.delete(host);
        root.unmount();
      }
    });
  }

  // `attach` is one function for the life of the extension: React calls it only when the <div> is
  // created or removed, not on every render of OHIF's panel.
  return function OutsideIslandHost(): ReactElement {
    return createElement('div', { ...hostProps, ref: attach });
  };
}
