/**
 * The Z element (GaAs MESFET / HFET): drain, gate, source and the internal
 * nodes ngspice's setup routines make (messetup.c, hfetsetup.c,
 * mesasetup.c): d' behind RD, s' behind RS, g' behind RG, and (HFETA,
 * MESA) d'' behind RF, s'' behind RI; absent ones are the outer node.
 */
import { CONSTCtoK } from "../diode/diode-model.js";
import type { MakeDevice } from "../kind.js";
import { HfetaCore } from "./hfeta-model.js";
import { MesCore } from "./mes-model.js";
import { MesaCore } from "./mesa-model.js";
import { ZFet, ZN, ZD, ZG, ZS, ZDP, ZGP, ZSP, ZDPP, ZSPP, type ZCore } from "./zfet.js";

export const makeZ: MakeDevice<"z"> = (s, { nodes: n, internalNode, options }) => {
  const zm = s.model;
  const term = new Array<number>(ZN);
  term[ZD] = n[0];
  term[ZG] = n[1];
  term[ZS] = n[2];
  let core: ZCore;
  if (zm.kind === "mes") {
    const p = zm.p;
    // messetup.c: source first, then drain
    term[ZSP] = p.rs !== 0 ? internalNode("source") : n[2];
    term[ZDP] = p.rd !== 0 ? internalNode("drain") : n[0];
    term[ZGP] = n[1];
    term[ZDPP] = term[ZDP];
    term[ZSPP] = term[ZSP];
    core = new MesCore(p, s.area);
  } else {
    const v = zm.p.v;
    term[ZSP] = v.rs !== 0 ? internalNode("source") : n[2];
    term[ZDP] = v.rd !== 0 ? internalNode("drain") : n[0];
    term[ZGP] = v.rg !== 0 ? internalNode("gate") : n[1];
    term[ZDPP] = v.rf !== 0 ? internalNode("gd") : term[ZDP];
    term[ZSPP] = v.ri !== 0 ? internalNode("gs") : term[ZSP];
    core =
      zm.kind === "hfeta"
        ? new HfetaCore(zm.p, s.l, s.w, s.m, s.temp + CONSTCtoK, options.tnom + CONSTCtoK)
        : new MesaCore(zm.p, s.l, s.w, s.m, s.ts + CONSTCtoK, s.td + CONSTCtoK, options.temp + CONSTCtoK, options.tnom + CONSTCtoK, term[ZSPP] === term[ZSP], term[ZDPP] === term[ZDP]);
  }
  const z = new ZFet(s.name, term, core);
  if (zm.kind !== "mes") {
    z.groupKind = zm.kind;
    z.modelKey = s.modelName;
    z.typeSign = zm.kind === "hfeta" ? zm.p.type : 1;
  }
  z.gmin = options.gmin;
  z.off = s.off === true;
  return z;
};
