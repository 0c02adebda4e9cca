import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// A flag a build tool hands to another tool (`swift build -Xswiftc FLAG`, `-Xcc FLAG`, `-Xlinker
// FLAG`) is a `script` value: a plain flag passes, a place from elsewhere asks. A place attached to
// the handed flag after `=` was not looked at (helper specsP, 5 Dec: `swift build -Xswiftc
// -load-plugin-library=/root/x.so` was allowed on main f8beef5).

describe('flags handed to another tool with a value attached after =', () => {
  const { expectAll } = probeEngine();

  it('a place from elsewhere in the attached value asks', () => {
    expectAll(
      [
        'swift build -Xswiftc -load-plugin-library=/root/x.so',
        'swift build -Xcc -fplugin=/srv/plugins/p.so',
        'swift test -Xswiftc -plugin-path=../other/plugins',
        'swift build -Xlinker -rpath=/root/lib',
      ],
      'refused',
    );
  });

  it('flags, workspace places and the image toolchain pass', () => {
    expectAll(
      [
        'swift build -Xswiftc -DDEBUG -Xcc -DFOO=1',
        'swift build -Xswiftc -warnings-as-errors',
        'swift build -Xlinker -rpath=/usr/lib/swift/linux',
        'swift build -Xswiftc -module-cache-path=.build/cache',
      ],
      'allow',
    );
  });
});
