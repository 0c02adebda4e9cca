import { describe, expect, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// Files that inline code (`python -c`, `python - <<EOF`, `node -e`) writes and the same line then
// runs: with literal text they are read as a here-document's would be, otherwise the run asks
// (lead probe, 5 Dec: every such line was allowed, since running a workspace script is).

const { check, expectAll } = probeEngine();

describe('a file written by inline code and then run', () => {
  it('is the commands its literal text holds', () => {
    const lines = [
      `python3 -c "open('/tmp/x.sh','w').write('rm -rf ~')" && bash /tmp/x.sh`,
      `python3 -c "open('x.sh','w').write('rm -rf ~')"; sh x.sh`,
      `python3 -c "from pathlib import Path; Path('x.py').write_text('import shutil; shutil.rmtree(\\"/root\\")')"; python3 x.py`,
      `python3 - <<'EOF'\ncode = """import shutil\nshutil.rmtree('/root')"""\nwith open('t.py', 'w') as f:\n    f.write(code)\nEOF\npython3 t.py`,
      `node -e "const s='rm -rf ~'; require('fs').writeFileSync('x.sh', s)"; bash x.sh`,
      `node -e "const fs=require('fs'); fs.writeFileSync('x.sh', 'rm -rf ~'); fs.chmodSync('x.sh', 0o755)" && ./x.sh`,
      `python3 -c "import os; open('x.sh','w').write('rm -rf ~'); os.utime('x.sh')"; sh x.sh`,
    ];
    for (const c of lines)
      expect(check(c), c).toMatchObject({ decision: 'deny', rule: 'delete-outside-workspace' });
    // The same code running it itself.
    expect(
      check(
        `python3 -c "import subprocess; open('x.sh','w').write('rm -rf ~'); subprocess.run(['bash', 'x.sh'])"`,
      ).rule,
    ).toBe('delete-outside-workspace');
  });

  it('asks when its text is not known: computed, appended, or another write than one literal', () => {
    const lines = [
      `python3 -c "import sys; open('x.sh','w').write(sys.argv[1])" 'rm -rf ~'; bash x.sh`,
      `python3 -c "open('x.sh','a').write('echo')"; bash x.sh`,
      `node -e "require('fs').appendFileSync('x.sh','echo')"; bash x.sh`,
      `node -e "require('fs').writeFileSync('x.sh', process.argv[1])" 'rm -rf ~'; sh x.sh`,
      `python3 -c "p='run.sh'; open(p,'w').write(open(p).read().replace('a','b'))"; bash run.sh`,
      `python3 - <<'EOF'\nwith open('t.sh', 'w') as f:\n    f.write('echo a')\n    print('x', file=f)\nEOF\nbash t.sh`,
      `python3 -c "import subprocess, sys; open('x.sh','w').write(sys.argv[1]); subprocess.run(['./x.sh'])" 'id'`,
    ];
    for (const c of lines) {
      const d = check(c);
      expect(d, c).toMatchObject({ decision: 'ask', rule: 'shell:code-written-script' });
      expect(d.reason, c).toMatch(/inline code on this command line wrote with text drydock could not read/);
    }
  });

  it('leaves everyday work alone: literal scripts, mode changes, edits of sources then tests', () => {
    expectAll(
      [
        `python3 -c "open('x.sh','w').write('echo hi')"; bash x.sh`,
        `node -e "require('fs').writeFileSync('x.sh','make test')"; bash x.sh`,
        `python3 -c "from pathlib import Path; Path('x.py').write_text('print(1)')"; python3 x.py`,
        `python3 - <<'EOF'\ncode = """print(1)"""\nwith open('t.py', 'w') as f:\n    f.write(code)\n    f.write("\\n")\nEOF\npython3 t.py`,
        `python3 -c "import os; os.chmod('x.sh', 0o755)"; ./x.sh`,
        `python3 -c "open('notes.txt','w').write('hi')"; python -m pytest -q`,
        `python3 -c "import re; p='src/a.py'; s=open(p).read(); open(p,'w').write(re.sub('a','b',s))" && python -m pytest tests/`,
        `python3 -c "open('out.txt','w').write('hi')"; cat out.txt`,
      ],
      'allow',
    );
  });
});
