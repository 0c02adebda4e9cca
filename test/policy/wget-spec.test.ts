import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

// wget had no spec: talking to a server on this machine (rule network-localhost) it was allowed
// whatever its options, `--use-askpass=PROGRAM` (a program it runs for credentials), `--config`
// (a wgetrc that can name one), and writes of its log, cookies and WARC files outside the
// workspace among them (lead, stop 53, main 3103978). HTTPie's and xh's `--session PATH` read and
// write a session file at that path.

describe('wget, decided with its spec', () => {
  const { expectAll } = probeEngine();

  it('a program to run, a config file and writes outside the workspace are refused', () => {
    expectAll(
      [
        "wget --use-askpass='sh -c id' http://localhost:8000/",
        'wget --use-askpass=./askpass.sh http://localhost:8000/',
        'wget --config=/srv/wgetrc http://localhost:8000/',
        'wget -a /srv/log http://localhost:8000/',
        'wget --append-output=../wget.log http://localhost:8000/',
        'wget --save-cookies=/srv/c.txt http://localhost:8000/',
        'wget --warc-file=/srv/archive http://localhost:8000/',
        'wget --hsts-file=/srv/hsts http://localhost:8000/',
        'wget --rejected-log=/srv/rej http://localhost:8000/',
        'wget --no-such-option http://localhost:8000/',
        'http --session=/srv/s.json localhost:8000/',
        'xh --session /srv/s.json localhost:8000',
      ],
      'refused',
    );
  });

  it('everyday requests to a local server pass', () => {
    expectAll(
      [
        'wget -q -O - http://localhost:8000/health',
        'wget -qO- http://127.0.0.1:5000/api | head',
        'wget -O out/index.html http://localhost:8000/',
        'wget -nv --spider http://localhost:8080/',
        'wget --tries=3 --timeout=5 -O /dev/null http://localhost:3000/',
        'wget -r -np -nH -P site http://localhost:8000/docs/',
        "wget --header='Accept: application/json' -qO- http://localhost:8000/api",
        'wget --save-cookies=cookies.txt --keep-session-cookies http://localhost:8000/login',
        'wget --version',
        'http --session=dev localhost:8000/',
        'http --session=./s.json localhost:8000/',
      ],
      'allow',
    );
  });
});
