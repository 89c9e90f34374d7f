// Where to go after logging in: the page that sent the user to /login (`?next=`), e.g. the viewer
// when its session ended. Only paths on this site are followed, never another origin.

export function returnPath(search: string): string | undefined {
  const next = new URLSearchParams(search).get('next');
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return undefined;
  return next;
}

/** The viewer is not a page of this app: it needs a full page load. */
export function leavesTheApp(path: string): boolean {
  return path === '/viewer' || path.startsWith('/viewer/');
}
