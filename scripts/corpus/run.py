#!/usr/bin/env python3
"""ngspice 39's own examples/ and tests/ decks (Debian: `apt-get source ngspice`, the
tree in $NGSRC) through ngspice's operating point (their .control blocks stripped,
`op` and `print all` added) and `eqspice op --json` (the deck as written), every node
ngspice prints compared: a match is |dV| <= 1e-6 V or 1e-6 relative on all of them.
   NGSRC=/path/to/ngspice-39 [ONLY=substring] [J=2] python3 scripts/corpus/run.py results.json
   python3 scripts/corpus/summ.py results.json     # counts by outcome (first error per deck)
   python3 scripts/corpus/tran.py results.json tran.json   # transients of the matching decks
Writes a X.__ng copy beside each deck. A measurement tool, not a test: the decks are not shipped."""
import os, re, sys, json, subprocess, glob, concurrent.futures as cf
ROOT = os.environ.get('NGSRC', '/work/ngsrc/ng')
EQ = os.environ.get('EQ', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../dist/src/cli/main.js'))
OUT = sys.argv[1] if len(sys.argv) > 1 else 'results.json'
exts = ('.cir', '.sp', '.net', '.spi', '.ckt', '.spice', '.deck')
decks = sorted(p for d in ('examples', 'tests') for p in glob.glob(f'{ROOT}/{d}/**/*', recursive=True) if p.lower().endswith(exts) and os.path.isfile(p))
flt = os.environ.get('ONLY')
if flt: decks = [d for d in decks if flt in d]

def ng_deck(text):
    out, skip = [], False
    for l in text.splitlines():
        s = l.strip().lower()
        if s.startswith('.control'): skip = True; continue
        if s.startswith('.endc'): skip = False; continue
        if skip: continue
        # `.save` keeps only the vectors it names, which `print all` then prints: drop it, every node compared
        if re.match(r'\.save\b', s): continue
        if s.startswith('.end') and not s.startswith('.ends') and not s.startswith('.endl') and not s.startswith('.endif'):
            break
        out.append(l)
    out += ['.control', 'set numdgt=16', 'op', 'print all', '.endc', '.end']
    return '\n'.join(out) + '\n'

num = r'([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)'
def parse_ng(s):
    v = {}
    for line in s.splitlines():
        m = re.match(r'^\s*(\S+)\s*=\s*' + num + r'\s*$', line)
        if m: v[m.group(1).lower()] = float(m.group(2))
    return v

def run(deck):
    d = os.path.dirname(deck)
    try: text = open(deck, encoding='latin-1').read()
    except Exception as e: return deck, {'status': 'unreadable'}
    ng = deck + '.__ng'
    open(ng, 'w').write(ng_deck(text))
    r = {}
    try:
        p = subprocess.run(['ngspice', '-b', os.path.basename(ng)], cwd=d, capture_output=True, text=True, timeout=60, encoding='latin-1')
        nv = parse_ng(p.stdout)
        # every node ngspice prints: `name = value` from print all, and `v(name) = value` (a deck's .save/.print)
        nodes = {k: x for k, x in nv.items() if not k.endswith('#branch') and not k.startswith('@') and not k.startswith('v(') and not k.startswith('i(')}
        nodes.update({k[2:-1]: x for k, x in nv.items() if k.startswith('v(') and k.endswith(')') and k[2:-1] not in nodes})
        bad = re.search(r'(doAnalyses|Timestep too small|singular matrix|no such|Error|error)', p.stdout + p.stderr)
        r['ng'] = nodes
        # a deck that builds no circuit (a .control script) leaves ngspice's constants plot current: `print all` prints those
        consts = {'false', 'true', 'boltz', 'c', 'e', 'echarge', 'kelvin', 'no', 'pi', 'planck', 'yes'}
        r['ngok'] = bool(nodes) and set(nodes) != consts and not re.search(r'(op simulation\(s\) aborted|doAnalyses: |Gmin stepping failed.*\n.*source stepping failed)', p.stdout + p.stderr)
    except subprocess.TimeoutExpired:
        r['ngok'] = False; r['ng'] = {}; r['ngtimeout'] = True
    try:
        p = subprocess.run(['node', EQ, 'op', '--json', os.path.basename(deck)], cwd=d, capture_output=True, text=True, timeout=90)
        r['eqrc'] = p.returncode
        if p.returncode == 0:
            j = json.loads(p.stdout); r['eq'] = {k.lower(): x for k, x in j['nodes'].items()}
        else: r['eqerr'] = (p.stderr.strip().splitlines() or [''])[0][:300]
    except subprocess.TimeoutExpired:
        r['eqrc'] = 'timeout'
    except Exception as e:
        r['eqrc'] = 'badjson'; r['eqerr'] = str(e)[:200]
    if r.get('ngok') and r.get('eqrc') == 0 and set(r['ng']) == {'all'} and r['eq']:
        # ngspice's `print all` with one vector prints it as `all = x`: ask for eqspice's nodes by name
        try:
            text = open(ng).read().replace('print all', 'print ' + ' '.join(f'v({n})' for n in r['eq']))
            open(ng, 'w').write(text)
            p = subprocess.run(['ngspice', '-b', os.path.basename(ng)], cwd=d, capture_output=True, text=True, timeout=60, encoding='latin-1')
            nv = parse_ng(p.stdout)
            r['ng'] = {k[2:-1]: x for k, x in nv.items() if k.startswith('v(') and k.endswith(')')}
        except subprocess.TimeoutExpired:
            pass
    if r.get('ngok') and r.get('eqrc') == 0:
        worst, wn, missing = 0.0, None, 0
        for k, x in r['ng'].items():
            if k not in r['eq']: missing += 1; continue
            dv = abs(x - r['eq'][k]); rel = dv / max(abs(x), 1e-30)
            if dv > 1e-6 and rel > 1e-6 and dv > worst: worst, wn = dv, k
        r['worst'] = worst; r['worstNode'] = wn; r['missing'] = missing; r['compared'] = len(r['ng']) - missing
    return deck, r

res = {}
with cf.ThreadPoolExecutor(int(os.environ.get('J', '2'))) as ex:
    for deck, r in ex.map(run, decks):
        res[deck.replace(ROOT + '/', '')] = r
json.dump(res, open(OUT, 'w'), indent=0)
ngok = [k for k, r in res.items() if r.get('ngok')]
match = [k for k in ngok if r_ok(res[k])] if False else [k for k in ngok if res[k].get('eqrc') == 0 and res[k].get('worst', 1) == 0 and res[k].get('compared', 0) > 0]
print('decks', len(res), 'ngspice op ok', len(ngok), 'match', len(match))
