import t from 'tap';
import { readFileSync } from 'node:fs';
import { configSchema } from '../src/config.ts';

interface Entry { name: string; value: string; active: boolean; comment: string[] }

/** `NAME=value` (set) and `# NAME=value` (shown, left unset), each with the comment block above its group. */
function entries(text: string): Entry[] {
  const out: Entry[] = [];
  let comment: string[] = [];
  let inGroup = false;
  for (const line of text.split('\n')) {
    const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) {
      out.push({ name: m[2]!, value: m[3]!, active: !m[1], comment });
      inGroup = true;
    } else if (line.startsWith('#')) {
      if (inGroup) comment = [];
      inGroup = false;
      comment.push(line);
    } else {
      comment = [];
      inGroup = false;
    }
  }
  return out;
}

const properties: Record<string, { type: string; default?: unknown }> = configSchema.properties;
const listed = entries(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));

t.test('.env.example lists exactly the variables the config schema reads', async (t) => {
  const names = listed.map((e) => e.name);
  t.same(names.filter((n, i) => names.indexOf(n) !== i), [], 'each variable once');
  t.same(Object.keys(properties).filter((n) => !names.includes(n)), [], 'every variable of src/config.ts is in .env.example');
  t.same(names.filter((n) => !(n in properties)), [], 'every variable of .env.example is read by src/config.ts');
});

t.test('each variable is explained in Chinese and in English, and a value set there is the default', async (t) => {
  for (const e of listed) {
    const text = e.comment.join('\n');
    t.match(text, /[\u4e00-\u9fff]/, `${e.name}: a Chinese comment`);
    t.match(text, /[A-Za-z]{3,} [a-z]{2,}/, `${e.name}: an English comment`);
    const fallback = properties[e.name]?.default;
    if (e.active) t.equal(e.value, String(fallback), `${e.name}=${e.value} is the default, so copying the line changes nothing`);
  }
});
