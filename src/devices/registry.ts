/**
 * Every kind of element by its SPICE letter, as ngspice's device table:
 * the circuit builder makes each element's device through this table and
 * tests no device types. Resistors (R) are not here: every resistor is a
 * slot of the circuit's one resistor bank (devices/resistor/resistor.ts), which the
 * builder fills itself for speed.
 */
import type { ElementSpec } from "../netlist/elaborate.js";
import type { MakeDevice } from "./kind.js";
import { makeBjt } from "./bjt/element.js";
import { makeBSource } from "./bsource/element.js";
import { makeCapacitor } from "./capacitor/element.js";
import { makeCccs, makeCcvs, makeVccs, makeVcvs } from "./controlled/element.js";
import { makeDiode } from "./diode/element.js";
import { makeInductor, makeMutual } from "./inductor/element.js";
import { makeJfet } from "./jfet/element.js";
import { makeZ } from "./mesfet/element.js";
import { makeMosfet } from "./mosfet/element.js";
import { makeCurrentSource, makeVoltageSource } from "./sources/element.js";
import { makeCurrentSwitch, makeVoltageSwitch } from "./switch/element.js";
import { makeVbic } from "./vbic/element.js";
import { makeVdmos } from "./vdmos/element.js";
import { makeLossyLines, makeLtra, makeTra } from "./tline/element.js";
import { makeXspice } from "./xspice/element.js";

/** The device maker of each element type. */
export const DEVICE_KINDS: { readonly [T in Exclude<ElementSpec["type"], "r">]: MakeDevice<T> } = {
  c: makeCapacitor,
  l: makeInductor,
  k: makeMutual,
  d: makeDiode,
  m: makeMosfet,
  q: makeBjt,
  j: makeJfet,
  z: makeZ,
  v: makeVoltageSource,
  i: makeCurrentSource,
  e: makeVcvs,
  g: makeVccs,
  f: makeCccs,
  h: makeCcvs,
  b: makeBSource,
  s: makeVoltageSwitch,
  w: makeCurrentSwitch,
  a: makeXspice,
  vdmos: makeVdmos,
  vbic: makeVbic,
  t: makeTra,
  o: makeLtra,
  p: makeLossyLines,
};
