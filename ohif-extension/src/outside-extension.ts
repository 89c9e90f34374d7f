// Entry module of our extension, listed by URL in the viewer's app-config.js `extensions` (the
// sidecar generates it: plugin-server/src/viewer/viewer-app-config.ts). OHIF imports it with a
// native import() at start-up and registers its modules; our mode (outside-mode.ts) puts the
// panel among its right panels by id (outside-ids.ts).
import './zod-jitless.ts';
import { createElement } from 'react';
import { EXTENSION_ID, PANEL_NAME } from './outside-ids.ts';
import { islandComponent } from './panel/island.ts';
import { createOutsideApi } from './panel/outside-api.resource.ts';
import { LiveOutsideStudyPanel } from './panel/outside-study-panel.component.tsx';

const extension = {
  id: EXTENSION_ID,
  getPanelModule() {
    const api = createOutsideApi();
    return [
      {
        name: PANEL_NAME,
        // Must be a key of OHIF's icon registry, or the panel's tab shows no icon.
        iconName: 'tab-patient-info',
        iconLabel: 'Outside study',
        label: 'Outside study',
        component: islandComponent(() => createElement(LiveOutsideStudyPanel, { api }), {
          'data-testid': 'outside-panel-host',
          style: { height: '100%', overflowY: 'auto' },
        }),
      },
    ];
  },
};

export default extension;
