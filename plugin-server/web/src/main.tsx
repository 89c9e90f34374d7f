// Entry point of the front-desk UI. The stylesheet is linked from index.html.
import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiClient } from './api/api-client.ts';
import { App } from './app.component.tsx';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App api={new ApiClient()} />
  </StrictMode>,
);
