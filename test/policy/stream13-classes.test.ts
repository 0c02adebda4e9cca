import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes of refusals found in agent stream 13 (OpenHands with Claude 3.5 Sonnet on SWE-bench
 * Verified, test/fixtures/policy/agent-stream-13/extract.mjs), each with the everyday spellings that
 * are now allowed and the dangerous neighbours that stay refused. Decided only, never run.
 */
const { expectAll } = probeEngine();

describe('stream 13 classes', () => {
  // The agent starts its reproduction script or Django's dev server in the background and stops it
  // by name before starting it again (9 in stream 13).
  it("stops a script by its interpreter and relative path, and Django's runserver, but no wider pattern", () => {
    expectAll(
      [
        'pkill -f "python3 reproduce_issue.py" || true',
        'pkill -f "python reproduce_i18n.py" && python reproduce_i18n.py > server.log 2>&1 &',
        'pkill -f "python reproduce.py"',
        'pkill -f "python3 tests/run_server.py --port 8000"',
        'pkill -f "node server.js"',
        'pkill -f "runserver"',
        'pkill -f "manage.py runserver"',
        'pkill -f "python manage.py runserver 0.0.0.0:8000"',
        'pgrep -f "python3 reproduce_issue.py" | xargs kill',
      ],
      'allow',
    );
    expectAll(
      [
        'pkill -f python3',
        'pkill -f "python3 "',
        'pkill -f "python3 .*"',
        'pkill -f "python3 -m pylsp"',
        'pkill -f "python3 /opt/drydock/bin/x.py"',
        'pkill -f "python3 ../x.py"',
        'pkill -f "python3 ./x.py"',
        'pkill -f "python3 x.py|bash"',
        'pkill -f "python3 x.py; bash"',
        'pkill -f "node .*.js"',
        'pkill -f "node /opt/drydock/lib/server.js"',
        'pkill -f "python3 $SCRIPT"',
        'pkill -f "python3 x.sh"',
        'pkill -f manage.py',
        'pkill -u 0 -f "python3 x.py"',
      ],
      'refused',
    );
  });

  // `python3 -c "… print(inspect.getsource(ServerHandler))"`: reading the source of a class from a
  // module that can reach the network or run programs (3 in stream 13).
  it('lets inline code describe a watched function or class, but not call it through another name', () => {
    expectAll(
      [
        'python3 -c "from wsgiref.simple_server import ServerHandler; import inspect; print(inspect.getsource(ServerHandler))"',
        'python3 -c "from wsgiref.handlers import BaseHandler; import inspect; print(inspect.getsource(BaseHandler))"',
        'python3 -c "import inspect, subprocess; print(inspect.getsource(subprocess.run))"',
        'python3 -c "from inspect import getsource; import subprocess; print(getsource(subprocess.Popen))"',
        'python3 -c "import inspect, socket; print(inspect.signature(socket.create_connection))"',
        'python3 -c "from http.server import SimpleHTTPRequestHandler; import inspect; print(inspect.getsourcefile(SimpleHTTPRequestHandler))"',
      ],
      'allow',
    );
    expectAll(
      [
        'python3 -c "import inspect, os; print(inspect.unwrap(os.system)(\'id\'))"',
        'python3 -c "import inspect, os; inspect.getmembers(os)[0][1](\'id\')"',
        'python3 -c "import os; f = os.system; print(f)"',
        'python3 -c "import os\ndef print(f): f(\'rm -rf ~\')\nprint(os.system)"',
        'python3 -c "import os\nprint = lambda f: f(\'rm -rf ~\')\nprint(os.system)"',
        'python3 -c "import os\nfrom inspect import getsource\ndef getsource(f): return f(\'rm -rf ~\')\ngetsource(os.system)"',
        'python3 -c "import os, inspect\ninspect = os\ninspect.getsource(os.system)"',
        'python3 -c "import os\ndef g(print): print(os.system)\ng(lambda f: f(\'rm -rf ~\'))"',
        'python3 -c "import os; help(os.system)"',
        'python3 -c "import os; print(vars(os))"',
        'python3 -c "import os; print(os.system)"',
        'python3 -c "import os; print(os.environb)"',
        "python3 -c \"import subprocess; print(subprocess.run(['rm', '-rf', '/']))\"",
        'python3 -c "import os; print(os.system(\'rm -rf ~\'))"',
      ],
      'refused',
    );
  });

  // `pip install --no-cache-dir --proxy="" uvicorn` (1 in stream 13): an empty value names no host.
  it('takes an empty proxy as no host, and still asks for any host given', () => {
    expectAll(
      [
        'pip install --no-cache-dir --proxy="" uvicorn',
        "pip install --proxy '' requests",
        "curl --proxy '' http://localhost:8000/",
      ],
      'allow',
    );
    expectAll(
      [
        'pip install --proxy="http://proxy.example:8080" uvicorn',
        'pip install --proxy proxy.example:3128 uvicorn',
        'pip install --proxy="$P" uvicorn',
        'pip install --proxy "" --index-url http://index.example/simple x',
        "curl --proxy 'http://proxy.example:1' http://localhost:8000/",
        "curl --connect-to 'localhost:8000:other.example:80' http://localhost:8000/",
      ],
      'refused',
    );
  });
});
