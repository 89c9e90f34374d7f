// The panel's look, close to OHIF's dark theme. Injected as a <style> element inside the island
// (the viewer's CSP allows inline styles) and scoped by the `outside-` class prefix, so it neither
// depends on nor leaks into OHIF's own Tailwind classes.

export const PANEL_CSS = `
.outside-panel { font-size: 13px; line-height: 1.45; color: #e5e7eb; padding: 8px 10px 16px; }
.outside-panel h2 { font-size: 14px; font-weight: 600; margin: 0; color: #fff; overflow-wrap: anywhere; }
.outside-panel h3 { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em;
  color: #5acce6; margin: 14px 0 4px; }
.outside-panel dl { display: grid; grid-template-columns: minmax(88px, 40%) 1fr; gap: 2px 8px; margin: 0; }
.outside-panel dt { color: #9ca3af; }
.outside-panel dd { margin: 0; overflow-wrap: anywhere; }
.outside-panel select, .outside-panel input, .outside-panel textarea { background: #050a1f; color: #e5e7eb;
  border: 1px solid #3a4a7a; border-radius: 3px; padding: 4px 6px; font: inherit; }
.outside-muted { color: #9ca3af; }
.outside-state { font-weight: 600; }
.outside-chip { display: inline-block; border: 1px solid #3a4a7a; border-radius: 10px; padding: 0 6px;
  margin: 4px 4px 0 0; font-size: 11px; }
.outside-actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.outside-button { background: #1c2746; color: #e5e7eb; border: 1px solid #3a4a7a; border-radius: 4px;
  padding: 4px 10px; cursor: pointer; font: inherit; }
.outside-button:hover:not(:disabled) { background: #2b3a66; }
.outside-button:focus-visible, .outside-panel input:focus-visible, .outside-panel textarea:focus-visible,
.outside-panel select:focus-visible, .outside-link:focus-visible { outline: 2px solid #5acce6; outline-offset: 1px; }
.outside-button:disabled { opacity: 0.5; cursor: default; }
.outside-button--primary { background: #5acce6; color: #041c4a; border-color: #5acce6; }
.outside-button--primary:hover:not(:disabled) { background: #8fe0f2; }
.outside-button--danger { border-color: #b91c1c; color: #fecaca; }
.outside-confirm { border: 1px solid #3a4a7a; border-radius: 4px; padding: 8px; margin-top: 10px; background: #0c1330; }
.outside-confirm p { margin: 0 0 4px; }
.outside-confirm ul { margin: 4px 0; padding-left: 18px; }
.outside-field { display: flex; flex-direction: column; gap: 2px; margin-top: 6px; }
.outside-field span { color: #9ca3af; }
.outside-confirm-buttons { display: flex; gap: 6px; margin-top: 8px; }
.outside-result { margin-top: 10px; }
.outside-result:empty { display: none; }
.outside-result[data-kind="error"] { color: #fca5a5; }
.outside-result[data-kind="success"] { color: #86efac; }
.outside-link { color: #5acce6; text-decoration: underline; }
.outside-deliveries { list-style: none; padding: 0; margin: 0; }
.outside-deliveries li { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 8px; }
.outside-error-text { color: #fca5a5; }
.outside-share-url { display: block; margin-top: 4px; font-family: monospace; word-break: break-all; user-select: all;
  color: #e5e7eb; }
`;
