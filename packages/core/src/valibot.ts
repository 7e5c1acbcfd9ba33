// The part of valibot mjgate uses, for core and every adapter (`import * as v from '@mjgate/core/valibot'`).
// Core's build bundles just these (tsup `noExternal`): valibot's whole module — some 700 exports
// in 200 kB — cost about 9 ms of CPU on every cold import, these 35 functions about 2 ms, and an
// app bundles one copy whichever packages it uses. valibot stays a dependency of every package, for
// its types (`import type { InferOutput } from 'valibot'`), which load nothing at run time.

export {
  array,
  boolean,
  check,
  getDotPath,
  gtValue,
  includes,
  integer,
  is,
  looseObject,
  maxLength,
  maxValue,
  minLength,
  minValue,
  multipleOf,
  nonEmpty,
  nullable,
  nullish,
  number,
  object,
  optional,
  parse,
  picklist,
  pipe,
  record,
  regex,
  safeParse,
  strictObject,
  string,
  trim,
  union,
  unknown,
  url,
} from 'valibot';
