# Generates grammar/src/netstat_s/sentences_data.rs (and tools/counter_words/table.md): python3 tools/counter_words/gen.py
# english.py holds the English templates of statistics.c (1.60, 2013, 2016, 2.10) with their kernel counters.
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from english import T
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'fixtures', 'captured', 'translations') + '/'
LANGS = [("cs", "Cs"), ("de", "De"), ("et", "Et"), ("fr", "Fr"), ("ja", "Ja"), ("pt_BR", "PtBr")]
PH = re.compile(r'%(?:ll|l)?[udi]')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
def norm(s): return PH.sub('%', s)
def rs(s): return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
VB = {"1.60": 1, "2013": 2, "2016": 4, "2.10": 8}
def vbits(v): return sum(VB[x] for x in v.split())
def load(lang):
    rows = []
    for line in list(open(D + lang + '.tsv', encoding='utf-8'))[1:]:
        p = line.rstrip('\n').split('\t')
        if len(p) >= 3 and 'statistics.c' in p[2] and p[1]:
            rows.append((p[0].replace('\\n', '\n'), p[1].replace('\\n', '\n')))
    return rows

out = []
w = out.append
w("// Data of the `netstat -s` sentence table: facts, not code.")
w("//")
w("// The English rows are the templates of net-tools' statistics.c across 1.60, the 2013-09-30")
w("// snapshot (RHEL 7), the 2016-09-12 snapshot (RHEL 8/9) and 2.10, each with the kernel")
w("// counter it prints; README.counters.md gives the evidence for every row. The translated rows")
w("// were derived from tests/fixtures/captured/translations/<lang>.tsv (net-tools' own message")
w("// catalogues): for each statistics.c msgid with a number, its msgstr maps to the counters of")
w("// the English template. `%` marks where the number is printed.")
w("")
w("use super::sentences::{Direction, Template, Versions, WordSentence};")
w("use super::NoticeKind;")
w("use crate::netstat::words::Lang;")
w("")
w("const fn t(text: &'static str, lang: Lang, section: &'static str, name: &'static str, histogram: Option<Direction>, versions: u8) -> Template {")
w("    Template { text, lang, section, name, histogram, versions: Versions::from_bits(versions) }")
w("}")
w("")
w("const IN: Option<Direction> = Some(Direction::Input);")
w("const OUT: Option<Direction> = Some(Direction::Output);")
w("const ANY: Option<Direction> = None;")
w("")
w("/// Every template, English first, then each language.")
w("pub(super) static TEMPLATES: &[Template] = &[")
dirs = {"": "ANY", "In": "IN", "Out": "OUT"}
for (text, sec, name, d, v, ev) in T:
    w(f"    t({rs(text)}, Lang::C, {rs(sec)}, {rs(name)}, {dirs[d]}, 0b{vbits(v):04b}),")
bytext = {}
for e in T: bytext.setdefault(e[0], []).append(e)
counts = {}
for lang, L in LANGS:
    n = 0
    seen = set()
    for msgid, msgstr in load(lang):
        if not PH.search(msgid): continue
        k = norm(msgid).strip()
        loc = norm(msgstr).strip()
        if loc.count('%') != 1:
            print("skip", lang, repr(msgstr), file=sys.stderr); continue
        if loc == k: continue
        for (text, sec, name, d, v, ev) in bytext[k]:
            key = (loc, sec, name, d)
            if key in seen: continue
            seen.add(key)
            w(f"    t({rs(loc)}, Lang::{L}, {rs(sec)}, {rs(name)}, {dirs[d]}, 0),")
            n += 1
    counts[lang] = n
w("];")
w("")
# histogram titles
w("/// The ICMP histogram sub-titles, in every language (French and one Portuguese title have no colon).")
w("pub(super) static HISTOGRAMS: &[(&str, Direction, Lang)] = &[")
w('    ("ICMP input histogram:", Direction::Input, Lang::C),')
w('    ("ICMP output histogram:", Direction::Output, Lang::C),')
for lang, L in LANGS:
    for msgid, msgstr in load(lang):
        if msgid in ("ICMP input histogram:", "ICMP output histogram:"):
            d = "Input" if "input" in msgid else "Output"
            w(f"    ({rs(msgstr.strip())}, Direction::{d}, Lang::{L}),")
w("];")
w("")
w("/// `Forwarding is %s` and `RTO algorithm is %s`: (text with `%` for the word, which, language).")
w("pub(super) static WORD_SENTENCES: &[(&str, WordSentence, Lang)] = &[")
w('    ("Forwarding is %", WordSentence::Forwarding, Lang::C),')
w('    ("RTO algorithm is %", WordSentence::RtoAlgorithm, Lang::C),')
for lang, L in LANGS:
    for msgid, msgstr in load(lang):
        if msgid == "Forwarding is %s":
            w(f"    ({rs(msgstr.strip().replace('%s', '%'))}, WordSentence::Forwarding, Lang::{L}),")
        if msgid == "RTO algorithm is %s":
            w(f"    ({rs(msgstr.strip().replace('%s', '%'))}, WordSentence::RtoAlgorithm, Lang::{L}),")
w("];")
w("")
w("/// The words `Forwarding is %s` prints: (word, value of Ip Forwarding).")
w("pub(super) static FORWARDING_WORDS: &[(&str, i128)] = &[")
w('    ("enabled", 1),')
w('    ("disabled", 2),')
for lang, L in LANGS:
    for msgid, msgstr in load(lang):
        if msgid in ("enabled", "disabled"):
            w(f"    ({rs(msgstr.strip())}, {1 if msgid == 'enabled' else 2}),")
w("];")
w("")
w("/// Error lines of netstat -s, by their start, in every language.")
w("pub(super) static NOTICES: &[(&str, NoticeKind)] = &[")
C_NOT = [("error parsing /proc/net/", "ProcError"), ("cannot open /proc/net/", "ProcError"),
         ("Problem while parsing /proc/net/", "ProcError")]
for a, b in C_NOT: w(f"    ({rs(a)}, NoticeKind::{b}),")
for lang, L in LANGS:
    for msgid, msgstr in load(lang):
        if msgid.startswith(("error parsing /proc", "cannot open /proc", "Problem while parsing /proc")):
            w(f"    ({rs(msgstr.strip())}, NoticeKind::ProcError),")
w("];")
open(os.path.join(ROOT, 'grammar', 'src', 'netstat_s', 'sentences_data.rs'), 'w').write("\n".join(out) + "\n")
print(counts, file=sys.stderr)

# markdown
md = []
m = md.append
m("| template (`N` = the number) | section | kernel counter | hist. | 1.60 | 2013 | 2016 | 2.10 | evidence |")
m("|---|---|---|---|---|---|---|---|---|")
for (text, sec, name, d, v, ev) in T:
    vs = v.split()
    cells = ["✓" if x in vs else "" for x in ["1.60", "2013", "2016", "2.10"]]
    m(f"| `{text.replace('%', 'N')}` | {sec} | {name} | {d.lower() if d else ''} | " + " | ".join(cells) + f" | {ev} |")
open(os.path.join(ROOT, 'tools', 'counter_words', 'table.md'), 'w').write("\n".join(md) + "\n")
# version counts
from collections import Counter
vc = Counter()
for e in T:
    if e[1] in ("Ip6", "Icmp6", "Udp6"): vc["v6"] += 1; continue
    for x in e[4].split(): vc[x] += 1
print(vc, len(T), file=sys.stderr)
