import { readFileSync } from 'node:fs';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * Why each kind of refusal in a stream of real agents' commands is right, in a sentence.
 * A refusal of a kind not listed here fails the stream tests.
 */
export const JUSTIFIED: Record<string, string> = {
  default:
    "a program no rule covers (sqlite3, psql, ed, pyreverse, a compiler the image lacks, the agent's own tools, a test runner from another checkout's node_modules, macOS's `open`, ImageMagick's `convert`, a static file server `npx http-server`, the project's own command-line tool run by its name from the developer's PATH (`minsky tasks list`, which the project builds from its sources but which is installed outside it, so which version runs is not the project's), a package's command-line tool fetched by `npx` that scaffolds from templates, downloads code or deploys (`npx create-next-app@latest`, `npx storybook@latest init`, `npx convex deploy` and `convex run`, which act on the developer's cloud deployment, an MCP server package such as `npx -y @modelcontextprotocol/server-filesystem DIR`, which serves the directories it is given to another program), a program the task's image installed that no spec describes (SIMH's `pdp11` emulator, the task's own `rencrypt`, `yt-dlp`, which downloads from the sites it is given), an interactive editor (`vim`, which also runs shell commands of its own, and the keys tmux types into it, `:wq`), or prose the model sent as a command, or a Windows command (PowerShell's `New-Item`, `Get-ChildItem`, cmd's `copy`, `del`, `findstr`, `taskkill`) that a Linux sandbox has no program for, a database client that runs SQL or probes a server (`mysql -u root -e …`, `pg_isready -h localhost`), and OpenHands' `C-c`, a key for its terminal sent as a command; a machine emulator, `qemu-system-x86_64`, whose options open network ports, serve consoles and write disk images; media tools that read and write URLs as well as files, `ffmpeg` and `ffprobe`; `sqlite3`, whose dot-commands run shell commands and whose SQL can attach and write any file; `coqc`, whose sources can write files and load plugins; `gpg`, which keeps its keyring in the home directory; image and node builders, `genisoimage`, `cpio -o`, `mknod`; busybox, which runs any of its applets; other downloaders, `gallery-dl`, `youtube-dl`; and text typed into a running program's console that the agent sent as a command, QEMU's monitor commands `quit`, `system_powerdown`, `x`, Zork's `move N`; the developer's own multi-agent tools, installed outside any project: Gas Town's `gt`, which hands work to other agents' sessions, types into them and restarts them, and beads' `bd`, which writes the issue database those agents share and syncs it with git; `dolt`, a database whose `sql` runs any SQL and whose `push` reaches a remote; and `rtk`, `br`, the developer's own command wrappers; `asciinema rec`, which starts a new shell recorded to a file (OB-1 typed the harness's own recording command into its pane), whose commands are then typed into it unread; and the answers OB-1 typed at prompts as if they were commands, `password`, `root`, `y`) needs a person to say it is fine",
  'tmux-keys-unread':
    'tmux send-keys typing text with no Enter after it (what is typed next completes the line) or with a key that recalls, completes or edits the line (Tab, Up, Escape) types a command line that is not known (in these streams vim keys, `f s i .strip()` then Escape, typed into an editor pane)',
  'network-upload': 'posting data to a remote host is how secrets leave the machine',
  'network-clients':
    'the network is off in the sandbox; requests to remote hosts (curl, wget, and ping, traceroute, dig to anything but localhost: a name they resolve is a DNS query out) need approval, and so does a URL whose text after the port comes from a variable (`"http://localhost:1313$url"`: a value starting with `@` names another host)',
  'git-network':
    'cloning or fetching a repository reaches a remote host, and what it brings in (hooks, submodules, a package installed from it) is code from outside',
  'interpreter-one-liners':
    'inline code the reader cannot follow cannot be checked: code that does not parse and names a module, call, dunder or path the reader acts on (statements after `;` in python -c, which Python rejects too, but which the grammar might also reject where a newer Python accepts it), that evals computed text, hands out a module, names a path or command only known when it runs, or is longer than the reader reads within the time limit; and calls it does not know to be safe (`pickle.load`, which runs code the file holds; `os.kill` of a PID the code computes; `zipfile.extractall`, whose entries decide where they land)',
  'interpreter-one-liners-perl-e':
    'perl code given on the command line (`-e`, also inside a cluster such as `-lpe`) is in a language this policy does not read, so it needs a person (here a bit string decoded with `pack "B*"`: decoded text is what hides commands)',
  'shell:unparsed-substitution':
    'an unquoted here-document runs the `$(…)` and backticks in its text, which are not checked',
  'shell:unparseable':
    "input the shell grammar cannot parse is not run on a guess (in these streams: prose sent as a command with a syntax error that is not an open quote, and Python source sent as a command (a script's imports and `def`, which bash rejects too), such as a parenthesis or empty backquotes in it, which bash may run garbled; two here-documents with one delimiter; shell text fed to `python -`; backquotes left open inside a double-quoted pattern, which the shell rejects too; a zsh glob qualifier such as `*.json(N)`, which bash does not read; HTML entities the model wrote for `>` and `&` (`2&gt;&1 &amp;`), which bash rejects too; a here-document whose delimiter line never comes (`apply_patch << 'PATCH'` … `*** End Patch`, Codex's patch tool written as a shell command, which the sandbox does not have either); a here-document written with `\\n` escapes on one line inside a double-quoted `bash -lc` script, whose one line bash reads with the code's `(` bare, and a single quote inside a single-quoted `bash -lc` script (`':(exclude).bench_scratch'`), which ends the script's quote and leaves `(` bare, both of which bash rejects too; a quote never closed is not refused: bash runs nothing from it on); PowerShell and cmd syntax (`if (Test-Path …) { … }`, `if not exist \"C:\\…\" mkdir …`), which bash rejects too",
  'shell:budget':
    'a command that cannot be checked within the 10 ms decision limit (thousands of characters, on a busy machine) asks rather than being let through unchecked',
  'shell:stdin-script':
    'a shell that reads its commands from standard input runs text that cannot be checked (in these streams `bash` started by the backquotes of a Markdown fence inside prose)',
  'shell:decoded-value':
    'text assembled by a decoder (cut, awk, base64 -d) that goes into a here-document, a file or a pipe, or is used from a variable where it may name a path, a program or a host, is only known when it runs and may be run later (printing it to the terminal with echo, comparing it in a test, or passing it in double quotes as an option value that names nothing, `curl -H "Authorization: Bearer $TOKEN"`, is allowed)',
  'shell:dynamic-command-name':
    "a command name that is not a plain word hides what runs (in these streams a lone `}` of Java source sent as a command, prose whose quoted first word holds backquotes, which the name check does not read as prose, a line of Python sent as a command (`print(BASE_LIBRARY_PATH)`, which bash rejects too), and `~/.codex/superpowers/…/superpowers-codex`, a program in the developer's home directory, a Codex plugin of theirs that is not the project's and that no rule covers); a Windows path as a command name (`.\\restart-client.bat`, which bash reads as `.restart-client.bat`) and PowerShell's `$env:NAME=value`, whose name is an expansion",
  'raw-sockets-and-remote-shells': 'packet tools (tshark) read raw network traffic',
  'cloud-clis':
    "a cloud provider's command-line tool acts on shared infrastructure with whatever credentials it finds (in these streams `aws s3 mb`, `aws sts get-caller-identity`; the tool is one rule, so `aws --version` asks too)",
  'notebook-servers':
    'a notebook server runs the code its clients send, over the network (in these streams `jupyter notebook` started in the background, and `--generate-config`, which writes its configuration in the home directory)',
  // (jupyter's spec asks for the same since helper specsE, rule notebook-servers is gone)
  'program:jupyter':
    'a notebook server runs the code its clients send, over the network (in these streams `jupyter notebook` started in the background, and `--generate-config`, which writes its configuration in the home directory)',
  'archive-outside':
    'an archive of files outside the workspace (`tar -czf x.tar.gz -C /opt sensitive_service_data/`) copies them where a later command can read or send them',
  'copy-or-link-outside':
    'creating or copying files outside the workspace (the home directory, another checkout; stream 25: `mkdir -p /memory/knowledge /memory/testing`, the memory Vorflux keeps across sessions, where a note written by one task is read by the next) changes the host',
  'delete-outside-workspace':
    "deleting outside the workspace changes the host (in these streams also apt's and dpkg's lock files under /var/lib/dpkg, removed to get past another install, pylint's data in the home directory, `rm -rf ~/.pylint.d`, and a script moved to the workspace's parent, `mv x.py ../x.py`)",
  'program:sed': "sed's `e` runs a shell command, and a program sed itself rejects is not run on a guess",
  'python-http-server': 'serving files over HTTP opens the workspace to the network',
  'system-packages':
    "a package manager other than the image's own apt (yum, pacman, snap, Homebrew's `brew install`) does not install from the archive the image is configured with",
  'program:apt-get':
    'removing or upgrading what the image has, apt options that run commands or read other settings (-o, -c), and apt commands not known to be safe change what the run stands on',
  'program:dpkg':
    'dpkg installing a package file, removing or configuring packages runs maintainer scripts no archive vouches for',
  'apt-local-packages':
    'a .deb file or a path is a package from no archive: its scripts are whatever the file holds',
  sudo: 'sudo in front of anything but the system package tools is a classic deny-list bypass and gives nothing in a sandbox that already runs as root; the reason says to run the command without it',
  'sudo-shell-or-edit':
    'a root login shell, editor or askpass program is not one command that can be decided',
  'program:sudo':
    'sudo running its command in a directory outside the workspace (-D) or in a chroot (-R) moves it where it was not decided',
  'program:node':
    "node running a script that lies outside the workspace runs code from outside the project (in stream 18 OpenClaw's own installed code under ~/.nvm, which the agent ran and required to test its harness, and scripts it wrote into another task directory, /workspace, from a run whose checkout is under /app)",
  'program:forge': "an option forge's spec does not list (`forge build --paths A,B`) is not run on a guess",
  'delete-workspace-root':
    'deleting the whole workspace (`rm -rf /workspace` before cloning the repository afresh into it) destroys the checkout and its history',
  'go-tool-flags-that-run':
    "go's `-extldflags` hands its value to the external linker go runs (`-ldflags=-extldflags=-Wl,-w`), and which of those flags load or run something is not read",
  'program:python':
    "python running a script or tests that lie outside the workspace runs code from outside the project, as `bash ~/x.sh` would, and so does a relative script, test path or module after a `cd` there (in these streams a SWE-agent demonstration whose repository is /SWE-agent__test-repo, and OpenHands runs whose checkout is /workspace/<repo> running the tests of /testbed, the image's installed copy); `python -m notebook --generate-config` writes the notebook server's configuration in the home directory; `python -m ensurepip` rewrites the interpreter's own pip from the wheel it bundles, which this corpus counts among the modules that extract and install where they choose",
  'toolchain-home-variables':
    "a JAVA_HOME, GOROOT or Gradle user home that is neither the image's toolchain nor the workspace's runs that directory's programs and init scripts (in these streams a placeholder install path and macOS's /Library/Java/Home)",
  'build-tools-outside':
    'a build tool or runner given a path outside the workspace (a class path under /Library or /usr/lib/jvm), or run in another checkout outside it (`cd ~/.local/state/minsky/git/task#001 && bun test`, a session clone of the project), may write there, and which of its options write is not known',
  'container-escape':
    "tools that reach the container engine (docker), the host's namespaces or the kernel act outside the sandbox (in stream 21 `kubectl get pods -n redis`, `kubectl exec … -- nc -zv redis…`, `docker compose … config` on a developer's homelab cluster: a cluster is shared infrastructure, reached with the credentials its kubeconfig holds)",
  'program:ip':
    "changing the sandbox's interfaces, addresses or routes, or entering another network namespace (`ip netns exec`), is not the project's work",
  'program:ifconfig':
    "configuring an interface (up, down, an address) changes the sandbox's network, not the project",
  'program:route': "adding or deleting a route changes where the sandbox's traffic goes",
  'cwd-writes-outside':
    'a build or package manager run in a directory above the workspace or in another checkout writes its output, caches and installed packages there',
  'download-outside':
    'a download saved outside the workspace, or fetched from addresses scraped at run time, changes the host',
  'print-environment':
    'printing the whole environment shows every variable a run was given, secrets included; print the one variable instead (`echo $JAVA_HOME`); inline code that copies it (`os.environ.copy()`) is read as reading every variable, since where the copy goes is not followed',
  'program:ls':
    "an option the program does not have (a typo such as `ls -a.git`, or `ls -ლა` with a Georgian letter for `l`; PowerShell's `dir -Force`, which GNU `dir` reads as `-F -o -r -c -e`) is asked rather than guessed",
  'program:yarn':
    '`yarn plugin import` downloads a plugin, code from outside the project that yarn then runs; `yarn constraints` is not in the spec of what yarn does safely',
  'program:prisma':
    "`prisma db push` and `prisma migrate dev` act on the database the schema's DATABASE_URL names, which may be a shared one (`--force-reset` drops it); `prisma generate`, `validate` and `format` are allowed",
  'package-manager-config':
    '`yarn set version berry` downloads another yarn release into the project and points its settings at it: a package manager from outside the lockfile',
  'corepack-installs': "`corepack enable` puts package-manager shims into the machine's global bin directory",
  'install-outside-project':
    "`cargo install` builds and installs a program into the home directory's cargo bin, outside the project",
  'program:git':
    'an option git does not have (`git am --check`, which git itself rejects as an unknown option: `git apply --check` is the one that exists) is asked rather than guessed; every documented option of the everyday subcommands is listed; and `git -C DIR` in another repository outside the workspace (`git -C ../chitin status`) works on a checkout that is not the project',
  'program:php':
    'php running a file named only when it runs asks: in stream 23 a loop variable over absolute paths (`for f in /Users/…/API_tests/*.php; do php -l "$f"`), whose words the policy does not carry into the loop as it does a relative glob (`for f in tests/*.php` is allowed), so the file it runs is not known to be the workspace\'s',
  'program:tar':
    "tar extracting into a working directory outside the workspace (stream 23's `cd /tmp && curl … apache-maven-3.9.6-bin.tar.gz && tar xzf maven.tar.gz`, a Maven the agent then runs) writes wherever the archive's entries say; extract with -C into the workspace",
  'write-location-variables':
    "a variable naming where a tool writes set to a directory outside the workspace (stream 23's `GOPATH=$(go env GOPATH)`, the home directory's Go tree: a later `go install` or `go get` in the line writes there)",
  'program:jest':
    "an option jest does not have (stream 23's `--transpileOnly`, ts-jest's setting given on jest's command line, which jest rejects) is asked rather than guessed",
  'program:mvn':
    'a Maven goal the spec does not know runs plugin code or sends artifacts (jib:build pushes an image, jib:buildTar pulls a base image from a registry, install:install-file writes the local repository, exec:exec or exec.executable runs any program)',
  'shell:subscript-evaluation':
    'an arithmetic or array subscript that bash evaluates can run commands (`a[$(cmd)]`), so it is not run unread',
  shutdown: 'shutdown, reboot and init control the machine, not the project',
  'program:systemctl':
    "starting, stopping, enabling or editing services, powering off, or reaching another host's or container's manager changes the machine, not the project",
  'program:service':
    "`service NAME ACTION` runs a service's init script, which starts, stops or changes the machine's services",
  'sed-in-place-outside':
    "editing files outside the workspace (apt sources, /etc, an installed package under site-packages) changes the host; macOS's `sed -i '' 'SCRIPT' f` is, to the sandbox's GNU sed, an empty script and SCRIPT a file to edit (`/^type:/d` at the root)",
  'code-injecting-variables': 'a variable that redirects where tools load config or programs from',
  'path-variable':
    "a directory put on PATH that is not one of the image's own bin directories (a macOS path, a placeholder such as /path/to/java/bin, `$JAVA_HOME/bin` only known when it runs) may hold programs that would run under the names the policy decides; so may a home directory's bin (stream 25: `export PATH=\"$HOME/.local/bin:$PATH\"`, 479 of Vorflux's commands), where pip's user installs and `curl … | sh` installers put programs the run itself wrote",
  'interpreter-reads-stdin':
    "code piped into an interpreter that the reader cannot follow (longer than it reads, calls it does not know, a file written through a name bound twice, code Python itself rejects) cannot be checked (in stream 20 OpenCode's `python - <<'PY'` checks that register a module of their own in `sys.modules`, which hands out any module by name, move with `os.chdir`, so that every relative path after it is somewhere else, or write to a temporary path only known when it runs); in stream 21 PowerShell's `pwsh -NoProfile -Command \"Invoke-Pester …\"` on a Windows project, PowerShell code this policy does not read",
  'interpreter-dynamic-code':
    'an interpreter running code computed when it runs cannot be checked (in these streams `$!` inside double-quoted `python -c` code, which the shell expands first)',
  'interpreter-written-scripts':
    'a script the command line wrote and then runs whose code hides what it runs (computed code, a function reached through `__func__` or another dunder) is not run unread, as the same code given to `python -c` is not; a script in a language drydock does not read (ruby, perl, php) asks for the same reason',
  'read-secret-variable':
    'a variable whose name says it may hold a secret (`*TOKEN*`, `*_KEY`) is not read unasked, by the shell or by inline or written-and-run code, unless the line itself set it where every later statement runs after it (names with `TOKEN` in them: rule `read-token-variable`)',
  'read-token-variable':
    'a variable whose name holds `TOKEN` may hold a secret and is not read unasked, by the shell or by inline or written-and-run code (in these streams `os.getenv("TOKENS")`, a bare plural the name list cannot tell from a list of tokens; counts such as `MAX_TOKENS` and `TOKENS_PER_ITEM` and `TOKENIZERS_*` are read)',
  'code:network':
    'inline code that opens a connection to a host only known when it runs could reach anywhere',
  'recursive-read-of-home-or-root':
    'a recursive search above the workspace (`grep -R … ..` from the repository root) reads the whole filesystem, secrets included',
  'unpack-entries':
    "an archive's or a GNU patch's entries decide where they land (tar, unzip and patch, unlike git apply, write into .git); this stream is decided without the workspace, so they cannot be read (in a run the toolbox reads them from the sandbox)",
  'shell:dynamic-script':
    'a shell given script text that holds a command substitution of the outer line (`bash -lc "git diff $(git merge-base …)"`), or `eval` of a command kept in a variable or of a program\'s output (`eval "$(/opt/homebrew/bin/brew shellenv)"`), runs text only known when it runs',
  'git-remote-show':
    '`git remote show NAME` contacts the remote, and the sandbox has no network; `git remote -v` prints what the repository holds',
  'git-config-url-keys':
    'every git configuration key at once (`git config -l`) includes URLs and headers that may hold a token; read one key instead',
  'git-shared-branch-rewrite':
    "a hard reset to a shared branch (`git reset --hard master`) throws away the run's own commits and changes; a reset within the run's own history stays allowed",
  'git-history-rewrite':
    '`git update-ref` rewrites a ref directly, under every safety check of the porcelain (in these streams the agent forged `origin/HEAD` so that the grader would diff against another commit)',
  'git-remote-change':
    "`git remote add`/`set-url`/`remove` changes where the repository's commits are sent and fetched from (a push after it goes to whatever URL the line named); drydock pushes the run's branch through its own remote",
  'git-config-global':
    "`git config --global` writes the home directory's git configuration, which every later git command of the run and of the person reads (an identity, and keys such as `core.sshCommand` or `alias.*` that run programs); drydock sets the commit identity itself",
  'secret-file-writes':
    "overwriting a project's `.env`/`.env.local` replaces keys no file in the repository holds (they could not be restored), and the application loads what is written (in these streams the agent wrote API keys it had been shown into `.env.local`): copy the project's template or ask",
  'program:npm':
    '`npm install OWNER/NAME` installs from a GitHub repository (npm reads `user/repo` as one), code from no index (in these streams `npm install convex/react`, a module path the agent mistook for a package name); `npm init`/`npm create` with an initializer run a `create-*` package fetched from the registry (in stream 21 `npm create turbo@latest`, in stream 23 `npm create vite@latest`; `npm init -y` alone writes package.json and is allowed since helper stream23)',
  'program:pip':
    "`pip install --config-settings` hands settings to the package's build backend (build directories, CMake arguments), which pip does not define and this policy cannot check; `--index-url`/`-f` of another host than the configured index (PyTorch's wheel index `https://download.pytorch.org/whl/cpu`) fetches packages from that host, which a project policy can allow; `pip install --break-system-packages` (stream 25: 1,240 of Vorflux's installs, `pip` and `python -m pip`) overrides the guard an image puts on the Python its OS package manager owns (PEP 668) and replaces those packages, state outside the workspace that apt's own tools depend on; a plain `pip install` or a virtualenv in the workspace is allowed",
  'program:uv':
    '`uv venv DIR` of a directory outside the workspace (stream 25: `uv venv --python 3.9 /code/scikit-learn/venv`, beside the checkout) puts an interpreter and packages where drydock does not look, which later commands then source or run; `uv venv .venv` in the workspace is allowed',
  'program:sqlite3':
    'sqlite3 given SQL rather than one of the dot-commands that print the schema: its SQL can ATTACH and write any file, call readfile()/writefile() or load an extension, which the policy does not read (in these streams `PRAGMA table_info(t)`, harmless, but SQL is not told apart)',
  'media-protocols-and-graphs':
    "ffmpeg's `-f lavfi` input is a filter graph, whose filters can open any file or device (`movie=`, `amovie=`) that the path rules do not see (in these streams synthetic test clips, `-f lavfi -i testsrc=…`, which a project policy can allow)",
  'program:pylint':
    "an option the program does not have (`pylint -Q`, which pylint rejects) is asked rather than guessed: pylint's spec lists every option it has, so an unknown one may be a plugin's or a later version's and could load code",
  'program:grep':
    'an option the program does not have (`grep --no-color`, which is git grep\'s, not GNU grep\'s; a pattern that begins with `--`, `grep -n "----" f`, which grep reads as an option and rejects: `grep -e ----` is the spelling) is asked rather than guessed',
  'write-outside-workspace':
    "a redirection into another checkout, a tool's state in the home directory (`> ~/.local/state/minsky/session-db.json`) or the host's configuration (`> /etc/nginx/conf.d/site.conf`, `> /var/www/html/index.html`) changes files that are not the project's, and one to a variable set only when an earlier `&&` chain succeeded (`a || b && P=x; cmd > \"$P\"`) writes to a path the walk cannot follow",
  'global-package-install':
    'installing packages for the user (`pip install --user`) changes the home directory, not the project',
  'source-outside-workspace':
    "sourcing a file from outside the workspace (another checkout's virtualenv `activate`) runs shell code that was not checked",
  'secret-like-names':
    "a glob over other checkouts outside the workspace (`ls ../*/model_patch.diff` from the parent directory) may name their secrets (a `secrets/` directory), and is another project's files; a glob read in the workspace may name one too (`rg port config/*.yaml` reads config/secrets.yaml if it is there)",
  'read-credentials':
    "a glob that may name a credential file (`*.json` matches credentials.json and service-account keys) is copied or moved by it as a read of every file it matches (listing the same glob is allowed), and a project's `.env`/`.env.local` holds its keys (`cat .env`, `rg PORT .env`, `sed -i … .env.local`: read `.env.example` or the one variable's name in the code instead; moving or deleting it, `mv .env.local .`, `rm -rf .env.local`, loses keys no file in the repository restores); a listing inside `~/.codex` or `~/.ssh` is of the directory that holds the agent's own login or the person's keys, and `git -C $dir` over a glob of a tool's directories in the home directory reads other repositories' configuration, remote URLs with tokens among it",
  'git-writes-outside':
    'git writing into the scratch directory itself (`git format-patch -o /tmp/`) is decided like /tmp, which the policy keeps (a path below it, `-o /tmp/patches`, is allowed), and git writing to a path only known when it runs (`git diff > "$(pwd)/x.diff"`) may write anywhere',
  'kill-by-name':
    'killall5, skill and slay signal processes by user, terminal or every process at once, not one server the agent started',
  'kill-by-pattern':
    "pkill's and killall's pattern is a regular expression (`-f`: over the whole command line) and reaches drydock's own processes in the sandbox, the runner and its bash workers and the node language servers: `pkill -f 'node.*next'`, `pkill -f 'uvicorn|python.*main'` ask, while a dev server's program name with literal arguments (`pkill -f \"hugo server\"`) is allowed",
  'kill-computed-targets':
    'a kill of PIDs only known when it runs (`kill $PID` of a value from elsewhere, PIDs read from a file) may signal any process, drydock\'s runner included; the processes holding a socket on a literal port (`lsof -ti:1313 | xargs kill -9`) and pgrep\'s PIDs for a dev server\'s name (`pgrep -f "hugo server" | xargs kill`, decided as `pkill -f "hugo server"`) are allowed',
  'kill-everything':
    'a PID read from text that may hold 1, 0 or -1 (a pipe split at another character, a word assembled around the PIDs) may be init, the process group or every process',
  'program:fasttext':
    "fastText's model written outside the workspace (`-output /etc/…`, into `.git`), a subcommand or option its spec does not know, or fasttext alone is not run on a guess",
  'nginx-server':
    'nginx started, tested (`-t` reads the whole configuration and opens its log files) or signalled (`nginx -s stop`) is a web server on the sandbox serving what its configuration names, as `python -m http.server` is; `nginx -v` prints its version',
  'program:nginx':
    'nginx with its version flag and an option that is not (`nginx -v -c FILE`, `-g DIRECTIVES`) loads another configuration or directives, which may load modules',
  'program:openssl':
    'openssl beyond printing a certificate, its version or random bytes (keys, signing, `enc`, an engine it loads, the interactive prompt of openssl alone) or writing outside the workspace needs a person',
  'program:hugo':
    '`hugo --config` takes a comma-separated list of config files, and a config can let Hugo run programs (`security.exec.allow`): one from outside the workspace would run what it names, and the list is not read as paths',
  'program:drizzle-kit':
    "`drizzle-kit studio` serves the project's database over HTTP to a UI hosted elsewhere, and `drop` deletes migration files",
  'tools-fetch-from-url':
    "a package runner given a URL of another host than the loopback one is read as fetching code from it (a page of the agent's own server, `npx playwright screenshot http://localhost:1313/`, is allowed)",
  'git-push': "pushing sends the run's commits to a shared remote; drydock opens the pull request itself",
  'home-dot-files':
    "a dot-directory of the home directory (`~/.local/state/minsky`, where a tool of the developer's keeps its state and other checkouts) is where tools keep logins and tokens, not the project",
  'tool-settings-files':
    "writing an editor's or coding agent's settings (`.cursor/rules`, `.vscode`, `.claude`) changes what a later agent or the person's editor is told or runs, not the project's code",
  'shell:unknown-cwd':
    'after `cd "$(tool session dir …)"` the working directory is only known when it runs, so every relative path after it may name any file',
  'workspace-program-outside-args':
    "a program built in the workspace run in another checkout outside it (`./minsky-cli session dir` after `cd ~/.local/state/…`) works on files that are not the project's",
  'git-config-file-read':
    "`.git/config` holds the remotes' URLs, where a token may be; `git remote` lists the names",
  'awk-runs-programs':
    'an awk program with `getline`, `system` or a computed redirection runs commands or reads and writes files only known when it runs',
  'playwright-system-deps':
    "`playwright install --with-deps` installs the browsers' system libraries with the system package manager (apt-get as root), which changes the image, not the project; `playwright install chromium` alone is allowed",
  'protected-paths':
    "`.git` internals (`.git/info/exclude`, hooks, config) change what git does, not the project's files; and a CI workflow (`.github/workflows/deploy.yml`, also a backup copy written beside it) runs with the repository's secrets when pushed",
  'change-owner':
    "changing a file's owner (`chown git:git hooks/post-receive`) hands it to another account of the machine, which is not the project's work",
  'cloud-credentials': "`aws configure get` prints the cloud tool's stored settings and credentials",
  'find-exec-over-home-or-root':
    "`find -exec` over the whole filesystem or /proc (`find /proc -name environ -exec grep -l MINIO {} \\;`) reads every file it finds, other processes' environments and secrets included",
  'git-init-outside':
    'a repository made outside the workspace (`git init --bare /git/server.git`) is a new checkout on the host',
  'make-install': '`make install` installs into system paths outside the project',
  'module-path-variables':
    "a module path outside the workspace (`sys.path.append('/tests')`, the benchmark's hidden tests) loads code from outside the project",
  'network-sockets-in-redirects':
    "bash's `/dev/tcp/HOST/PORT` redirections open network connections (in these streams probing the task's other machines for a service's credentials)",
  'privilege-change':
    "creating users, setting passwords or switching user (`useradd -m git`, `echo 'git:password' | chpasswd`, `su - git -c …`) changes the machine's accounts",
  'program:conda': "`conda init` writes conda's hook into the shell's startup files in the home directory",
  'program:gcc': '`gcc -specs=FILE` runs the commands a specs file holds (here one in /tmp)',
  'program:getent': '`getent ahosts example.com` resolves a remote name: a DNS query out of the sandbox',
  'program:ldd':
    '`ldd` may run the program it inspects (here one outside the workspace, on a mounted CD image)',
  'program:ln':
    "a link made outside the workspace (nginx's sites-enabled, /sbin) or at a name only known when it runs changes the host",
  'program:tmux': 'a tmux format (`list-panes -F`) can run shell commands (`#(cmd)`), which are not read',
  'raw-devices': "`/proc/kcore` is the machine's memory",
  'schedule-commands':
    "crontab is the scheduler of commands that run later unchecked (`crontab -r` removes the user's jobs; its listing, `crontab -l`, is refused with it by design: the rule is about the program)",
  'secret-files': "`/proc/1/environ` is the environment of the machine's first process, secrets included",
  'set-prints-all': '`set` alone prints every variable, secrets included',
  'shell-aliases-and-hooks':
    '`alias` defines what a later name runs, and the rule is about the builtin (`alias curl`, which only prints the alias, is refused with it)',
  'shell-alias-definitions':
    "`alias gcc='gcc -x c'` defines what a later name runs, so later commands are not what they read as (a bare `alias NAME` only prints and is allowed)",
  'library-path-variables':
    '`LD_LIBRARY_PATH=/mnt/cdrom/lib` loads shared libraries from outside the workspace into the program it runs',
  'shell:code-written-script':
    'a bash script that inline Python writes from a long literal and then runs with `subprocess` is code drydock did not read (the long-code reader skips long literals), so what runs is not known',
  'shell:decoded-script':
    'C source cut out of another file with `sed -n` and then compiled and run is text the walker does not read, so what runs is not known',
  'write-every-operand-outside': '`chattr +i /usr/bin/curl.real` changes a file outside the workspace',
  'written-project-files':
    'C, C++, Fortran or a Go test the line writes and then compiles, runs or tests (`cat > /tmp/t.cpp <<EOF … g++ /tmp/t.cpp && /tmp/t`, `cat > x_test.go <<EOF … go test`) is code drydock does not read; write it first and build it in a later command',
  'ps-environment':
    "`ps` with its BSD `e` word (`ps auxe`, `ps -p 1 e`, or an operand only known when it runs) prints each process's environment, secrets included",
  'tmpdir-variable':
    'TMPDIR set to a value only known when it runs (`TMPDIR="${TMPDIR:-/tmp}"`: whatever TMPDIR already holds) names where programs write their temporary files, which may lie outside the workspace',
  'gh-release':
    "the GitHub CLI's pr, release, repo and api commands act on GitHub (listing pull requests too reaches the network, which is off in the sandbox, as does stream 20's `gh api search/code`, a search of GitHub's code); drydock opens pull requests itself",
  'shell-script-outside-workspace':
    'a shell script outside the workspace (`bash run.sh` in another directory) is code the run did not write or check',
  'conda-channel-url':
    "`pip install -f URL` inside `conda run` installs from a page of links the image was not configured with (here PyTorch's wheel index)",
  'host-devices':
    "a machine emulator given the host's devices, a kernel, initrd and CD image from outside the workspace (`qemu-system-x86_64 -kernel /tmp/alpine_kernel -cdrom alpine.iso`) boots another system with access the project does not need",
  'git-init-directory-outside':
    'a repository made outside the workspace (`git init --bare /git/server`) is a new checkout on the host',
  'program:head':
    "an option head does not have (`head -5 -exec …`, find's `-exec` after a pipe) is not run on a guess",
  'program:gzip':
    '`gzip` of a file outside the workspace (`gzip -9 ../initramfs.cpio` from /app) replaces that file with its compressed copy',
  'tar-extract-outside':
    'a toolchain unpacked into the system (`tar -C /usr/local -xzf go1.21.5.linux-amd64.tar.gz`, a JDK into /usr/lib/jvm, node over /usr/local) writes outside the workspace, over what the image installed',
  'program:update-alternatives':
    "`update-alternatives --install`, `--set` and `--config` repoint the machine's commands (`/usr/bin/java`, `go`, `mvn`) at another installation: a change to the image, not to the project",
  'git-config-dangerous-keys':
    '`git config --global http.sslVerify false` turns off the checking of TLS certificates for every later clone and fetch on the machine',
  'php-one-liners':
    "PHP code on the command line (`php -r \"copy('https://getcomposer.org/installer', 'composer-setup.php');\"`) downloads what the next command runs; drydock does not read PHP",
  'environment-values-outside':
    "a variable set to a path outside the workspace (`export HELM_CHARTS_DIR=/path/to/helm/charts`, a placeholder the model copied; stream 21's `export BRIDGESTAN=/Library/Frameworks/Python.framework/…`, a package in the system's Python) hands the programs the line runs a place drydock does not check; and, wrongly (left, stream 21: 5 commands), make's `NAME=VALUE` operands after `-C DIR` are resolved against the line's directory, not DIR (`make -C cmdstan-2.35.0 STAN_FILES=../src/ec50.stan` names the workspace's src/)",
  'program:make': 'an option make does not have (`make -C test -rA`: there is no `-A`) is not run on a guess',
  'program:rake': '`rake -r LIB` requires, so runs, the Ruby library it names (`rake test -rA` loads `A`)',
  'program:pnpm':
    'an option pnpm does not have (`pnpm install --no-confirm`; `pnpm install --save-dev PKG`, which is `pnpm add -D PKG`) is not run on a guess; `pnpm dlx` fetches a package from the registry and runs it (in stream 21 `pnpm dlx prisma generate`)',
  'program:pytest':
    "a plugin's option this policy does not know (`pytest --mypy-only-local-stub`, pytest-mypy's) is not run on a guess; a test file outside the workspace (`pytest ../test_foo.py`, stream 24's Claude Code, whose shell had kept a `cd` into the checkout) is code from outside the project",
  'git-cwd-writes-outside':
    "a git command that changes a work tree, its index or refs (`git add -A`) in a directory outside the workspace changes another checkout (in stream 24 `cd .. && git -C testbed add -A`, decided from the workspace root while Claude Code's shell had kept a `cd` into the checkout, so `..` named the workspace's parent)",
  'program:nx': '`nx view-logs` shows the workspace’s logs on Nx Cloud, a service on the network',
  'include-directory-outside':
    "a test runner run in another checkout outside the workspace (`cd /fzf && ruby test/runner.rb` from an /app run) loads that checkout's code",
  'program:bun':
    "`bun init` scaffolds from bun's templates and an option bun does not have (`bun test --no-coverage`) is not run on a guess (stream 21)",
  'program:cargo':
    'a cargo subcommand this policy does not know is an installed plugin, `cargo-NAME`, whose code it cannot place (in stream 21 `cargo mobile init`, which scaffolds an iOS/Android project)',
  'helm-remote-charts':
    "`helm repo add NAME URL` registers a chart repository in helm's configuration in the home directory, which later installs fetch charts from (stream 21's homelab `helm repo add bitnami https://charts.bitnami.com/bitnami`)",
  'editors-plus-command':
    "an editor given a command to run (`nvim --headless \"+lua print('OK')\" +q`, stream 21) runs Lua or Vim script, and the user's configuration, which this policy does not read",
  'composer-config-settings':
    '`composer config repositories.NAME composer URL` adds a package repository that later installs fetch code from',
  'program:vitest':
    "an option vitest does not have (stream 22: Jest's `--runInBand`, `--include`, `--filter`, `--logLevel`) is not run on a guess",
  'interpreter-one-liners-e':
    'JavaScript given to `node -e` that the reader cannot follow (stream 22: code that does not parse, or longer than it reads within the time limit) cannot be checked',
  'program:tsx':
    '`tsx -e`/`--eval` runs TypeScript given on the command line, which this policy does not read (stream 22)',
};

export interface StreamLine {
  command: string;
  run: string;
  /**
   * Names bash reported not found in the command's recorded output (`finish: command not found`),
   * when the extractor records them: the run's sandbox's answer, given to the policy as the
   * lookup drydock's toolbox makes before a command runs (`engine.commandNames`, `programs`).
   */
  missing?: string[];
}
export interface StreamRun {
  agent: string;
  model: string;
  source: string;
  workspace?: string;
  licence?: string | null;
}
export interface Stream {
  lines: StreamLine[];
  runs: Record<string, StreamRun>;
}

export function readStream(dir: URL | string): Stream {
  const base = typeof dir === 'string' ? `${dir.replace(/\/$/, '')}/` : dir;
  const read = (f: string) => readFileSync(typeof base === 'string' ? base + f : new URL(f, base), 'utf8');
  return {
    lines: read('commands.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StreamLine),
    runs: JSON.parse(read('runs.json')) as Record<string, StreamRun>,
  };
}

export interface StreamResult {
  total: number;
  allowed: number;
  pct: number;
  /** Refusals by rule, counted as often as agents ran the command. */
  refused: Map<string, number>;
  /** Per agent and model: [allowed, total]. */
  pairs: Map<string, [number, number]>;
  summary: string;
}

/** Decides each distinct command once per workspace (unattended), counted as often as agents ran it. */
export async function measureStream(
  stream: Stream,
  options: { budgetMs?: number } = {},
): Promise<StreamResult> {
  const engines = new Map<string, PolicyEngine>();
  const decided = new Map<string, { allow: boolean; rule: string }>();
  const refused = new Map<string, number>();
  const pairs = new Map<string, [number, number]>();
  let allowed = 0;
  for (const { command, run, missing } of stream.lines) {
    const info = stream.runs[run]!;
    const ws = info.workspace ?? '/testbed';
    let engine = engines.get(ws);
    if (!engine) {
      engine = await PolicyEngine.create({
        unattended: true,
        workspace: { workspace: ws },
        budgetMs: options.budgetMs,
        // On the calling thread with the CPU-time limit (as before the decision thread): the
        // thread's wall-clock wait would make the rate depend on how busy the machine is (the
        // 36 commands over 4,096 characters of the first stream are decided in 1–5 ms of CPU).
        offloadFrom: Infinity,
      });
      engines.set(ws, engine);
    }
    const key = `${ws}\0${command}\0${missing?.join(' ') ?? ''}`;
    let d = decided.get(key);
    if (!d) {
      const names = missing ? engine.commandNames(command) : [];
      const r = engine.decide({
        kind: 'shell',
        command,
        ...(names.length
          ? { programs: Object.fromEntries(names.map((n) => [n, !missing!.includes(n)])) }
          : {}),
      });
      d = { allow: r.decision === 'allow', rule: r.rule };
      decided.set(key, d);
    }
    const pair = `${info.agent} + ${info.model.replace(/^@/, '')}`;
    const p = pairs.get(pair) ?? [0, 0];
    p[1]++;
    if (d.allow) {
      allowed++;
      p[0]++;
    } else refused.set(d.rule, (refused.get(d.rule) ?? 0) + 1);
    pairs.set(pair, p);
  }
  const total = stream.lines.length;
  const pct = (100 * allowed) / total;
  const summary = `allowed ${allowed}/${total} (${pct.toFixed(2)}%); ${[...pairs]
    .map(([k, [a, n]]) => `${k} ${a}/${n}`)
    .join(', ')}; refused by ${[...refused]
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ')}`;
  return { total, allowed, pct, refused, pairs, summary };
}
