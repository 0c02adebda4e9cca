import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Build tools, test runners and linters with no spec are still allowed by name; probe 22 found
 * their options allowed in every batch. Two classes are read from the words themselves: a long
 * option whose name says it runs a command, loads code, reaches a socket, proxy or registry, sends
 * something away or takes a credential; and a URL on another host anywhere in an argument. Each
 * class is tested with programs and spellings that are not in the rules' examples. Some spellings
 * are not real options of those programs (the rule reads the name only; an option a program does
 * not have fails there anyway): the corpus holds only the real ones.
 */
const { expectAll } = probeEngine();

describe('a spec-less tool given an option named for code, a socket, a registry or a credential', () => {
  it('asks', () => {
    expectAll(
      [
        'nx run-many -t build --runner=cloud --access-token abc',
        'turbo run build --token abc --team x',
        'cppcheck --addon-python=/usr/bin/python3 --plugin-path=x src',
        'valgrind --xml-socket=10.0.0.2:1500 ./a.out',
        'stack --docker-registry x build',
        'mkdocs gh-deploy --remote-password=x',
        'scons --exec-command=x',
        'conan upload x --remote-secret=y',
        'lein --with-launcher x test',
        'ghc --frontend-plugin=X Main.hs',
      ],
      'refused',
    );
  });
  it('leaves everyday options alone', () => {
    expectAll(
      [
        'valgrind --leak-check=full --show-leak-kinds=all ./a.out',
        'cppcheck --enable=all --inconclusive src',
        'stack build --fast',
        'stack test --ta "--match foo"',
        'mkdocs build --strict',
        'ghc -O2 -Wall Main.hs',
        'sbt "testOnly x.ASpec"',
        'turbo run build --filter=web',
        'nx run app:build --configuration=production',
        'lein test :only x.core-test',
        'cabal build --enable-tests',
        'mix test --trace',
      ],
      'allow',
    );
  });
});

describe('a spec-less tool given a URL on another host in any argument', () => {
  it('asks', () => {
    expectAll(
      [
        'lerna run test --npm-client-args=--registry=http://x.example',
        'vcpkg install zlib --x-asset-sources=x-azurl,https://x.example/a',
        'nx run app:e2e --baseUrl=https://x.example/',
        'turbo run build --api=https://x.example',
        'mkdocs gh-deploy --remote-name=https://x.example/r.git',
        'xmake repo --add evil https://x.example/r.git',
      ],
      'refused',
    );
  });
  it('leaves the loopback host alone', () => {
    expectAll(
      [
        'nx run app:e2e --baseUrl=http://localhost:4200/',
        'lerna run test',
        'vcpkg install zlib',
        'turbo run dev --filter=web -- --url http://127.0.0.1:3000',
      ],
      'allow',
    );
  });
});
