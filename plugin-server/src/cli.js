#!/usr/bin/env node
// Entry of the `outside` command. It is JavaScript, not TypeScript, so that the compile cache is on
// before the first TypeScript file loads: the cache then also holds the type-stripped modules, and
// a command starts without loading Node's TypeScript stripper at all.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./cli/main.ts');
