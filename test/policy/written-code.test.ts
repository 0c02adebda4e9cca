import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

// Code in another language than shell that the command line writes with literal text and then
// runs (issue 14, item 1): Python, JavaScript and TypeScript are read as inline code is
// (extract.ts readWrittenScript); other languages ask. Every line here is only decided, never run.
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, budgetMs: Infinity });
});
afterAll(() => engine.close());

const decide = (c: string) => engine.check(c);

describe('Python or JavaScript the line writes and then runs', () => {
  it('is decided as the commands, files and hosts its code reaches, however it was written', () => {
    const rm = 'delete-outside-workspace';
    expect(decide(`echo 'import os; os.system("rm -rf ~")' > x.py; python x.py`).rule).toBe(rm);
    expect(decide(`printf 'import shutil\\nshutil.rmtree("/root")\\n' > x.py && python3 x.py`).rule).toBe(rm);
    expect(decide(`cat > x.py <<'EOF'\nimport os\nos.system("rm -rf ~")\nEOF\npython3 x.py`).rule).toBe(rm);
    expect(
      decide(`tee x.py <<'EOF' >/dev/null\nimport os\nos.remove("/etc/passwd")\nEOF\npython3 x.py`).decision,
    ).toBe('deny');
    // An append adds to what the file held.
    expect(decide(`echo 'import os' > x.py; echo 'os.system("rm -rf ~")' >> x.py; python3 x.py`).rule).toBe(
      rm,
    );
    expect(decide(`printf 'require("child_process").execSync("rm -rf ~")\\n' > t.js && node t.js`).rule).toBe(
      rm,
    );
    expect(
      decide(
        `cat > t.ts <<'EOF'\nimport { execSync } from "child_process";\nexecSync("rm -rf ~");\nEOF\nnpx tsx t.ts`,
      ).rule,
    ).toBe(rm);
    expect(
      decide(
        `cat > x.py <<'EOF'\nimport subprocess\nsubprocess.run(["cat", "/root/.ssh/id_rsa"])\nEOF\npython3 x.py`,
      ).rule,
    ).toBe('read-credentials');
  });

  it('allows code that only prints or computes, as before', () => {
    for (const c of [
      `echo 'print(1+1)' > x.py; python x.py`,
      `cat > x.py <<'EOF'\nimport math\nprint(math.sqrt(2))\nEOF\npython3 x.py`,
      `printf 'console.log(42)\\n' > t.js && node t.js`,
      `echo 'print("a\\nb")' > x.py; python3 x.py`,
      `cat <<'EOF' > reproduce.py\nfrom sympy import symbols\nx = symbols("x")\nprint(x + 1)\nEOF\npython reproduce.py`,
      `printf '#!/usr/bin/env python3\\nprint(1)\\n' > x.py; chmod +x x.py; ./x.py`,
    ])
      expect(decide(c).decision, c).toBe('allow');
  });

  it('reads echo as dash would too: a line break from `\\n` that starts a statement', () => {
    expect(decide(`echo 'x = 1 #\\nimport os; os.system("rm -rf ~")' > x.py; python3 x.py`).decision).toBe(
      'deny',
    );
  });

  it('follows where Python finds it: python -m, a module it may import, the directory it was written in', () => {
    const rm = 'delete-outside-workspace';
    expect(decide(`echo 'import os; os.system("rm -rf ~")' > evil.py; python -m evil`).rule).toBe(rm);
    // A file named as a tool's module shadows it: `python -m pytest` runs ./pytest.py.
    expect(decide(`echo 'import os; os.system("rm -rf ~")' > pytest.py; python -m pytest`).rule).toBe(rm);
    expect(
      decide(
        `echo 'import helper' > main.py; echo 'import os; os.system("rm -rf ~")' > helper.py; python main.py`,
      ).rule,
    ).toBe(rm);
    expect(
      decide(`echo 'import os; os.system("rm -rf ~")' > helper.py; python -c 'import helper'`).rule,
    ).toBe(rm);
    expect(decide(`echo 'import os; os.system("rm -rf ~")' > x.py; cd sub && python ../x.py`).rule).toBe(rm);
    // Another directory's x.py is not the one written.
    expect(decide(`echo 'import os; os.system("rm -rf ~")' > x.py; cd sub && python x.py`).decision).toBe(
      'allow',
    );
    expect(
      decide(`echo 'process.exit(0)' > pre.js; echo 'console.log(1)' > app.js; node -r ./pre.js app.js`)
        .decision,
    ).toBe('allow');
    expect(
      decide(`echo 'require("child_process").execSync("rm -rf ~")' > pre.js; node -r ./pre.js app.js`).rule,
    ).toBe(rm);
  });

  it('runs a file by its interpreter line as that interpreter', () => {
    expect(
      decide(
        `printf '#!/usr/bin/env python3\\nimport os\\nos.system("rm -rf ~")\\n' > x.py; chmod +x x.py; ./x.py`,
      ).rule,
    ).toBe('delete-outside-workspace');
    expect(decide(`printf '#!/usr/bin/perl\\nprint 1\\n' > x.pl; chmod +x x.pl; ./x.pl`).rule).toBe(
      'interpreter-written-scripts',
    );
  });

  it('asks for code that hides what it runs, and for a language drydock does not read', () => {
    for (const c of [
      `echo 'exec(input())' > x.py; python3 x.py`,
      `printf 'import os\\ngetattr(os, "sys" + "tem")("id")\\n' > x.py; python3 x.py`,
      `echo 'system("id")' > x.rb; ruby x.rb`,
      `echo 'system("id");' > x.pl; perl x.pl`,
      `echo '<?php system("id");' > x.php; php x.php`,
    ]) {
      const d = decide(c);
      expect(d.decision, c).toBe('deny');
      expect(d.rule, c).toBe('interpreter-written-scripts');
    }
    // The same programs running a file the line did not write are workspace scripts.
    expect(decide(`echo 'system("id")' > x.rb; ruby y.rb`).rule).not.toBe('interpreter-written-scripts');
  });

  it('runs ordinary code the reader stops on as any workspace script (its length, a call it does not know)', () => {
    const long = Array.from({ length: 300 }, (_, i) => `v${i} = compute(${i}, "value number ${i}")`).join(
      '\n',
    );
    expect(
      decide(`cat > bench.py <<'EOF'\nimport os\n${long}\nprint(os.urandom(4))\nEOF\npython3 bench.py`)
        .decision,
    ).toBe('allow');
    // What it was seen to do is still decided, however long the rest is.
    expect(
      decide(`cat > bench.py <<'EOF'\nimport os\n${long}\nos.system("rm -rf ~")\nEOF\npython3 bench.py`)
        .decision,
    ).toBe('deny');
  });
});
