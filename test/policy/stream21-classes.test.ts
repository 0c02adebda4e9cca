import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * The class stream 21 found wrongly refused (Crush on developers' own projects, measured in
 * test/policy/agent-stream-21.test.ts): the QMK keyboard-firmware CLI had no rule, so a developer's
 * own qmk_firmware checkout could not be built or listed (`qmk compile -kb keychron/q1_pro -km
 * default`, `qmk list-keyboards | grep q1_pro`, `qmk new-keymap …`: 44 of its commands asked as a
 * program no rule covers). It now has a spec (policies/programs.yaml) written from the CLI's source
 * (qmk_cli's helpers.py, qmk_firmware's lib/python/qmk/cli): the tree's own build, listings, checks
 * and a new keymap in it are the project's work; flashing, the console, setup, clone, config, doctor,
 * userspace and a make variable given on the line ask. The spellings below are not the stream's.
 */
describe('qmk', () => {
  const { expectAll } = probeEngine();

  it('builds, lists, describes and checks the qmk_firmware tree, and adds a keymap to it', () => {
    expectAll(
      [
        'qmk compile -kb planck/rev6 -km default',
        'qmk compile --keyboard crkbd/rev1 --keymap via -j 8',
        'qmk compile -kb preonic/rev3 -km default --clean --dry-run',
        'qmk compile -kb ergodox_ez -km default --compiledb',
        'qmk compile --parallel 4 my_keymap.json',
        'qmk -v compile -kb dz60 -km default',
        'qmk list-keyboards',
        'qmk list-keyboards | grep -i planck',
        'qmk list-keymaps -kb planck/rev6',
        'qmk info -kb planck/rev6 -km default --layouts --matrix',
        'qmk info --keyboard crkbd/rev1 -f json',
        'qmk lint -kb planck/rev6 --strict',
        'qmk lint --all-kb',
        'qmk new-keymap -kb dz60 -km mine',
        'qmk new-keymap --keyboard crkbd/rev1 --keymap mine --skip-converter',
        'qmk --version',
        'qmk compile --help',
        'qmk --log-file build/qmk.log compile -kb dz60 -km default',
      ],
      'allow',
    );
  });

  it('asks for flashing, the console, setup, configuration and make variables given on the line', () => {
    expectAll(
      [
        'qmk flash -kb planck/rev6 -km default',
        'qmk flash -kb crkbd/rev1 -km via -bl dfu-util',
        'qmk console',
        'qmk setup -y',
        'qmk clone someone/qmk_firmware',
        'qmk config user.qmk_home=/srv/other_qmk',
        'qmk config compile.keyboard=planck/rev6',
        'qmk doctor -y',
        'qmk userspace-add -kb planck/rev6 -km mine',
        'qmk compile -kb planck/rev6 -km default -e CC=/srv/cc',
        'qmk compile -kb planck/rev6 -km default --env SHELL=/srv/sh',
        'qmk --config-file /srv/qmk.ini compile -kb planck/rev6 -km default',
        'qmk --log-file /etc/qmk.log list-keyboards',
        'qmk generate-rules-mk -kb planck/rev6 -o rules.mk',
      ],
      'refused',
    );
  });
});
