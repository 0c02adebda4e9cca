import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes helper `gaps`' probe 17 (3 Dec) found allowed: inline code that talks to a host through
 * library modules the reader did not know (WSGI/XML-RPC, logging's network handlers, third-party
 * clients; `WebSocket`), writes through calls named for writing, `new URL('file://…')` paths, jq
 * modules looked up in ~/.jq, a virtualenv's pyvenv.cfg, and tools' self-upgrades and home installs.
 * Each class is tested with spellings not in the probe, and with the benign neighbours that must
 * stay allowed.
 */
const { expectAll } = probeEngine();

describe('Python: network modules and handlers', () => {
  it('refuses servers and clients of modules whose calls all talk to a host', () => {
    expectAll(
      [
        `python3 -c "from xmlrpc.server import SimpleXMLRPCServer; SimpleXMLRPCServer(('0.0.0.0', 8000)).serve_forever()"`,
        `python3 -c "import wsgiref.simple_server as w; w.make_server('', 9000, w.demo_app).handle_request()"`,
        `python3 -c "import logging, logging.handlers; logging.getLogger().addHandler(logging.handlers.DatagramHandler('h.example', 9999))"`,
        `python3 -c "from logging.handlers import SMTPHandler; SMTPHandler('mail.example', 'a@b', ['c@d'], 's')"`,
        `python3 -c "import aiohttp, asyncio; asyncio.run(aiohttp.ClientSession().get('http://h.example'))"`,
        `python3 -c "import websockets; websockets.connect('wss://h.example')"`,
        `python3 -c "import paramiko; paramiko.SSHClient().connect('h.example')"`,
        `python3 -c "import boto3; print(boto3.client('s3').list_buckets())"`,
        `python3 -c "import redis; redis.Redis(host='h.example').get('k')"`,
      ],
      'refused',
    );
  });
  it('still allows logging to the console and modules that only compute', () => {
    expectAll(
      [
        `python3 -c "import logging; logging.basicConfig(level=logging.INFO); logging.info('x')"`,
        `python3 -c "import logging.handlers; print(logging.handlers.DEFAULT_TCP_LOGGING_PORT)"`,
        `python3 -c "import json; print(json.dumps({'a': 1}))"`,
        `python3 -c "import xml.dom.minidom as m; print(m.parseString('<a/>').toxml())"`,
      ],
      'allow',
    );
  });
});

describe('Python: calls named for writing write the path they are given', () => {
  it('refuses a save, dump or export to a place outside', () => {
    expectAll(
      [
        `python3 -c "import numpy as np; np.save('/root/.bashrc', np.zeros(1))"`,
        `python3 -c "import pandas as pd; pd.DataFrame().to_csv('/etc/x.csv')"`,
        `python3 -c "import matplotlib.pyplot as plt; plt.savefig('/root/.config/x.png')"`,
        `python3 -c "import joblib; joblib.dump({}, '/srv/model.pkl')"`,
        `python3 -c "from PIL import Image; Image.new('RGB', (1, 1)).save('/root/x.png')"`,
      ],
      'refused',
    );
  });
  it('still allows the same calls on workspace files and reads of non-secret files', () => {
    expectAll(
      [
        `python3 -c "import numpy as np; np.save('out/x.npy', np.zeros(1))"`,
        `python3 -c "import pandas as pd; pd.read_csv('data/x.csv').to_csv('out.csv')"`,
        `python3 -c "import xml.etree.ElementTree as ET; ET.parse('a.xml').write('b.xml')"`,
        `python3 -c "import json; print(json.load(open('/usr/share/x/data.json')))"`,
      ],
      'allow',
    );
  });
});

describe('JavaScript: network packages and globals, file URLs', () => {
  it('refuses third-party network clients, WebSocket and a secret read through a file URL', () => {
    expectAll(
      [
        `node -e "const axios = require('axios'); axios.post('https://h.example', {a: 1})"`,
        `node -e "const { request } = require('undici'); request('https://h.example')"`,
        `node -e "require('node-fetch')('https://h.example')"`,
        `node -e "const WS = require('ws'); new WS('wss://h.example')"`,
        `node -e "new EventSource('https://h.example/stream')"`,
        `node -e "const fs = require('fs'); console.log(fs.readFileSync(new URL('file:///root/.aws/credentials')).toString())"`,
        `node -e "require('fs').writeFileSync(new URL('file:///root/.bashrc'), 'x')"`,
      ],
      'refused',
    );
  });
  it('still allows URL parsing and file URLs in the workspace', () => {
    expectAll(
      [
        `node -e "console.log(new URL('https://h.example/a?b=1').searchParams.get('b'))"`,
        `node -e "console.log(require('fs').readFileSync(new URL('file:///testbed/package.json'), 'utf8'))"`,
        `node -e "console.log(require('./package.json').version)"`,
      ],
      'allow',
    );
  });
});

describe('jq modules looked up in the default search path', () => {
  it('refuses import and include of a module name without -L', () => {
    expectAll(
      [`jq -n 'import "util" as u; u::f'`, `jq 'include "helpers"; .a' x.json`, `gojq -n 'include "z"; 1'`],
      'refused',
    );
  });
  it('still allows -L and ./ modules and plain filters', () => {
    expectAll(
      [`jq -L jq -n 'include "util"; 1'`, `jq -n 'include "./jq/util"; 1'`, `jq '.include' package.json`],
      'allow',
    );
  });
});

describe('pyvenv.cfg and tools that replace themselves or install into the home', () => {
  it('refuses them', () => {
    expectAll(
      [
        `echo 'home = /srv/py/bin' > venv/pyvenv.cfg`,
        `cp /tmp/cfg .venv/pyvenv.cfg`,
        `deno upgrade --version 2.0.0`,
        `bun upgrade`,
        `bun link some-pkg`,
        `bun create react-app x`,
        `mix archive.install github hexpm/hex`,
        `bundle plugin install x --source https://h.example`,
        `uv python install --default`,
      ],
      'refused',
    );
  });
  it('still allows the everyday commands of the same tools', () => {
    expectAll(
      [
        `cat .venv/pyvenv.cfg`,
        `python -m venv .venv`,
        `deno test -A`,
        `bun run build`,
        `bun install`,
        `mix test`,
        `bundle exec rake`,
        `uv python install 3.12`,
      ],
      'allow',
    );
  });
});
