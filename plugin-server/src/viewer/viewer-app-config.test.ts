import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { viewerAppConfig, type ViewerAppConfigOptions } from './viewer-app-config.ts';

type Window = { location: { origin: string; pathname: string; search: string }; config?: Record<string, unknown> };

/** Runs app-config.js as the browser would, and returns what it set. */
function evaluate(options: ViewerAppConfigOptions) {
  const window: Window = { location: { origin: 'https://outside.example', pathname: '/viewer/', search: '' } };
  runInNewContext(viewerAppConfig(options), { window });
  if (window.config === undefined) throw new Error('app-config.js did not set window.config');
  return window.config;
}

const WITH_EXTENSION: ViewerAppConfigOptions = {
  routerBasename: '/viewer',
  extensionUrls: ['/viewer/outside/outside-extension.js'],
  modeUrls: ['/viewer/outside/outside-mode.js'],
  showStudyList: true,
};

describe('viewerAppConfig', () => {
  it('serves OHIF under /viewer with our extension and mode, and the study list', () => {
    const config = evaluate(WITH_EXTENSION);
    expect(config).toMatchObject({
      routerBasename: '/viewer',
      showStudyList: true,
      extensions: ['/viewer/outside/outside-extension.js'],
      modes: ['/viewer/outside/outside-mode.js'],
      investigationalUseDialog: { option: 'never' },
      defaultDataSourceName: 'outside',
    });
    expect(config).not.toHaveProperty('useCPURendering');
    expect(config.modesConfiguration).toMatchObject({ '@ohif/mode-longitudinal': { hide: { $set: true } } });
  });

  it('can leave the study list out (a share link recipient sees one study)', () => {
    expect(evaluate({ ...WITH_EXTENSION, showStudyList: false }).showStudyList).toBe(false);
  });

  it('has one DICOMweb source: the proxy on the page origin, with the settings Orthanc 1.10 needs', () => {
    const config = evaluate(WITH_EXTENSION);
    const root = 'https://outside.example/viewer/dicom-web';
    expect(config.dataSources).toEqual([
      {
        namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
        sourceName: 'outside',
        configuration: {
          friendlyName: 'Outside studies',
          name: 'outside',
          qidoRoot: root,
          wadoRoot: root,
          wadoUriRoot: root,
          imageRendering: 'wadors',
          thumbnailRendering: 'wadors',
          qidoSupportsIncludeField: true,
          supportsFuzzyMatching: false,
          supportsWildcard: true,
          staticWado: false,
          omitQuotationForMultipartRequest: true,
          enableStudyLazyLoad: true,
          bulkDataURI: { enabled: true },
        },
      },
    ]);
  });

  it('keeps the built-in modes listed when our mode is not built', () => {
    const config = evaluate({ routerBasename: '/viewer', extensionUrls: [], modeUrls: [], showStudyList: true });
    expect(config).toMatchObject({ extensions: [], modes: [], modesConfiguration: {} });
  });

  it('sends the user to the login page when DICOMweb answers 401, and only then', () => {
    const window: Window & { assigned: string[] } = {
      location: {
        origin: 'https://outside.example',
        pathname: '/viewer/outside-review',
        search: '?StudyInstanceUIDs=1.2',
      },
      assigned: [],
    };
    Object.assign(window.location, { assign: (url: string) => window.assigned.push(url) });
    runInNewContext(viewerAppConfig(WITH_EXTENSION), { window });
    const handler = window.config?.httpErrorHandler as (error: { status: number }) => void;
    handler({ status: 500 });
    handler({ status: 401 });
    expect(window.assigned).toEqual([
      `/login?next=${encodeURIComponent('/viewer/outside-review?StudyInstanceUIDs=1.2')}`,
    ]);
  });
});
