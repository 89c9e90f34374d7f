// Entry module of our mode, listed by URL in the viewer's app-config.js `modes` (the sidecar
// generates it: plugin-server/src/viewer/viewer-app-config.ts). OHIF imports it with a native
// import() and calls modeFactory once at start-up; the instance appears in the study list as
// "Outside review" and answers /viewer/outside-review?StudyInstanceUIDs=...
import './zod-jitless.ts';
import { deriveOutsideMode, loadBaseMode, type ModeFactoryOptions } from './mode/derive-mode.ts';
import { BASE_MODE_ID, MODE_ID } from './outside-ids.ts';

const mode = {
  id: MODE_ID,
  async modeFactory(options: ModeFactoryOptions) {
    try {
      return deriveOutsideMode(await loadBaseMode(BASE_MODE_ID, options));
    } catch (error) {
      // OHIF skips a mode whose factory gives nothing, but stops altogether when one throws: the
      // viewer stays usable (without our mode) and the reason is in the console.
      console.error('Outside review mode not available:', error);
      return null;
    }
  },
};

export default mode;
