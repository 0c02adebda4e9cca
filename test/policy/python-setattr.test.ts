import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * `setattr`/`delattr` with a computed attribute name (stream 20: OpenCode's checks of pydicom,
 * `for kw in (...): setattr(ds, kw, value)`, asked as "can reach any function"). Assigning or
 * deleting an attribute of an object that is not a module calls nothing and hands nothing out; a
 * function stored under the name is checked where it is named as a value. getattr with a computed
 * name stays unknown (it may be any method, `write_text` among them). Neighbours written from the
 * class, not from the stream.
 */
describe('setattr and delattr with a computed name', () => {
  const { expectAll } = probeEngine();

  it('are read as an attribute assignment on an object the code made', () => {
    expectAll(
      [
        "python - <<'PY'\nfrom pydicom.dataset import Dataset\nfor keyword in ('DoubleFloatPixelData', 'TrackPointIndexList'):\n    ds = Dataset()\n    value = b'\\x00\\x01'\n    setattr(ds, keyword, value)\n    print(ds[keyword].value == value)\nPY",
        "python -c \"class C: pass\nc = C()\nfor k, v in {'a': 1, 'b': 2}.items():\n    setattr(c, k, v)\nprint(c.a, c.b)\"",
        'python -c "class C:\n    a = 1\nc = C()\nname = \'a\'\nsetattr(c, name, 3)\ndelattr(c, name)\nprint(c.a)"',
      ],
      'allow',
    );
  });

  it('still ask for modules, builtins, a function stored by name, and getattr', () => {
    expectAll(
      [
        'python -c "import os\nfor n in [\'getcwd\']:\n    setattr(os, n, print)\nprint(os.getcwd())"',
        "python -c \"import sys\nname = 'path'\nsetattr(sys, name, ['/tmp/x'])\nimport evil\"",
        "python -c \"import os\nclass C: pass\nc = C()\nfor k in ['run']:\n    setattr(c, k, os.system)\nc.run('rm -rf ~')\"",
        "python -c \"class C: pass\nc = C()\nk = 'e'\nsetattr(c, k, eval)\nc.e('1')\"",
        "python -c \"class C: pass\nc = C()\nk = 'o'\nsetattr(c, k, open)\nc.o('/etc/shadow-copy', 'w').write('x')\"",
        'python -c "k = \'open\'\nsetattr(__builtins__, k, print)"',
        'python -c "import os\nk = \'remove\'\ndelattr(os, k)"',
        "python -c \"from pathlib import Path\np = Path('/root/.bashrc')\nm = 'write_text'\ngetattr(p, m)('x')\"",
        'python -c "class C: pass\nc = C()\nargs = (\'a\', 1)\nsetattr(c, *args)"',
      ],
      'refused',
    );
  });
});
