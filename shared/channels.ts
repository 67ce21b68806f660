/**
 * The names of every API channel. Kept dependency-free so the sandboxed preload can bundle it;
 * `api.ts` is checked at compile time to define exactly these names.
 */
export const CHANNELS = [
  'app/info',
  'session/get',
  'session/setOperator',
  'operators/list',
  'operators/save',
  'settings/get',
  'settings/save',
  'divisions/list',
  'divisions/save',
  'divisions/remove',
  'units/list',
  'units/save',
  'units/remove',
  'units/importPreview',
  'units/importApply',
  'units/exportTemplate',
  'trainings/list',
  'trainings/save',
  'trainings/remove',
  'exante/list',
  'exante/get',
  'exante/save',
  'exante/confirm',
  'exante/remove',
  'exante/toLibrary',
  'projects/list',
  'docs/draft',
  'docs/issue',
  'register/list',
  'register/add',
  'audit/list',
  'demo/load',
  'files/open',
] as const

export type Channel = (typeof CHANNELS)[number]
