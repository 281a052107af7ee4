/**
 * Time functions of independent sources: DC, PULSE, SIN, PWL, EXP, SFFM,
 * AM, with ngspice's parameter defaults. Values in volts or amperes, times in seconds.
 */

export type Waveform =
  | { kind: "dc"; value: number }
  /** np: ngspice's 8th PULSE argument, the number of pulses (0: unlimited). */
  | { kind: "pulse"; v1: number; v2: number; td: number; tr: number; tf: number; pw: number; per: number; np: number }
  | { kind: "sin"; vo: number; va: number; freq: number; td: number; theta: number; phase: number }
  /** td (s): the whole waveform delayed; r (s): after the last point the part from time r (one of the points) on repeats. */
  | { kind: "pwl"; t: number[]; v: number[]; td?: number; r?: number }
  | { kind: "exp"; v1: number; v2: number; td1: number; tau1: number; td2: number; tau2: number }
  /** SFFM(VO VA FC MDI FS PHASEC PHASES): VO + VA sin(2 pi FC t + phasec + MDI sin(2 pi FS t + phases)), phases in degrees. */
  | { kind: "sffm"; vo: number; va: number; fc: number; mdi: number; fs: number; phasec: number; phases: number }
  /**
   * AM(VA VO MF FC TD PHASEC PHASES): 0 until TD, then VA (VO + sin(2 pi MF t' + phases)) sin(2 pi FC t' + phases),
   * t' = t - TD; the carrier's phase is PHASES, not PHASEC, as ngspice 39's vsrcload.c and isrcload.c compute it.
   */
  | { kind: "am"; va: number; vo: number; mf: number; fc: number; td: number; phases: number }
  /** A smooth function of time given by a code model (XSPICE's pwlts): no corners for the integrator. */
  | { kind: "curve"; at: (t: number) => number };

/** Defaults ngspice takes from the `.tran` card (TSTEP, TSTOP). */
export interface TimeDefaults {
  tstep: number;
  tstop: number;
}

/** Build a waveform from its SPICE arguments (already evaluated). Throws a plain Error naming the problem. */
export function makeWaveform(kind: string, a: number[], d: TimeDefaults): Waveform {
  const arg = (i: number, def: number) => (a[i] !== undefined ? a[i] : def);
  switch (kind) {
    case "pulse": {
      if (a.length < 2) throw new Error("PULSE needs at least V1 and V2");
      const tr = arg(3, d.tstep) || d.tstep;
      const tf = arg(4, d.tstep) || d.tstep;
      if (a.length > 8) throw new Error(`PULSE takes at most 8 arguments (V1 V2 TD TR TF PW PER NP), got ${a.length}`);
      const np = arg(7, 0);
      return { kind, v1: a[0], v2: a[1], td: arg(2, 0), tr, tf, pw: arg(5, d.tstop) || d.tstop, per: arg(6, d.tstop) || d.tstop, np: np > 0 ? np : 0 };
    }
    case "sin": {
      if (a.length < 2) throw new Error("SIN needs at least VO and VA");
      return { kind, vo: a[0], va: a[1], freq: arg(2, d.tstop > 0 ? 1 / d.tstop : 0), td: arg(3, 0), theta: arg(4, 0), phase: arg(5, 0) };
    }
    case "pwl": {
      if (a.length < 2 || a.length % 2 !== 0) throw new Error("PWL needs pairs of time and value");
      const t: number[] = [];
      const v: number[] = [];
      for (let i = 0; i < a.length; i += 2) {
        if (t.length && a[i] < t[t.length - 1]) throw new Error(`PWL times must not decrease (${a[i]} after ${t[t.length - 1]})`);
        t.push(a[i]);
        v.push(a[i + 1]);
      }
      return { kind, t, v };
    }
    case "exp": {
      if (a.length < 2) throw new Error("EXP needs at least V1 and V2");
      const td1 = arg(2, 0);
      const tau1 = arg(3, d.tstep) || d.tstep;
      return { kind, v1: a[0], v2: a[1], td1, tau1, td2: arg(4, td1 + d.tstep), tau2: arg(5, d.tstep) || d.tstep };
    }
    case "sffm": {
      if (a.length < 2) throw new Error("SFFM needs at least VO and VA");
      if (a.length > 7) throw new Error(`SFFM takes at most 7 arguments (VO VA FC MDI FS PHASEC PHASES), got ${a.length}`);
      // vsrcload.c: FC and FS of 0 (or absent) are 1/TSTOP
      const per = d.tstop > 0 ? 1 / d.tstop : 0;
      return { kind, vo: a[0], va: a[1], fc: arg(2, 0) || per, mdi: arg(3, 0), fs: arg(4, 0) || per, phasec: arg(5, 0), phases: arg(6, 0) };
    }
    case "am": {
      if (a.length < 2) throw new Error("AM needs at least VA and VO");
      if (a.length > 7) throw new Error(`AM takes at most 7 arguments (VA VO MF FC TD PHASEC PHASES), got ${a.length}`);
      // vsrcload.c: MF of 0 (or absent) is 1/TSTOP; PHASEC is read and unused there (its carrier takes PHASES)
      return { kind, va: a[0], vo: a[1], mf: arg(2, 0) || (d.tstop > 0 ? 1 / d.tstop : 0), fc: arg(3, 0), td: arg(4, 0), phases: arg(6, 0) };
    }
    default:
      throw new Error(`unknown source function '${kind}'`);
  }
}

/** Value of the waveform at time t (s). */
export function waveformAt(w: Waveform, t: number): number {
  switch (w.kind) {
    case "dc":
      return w.value;
    case "pulse": {
      if (t <= w.td) return w.v1;
      let tt = t - w.td;
      // ngspice's vsrcload.c: after NP pulses V1; a period starts again only past PER (t = PER is still the pulse's)
      if (w.np > 0 && tt > w.np * w.per) return w.v1;
      if (w.per > 0 && tt > w.per) tt -= w.per * Math.floor(tt / w.per);
      if (tt <= 0) return w.v1;
      if (tt < w.tr) return w.v1 + ((w.v2 - w.v1) * tt) / w.tr;
      if (tt <= w.tr + w.pw) return w.v2;
      if (tt < w.tr + w.pw + w.tf) return w.v2 + ((w.v1 - w.v2) * (tt - w.tr - w.pw)) / w.tf;
      return w.v1;
    }
    case "sin": {
      const ph = (Math.PI * w.phase) / 180;
      if (t <= w.td) return w.vo + w.va * Math.sin(ph);
      const tt = t - w.td;
      return w.vo + w.va * Math.exp(-tt * w.theta) * Math.sin(2 * Math.PI * w.freq * tt + ph);
    }
    case "pwl": {
      const { t: ts, v } = w;
      // ngspice's vsrcload.c: time -= TD; past the last point, R's repeat: t -> R + ((t - tlast) mod (tlast - R)).
      if (w.td) t -= w.td;
      const tl = ts[ts.length - 1];
      if (w.r !== undefined && t >= tl && tl > w.r) {
        const per = tl - w.r;
        let d = (t - tl) % per;
        if (per - d <= 1e-12 * per) d = 0; // a whole number of periods, rounded down by the remainder: the repeat's start (ngspice matches times to 3 ulps)
        t = w.r + d;
      }
      if (t <= ts[0]) return v[0];
      if (t >= ts[ts.length - 1]) return v[v.length - 1];
      let lo = 0;
      let hi = ts.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (ts[mid] <= t) lo = mid;
        else hi = mid;
      }
      const span = ts[hi] - ts[lo];
      return span > 0 ? v[lo] + ((v[hi] - v[lo]) * (t - ts[lo])) / span : v[hi];
    }
    case "curve":
      return w.at(t);
    case "sffm": {
      const pc = (w.phasec * Math.PI) / 180;
      const ps = (w.phases * Math.PI) / 180;
      return w.vo + w.va * Math.sin(2 * Math.PI * w.fc * t + pc + w.mdi * Math.sin(2 * Math.PI * w.fs * t + ps));
    }
    case "am": {
      const tt = t - w.td;
      if (tt <= 0) return 0;
      const ps = (w.phases * Math.PI) / 180;
      return w.va * (w.vo + Math.sin(2 * Math.PI * w.mf * tt + ps)) * Math.sin(2 * Math.PI * w.fc * tt + ps);
    }
    case "exp": {
      if (t <= w.td1) return w.v1;
      let val = w.v1 + (w.v2 - w.v1) * (1 - Math.exp(-(t - w.td1) / w.tau1));
      if (t > w.td2) val += (w.v1 - w.v2) * (1 - Math.exp(-(t - w.td2) / w.tau2));
      return val;
    }
  }
}

/** Times where the waveform has corners (the integrator should step onto them), within [0, tstop]. */
export function breakpoints(w: Waveform, tstop: number): number[] {
  const out: number[] = [];
  if (w.kind === "pulse") {
    const per = w.per > 0 ? w.per : Infinity;
    for (let k = 0; w.np === 0 || k < w.np; k++) {
      const base = w.td + k * per;
      if (base > tstop || k > 100000) break;
      for (const dt of [0, w.tr, w.tr + w.pw, w.tr + w.pw + w.tf]) if (base + dt <= tstop) out.push(base + dt);
      if (per === Infinity) break;
    }
  } else if (w.kind === "pwl") {
    const td = w.td ?? 0;
    for (const t of w.t) if (t + td <= tstop) out.push(t + td);
    const tl = w.t[w.t.length - 1];
    if (w.r !== undefined && tl > w.r) {
      // the repeated part's points, period tlast - R, up to tstop
      const per = tl - w.r;
      const rep = w.t.filter((t) => t > w.r!);
      for (let k = 1; k <= 100000; k++) {
        if (tl + td + (k - 1) * per > tstop) break;
        for (const t of rep) if (t + td + k * per <= tstop) out.push(t + td + k * per);
      }
    }
  } else if (w.kind === "sin" || w.kind === "exp" || w.kind === "am") {
    const td = w.kind === "exp" ? w.td1 : w.td;
    if (td > 0 && td <= tstop) out.push(td);
    if (w.kind === "exp" && w.td2 <= tstop) out.push(w.td2);
  }
  return out;
}

/**
 * An independent source's value: its DC value for the operating point (the
 * `DC` value when given, else the waveform at t = 0, as ngspice does) and its
 * waveform in time.
 */
export interface SourceValue {
  dc: number;
  wave: Waveform;
  /** Its AC (small-signal) value, `AC mag [phase]`: magnitude (V or A) and phase (degrees); undefined: 0 in AC. */
  ac?: { mag: number; phase: number };
  /** A time function eqspice does not model (e.g. "TRNOISE sources (transient noise ...)"), given beside an explicit DC value: a transient refuses the source. */
  unmodelled?: string;
  /** An I source's parallel multiplier `m=` (ngspice's ISRC m): every value (DC, waveform, AC) times m; undefined: 1. */
  m?: number;
}

/** The AC value of a source as a phasor [re, im] (V or A): mag (cos, sin)(phase); [0, 0] without `AC`. */
export function acPhasor(s: SourceValue): [number, number] {
  if (!s.ac) return [0, 0];
  const ph = (s.ac.phase * Math.PI) / 180;
  const mag = s.ac.mag * (s.m ?? 1);
  return [mag * Math.cos(ph), mag * Math.sin(ph)];
}

export function sourceAt(s: SourceValue, mode: "dc" | "tran", t: number): number {
  const v = mode === "dc" ? s.dc : waveformAt(s.wave, t);
  return s.m === undefined ? v : s.m * v;
}
