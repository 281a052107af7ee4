"""Counts of a run.py result file by outcome: match, differ, refused (by the first error's text)."""
import json,sys,collections,re
res=json.load(open(sys.argv[1]))
ngok={k:r for k,r in res.items() if r.get('ngok')}
cat=collections.Counter(); ex=collections.defaultdict(list)
for k,r in ngok.items():
    if r.get('eqrc')==0:
        if r.get('compared',0)==0: c='no nodes compared'
        elif r['worst']==0: c='match'
        else: c='differ'
    elif r.get('eqrc')=='timeout': c='eq timeout'
    else:
        e=r.get('eqerr','')
        e=re.sub(r'^.*?:\d+:\d+:\s*','',e)
        c='refused: '+e[:70]
    cat[c]+=1; ex[c].append(k)
for c,n in cat.most_common(): print(n, c, ex[c][:2])
