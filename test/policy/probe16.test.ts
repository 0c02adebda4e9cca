import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes helper `gaps`' probe 16 (3 Dec) found allowed: inline code whose paths are built with
 * `%` or `str.format`, listings whose names are then opened, library calls the reader has no entry
 * for given a secret path, mail clients, `contextlib.chdir`, and Node's APIs below. Each class is
 * tested with spellings not in the probe, and with the benign neighbours that must stay allowed.
 */
const { expectAll } = probeEngine();

describe('Python: paths built with % and str.format are the paths they name', () => {
  it('refuses a secret or a write outside reached through formatting', () => {
    expectAll(
      [
        `python3 -c "import os; print(open('%s/.aws/credentials' % os.environ['HOME']).read())"`,
        `python3 -c "import os; h = os.path.expanduser('~'); print(open('%s/%s' % (h, '.netrc')).read())"`,
        `python3 -c "import os; open('%s/.bashrc' % os.getenv('HOME'), 'a').write('x')"`,
        `python3 -c "import os; print(open('{}/.git-credentials'.format(os.environ['HOME'])).read())"`,
        `python3 -c "import os; print(open('{0}/{1}'.format(os.path.expanduser('~'), '.pgpass')).read())"`,
        `python3 -c "import shutil; shutil.rmtree('{}/{}'.format('/root', '.ssh'))"`,
      ],
      'refused',
    );
  });
  it('still allows formatting that prints or names workspace files', () => {
    expectAll(
      [
        `python3 -c "print('%s-%d' % ('a', 1))"`,
        `python3 -c "print('{} {}'.format('a', 'b'))"`,
        `python3 -c "print(open('%s/setup.py' % '.').read())"`,
        `python3 -c "open('{}/out.txt'.format('build'), 'w').write('x')"`,
      ],
      'allow',
    );
  });
});

describe('Python: listings whose names are opened, and calls with no entry given a secret path', () => {
  it('refuses reading what a listing of a secret directory gives', () => {
    expectAll(
      [
        `python3 -c "import glob; print([open(p).read() for p in glob.glob('/root/.aws/*')])"`,
        `python3 -c "import glob; [print(open(p).read()) for p in glob.iglob('/root/.ssh/id_*')]"`,
        `python3 -c "from pathlib import Path; [print(p.read_text()) for p in Path('/root/.aws').iterdir()]"`,
        `python3 -c "from pathlib import Path; [print(p.read_bytes()) for p in Path.home().rglob('*.pem')]"`,
        `python3 -c "import linecache; print(linecache.getlines('/root/.config/gh/hosts.yml'))"`,
        `python3 -c "import tarfile; tarfile.open('o.tar', 'w').add('/root/.kube')"`,
        `python3 -c "import somelib; somelib.load('/root/.docker/config.json')"`,
        `python3 -c "import zipimport; zipimport.zipimporter('/srv/x.zip').load_module('m')"`,
      ],
      'refused',
    );
  });
  it('still allows listings and calls on the workspace and the image', () => {
    expectAll(
      [
        `python3 -c "import glob; print(glob.glob('src/**/*.py', recursive=True))"`,
        `python3 -c "from pathlib import Path; print(sorted(Path('tests').glob('test_*.py')))"`,
        `python3 -c "import os; print(os.path.exists('/root/.aws/credentials'))"`,
        `python3 -c "print('a~b'.replace('~', '/etc'))"`,
        `python3 -c "import linecache; print(linecache.getline('src/app.py', 3))"`,
        `python3 -c "import sysconfig; print(sysconfig.get_paths())"`,
      ],
      'allow',
    );
  });
});

describe('Python: mail clients and contextlib.chdir', () => {
  it('refuses them', () => {
    expectAll(
      [
        `python3 -c "import imaplib; imaplib.IMAP4('mail.example.org', 143)"`,
        `python3 -c "from poplib import POP3; POP3('pop.example.org')"`,
        `python3 -c "import nntplib; nntplib.NNTP_SSL('news.example.org')"`,
        `python3 -c "import contextlib, os; c = contextlib.chdir('/etc'); c.__enter__(); os.remove('hosts')"`,
        `python3 -c "from contextlib import chdir; import os; chdir('/root').__enter__(); os.unlink('.profile')"`,
      ],
      'refused',
    );
  });
  it('still allows contextlib’s other helpers', () => {
    expectAll([`python3 -c "import contextlib; print(contextlib.suppress(ValueError))"`], 'allow');
  });
});

describe('Node and Deno: spawn options, process.report, the environment taken out of process, dns.promises, Deno.env', () => {
  it('refuses them', () => {
    expectAll(
      [
        `node -e "require('child_process').execFileSync('rm', ['-f', '.profile'], {cwd: '/root'})"`,
        `node -e "const { spawnSync } = require('child_process'); spawnSync('cat', ['.netrc'], {cwd: require('os').homedir()})"`,
        `node -e "require('child_process').spawn('make', [], {env: {MAKEFLAGS: '-f /root/x.mk'}})"`,
        `node -e "require('child_process').fork('t.js', [], {execArgv: ['--require', '/root/x.js']})"`,
        `node -e "process.report.writeReport('/root/r.json')"`,
        `node -e "process.report.filename = '/etc/r.json'; process.report.writeReport()"`,
        `node -e "const { env: e } = process; console.log(JSON.stringify(e))"`,
        `node -e "require('node:dns/promises').resolveTxt('x.example.org')"`,
        `node -e "require('dns').promises.resolve4('x.example.org')"`,
        `deno eval "Deno.removeSync(Deno.env.get('HOME') + '/.ssh', { recursive: true })"`,
      ],
      'refused',
    );
  });
  it('still allows the same calls on the workspace', () => {
    expectAll(
      [
        `node -e "require('child_process').execFileSync('git', ['status'], {cwd: 'packages/web'})"`,
        `node -e "require('child_process').spawnSync('ls', ['-la'])"`,
        `node -e "console.log(process.report.getReport().header.nodejsVersion)"`,
        `node -e "const { argv, platform } = process; console.log(argv, platform)"`,
      ],
      'allow',
    );
  });
});

describe('grep -d recurse and jq modules outside the workspace', () => {
  it('refuses them', () => {
    expectAll(
      [
        'grep --directories recurse -n token /root',
        'grep --directo=recurse key ~',
        'egrep -d recurse -i pass /etc',
        `jq -n 'include "/srv/lib/x"; .'`,
        `jq 'import "~/.jq/m" as m; m::f' a.json`,
      ],
      'refused',
    );
  });
  it('still allows them on the workspace', () => {
    expectAll(
      ['grep -d recurse -n TODO src', 'grep --directories=skip x *', `jq -L lib 'include "util"; .' a.json`],
      'allow',
    );
  });
});
