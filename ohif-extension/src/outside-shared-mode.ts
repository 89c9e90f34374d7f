// Entry module of the read-only mode for share links' recipients (issue #8). The sidecar lists it
// in app-config.js only for a share viewer session, whose study list is switched off; it answers
// /viewer/outside-shared?StudyInstanceUIDs=... for the one shared study.
import './zod-jitless.ts';
import { deriveSharedMode, loadBaseMode, type ModeFactoryOptions } from './mode/derive-mode.ts';
import { BASE_MODE_ID, SHARED_MODE_ID } from './outside-ids.ts';

const mode = {
  id: SHARED_MODE_ID,
  async modeFactory(options: ModeFactoryOptions) {
    try {
      return deriveSharedMode(await loadBaseMode(BASE_MODE_ID, options));
    } catch (error) {
      console.error('Shared outside study mode not available:', error);
      return null;
    }
  },
};

export default mode;
