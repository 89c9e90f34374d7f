import { describe, expect, it } from 'vitest';
import {
  MODE_DISPLAY_NAME,
  MODE_ID,
  MODE_ROUTE_NAME,
  PANEL_ID,
  SHARED_MODE_ID,
  SHARED_MODE_ROUTE_NAME,
} from '../outside-ids.ts';
import { deriveOutsideMode, deriveSharedMode, loadBaseMode } from './derive-mode.ts';

// The shape of @ohif/mode-longitudinal 3.13 (modes/longitudinal/src/index.ts): a module whose
// modeFactory returns `this.modeInstance`, with functions that rely on `this`.
function longitudinalModule() {
  const layoutInstance = {
    id: '@ohif/extension-default.layoutTemplateModule.viewerLayout',
    props: {
      leftPanels: ['@ohif/extension-measurement-tracking.panelModule.seriesList'],
      rightPanels: [
        '@ohif/extension-cornerstone.panelModule.panelSegmentation',
        '@ohif/extension-measurement-tracking.panelModule.trackedMeasurements',
      ],
      rightPanelClosed: true,
      viewports: [{ namespace: 'tracked', displaySetsToDisplay: ['stack'] }],
    },
  };
  const route = {
    path: 'longitudinal',
    layoutTemplate(this: { layoutInstance: unknown }) {
      return structuredClone(this.layoutInstance);
    },
    layoutInstance,
  };
  const modeInstance = {
    id: '@ohif/mode-longitudinal',
    routeName: 'viewer',
    displayName: 'Basic Viewer',
    hide: false,
    routes: [route],
    extensions: { '@ohif/extension-measurement-tracking': '^3.0.0' },
    hangingProtocol: 'default',
    onModeEnter(this: { routeName: string }) {
      return this.routeName;
    },
    isValidMode: () => ({ valid: true, description: '' }),
  };
  return {
    id: '@ohif/mode-longitudinal',
    modeInstance,
    modeFactory(this: { modeInstance: unknown }) {
      return this.modeInstance;
    },
  };
}

describe('the outside-review mode', () => {
  it('is the longitudinal mode under our name, with our panel first on the right, open', async () => {
    const requested: string[][] = [];
    const base = await loadBaseMode('@ohif/mode-longitudinal', {
      loadModules: async (modules) => {
        requested.push(modules);
        return [longitudinalModule()];
      },
    });
    const mode = deriveOutsideMode(base);
    expect(requested).toEqual([['@ohif/mode-longitudinal']]);
    expect(mode).toMatchObject({
      id: MODE_ID,
      routeName: MODE_ROUTE_NAME,
      displayName: MODE_DISPLAY_NAME,
      hide: false,
      hangingProtocol: 'default',
      extensions: { '@ohif/extension-measurement-tracking': '^3.0.0' },
    });
    const [route] = mode.routes;
    expect(route?.path).toBe(MODE_ROUTE_NAME);
    expect(route?.layoutInstance.props.rightPanels).toEqual([
      PANEL_ID,
      '@ohif/extension-cornerstone.panelModule.panelSegmentation',
      '@ohif/extension-measurement-tracking.panelModule.trackedMeasurements',
    ]);
    expect(route?.layoutInstance.props).toMatchObject({ rightPanelClosed: false, leftPanels: expect.any(Array) });
    // OHIF calls these with `this` bound to the instance and the route: they must still work.
    expect((mode as unknown as { onModeEnter(): string }).onModeEnter()).toBe(MODE_ROUTE_NAME);
    const template = (route as unknown as { layoutTemplate(): { props: { rightPanels: string[] } } }).layoutTemplate();
    expect(template.props.rightPanels[0]).toBe(PANEL_ID);
  });

  it('says what changed when OHIF no longer gives what we derive from', async () => {
    const broken = { id: '@ohif/mode-longitudinal', modeFactory: () => ({ id: 'x', routes: [] }) };
    await expect(loadBaseMode('@ohif/mode-longitudinal', { loadModules: async () => [broken] })).rejects.toThrow(
      /has changed shape/,
    );
    await expect(loadBaseMode('@ohif/mode-longitudinal', { loadModules: async () => [undefined] })).rejects.toThrow(
      /is not an OHIF mode/,
    );
  });

  it('gives a share recipient the same viewer with no right panels at all', async () => {
    const base = await loadBaseMode('@ohif/mode-longitudinal', { loadModules: async () => [longitudinalModule()] });
    const mode = deriveSharedMode(base);
    expect(mode).toMatchObject({ id: SHARED_MODE_ID, routeName: SHARED_MODE_ROUTE_NAME, hide: false });
    const [route] = mode.routes;
    expect(route?.path).toBe(SHARED_MODE_ROUTE_NAME);
    expect(route?.layoutInstance.props).toMatchObject({ rightPanels: [], rightPanelClosed: true });
    // The series list on the left stays: the recipient picks series from it.
    expect(route?.layoutInstance.props).toMatchObject({
      leftPanels: ['@ohif/extension-measurement-tracking.panelModule.seriesList'],
    });
  });
});
