#!/usr/bin/env python3
"""Transients of the decks whose operating point matches (results json given): the deck's own
.tran (or, without one, the first `tran` command of its .control block) on both simulators at
tight tolerances (reltol 1e-6, abstol 1e-12, vntol 1e-9 on both, written after the deck's own
.options), max |dV| over every node ngspice writes, at eqspice's output times (ngspice's points
interpolated). Where that exceeds 1e-3 V, ngspice runs again with TMAX / 10 ('fine'), and the
record gets eqspice's and ngspice's own distance from that finer answer: a deck where ngspice's
answer moves with its step (switch thresholds crossed between points, a ring oscillator's
period) shows as ng-vs-fine comparable to eq-vs-ng.
   NGSRC=... [KEYS=a,b] [J=2] python3 scripts/corpus/tran.py results.json tran.json"""
import os, re, sys, json, subprocess, csv, bisect, concurrent.futures as cf
ROOT = os.environ.get('NGSRC', '/work/ngsrc/ng')
EQ = os.environ.get('EQ', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../dist/src/cli/main.js'))
res = json.load(open(sys.argv[1]))
OUT = sys.argv[2]
TIGHT = '.options reltol=1e-6 abstol=1e-12 vntol=1e-9'
TOL = 1e-3

def strip(text):
    """The deck without its .control blocks and what follows .end; and the first `tran` command of a .control block."""
    out, skip, ctl = [], False, None
    for l in text.splitlines():
        s = l.strip().lower()
        if s.startswith('.control'): skip = True; continue
        if s.startswith('.endc'): skip = False; continue
        if skip:
            if ctl is None and re.match(r'^tran\s', s): ctl = '.' + l.strip()
            continue
        if s.startswith('.end') and not s.startswith(('.ends', '.endl', '.endif')): break
        out.append(l)
    return out, ctl

SCALE = {'t': 1e12, 'g': 1e9, 'meg': 1e6, 'k': 1e3, 'mil': 25.4e-6, 'm': 1e-3, 'u': 1e-6, 'n': 1e-9, 'p': 1e-12, 'f': 1e-15}
def num(tok):
    m = re.match(r'^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)(meg|mil|[tgkmunpf])?', tok.lower())
    if not m: return None
    return float(m.group(1)) * (SCALE[m.group(2)] if m.group(2) else 1)

def tmaxed(l, div=1):
    """`.tran TSTEP TSTOP [TSTART [TMAX]] [uic]` with TMAX made explicit: the card's, else TSTEP / 4 (the output grid
    then samples both simulators' curves finely enough for a 1e-3 V comparison); divided by div (the fine run)."""
    t = l.split()
    if not t or t[0].lower() != '.tran': return l
    uic = any(x.lower() == 'uic' for x in t[1:])
    args = [x for x in t[1:] if x.lower() != 'uic']
    vals = [num(a) for a in args[:4]]
    if len(args) < 2 or None in vals: return l
    tstep, tstop = vals[0], vals[1]
    tstart = vals[2] if len(vals) > 2 else 0
    tmax = vals[3] if len(vals) > 3 else (tstep / 4 if len(vals) == 2 else min(tstep, (tstop - tstart) / 50))
    return f".tran {args[0]} {args[1]} {tstart:g} {tmax / div:g}" + (' uic' if uic else '')

def read_ng(wr):
    rows = [l.split() for l in open(wr)]
    # wrdata names a node `v(n)` or plain `n` (ngspice 39 writes the plain name for `all` in some decks)
    names = [n.lower() if n.lower().startswith(('v(', 'i(')) or '#' in n or j == 0 else f'v({n.lower()})' for j, n in enumerate(rows[0])]
    return names, [list(map(float, x)) for x in rows[1:] if len(x) == len(names)]

def run_ng(d, ngf, lines, wr):
    open(ngf, 'w').write('\n'.join(lines + ['.control', 'set wr_vecnames', 'set wr_singlescale', 'set numdgt=12', 'run', f'wrdata {wr} all', '.endc', '.end']) + '\n')
    subprocess.run(['ngspice', '-b', os.path.basename(ngf)], cwd=d, capture_output=True, timeout=120)
    return read_ng(wr)

def compare(names, data, eh, ed):
    """Largest |eqspice - ngspice| over the nodes both write, at eqspice's rows inside ngspice's span."""
    nt = [x[0] for x in data]
    worst, wn, wt, n = 0.0, None, None, 0
    for j, nm in enumerate(names):
        if j == 0 or '#' in nm or not nm.startswith('v(') or nm not in eh: continue
        c = eh.index(nm); n += 1
        for row in ed:
            t = row[0]
            if t < nt[0] or t > nt[-1]: continue
            i = bisect.bisect_left(nt, t)
            if i < len(nt) and nt[i] == t: v = data[i][j]
            else:
                i0 = max(0, i - 1); i1 = min(len(nt) - 1, i)
                v = data[i0][j] if i0 == i1 else data[i0][j] + (data[i1][j] - data[i0][j]) * (t - nt[i0]) / (nt[i1] - nt[i0])
            dv = abs(v - row[c])
            if dv > worst: worst, wn, wt = dv, nm, t
    return worst, wn, wt, n

def run(k):
    deck = f'{ROOT}/{k}'; d = os.path.dirname(deck)
    body, ctl = strip(open(deck, encoding='latin-1').read())
    if not any(re.match(r'^\s*\.tran\b', l, re.I) for l in body):
        if ctl is None: return k, None
        body = body + [ctl]
    base = os.path.basename(deck)
    eqf = f'{d}/{base}.__eqt'; ngf = f'{d}/{base}.__ngt'; wr = f'/tmp/wr_{abs(hash(k))}.txt'
    # the tight tolerances last: a deck's own .options (read in order, the last of a name wins in both) would override them
    lines = [body[0]] + [tmaxed(l) for l in body[1:]] + [TIGHT]
    open(eqf, 'w').write('\n'.join(lines + ['.end']) + '\n')
    try:
        names, data = run_ng(d, ngf, lines, wr)
    except Exception as e:
        return k, {'status': 'ngfail', 'err': str(e)[:100]}
    try:
        p = subprocess.run(['node', EQ, 'tran', os.path.basename(eqf), '--quiet', '--max-rows', '2000000'], cwd=d, capture_output=True, text=True, timeout=120)
        if p.returncode != 0: return k, {'status': 'eqfail', 'err': (p.stderr.strip().splitlines() or [''])[-1][:200]}
        rd = list(csv.reader(p.stdout.splitlines()))
        eh = [h.lower() for h in rd[0]]; ed = [list(map(float, x)) for x in rd[1:]]
    except subprocess.TimeoutExpired:
        return k, {'status': 'eqtimeout'}
    worst, wn, wt, n = compare(names, data, eh, ed)
    r = {'status': 'ok', 'worst': worst, 'node': wn, 't': wt, 'nodes': n}
    if worst > TOL:
        try:
            fine = [body[0]] + [tmaxed(l, 10) for l in body[1:]] + [TIGHT]
            fn, fd = run_ng(d, f'{d}/{base}.__ngf', fine, wr + '.fine')
            r['eqVsFine'] = compare(fn, fd, eh, ed)[0]
            # ngspice's own rows against its finer run
            nh = names; r['ngVsFine'] = compare(fn, fd, nh, data)[0]
        except Exception as e:
            r['fine'] = 'failed: ' + str(e)[:80]
    return k, r

keys = [k for k, r in res.items() if r.get('ngok') and r.get('eqrc') == 0 and r.get('worst', 1) == 0 and r.get('compared', 0) > 0]
if os.environ.get('KEYS'): keys = [k for k in keys if k in os.environ['KEYS'].split(',')]
out = {}
with cf.ThreadPoolExecutor(int(os.environ.get('J', '2'))) as ex:
    for k, r in ex.map(run, keys):
        if r is not None:
            out[k] = r
            print(k, r, flush=True)
            json.dump(out, open(OUT, 'w'), indent=0)
json.dump(out, open(OUT, 'w'), indent=0)
ok = [k for k, r in out.items() if r['status'] == 'ok' and r['nodes'] > 0]
print('with a transient', len(out), 'compared', len(ok), f'<={TOL:g} V', sum(1 for k in ok if out[k]['worst'] <= TOL))
for k, r in sorted(out.items(), key=lambda kv: -(kv[1].get('worst') or 0)):
    print(f"  {k}: {r}")
