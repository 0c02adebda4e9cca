import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// A list-valued option (a spec's `value_delimiter`: java's class path, deno's permission lists) is
// decided entry by entry. A value only known when it runs is split by its shape too: `-cp out:$X`
// is `out` and an entry only known when it runs (asks), not one relative path `out:…` inside the
// workspace, which is how it was allowed until stop 50 (8 of 10 such lines on main).

describe('list values with entries only known when they run', () => {
  const probe = probeEngine();

  it('decide each entry, so an unknown or outside entry after a literal one is refused', () => {
    probe.expectAll(
      [
        'java -cp out:$X Main',
        'java -cp "target/classes:$EXTRA_CP" Main',
        'java --class-path "build/classes:$(cat /tmp/cp.txt)" Main',
        'java -classpath=lib/*:$AGENT_JAR Main',
        'kotlin -cp out:$X MainKt',
        // (each alternative shape of a value is split by itself)
        'java -cp "out:${HOME:-/root}/x.jar" Main',
        'java -cp "out:${X:-lib/x.jar}" Main',
        'deno run --allow-write=.,$HOME x.ts',
        'deno run --allow-run=git,$PROG x.ts',
        'deno run --allow-net=localhost,$HOST x.ts',
      ],
      'refused',
    );
  });

  it('keep literal lists of workspace, scratch and loopback entries allowed', () => {
    probe.expectAll(
      [
        'java -cp target/classes:target/dependency/* com.example.Main',
        'java -cp "$PWD/lib/x.jar" Main',
        'deno run --allow-read=.,/tmp --allow-write=./out main.ts',
        'deno run --allow-net=localhost:8000,127.0.0.1 server.ts',
        // (read permissions are the workspace script's, whose reads are its own: as `-A` is)
        'deno run --allow-read=.,$HOME x.ts',
      ],
      'allow',
    );
  });
});
