// The names by which OHIF knows our extension, panel and mode. A mode refers to a panel by the
// string `<extension id>.panelModule.<panel name>`; the mode's routeName is the first segment of
// the viewer URL (/viewer/outside-review?StudyInstanceUIDs=...).

export const EXTENSION_ID = '@outside/ohif-extension';
export const PANEL_NAME = 'outsideStudy';
export const PANEL_ID = `${EXTENSION_ID}.panelModule.${PANEL_NAME}`;

export const MODE_ID = '@outside/mode-outside-review';
export const MODE_ROUTE_NAME = 'outside-review';
export const MODE_DISPLAY_NAME = 'Outside review';

/** The built-in mode ours is derived from (its layout, tools, hanging protocol and panels). */
export const BASE_MODE_ID = '@ohif/mode-longitudinal';

/** The read-only mode a share link's recipient gets (issue #8): one study, no panel, no study list. */
export const SHARED_MODE_ID = '@outside/mode-outside-shared';
export const SHARED_MODE_ROUTE_NAME = 'outside-shared';
export const SHARED_MODE_DISPLAY_NAME = 'Shared outside study';
