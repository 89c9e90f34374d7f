// A link to another page of the UI: an ordinary <a href> (new tab, copy link), followed in the
// page with the History API on a plain click.

import type { MouseEvent, ReactNode } from 'react';
import { navigate } from '../routing/router.ts';

export function PageLink({
  href,
  className,
  children,
  ...rest
}: {
  href: string;
  className?: string;
  children: ReactNode;
  'aria-label'?: string;
  'aria-current'?: 'page' | 'true' | undefined;
  'data-open-id'?: number;
}) {
  const follow = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} className={className} onClick={follow} {...rest}>
      {children}
    </a>
  );
}
