import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * An unquoted glob whose fixed directory lies outside the workspace and the scratch dirs names
 * only places outside: every name it expands to lies below that directory, and so does the
 * pattern itself, which the shell passes on unchanged when nothing matches. Such a path given to
 * a program with no spec (`java -cp /root/other/lib/*`) had been taken for one that may be inside,
 * and a rule that asks for paths surely outside (`outside: known`) let it through. A glob below a
 * directory that holds the workspace (`/*`, `/test*`) may still name it. Spellings here are not the
 * corpus lines (test/fixtures/policy/corpus.jsonl holds those).
 */
const { expectAll } = probeEngine();

describe('a glob with a fixed directory outside the workspace', () => {
  it('is a path outside for the tools decided by where they write or load from', () => {
    expectAll(
      [
        'java -cp /srv/jars/* com.example.Main',
        'java -cp target/classes:/root/.m2/lib/* Main',
        'rustc -L /opt/../root/deps/* main.rs',
        'autopep8 --in-place /etc/*/x.py',
        'ghc -o /usr/bin/tool? Main.hs',
        'kotlinc src/A.kt -d /root/build[0-9]',
      ],
      'refused',
    );
  });

  it('is not when the directory is the workspace, a scratch dir or inside one', () => {
    expectAll(
      [
        'java -cp "lib/*" Main',
        'java -cp build/libs/*:target/classes Main',
        'rustc -L /testbed/target/debug/deps/* main.rs',
        'autopep8 --in-place src/*/x.py',
        'kotlinc src/*.kt -d /tmp/out',
        'ghc -o /tmp/tool Main.hs lib/*.hs',
      ],
      'allow',
    );
  });
});
