// Which studies the viewer shows. OHIF puts them in the URL (`?StudyInstanceUIDs=1.2,3.4`, the
// parameter repeated or comma-separated, its name case-insensitive), and the URL is what a
// physician bookmarks or is sent: the panel reads it there rather than from OHIF's services,
// whose shape changes between versions.

const UID = /^[0-9]+(?:\.[0-9]+)*$/;

export function studyUidsFromSearch(search: string): string[] {
  const uids: string[] = [];
  for (const [name, value] of new URLSearchParams(search)) {
    if (name.toLowerCase() !== 'studyinstanceuids') continue;
    for (const uid of value.split(',').map((part) => part.trim())) {
      if (UID.test(uid) && !uids.includes(uid)) uids.push(uid);
    }
  }
  return uids;
}

/** The sidecar's login page, coming back to `location` afterwards. */
export function loginUrl(location: { pathname: string; search: string }): string {
  return `/login?next=${encodeURIComponent(`${location.pathname}${location.search}`)}`;
}
