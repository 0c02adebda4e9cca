import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * `sys.modules.setdefault(NAME, stub)` as a statement registers a stub module before an import
 * (stream 20: OpenCode's checks of pvlib and marshmallow shimming `distutils` on Python 3.12, 11
 * heredocs asked as "reaches any module"), as `sys.modules[NAME] = stub` already did. What it
 * returns may be a loaded module, so a setdefault whose result is used still asks, and a module
 * given as the stub is not a stub. Neighbours written from the class, not from the stream.
 */
describe('sys.modules.setdefault registering a stub', () => {
  const { expectAll } = probeEngine();

  it('is read as a store of the stub', () => {
    expectAll(
      [
        "python - <<'PY'\nimport sys, types\ndistutils = types.ModuleType('distutils')\nsys.modules.setdefault('distutils', distutils)\nprint('ok')\nPY",
        "python3 - <<'PY'\nimport sys, types\nsys.modules.setdefault('pytest', types.SimpleNamespace(register_assert_rewrite=lambda *a, **k: None))\nimport pytest\nprint(pytest)\nPY",
        'python -c "import sys\nclass Stub: pass\nsys.modules.setdefault(\'numba\', Stub())\nprint(1)"',
      ],
      'allow',
    );
  });

  it('still asks when it hands out a module or stores one', () => {
    expectAll(
      [
        "python -c \"import sys\nm = sys.modules.setdefault('os', None)\nm.system('rm -rf ~')\"",
        "python -c \"import sys\nsys.modules.setdefault('os', None).system('rm -rf ~')\"",
        "python -c \"import sys, os\nsys.modules.setdefault('json', os)\nimport json\njson.system('rm -rf ~')\"",
        "python -c \"import sys\nsys.modules.setdefault('json', __import__('o' + 's'))\nimport json\njson.system('id')\"",
        'python -c "import sys\nargs = (\'json\', None)\nsys.modules.setdefault(*args)"',
      ],
      'refused',
    );
  });
});
