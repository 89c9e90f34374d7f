// The prebuilt OHIF viewer assumes it is served at the root of its origin: index.html, the
// bundler's public path (where lazily loaded chunks, workers and .wasm files are fetched from), the
// stylesheet's font URLs and the web manifest's icons all start with "/". We serve it under
// /viewer/, so these few places are rewritten when a file is first served (never on disk: the
// installed dist stays byte-identical to the verified package). Everything else in OHIF resolves
// against window.PUBLIC_URL or routerBasename, which index.html and app-config.js set.

/** Absolute references in HTML attributes, not protocol-relative ones (`//host/...`). */
const HTML_ATTRIBUTE = /\b(src|href|content)="\/(?!\/)/g;
/** index.html sets it twice, in two inline scripts. */
const PUBLIC_URL = /window\.PUBLIC_URL="\/"/g;
/** rspack's runtime sets the public path once per entry bundle (app, workers). */
const WEBPACK_PUBLIC_PATH = '__webpack_require__.p = "/";';
/** The one absolute import in OHIF's module loader (mode-microscopy's viewer library). */
const MICROSCOPY_IMPORT = "'/dicom-microscopy-viewer/";
/** Font URLs in the stylesheets. */
const CSS_URL = /url\(\/(?!\/)/g;
/** Icon URLs in the web manifest. */
const MANIFEST_ASSETS = /"\/assets\//g;

/** A rewrite of one kind of file; the result is undefined when the file needs none. */
type Rewrite = (text: string, base: string) => string;

const rewriteHtml: Rewrite = (text, base) =>
  text.replace(HTML_ATTRIBUTE, `$1="${base}`).replace(PUBLIC_URL, `window.PUBLIC_URL=${JSON.stringify(base)}`);

const rewriteScript: Rewrite = (text, base) =>
  text
    .replaceAll(WEBPACK_PUBLIC_PATH, `__webpack_require__.p = ${JSON.stringify(base)};`)
    .replaceAll(MICROSCOPY_IMPORT, `'${base}dicom-microscopy-viewer/`);

const rewriteCss: Rewrite = (text, base) => text.replace(CSS_URL, `url(${base}`);

const rewriteManifest: Rewrite = (text, base) => text.replace(MANIFEST_ASSETS, `"${base}assets/`);

function rewriteFor(relativePath: string): { rewrite: Rewrite; markers: readonly string[] } | undefined {
  if (relativePath === 'index.html') return { rewrite: rewriteHtml, markers: ['="/'] };
  if (relativePath === 'manifest.json') return { rewrite: rewriteManifest, markers: ['"/assets/'] };
  if (relativePath.endsWith('.css')) return { rewrite: rewriteCss, markers: ['url(/'] };
  if (relativePath.endsWith('.js'))
    return { rewrite: rewriteScript, markers: [WEBPACK_PUBLIC_PATH, MICROSCOPY_IMPORT] };
  return undefined;
}

/**
 * The content of a viewer file as served under `base` (e.g. "/viewer/"), or undefined when it is
 * served as installed. `relativePath` is relative to the OHIF dist, with forward slashes.
 */
export function rewriteViewerFile(relativePath: string, content: Buffer, base: string): Buffer | undefined {
  if (!/^\/[A-Za-z0-9._~/-]*\/$/.test(base)) throw new RangeError(`not a plain URL path in slashes: ${base}`);
  const rule = rewriteFor(relativePath);
  // Most files (and most of the 17 MB of JavaScript) contain none of the markers: a byte search
  // spares decoding them.
  if (rule === undefined || !rule.markers.some((marker) => content.includes(marker))) return undefined;
  // latin1 maps every byte to one character and back: the bytes around the (ASCII) replacements
  // stay exactly as installed, whatever their encoding.
  const text = content.toString('latin1');
  const rewritten = rule.rewrite(text, base);
  return rewritten === text ? undefined : Buffer.from(rewritten, 'latin1');
}
