import { z } from 'zod';
import {
  MODE_DISPLAY_NAME,
  MODE_ID,
  MODE_ROUTE_NAME,
  PANEL_ID,
  SHARED_MODE_DISPLAY_NAME,
  SHARED_MODE_ID,
  SHARED_MODE_ROUTE_NAME,
} from '../outside-ids.ts';

// Our mode is OHIF's longitudinal mode ("Basic Viewer": its layout, tools, toolbar, hanging
// protocol, measurement tracking) under our name and route, with the "Outside study" panel first
// among the right panels and the right side open, so a physician sees it on arrival. The base is
// handed to us by OHIF (modeFactory's loadModules), never copied: an OHIF upgrade brings its tools.

/** A panel list entry: one panel id, or several stacked in one tab. */
const panelsSchema = z.array(z.union([z.string(), z.array(z.string())]));

/** What we rely on in the longitudinal mode's instance; everything else is passed on as it is. */
const baseModeInstanceSchema = z.looseObject({
  id: z.string(),
  routes: z
    .array(
      z.looseObject({
        layoutInstance: z.looseObject({
          props: z.looseObject({ rightPanels: panelsSchema }),
        }),
      }),
    )
    .min(1),
});
export type BaseModeInstance = z.infer<typeof baseModeInstanceSchema>;

/** A mode module as OHIF exports it: `modeFactory` makes the instance. */
const modeModuleSchema = z.looseObject({
  id: z.string(),
  modeFactory: z.custom<(options: { modeConfiguration?: unknown }) => unknown>(
    (value) => typeof value === 'function',
    'modeFactory is not a function',
  ),
});

export type ModeFactoryOptions = {
  modeConfiguration?: unknown;
  /** OHIF's loader: built-in names from its bundle, anything else by import(url). */
  loadModules: (modules: string[]) => Promise<unknown[]>;
};

/** The longitudinal mode's instance, as its own factory makes it. */
export async function loadBaseMode(baseModeId: string, options: ModeFactoryOptions): Promise<BaseModeInstance> {
  const [loaded] = await options.loadModules([baseModeId]);
  const module = modeModuleSchema.safeParse(loaded);
  if (!module.success) throw new TypeError(`${baseModeId} is not an OHIF mode: ${module.error.message}`);
  // Its factory reads `this.modeInstance`: call it on the module, as OHIF does.
  const instance = baseModeInstanceSchema.safeParse(await module.data.modeFactory.call(loaded, {}));
  if (!instance.success) {
    throw new TypeError(`${baseModeId} has changed shape; cannot derive our mode: ${instance.error.message}`);
  }
  return instance.data;
}

/** Our mode instance from the base's. */
export function deriveOutsideMode(base: BaseModeInstance) {
  return {
    ...base,
    id: MODE_ID,
    routeName: MODE_ROUTE_NAME,
    displayName: MODE_DISPLAY_NAME,
    hide: false,
    routes: base.routes.map((route) => ({
      ...route,
      path: MODE_ROUTE_NAME,
      layoutInstance: {
        ...route.layoutInstance,
        props: {
          ...route.layoutInstance.props,
          rightPanels: [PANEL_ID, ...route.layoutInstance.props.rightPanels.filter((panel) => panel !== PANEL_ID)],
          rightPanelClosed: false,
        },
      },
    })),
  };
}

/**
 * The share recipient's mode: the same viewer and tools, but no right panels (neither ours nor the
 * measurement tracking that would offer to save), and closed; nothing in it writes anywhere.
 */
export function deriveSharedMode(base: BaseModeInstance) {
  return {
    ...base,
    id: SHARED_MODE_ID,
    routeName: SHARED_MODE_ROUTE_NAME,
    displayName: SHARED_MODE_DISPLAY_NAME,
    hide: false,
    routes: base.routes.map((route) => ({
      ...route,
      path: SHARED_MODE_ROUTE_NAME,
      layoutInstance: {
        ...route.layoutInstance,
        props: { ...route.layoutInstance.props, rightPanels: [], rightPanelClosed: true },
      },
    })),
  };
}
