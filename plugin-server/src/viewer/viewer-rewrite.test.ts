import { describe, expect, it } from 'vitest';
import { rewriteViewerFile } from './viewer-rewrite.ts';

const BASE = '/viewer/';

function rewrite(path: string, text: string): string | undefined {
  return rewriteViewerFile(path, Buffer.from(text, 'latin1'), BASE)?.toString('latin1');
}

describe('rewriteViewerFile', () => {
  it.each([
    {
      what: 'index.html: scripts, links, meta tags and PUBLIC_URL',
      path: 'index.html',
      input:
        '<meta name="msapplication-TileImage" content="/assets/mstile.png"><script>window.PUBLIC_URL="/"</script>' +
        '<link rel="manifest" href="/manifest.json"><script defer src="/app.bundle.0f6159c501addfe9.js"></script>',
      output:
        '<meta name="msapplication-TileImage" content="/viewer/assets/mstile.png"><script>window.PUBLIC_URL="/viewer/"</script>' +
        '<link rel="manifest" href="/viewer/manifest.json"><script defer src="/viewer/app.bundle.0f6159c501addfe9.js"></script>',
    },
    {
      what: 'index.html: protocol-relative and external URLs are left alone',
      path: 'index.html',
      input: '<script src="//cdn.example/x.js"></script><a href="https://ohif.org/">',
      output: undefined,
    },
    {
      what: 'a bundle: the rspack public path',
      path: 'app.bundle.0f6159c501addfe9.js',
      input: '(() => {\n__webpack_require__.p = "/";\n})();',
      output: '(() => {\n__webpack_require__.p = "/viewer/";\n})();',
    },
    {
      what: 'a bundle: the microscopy viewer import',
      path: 'app.bundle.0f6159c501addfe9.js',
      input: "await window.browserImportFunction('/dicom-microscopy-viewer/dicomMicroscopyViewer.min.js')",
      output: "await window.browserImportFunction('/viewer/dicom-microscopy-viewer/dicomMicroscopyViewer.min.js')",
    },
    {
      what: 'a bundle without markers',
      path: '12.bundle.b4688cdbdd856b75.js',
      input: 'const p = "/"; fetch("/api")',
      output: undefined,
    },
    {
      what: 'the stylesheet: font URLs',
      path: 'app.bundle.css',
      input: '@font-face{src:url(/a34f9d1faa5f3315.woff2) format("woff2")}.x{background:url(//cdn/y.png)}',
      output: '@font-face{src:url(/viewer/a34f9d1faa5f3315.woff2) format("woff2")}.x{background:url(//cdn/y.png)}',
    },
    {
      what: 'the manifest: icons',
      path: 'manifest.json',
      input: '{"icons":[{"src":"/assets/android-chrome-36x36.png"}],"start_url":"./index.html"}',
      output: '{"icons":[{"src":"/viewer/assets/android-chrome-36x36.png"}],"start_url":"./index.html"}',
    },
    { what: 'other files are never rewritten', path: 'assets/browserconfig.xml', input: 'src="/x"', output: undefined },
  ])('$what', ({ path, input, output }) => {
    expect(rewrite(path, input)).toBe(output);
  });

  it('keeps every other byte as installed, whatever the encoding', () => {
    const content = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('__webpack_require__.p = "/";'),
      Buffer.from([0x80, 0xe2, 0x82]),
    ]);
    const rewritten = rewriteViewerFile('x.bundle.js', content, BASE);
    expect(rewritten).toEqual(
      Buffer.concat([
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('__webpack_require__.p = "/viewer/";'),
        Buffer.from([0x80, 0xe2, 0x82]),
      ]),
    );
  });

  it('refuses a base path that would need escaping', () => {
    expect(() => rewriteViewerFile('index.html', Buffer.from('src="/x"'), '/a"b/')).toThrow(RangeError);
  });
});
