import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * A value that is a list of places separated by `:` (Ruby's load path `-I lib:spec`, a Java class
 * path, a search path given to an option): the program reads every entry, so an entry outside the
 * workspace is a place outside, as it would be alone. Held open by stop 47 (`rspec -Ilib:/srv/x`
 * was allowed: only the whole text, a relative path, was judged).
 */
const { expectAll } = probeEngine();

describe('an entry outside in a list of places', () => {
  it('is refused for programs with a spec and without one', () => {
    expectAll(
      [
        'rspec -Ilib:/srv/x',
        'rspec -I spec:/root/gems/evil/lib spec/a_spec.rb',
        'rspec -I lib:../../other/lib',
        'ruby -Ilib:/srv/x test/a.rb',
        'ruby -I test:~/.gem/evil test/a.rb',
        'java -cp target/classes:/root/x.jar Main',
        'java -classpath lib/a.jar:/srv/agent.jar com.x.Main',
        'kotlinc -cp build:/home/u/x.jar src/a.kt',
        'scalac -classpath out:../../../elsewhere/x.jar A.scala',
      ],
      'refused',
    );
  });
  it('leaves lists inside the workspace, URLs, module:function and revision:path alone', () => {
    expectAll(
      [
        'rspec -I lib:spec',
        'rspec -Ilib spec/models',
        'ruby -Ilib:test test/a_test.rb',
        'java -cp target/classes:lib/a.jar Main',
        'java -cp target/classes:target/test-classes org.junit.runner.JUnitCore x.ATest',
        'javac -cp .:lib/junit.jar A.java',
        'git show HEAD:src/a.py',
        'git diff main:src/a.py HEAD:src/a.py',
        'curl http://localhost:8000/api',
        'python -m pytest tests/a.py::TestX::test_y',
      ],
      'allow',
    );
  });
});
